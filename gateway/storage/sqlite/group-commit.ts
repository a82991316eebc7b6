import type { CommitObserver } from '../storage.js';
import type { Db } from './database.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  value: unknown;
}

/**
 * Group commit over one SQLite connection (DESIGN.md: ~5k single-row fsyncs/s, ~83k rows/s in
 * batches). Each unit of work runs synchronously inside a SAVEPOINT of the batch's open transaction, so
 * it sees the writes of earlier units and a failing unit rolls back alone; the promise of every unit in
 * a batch settles only after the batch's COMMIT — with synchronous=FULL, after its fsync. Nobody is
 * answered before their write is durable, and one fsync serves everyone who arrived meanwhile.
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private open = false;
  private timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly options: { maxDelayMs: number; maxBatch: number; beforeCommit?: () => void; observer?: CommitObserver } = { maxDelayMs: 0, maxBatch: 512 },
  ) {}

  /** Runs `work` in the current batch; resolves with its result once the batch is committed. */
  submit<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    if (!this.open) {
      try {
        this.db.exec('BEGIN IMMEDIATE');
      } catch (err) {
        return Promise.reject(err);
      }
      this.open = true;
      this.timer = this.options.maxDelayMs > 0 ? setTimeout(() => this.flush(), this.options.maxDelayMs) : setImmediate(() => this.flush());
    }
    try {
      this.db.exec('SAVEPOINT unit');
    } catch (err) {
      this.abandon(err);
      return Promise.reject(err);
    }
    let value: T;
    try {
      value = work();
      this.db.exec('RELEASE unit');
    } catch (err) {
      if (!this.db.inTransaction) {
        // SQLite rolled the whole transaction back itself (SQLITE_FULL, SQLITE_IOERR, …): the earlier
        // units of this batch are gone too, so they fail with the same cause — nobody is told "done".
        this.abandon(err);
        return Promise.reject(err);
      }
      try {
        this.db.exec('ROLLBACK TO unit');
        this.db.exec('RELEASE unit');
      } catch (rollbackErr) {
        this.abandon(rollbackErr);
        return Promise.reject(err);
      }
      if (this.pending.length === 0) this.flush();
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (v: unknown) => void, reject, value });
      if (this.pending.length >= this.options.maxBatch) this.flush();
    });
  }

  /** Commits the open batch now and settles its promises. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    if (!this.open) return;
    const batch = this.pending;
    this.pending = [];
    this.open = false;
    const started = performance.now();
    try {
      this.options.beforeCommit?.();
      this.db.exec('COMMIT');
    } catch (err) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // already rolled back by SQLite
      }
      this.options.observer?.failed();
      for (const p of batch) p.reject(err);
      return;
    }
    this.options.observer?.committed(batch.length, (performance.now() - started) / 1000);
    for (const p of batch) p.resolve(p.value);
  }

  /** The open batch cannot commit: roll back what is left and fail every unit in it. */
  private abandon(err: unknown): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    const batch = this.pending;
    this.pending = [];
    this.open = false;
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      // already rolled back by SQLite
    }
    this.options.observer?.failed();
    for (const p of batch) p.reject(err);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
