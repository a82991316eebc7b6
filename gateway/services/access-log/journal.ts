import type { AuditEvent } from '../../domain/audit-events.js';
import { VouchError } from '../../errors.js';
import type { Repositories } from '../../storage/repositories.js';
import type { Storage } from '../../storage/storage.js';
import type { LogService } from './access-log.js';
import type { Receipt, ReceiptBody } from './receipts.js';

/** What a unit of work hands the journal: its result, the events recording it, and receipts to sign. */
export interface Change<T> {
  value: T;
  events: AuditEvent[];
  receipts?: (ReceiptBody | undefined)[];
}

/**
 * Couples state changes to the access log without losing either. A change and its events commit in one
 * main-database transaction (the events into the outbox); then the events are appended to the log and
 * the caller is answered only once they are durable there too. A crash in between leaves the events in
 * the outbox, and {@link Journal.drainOutbox} (at start-up and on a timer) appends them — appends are
 * idempotent by event id — so every acknowledged change has its leaf. Services write to the access
 * log only through here.
 */
export class Journal {
  constructor(
    private readonly storage: Storage,
    private readonly log: LogService,
    private readonly onBackgroundError: (err: unknown) => void,
    /** false in the CLI: another process (the server) owns the log; events wait in the outbox for it. */
    private readonly appendsToLog = true,
  ) {}

  /**
   * Commits `work`'s state change with its events, then waits for the events' leaves. An event may come
   * with the receipt of the answer it records (`receipts[i]` for `events[i]`): the log signs it with the
   * leaf index it assigns, off the event loop, and it is returned in `receipts[i]`.
   */
  async change<T>(
    work: (tx: Repositories) => Change<T> | Promise<Change<T>>,
  ): Promise<{ value: T; leaves: number[]; receipts: (Receipt | undefined)[] }> {
    const { value, events, receipts: bodies } = await this.storage.write(async (tx) => {
      const r = await work(tx);
      for (const e of r.events) await tx.outbox.add(e.event_id, JSON.stringify(e));
      return r;
    });
    if (!this.appendsToLog) return { value, leaves: [], receipts: [] };
    const appended = await this.appendCommitted(events, bodies);
    // A log that takes its events from the outbox removes them itself, as it appends them.
    if (events.length && !this.log.committed) this.forget(events.map((e) => e.event_id));
    return { value, leaves: appended.map((a) => a.leaf), receipts: appended.map((a) => a.receipt) };
  }

  /**
   * The leaves of a change already committed. If the log cannot take them now the change is not undone
   * (its events wait in the outbox and are appended when the log recovers), so the caller must not be
   * told "nothing changed" (STORAGE_UNAVAILABLE): it is told the log is unavailable and the change kept.
   */
  private async appendCommitted(events: AuditEvent[], bodies: (ReceiptBody | undefined)[] | undefined): Promise<{ leaf: number; receipt: Receipt | undefined }[]> {
    try {
      if (this.log.committed) return events.length ? await this.log.committed(events, bodies) : [];
      return await this.appendAll(events, bodies);
    } catch (err) {
      throw new VouchError('LOG_UNAVAILABLE', 'The change itself was saved and its access-log entry is appended when the log can be written again; read before retrying.', { cause: err });
    }
  }

  private appendAll(events: AuditEvent[], bodies: (ReceiptBody | undefined)[] | undefined): Promise<{ leaf: number; receipt: Receipt | undefined }[]> {
    return Promise.all(
      events.map(async (e, i) => {
        const body = bodies?.[i];
        if (!body) return { leaf: await this.log.append(e), receipt: undefined };
        const receipt = await this.log.appendWithReceipt(e, body);
        return { leaf: receipt.leaf_index, receipt };
      }),
    );
  }

  /**
   * Logs an event that accompanies no state change (a query, a refusal), or appends again the event of a
   * change already committed (idempotent by event id); resolves with its leaf index.
   */
  record(event: AuditEvent): Promise<number> {
    return this.log.append(event);
  }

  /**
   * Logs an answer's event and resolves, once it is durable, with the answer's receipt naming its leaf
   * (an event already in the log keeps its leaf: a replayed answer gets its receipt signed the same way).
   */
  recordAnswer(event: AuditEvent, receipt: ReceiptBody): Promise<Receipt> {
    return this.log.appendWithReceipt(event, receipt);
  }

  private forget(ids: string[]): void {
    this.storage.write((tx) => tx.outbox.remove(ids)).catch(this.onBackgroundError);
  }

  /** Appends whatever the outbox still holds (after a crash, or events written by the CLI). */
  async drainOutbox(): Promise<number> {
    // PostgreSQL's sequencer drains the shared outbox itself, for every process.
    if (this.log.committed) return 0;
    let total = 0;
    for (;;) {
      const rows = await this.storage.read.outbox.oldest(500);
      if (!rows.length) return total;
      await Promise.all(rows.map((r) => this.log.append(JSON.parse(r.event) as AuditEvent)));
      await this.storage.write((tx) => tx.outbox.remove(rows.map((r) => r.event_id)));
      total += rows.length;
    }
  }
}
