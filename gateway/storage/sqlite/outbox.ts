import type { OutboxRepository, OutboxRow } from '../outbox.js';
import type { Statements } from './statements.js';

export class SqliteOutboxRepository implements OutboxRepository {
  constructor(private readonly st: Statements) {}

  add(eventId: string, event: string): void {
    this.st.get('INSERT INTO audit_outbox (event_id, event) VALUES (?, ?)').run(eventId, event);
  }
  oldest(limit: number): OutboxRow[] {
    return this.st.get('SELECT event_id, event FROM audit_outbox ORDER BY seq LIMIT ?').all(limit) as OutboxRow[];
  }
  remove(eventIds: readonly string[]): void {
    const del = this.st.get('DELETE FROM audit_outbox WHERE event_id = ?');
    for (const id of eventIds) del.run(id);
  }
  depth(): number {
    return this.st.get('SELECT COUNT(*) FROM audit_outbox').pluck().get() as number;
  }
}
