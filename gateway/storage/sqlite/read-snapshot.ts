import type Database from 'better-sqlite3';
import type { Db } from './database.js';

/**
 * One read transaction per turn of the event loop on the reader connection. In WAL mode every
 * statement outside a transaction opens and closes its own read transaction (a lock on the shared WAL
 * index each time); a quote's seven look-ups cost about twice what they cost inside one transaction.
 * The snapshot opens at the first read of a turn and closes when the turn ends (setImmediate) — and at
 * once whenever this process commits a write, so anything answered after a COMMIT is read by the next
 * request. A write committed by another process (the CLI) is seen from the next turn on.
 */
export class ReadSnapshot {
  private open = false;
  private generationValue = 0;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;

  constructor(private readonly db: Db) {
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  /** Changes whenever the snapshot does: memos of what was read are valid for one generation. */
  get generation(): number {
    return this.generationValue;
  }

  /** Called before every read on the connection. */
  enter(): void {
    if (this.open || !this.db.open) return;
    this.begin.run();
    this.open = true;
    setImmediate(this.release);
  }

  /** Ends the snapshot; the next read starts a fresh one. */
  readonly release = (): void => {
    if (!this.open) return;
    this.open = false;
    this.generationValue++;
    if (this.db.open && this.db.inTransaction) this.commit.run();
  };
}
