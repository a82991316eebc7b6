import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

/** One schema step. Versions are dense from 1; a step never changes once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** PRAGMA synchronous values (https://www.sqlite.org/pragma.html#pragma_synchronous). */
const SYNCHRONOUS_FULL = 2;

/**
 * Opens a SQLite database for durable use: WAL journal, `synchronous=FULL` asserted on every open
 * (a reopened WAL database otherwise falls back to the compile-time default, NORMAL on many builds,
 * and an fsync-less commit is not "acknowledged means durable"), foreign keys on, then migrations.
 */
export function openDatabase(file: string, migrations: readonly Migration[], options: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file, { readonly: options.readonly ?? false });
  try {
    if (!options.readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (file !== ':memory:' && String(mode).toLowerCase() !== 'wal') {
        throw new Error(`could not put ${path.basename(file)} in WAL mode (got ${String(mode)})`);
      }
    }
    db.pragma('synchronous = FULL');
    assertSynchronousFull(db);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // The default 2 MB page cache makes every look-up in a multi-GB file a chain of pread calls (quote
    // throughput halved from 10^4 to 10^6 records in the benchmark); a larger cache and memory-mapped
    // reads keep index pages a pointer away. Durability is unaffected (writes still go through the WAL).
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 4294967296');
    if (!options.readonly) migrate(db, migrations);
    if (file !== ':memory:') tightenPermissions(file);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Throws unless the connection commits with fsync (synchronous=FULL). */
export function assertSynchronousFull(db: Db): void {
  const level = db.pragma('synchronous', { simple: true });
  if (level !== SYNCHRONOUS_FULL) {
    throw new Error(`SQLite synchronous is ${String(level)}, expected FULL (2): refusing to run without durable commits`);
  }
}

function tightenPermissions(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch {
      // -wal / -shm appear lazily; they inherit the umask-restricted directory.
    }
  }
}

/** Applies the migrations above `PRAGMA user_version`, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this build knows (${migrations.length})`);
  }
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/**
 * A consistent copy of a database file as of one committed state (`VACUUM INTO`, one read transaction on a
 * read-only connection): safe while a gateway writes it, and the copy holds no WAL to lose.
 */
export function snapshotDatabase(source: string, target: string): void {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
  const fd = fs.openSync(target, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
