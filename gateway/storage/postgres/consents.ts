import type { Purpose } from '../../domain/consent.js';
import type { Async } from '../async.js';
import type { ConsentEventRow, ConsentRepository, ConsentRow } from '../consents.js';
import type { Sql } from './sql.js';

type Row = Record<string, unknown>;

/** purposes and providers are JSON text, as in SQLite. */
const toConsent = (r: Row): ConsentRow => ({
  ...(r as unknown as ConsentRow),
  purposes: JSON.parse(r.purposes as string) as Purpose[],
  providers: r.providers === null ? null : (JSON.parse(r.providers as string) as string[]),
});

export class PostgresConsentRepository implements Async<ConsentRepository> {
  constructor(private readonly sql: Sql) {}

  async insert(c: ConsentRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO consents (consent_id, version, subject, grantee, purposes, providers, valid_from, valid_until,
         max_queries_per_day, status, recorded_by, recorded_by_role, evidence_digest, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        c.consent_id, c.version, c.subject, c.grantee, JSON.stringify(c.purposes), c.providers === null ? null : JSON.stringify(c.providers),
        c.valid_from, c.valid_until, c.max_queries_per_day, c.status, c.recorded_by, c.recorded_by_role, c.evidence_digest, c.created_at, c.updated_at,
      ],
    );
  }
  async updateStatus(id: string, version: number, status: ConsentRow['status'], at: number): Promise<void> {
    await this.sql.query('UPDATE consents SET status = $1, version = $2, updated_at = $3 WHERE consent_id = $4', [status, version, at, id]);
  }
  async get(id: string): Promise<ConsentRow | undefined> {
    const r = (await this.sql.query('SELECT * FROM consents WHERE consent_id = $1', [id])).rows[0];
    return r && toConsent(r);
  }
  async of(subject: string, grantee?: string): Promise<ConsentRow[]> {
    const r = grantee === undefined
      ? await this.sql.query('SELECT * FROM consents WHERE subject = $1 ORDER BY created_at, consent_id COLLATE "C"', [subject])
      : await this.sql.query('SELECT * FROM consents WHERE subject = $1 AND grantee = $2 ORDER BY created_at, consent_id COLLATE "C"', [subject, grantee]);
    return r.rows.map(toConsent);
  }
  async grantedTo(grantee: string, limit: number): Promise<ConsentRow[]> {
    const r = await this.sql.query('SELECT * FROM consents WHERE grantee = $1 ORDER BY created_at DESC, consent_id COLLATE "C" LIMIT $2', [grantee, limit]);
    return r.rows.map(toConsent);
  }
  async appendEvent(e: ConsentEventRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO consent_events (consent_id, version, kind, at, actor, actor_role, snapshot_digest)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.consent_id, e.version, e.kind, e.at, e.actor, e.actor_role, e.snapshot_digest],
    );
  }
  async countUse(consentId: string, day: string): Promise<number> {
    // One statement: two processes counting the same day each get their own count (the row lock orders them).
    const r = await this.sql.query<{ count: number }>(
      `INSERT INTO consent_usage (consent_id, day, count) VALUES ($1, $2, 1)
       ON CONFLICT (consent_id, day) DO UPDATE SET count = consent_usage.count + 1 RETURNING count`,
      [consentId, day],
    );
    return r.rows[0]!.count;
  }
}
