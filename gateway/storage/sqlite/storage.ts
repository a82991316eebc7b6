import fs from 'node:fs';
import path from 'node:path';
import { IntegrityError, KEYS_FINGERPRINT, mustKeepFingerprint } from '../integrity.js';
import type { LogStore } from '../log-store.js';
import { hasRoom, type SqliteStore, type StoreOptions } from '../storage.js';
import { AUDIT_MIGRATIONS } from './audit-schema.js';
import { openDatabase, type Db, type Migration } from './database.js';
import { GroupCommitter } from './group-commit.js';
import { checkDataDir, getMeta, setMeta } from './integrity.js';
import { SqliteLogStore } from './log-store.js';
import { MAIN_MIGRATIONS } from './main-schema.js';
import { ReadSnapshot } from './read-snapshot.js';
import { promisedRepositories, SqliteRepositories } from './repositories.js';

const MAIN_FILE = 'vouch.db';
const LOG_FILE = 'audit.db';

/**
 * The embedded store: `vouch.db` with committed reads on one connection and group-committed writes on
 * another (WAL lets readers see only committed data), and the access log in `audit.db`.
 */
export function openSqliteStorage(dataDir: string, options: StoreOptions): SqliteStore {
  const held = filesHoldData(dataDir);
  const mainFile = path.join(dataDir, MAIN_FILE);
  const mainDb = openChecked(mainFile, MAIN_MIGRATIONS);
  const readerDb = openChecked(mainFile, MAIN_MIGRATIONS, { readonly: true });
  const auditDb = openChecked(path.join(dataDir, LOG_FILE), AUDIT_MIGRATIONS);
  const writer = promisedRepositories(new SqliteRepositories(mainDb));
  let healthy = true;
  const snapshot = new ReadSnapshot(readerDb);
  // The reader's snapshot ends at each COMMIT (just before it, which also lets the checkpoint run past
  // it), so whoever is answered after a commit is read against what it committed.
  const committer = new GroupCommitter(mainDb, {
    maxDelayMs: options.groupCommitMaxDelayMs, maxBatch: 1024, beforeCommit: snapshot.release,
    observer: {
      committed(units, seconds) {
        healthy = true;
        options.observer?.committed(units, seconds);
      },
      failed() {
        healthy = false;
        options.observer?.failed();
      },
    },
  });
  const log = new SqliteLogStore(auditDb);
  return {
    kind: 'sqlite',
    get healthy() {
      return healthy;
    },
    recheck() {
      if (!healthy && hasRoom(dataDir)) healthy = true;
      return healthy;
    },
    read: promisedRepositories(new SqliteRepositories(readerDb, snapshot)),
    write: (work) => committer.submit(() => work(writer)),
    log,
    async checkIntegrity(keptHeadFile) {
      checkDataDir(mainDb, auditDb, keptHeadFile);
    },
    holdsData: async () => held,
    async bindKeys(fingerprint) {
      if (mustKeepFingerprint(getMeta(mainDb, KEYS_FINGERPRINT), fingerprint)) setMeta(mainDb, KEYS_FINGERPRINT, fingerprint);
    },
    async close() {
      committer.close();
      snapshot.release();
      readerDb.close();
      mainDb.close();
      auditDb.close();
    },
  };
}

/** `audit.db` on a connection of its own (the log writer thread's, or a read-only one for verification). */
export function openSqliteLogStore(dataDir: string, options: { readonly?: boolean }): LogStore {
  return new SqliteLogStore(openDatabase(path.join(dataDir, LOG_FILE), AUDIT_MIGRATIONS, options), true);
}

/** True when a database file already holds something (looked at before opening creates them). */
function filesHoldData(dataDir: string): boolean {
  return [MAIN_FILE, LOG_FILE].some((f) => {
    try {
      return fs.statSync(path.join(dataDir, f)).size > 0;
    } catch {
      return false;
    }
  });
}

/** Opens a database file; one SQLite cannot read at all (garbage, another format) stops the start clearly. */
function openChecked(file: string, migrations: readonly Migration[], options: { readonly?: boolean } = {}): Db {
  try {
    return openDatabase(file, migrations, options);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new IntegrityError(`${path.basename(file)} is not a readable SQLite database (${code}): it is damaged — restore the data directory from a backup (docs/operations.md)`);
    }
    throw err;
  }
}
