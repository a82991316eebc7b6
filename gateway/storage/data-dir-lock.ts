import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Who holds a data directory, as the holder wrote it beside the lock. */
export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `${dataDir} is in use by process ${holder.pid} on ${holder.host} (started ${holder.started_at}); one gateway per data directory — stop it first, or give this one its own VOUCH_DATA_DIR`
        : `${dataDir} is in use by another gateway process; one gateway per data directory`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly holder: LockHolder;
  release(): void;
}

const LOCK_FILE = 'vouch.lock';
const HOLDER_FILE = 'vouch.lock.holder';

/**
 * Takes the data directory for this process: one writer per directory. The lock is an OS file lock
 * (SQLite's POSIX advisory lock on `vouch.lock`, taken EXCLUSIVE and kept for the connection's life with
 * `locking_mode=EXCLUSIVE`), so it goes when the process goes — a crash or SIGKILL leaves no stale lock to
 * clean up, unlike a PID file. Who holds it is written beside it (`vouch.lock.holder`) for the refusal
 * message; that file is information only, the lock is the lock.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const holderFile = path.join(dataDir, HOLDER_FILE);
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of after better-sqlite3's 5 s default.
  const db = new Database(file, { timeout: 0 });
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), started_at: new Date().toISOString() };
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, started_at TEXT NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, host, started_at) VALUES (?, ?, ?)').run(holder.pid, holder.host, holder.started_at);
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new DataDirLockedError(dataDir, readHolder(holderFile));
    throw err;
  }
  const tmp = `${holderFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, holderFile);
  let released = false;
  return {
    holder,
    release() {
      if (released) return;
      released = true;
      try {
        fs.rmSync(holderFile, { force: true });
      } finally {
        db.close();
      }
    },
  };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}
