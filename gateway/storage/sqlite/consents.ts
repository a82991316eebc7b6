import type { Purpose } from '../../domain/consent.js';
import type { ConsentEventRow, ConsentRepository, ConsentRow } from '../consents.js';
import type { Statements } from './statements.js';

type Row = Record<string, unknown>;

const toConsent = (r: Row): ConsentRow => ({
  ...(r as unknown as ConsentRow),
  purposes: JSON.parse(r.purposes as string) as Purpose[],
  providers: r.providers === null ? null : (JSON.parse(r.providers as string) as string[]),
});

export class SqliteConsentRepository implements ConsentRepository {
  constructor(private readonly st: Statements) {}

  insert(c: ConsentRow): void {
    this.st.get(
      `INSERT INTO consents (consent_id, version, subject, grantee, purposes, providers, valid_from, valid_until,
         max_queries_per_day, status, recorded_by, recorded_by_role, evidence_digest, created_at, updated_at)
       VALUES (@consent_id, @version, @subject, @grantee, @purposes, @providers, @valid_from, @valid_until,
         @max_queries_per_day, @status, @recorded_by, @recorded_by_role, @evidence_digest, @created_at, @updated_at)`,
    ).run({ ...c, purposes: JSON.stringify(c.purposes), providers: c.providers === null ? null : JSON.stringify(c.providers) });
  }
  updateStatus(id: string, version: number, status: ConsentRow['status'], at: number): void {
    this.st.get('UPDATE consents SET status = ?, version = ?, updated_at = ? WHERE consent_id = ?').run(status, version, at, id);
  }
  get(id: string): ConsentRow | undefined {
    const r = this.st.get('SELECT * FROM consents WHERE consent_id = ?').get(id) as Row | undefined;
    return r && toConsent(r);
  }
  of(subject: string, grantee?: string): ConsentRow[] {
    // INDEXED BY: with an ORDER BY on created_at the planner preferred consents_grantee and scanned every
    // consent of the insurer (a scan per query; the benchmark found it). Order in JS instead.
    const rows = grantee === undefined
      ? this.st.get('SELECT * FROM consents INDEXED BY consents_subject WHERE subject = ?').all(subject)
      : this.st.get('SELECT * FROM consents INDEXED BY consents_subject WHERE subject = ? AND grantee = ?').all(subject, grantee);
    return (rows as Row[]).map(toConsent).sort((x, y) => x.created_at - y.created_at || (x.consent_id < y.consent_id ? -1 : 1));
  }
  grantedTo(grantee: string, limit: number): ConsentRow[] {
    return (this.st.get('SELECT * FROM consents WHERE grantee = ? ORDER BY created_at DESC, consent_id LIMIT ?').all(grantee, limit) as Row[]).map(toConsent);
  }
  appendEvent(e: ConsentEventRow): void {
    this.st.get(
      `INSERT INTO consent_events (consent_id, version, kind, at, actor, actor_role, snapshot_digest)
       VALUES (@consent_id, @version, @kind, @at, @actor, @actor_role, @snapshot_digest)`,
    ).run(e);
  }
  countUse(consentId: string, day: string): number {
    return this.st.get(
      `INSERT INTO consent_usage (consent_id, day, count) VALUES (?, ?, 1)
       ON CONFLICT (consent_id, day) DO UPDATE SET count = count + 1 RETURNING count`,
    ).pluck().get(consentId, day) as number;
  }
}
