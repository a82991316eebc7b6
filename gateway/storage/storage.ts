import fs from 'node:fs';
import path from 'node:path';
import { GroupCommitter, type CommitObserver } from './sqlite/group-commit.js';
import { SqliteRepositories, type Repositories } from './repositories.js';
import { AUDIT_MIGRATIONS, MAIN_MIGRATIONS } from './sqlite/schema.js';
import { openDatabase, type Db, type Migration } from './sqlite/database.js';
import { IntegrityError } from './integrity.js';
import { ReadSnapshot } from './sqlite/read-snapshot.js';

/**
 * The gateway's storage: committed reads on one connection, group-committed writes on another (WAL lets
 * readers see only committed data, so nobody reads what a crash could still take back), and the access
 * log in its own file. Chosen by configuration; `sqlite:` is the embedded default.
 */
export interface Storage {
  /** Reads of committed state. */
  readonly read: Repositories;
  /** Runs `work` against the writer in the current group-commit batch; resolves after COMMIT. */
  write<T>(work: (tx: Repositories) => T): Promise<T>;
  /** The access log's database. */
  readonly auditDb: Db;
  /** False since a state commit failed (disk full, I/O error) until one succeeds or {@link recheck} finds space. */
  readonly healthy: boolean;
  /** After a failure: true (and healthy again) when the data directory has room for writes once more. */
  recheck(): boolean;
  /** The main database's writer connection (maintenance commands run their own transactions on it). */
  readonly mainDb: Db;
  close(): void;
}

export function openStorage(dataDir: string, options: { groupCommitMaxDelayMs: number; observer?: CommitObserver }): Storage {
  const mainFile = path.join(dataDir, 'vouch.db');
  const mainDb = openChecked(mainFile, MAIN_MIGRATIONS);
  const readerDb = openChecked(mainFile, MAIN_MIGRATIONS, { readonly: true });
  const auditDb = openChecked(path.join(dataDir, 'audit.db'), AUDIT_MIGRATIONS);
  const writer = new SqliteRepositories(mainDb);
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
  return {
    get healthy() {
      return healthy;
    },
    recheck() {
      if (!healthy && hasRoom(dataDir)) healthy = true;
      return healthy;
    },
    read: new SqliteRepositories(readerDb, snapshot),
    write: (work) => committer.submit(() => work(writer)),
    auditDb,
    mainDb,
    close() {
      committer.close();
      snapshot.release();
      readerDb.close();
      mainDb.close();
      auditDb.close();
    },
  };
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

/** Room for writes again: at least 8 MiB free for unprivileged writers on the data directory's file system. */
export function hasRoom(dataDir: string): boolean {
  try {
    const s = fs.statfsSync(dataDir);
    return s.bavail * s.bsize >= 8 * 1024 * 1024;
  } catch {
    return false;
  }
}
