/**
 * Access-log events committed with the state change they record, waiting to be appended to the log
 * (services/access-log/journal.ts): the outbox lives in the state store so both commit together.
 */
export interface OutboxRow {
  event_id: string;
  /** The event as JSON. */
  event: string;
}

export interface OutboxRepository {
  add(eventId: string, event: string): void;
  /** The oldest events waiting, in the order they were added. */
  oldest(limit: number): OutboxRow[];
  remove(eventIds: readonly string[]): void;
  /** Events committed with their state change but not yet in the access log (a metric: should stay near 0). */
  depth(): number;
}
