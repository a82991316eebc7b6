import { Worker } from 'node:worker_threads';
import { LogAppender, type SignerKey, type WriteItem, type WriteResult } from './appender.js';
import type { LogStore } from '../../storage/log-store.js';
import type { StoreLocation } from '../../storage/storage.js';

/**
 * One transaction of the log (metrics): items written (leaves and heads) and the time the write took,
 * COMMIT and its fsync included. The writer thread merges batches that arrive while it commits, so this
 * is reported once per transaction, with the first batch it answered.
 */
export interface LogCommit {
  items: number;
  seconds: number;
}

/** What a write resolves with: each item's result, the tree size after it, and the transaction's figures. */
export interface LogWriteResult {
  results: WriteResult[];
  size: number;
  commit?: LogCommit;
}

/** Where the access log's batches are written: in the order they are given, results in item order. */
export interface LogWriter {
  /** Writes one batch durably; resolves with each item's result and the tree size after it. */
  write(items: WriteItem[], signer: SignerKey): Promise<LogWriteResult>;
  close(): Promise<void>;
}

/** How many leaves one search-index transaction takes. */
export const SEARCH_INDEX_CHUNK = 2048;

/** Writes on the calling thread (tools, tests, and anywhere one blocking fsync per batch is fine). */
export class InlineLogWriter implements LogWriter {
  private readonly appender: LogAppender;

  constructor(store: LogStore) {
    this.appender = new LogAppender(store);
  }

  write(items: WriteItem[], signer: SignerKey): Promise<LogWriteResult> {
    try {
      const started = performance.now();
      const results = this.appender.write(items, signer);
      const commit = { items: items.length, seconds: (performance.now() - started) / 1000 };
      const size = this.appender.treeSize;
      // On this thread there is no idle time to wait for: keep the search index up to date as we go.
      try {
        this.appender.indexSearch(SEARCH_INDEX_CHUNK);
      } catch {
        // derived data; the next write retries and searches read unindexed leaves directly
      }
      return Promise.resolve({ results, size, commit });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Messages between the gateway and its log writer thread. */
export type ToWriter = { id: number; items: WriteItem[]; signer: SignerKey } | { id: number; close: true };
export type FromWriter =
  | { id: number; ok: true; results: WriteResult[]; size: number; commit?: LogCommit }
  | { id: number; ok: false; message: string; code?: string }
  | { ready: true; size: number }
  | { ready: false; message: string };

interface Waiter {
  resolve: (v: LogWriteResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Writes on a dedicated thread with its own connection to the log's store. Leaf hashing, the inserts, the
 * COMMIT's fsync (0.2 ms alone, several ms per loaded batch on this kind of disk; 14–19 % of the event
 * loop's time under load when it ran there) and the answers' receipt signatures (Ed25519, ~45 µs each)
 * happen off the event loop, on the other core; answers still wait for the COMMIT, so durability is
 * unchanged. Batches posted while one is being written are grouped by the thread into its next one.
 * If the thread dies, the batches it held fail (their callers get LOG_UNAVAILABLE, never an answer) and
 * the next batch starts a fresh thread, which rebuilds the tree's edge from what is on disk.
 */
export class WorkerLogWriter implements LogWriter {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly location: StoreLocation) {}

  /** Starts the thread now (the gateway does this at start-up so the first answer does not wait for it). */
  start(): Promise<void> {
    return this.ensure().then(() => undefined);
  }

  private ensure(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: { location: this.location } });
      worker.unref();
      const onStartFailure = (err: unknown) => {
        this.starting = undefined;
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      worker.once('error', onStartFailure);
      worker.once('message', (m: FromWriter) => {
        worker.off('error', onStartFailure);
        if (!('ready' in m) || !m.ready) {
          void worker.terminate();
          onStartFailure(new Error(`log writer did not start: ${'message' in m ? m.message : 'unexpected message'}`));
          return;
        }
        worker.on('message', (msg: FromWriter) => this.settle(msg));
        worker.on('error', (err) => this.lost(worker, err));
        worker.on('exit', (code) => this.lost(worker, new Error(`log writer exited with code ${code}`)));
        this.worker = worker;
        this.starting = undefined;
        resolve(worker);
      });
    });
    return this.starting;
  }

  private settle(m: FromWriter): void {
    if ('ready' in m) return;
    const w = this.waiters.get(m.id);
    if (!w) return;
    this.waiters.delete(m.id);
    if (!this.waiters.size) this.worker?.unref();
    if (m.ok) w.resolve({ results: m.results, size: m.size, ...(m.commit ? { commit: m.commit } : {}) });
    else w.reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
  }

  /** The thread is gone: everything it held fails; the next write starts a new one. */
  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const w of this.waiters.values()) w.reject(err);
    this.waiters.clear();
  }

  async write(items: WriteItem[], signer: SignerKey): Promise<LogWriteResult> {
    if (this.closed) throw new Error('the log writer is closed');
    const worker = await this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Held while a batch is out, so a process with nothing else to do still waits for its answer.
      if (!this.waiters.size) worker.ref();
      this.waiters.set(id, { resolve, reject });
      worker.postMessage({ id, items, signer } satisfies ToWriter);
    });
  }

  /** Lets the thread finish what it holds, close its connection and exit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.ref();
      worker.once('exit', () => resolve());
      worker.postMessage({ id: this.nextId++, close: true } satisfies ToWriter);
    });
  }

  /** Test hook: kills the thread as a crash would. */
  async crashForTest(): Promise<void> {
    await this.worker?.terminate();
  }
}

export type { SignerKey, WriteItem, WriteResult };
