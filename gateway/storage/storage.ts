import fs from 'node:fs';
import type pg from 'pg';
import type { Config } from '../config.js';
import type { LogStore } from './log-store.js';
import { openPostgres } from './postgres/database.js';
import { PostgresLogStore } from './postgres/log-store.js';
import { openPostgresStore } from './postgres/storage.js';
import type { Repositories } from './repositories.js';
import { openSqliteLogStore, openSqliteStorage } from './sqlite/storage.js';

/** Where the gateway's data lives, as configured (`VOUCH_DATA_DIR`, `VOUCH_DATABASE_URL`); plain data, so a thread can be handed it. */
export type StoreLocation = Pick<Config, 'storage' | 'dataDir'> & { databaseUrl?: string | undefined };

/** Told about every batch (metrics): how many units it held and how long its COMMIT (the fsync) took. */
export interface CommitObserver {
  committed(units: number, seconds: number): void;
  failed(): void;
}

/** What every store offers services: committed reads, transactional writes, health. */
interface StoreBase {
  /** Reads of committed state. */
  readonly read: Repositories;
  /**
   * Runs `work` as one unit of work against the writer; resolves after COMMIT. Units on the same
   * patient take turns when they call `tx.policies.serialiseSubject` first.
   */
  write<T>(work: (tx: Repositories) => T | Promise<T>): Promise<T>;
  /** False since a state commit failed (disk full, I/O error, database unreachable) until one succeeds. */
  readonly healthy: boolean;
  /**
   * After a failure: looks again (room on the disk; the database answering) and says what it knows now —
   * PostgreSQL's answer arrives later, so the next call tells.
   */
  recheck(): boolean;
  /**
   * The start-up checks: the stores readable and whole, the log the one this state belongs to, and no
   * shorter than the newest head kept in `keptHeadFile`. Rejects with an IntegrityError naming what to restore.
   */
  checkIntegrity(keptHeadFile: string): Promise<void>;
  /** True when the store already holds a log or parties: keys must then exist, never be made. */
  holdsData(): Promise<boolean>;
  /**
   * Binds the store to its keys: the first start keeps `fingerprint` (a keyed digest of the blind-index
   * key, which never rotates); every later start must bring the same, or is refused with an IntegrityError
   * — a process given another deployment's keys folder would sign heads no verifier accepts and match no
   * patient.
   */
  bindKeys(fingerprint: string): Promise<void>;
  close(): Promise<void>;
}

/** The embedded store: the access log in a file of its own, appended by this process. */
export interface SqliteStore extends StoreBase {
  readonly kind: 'sqlite';
  /** The access log's store on this thread (reads; appends too where no writer thread owns them). */
  readonly log: LogStore;
}

/** PostgreSQL: state and access log in one database shared by every process (issue 17). */
export interface PostgresStore extends StoreBase {
  readonly kind: 'postgres';
  /** The pool under the state repositories; the access log reads and enqueues on it too. */
  readonly pool: pg.Pool;
  /** A connection of its own (the log sequencer's lock and LISTEN sessions). */
  connect(): pg.Client;
}

/**
 * The gateway's storage: committed reads through one set of repositories, writes in units of work
 * through another (nobody reads what a crash could still take back), and the access log. Services see
 * only these interfaces; the implementation is chosen by configuration ({@link openStore}).
 */
export type Storage = SqliteStore | PostgresStore;

export interface StoreOptions {
  groupCommitMaxDelayMs: number;
  observer?: CommitObserver;
  /** PostgreSQL: how long a statement may go unanswered before it fails (default 10 s). */
  databaseTimeoutMs?: number;
}

/** Opens the configured store: SQLite files under the data directory, or PostgreSQL at `VOUCH_DATABASE_URL`. */
export async function openStore(location: StoreLocation, options: StoreOptions): Promise<Storage> {
  switch (location.storage) {
    case 'sqlite':
      return openSqliteStorage(location.dataDir, options);
    case 'postgres':
      return openPostgresStore(location.databaseUrl!, options);
  }
}

/**
 * A connection of its own to the embedded access log's store: the log writer thread's (it alone
 * appends), or a read-only one for `vouch audit verify`. Closing the store closes the connection.
 */
export function openLogStore(location: StoreLocation, options: { readonly?: boolean } = {}): LogStore {
  if (location.storage !== 'sqlite') throw new Error('the access log has a file of its own only with the embedded store');
  return openSqliteLogStore(location.dataDir, options);
}

/** The shared access log's store on PostgreSQL, on a small pool of its own (`vouch audit verify`). */
export async function openSharedLogStore(location: StoreLocation): Promise<{ store: PostgresLogStore; close(): Promise<void> }> {
  if (location.storage !== 'postgres') throw new Error('the access log is shared only on PostgreSQL');
  const pool = await openPostgres(location.databaseUrl!, { max: 2 });
  return { store: new PostgresLogStore(pool), close: () => pool.end() };
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
