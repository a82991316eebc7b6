import fs from 'node:fs';
import type { Config } from '../config.js';
import type { LogStore } from './log-store.js';
import type { Repositories } from './repositories.js';
import { openSqliteLogStore, openSqliteStorage } from './sqlite/storage.js';

/** Where the gateway's data lives, as configured (`VOUCH_STORAGE`, `VOUCH_DATA_DIR`); plain data, so a thread can be handed it. */
export type StoreLocation = Pick<Config, 'storage' | 'dataDir'>;

/** Told about every batch (metrics): how many units it held and how long its COMMIT (the fsync) took. */
export interface CommitObserver {
  committed(units: number, seconds: number): void;
  failed(): void;
}

/**
 * The gateway's storage: committed reads through one set of repositories, group-committed writes through
 * another (nobody reads what a crash could still take back), and the access log in a store of its own.
 * Services see only these interfaces; the implementation is chosen by configuration ({@link openStore}).
 * Methods are synchronous: the embedded store answers in microseconds, and a unit of work must not
 * yield inside its transaction.
 */
export interface Storage {
  /** Reads of committed state. */
  readonly read: Repositories;
  /** Runs `work` against the writer in the current group-commit batch; resolves after COMMIT. */
  write<T>(work: (tx: Repositories) => T): Promise<T>;
  /** The access log's store on this thread (reads; appends too where no writer thread owns them). */
  readonly log: LogStore;
  /** False since a state commit failed (disk full, I/O error) until one succeeds or {@link recheck} finds space. */
  readonly healthy: boolean;
  /** After a failure: true (and healthy again) when the data directory has room for writes once more. */
  recheck(): boolean;
  /**
   * The start-up checks: both stores readable and whole, the log the one this state belongs to, and no
   * shorter than the newest head kept in `keptHeadFile`. Throws an IntegrityError naming what to restore.
   */
  checkIntegrity(keptHeadFile: string): void;
  close(): void;
}

export interface StoreOptions {
  groupCommitMaxDelayMs: number;
  observer?: CommitObserver;
}

/** Opens the configured store (`sqlite:` is the one this build ships; a server database adds a case here). */
export function openStore(location: StoreLocation, options: StoreOptions): Storage {
  switch (location.storage) {
    case 'sqlite':
      return openSqliteStorage(location.dataDir, options);
  }
}

/**
 * A connection of its own to the access log's store: the log writer thread's (it alone appends), or a
 * read-only one for `vouch audit verify`. Closing the store closes the connection.
 */
export function openLogStore(location: StoreLocation, options: { readonly?: boolean } = {}): LogStore {
  switch (location.storage) {
    case 'sqlite':
      return openSqliteLogStore(location.dataDir, options);
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
