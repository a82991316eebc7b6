import type { CommitObserver } from '../storage.js';
import type { Db } from './database.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  value: unknown;
}

/**
 * Group commit over one SQLite connection (DESIGN.md: ~5k single-row fsyncs/s, ~83k rows/s in
 * batches). Each unit of work runs inside a SAVEPOINT of the batch's open transaction, so it sees the
 * writes of earlier units and a failing unit rolls back alone; the promise of every unit in a batch
 * settles only after the batch's COMMIT — with synchronous=FULL, after its fsync. Nobody is answered
 * before their write is durable, and one fsync serves everyone who arrived meanwhile.
 *
 * Units are asynchronous (the repositories services see return promises) but take turns: a unit starts
 * only when the one before it has released its savepoint, and the batch commits only between units.
 * Over the embedded store a unit's awaits settle within the same turn of the event loop, so turns cost
 * microtasks, not waits.
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private open = false;
  private timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private closed = false;
  /** Settles when the unit now running (and every unit queued before it) has finished. */
  private turn: Promise<void> = Promise.resolve();
  private running = false;
  private flushWhenDone = false;

  constructor(
    private readonly db: Db,
    private readonly options: { maxDelayMs: number; maxBatch: number; beforeCommit?: () => void; observer?: CommitObserver } = { maxDelayMs: 0, maxBatch: 512 },
  ) {}

  /** Runs `work` in the current batch, after the units before it; resolves with its result once the batch is committed. */
  async submit<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.closed) throw new Error('storage is closed');
    const before = this.turn;
    let finished!: () => void;
    this.turn = new Promise<void>((resolve) => (finished = resolve));
    await before;
    let outcome: { committed: Promise<T> };
    try {
      this.running = true;
      outcome = await this.execute(work);
    } finally {
      this.running = false;
      if (this.flushWhenDone) this.flush();
      finished();
    }
    return outcome.committed;
  }

  /** One unit in its savepoint; what it resolves to settles when its batch commits (or fails). */
  private async execute<T>(work: () => T | Promise<T>): Promise<{ committed: Promise<T> }> {
    if (this.closed) throw new Error('storage is closed');
    if (!this.open) {
      this.db.exec('BEGIN IMMEDIATE');
      this.open = true;
      this.timer = this.options.maxDelayMs > 0 ? setTimeout(() => this.flush(), this.options.maxDelayMs) : setImmediate(() => this.flush());
    }
    try {
      this.db.exec('SAVEPOINT unit');
    } catch (err) {
      this.abandon(err);
      throw err;
    }
    let value: T;
    try {
      value = await work();
      this.db.exec('RELEASE unit');
    } catch (err) {
      this.undo(err);
      throw err;
    }
    const committed = new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (v: unknown) => void, reject, value });
    });
    if (this.pending.length >= this.options.maxBatch) this.flushWhenDone = true;
    return { committed };
  }

  /** A unit failed: roll it back alone, or — when SQLite already rolled the whole batch back — the batch with it. */
  private undo(err: unknown): void {
    if (!this.db.inTransaction) {
      // SQLite rolled the whole transaction back itself (SQLITE_FULL, SQLITE_IOERR, …): the earlier
      // units of this batch are gone too, so they fail with the same cause — nobody is told "done".
      this.abandon(err);
      return;
    }
    try {
      this.db.exec('ROLLBACK TO unit');
      this.db.exec('RELEASE unit');
    } catch (rollbackErr) {
      this.abandon(rollbackErr);
      return;
    }
    if (this.pending.length === 0) this.flushWhenDone = true;
  }

  /** Commits the open batch now (or, while a unit runs, as soon as it has finished) and settles its promises. */
  flush(): void {
    if (this.running) {
      this.flushWhenDone = true;
      return;
    }
    this.flushWhenDone = false;
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
