import type { Async } from '../async.js';
import type { OutboxRepository, OutboxRow } from '../outbox.js';
import type { Sql } from './sql.js';

/** The outbox on PostgreSQL: the same audit_outbox the log sequencer (log-sequencer.ts) drains. */
export class PostgresOutboxRepository implements Async<OutboxRepository> {
  constructor(private readonly sql: Sql) {}

  async add(eventId: string, event: string): Promise<void> {
    // The notification is delivered at COMMIT, with the row: it wakes the sequencer instead of its next poll.
    await this.sql.query("WITH e AS (INSERT INTO audit_outbox (event_id, event) VALUES ($1, $2)) SELECT pg_notify('vouch_outbox', '')", [eventId, event]);
  }
  async oldest(limit: number): Promise<OutboxRow[]> {
    return (await this.sql.query<OutboxRow>('SELECT event_id, event FROM audit_outbox ORDER BY seq LIMIT $1', [limit])).rows;
  }
  async remove(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.sql.query('DELETE FROM audit_outbox WHERE event_id = ANY($1::text[])', [eventIds]);
  }
  async depth(): Promise<number> {
    return (await this.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM audit_outbox')).rows[0]!.n;
  }
}
