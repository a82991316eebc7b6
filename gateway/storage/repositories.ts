import type { Consent, Purpose } from '../domain/consent.js';
import type { Db } from './sqlite/database.js';
import type Database from 'better-sqlite3';
import type { ReadSnapshot } from './sqlite/read-snapshot.js';

/**
 * Storage behind small interfaces. Only this file and its siblings see SQL; services see
 * {@link Repositories}. A server database implements the same interface later.
 */
export type PartyRole = 'hospital' | 'insurer' | 'bureau' | 'admin';
export const PARTY_ROLES: readonly PartyRole[] = ['hospital', 'insurer', 'bureau', 'admin'];

export interface Party {
  code: string;
  role: PartyRole;
  name: string;
  level: number | null;
  public_key_pem: string | null;
  certificate_pem: string | null;
  status: 'active' | 'suspended';
  created_at: number;
  updated_at: number;
}

export interface ConsentRow extends Consent {
  recorded_by: string;
  recorded_by_role: 'patient' | 'hospital';
  evidence_digest: string | null;
  created_at: number;
  updated_at: number;
}

export interface RecordRow {
  record_id: string;
  version: number;
  hospital: string;
  subject: string;
  mdtrt_id: string;
  setl_id: string;
  visit_date: string;
  content_digest: string;
  kek_id: string;
  wrapped_dek: Buffer;
  sealed_record: Buffer;
  sealed_facts: Buffer;
  created_at: number;
}

/** One period of a policy (the first, or a renewal): one policy year with its own accumulators. */
export interface PeriodRow {
  period_no: number;
  product: string;
  start_date: string;
  end_date: string;
  pre_existing: boolean;
  claim_free_years: number;
  /** When an answer first used the period (its terms are frozen from then on). */
  used_at: number | null;
  corrections: number;
  created_at: number;
  updated_at: number;
}

export interface PolicyRow {
  insurer: string;
  policy_no: string;
  subject: string;
  created_at: number;
  updated_at: number;
  /** In period order. */
  periods: PeriodRow[];
}

export interface SettlementRow {
  settlement_id: string;
  hospital: string;
  request_id: string;
  request_digest: string;
  record_id: string;
  record_version: number;
  subject: string;
  mdtrt_id: string;
  status: 'settled' | 'reversed';
  kek_id: string;
  wrapped_dek: Buffer;
  sealed_answer: Buffer;
  created_at: number;
  reversed_at: number | null;
}

export interface AccumulatorDeltaRow {
  insurer: string;
  policy_no: string;
  period_no: number;
  acc_key: string;
  delta_fen: number;
}

/** What one payer settled (and owed before the cash limit) in a settlement. */
export interface SettlementLineRow {
  line_no: number;
  insurer: string;
  policy_no: string;
  period_no: number;
  product: string;
  payable_fen: number;
  owed_fen: number;
}

/** A hospital's registration for the national SM4/SM2 envelope (its secret sealed). */
export interface PartyAppRow {
  app_id: string;
  party_code: string;
  sm2_public_key: string;
  kek_id: string;
  wrapped_dek: Buffer;
  sealed_secret: Buffer;
  created_at: number;
}

/** One visit in the statistics lab (migration 5): pseudonyms, coarse keys in clear, sealed amounts. */
export interface StatVisitRow {
  visit_key: string;
  person: string;
  age_band: string;
  gender: string;
  visit_type: string;
  region: string;
  year: string;
  kek_id: string;
  wrapped_dek: Buffer;
  sealed_amounts: Buffer;
  updated_at: number;
}

/** The lab's clear key columns. */
export const STAT_KEY_COLUMNS = ['age_band', 'gender', 'visit_type', 'region', 'year'] as const;
export type StatKeyColumn = (typeof STAT_KEY_COLUMNS)[number];

/** Filters on the lab's clear keys: a row passes when each named column's value is listed. */
export type StatVisitFilter = Partial<Record<StatKeyColumn, readonly string[]>>;

/** A party's privacy budget for a period, in integer micro-ρ. */
export interface StatBudgetRow {
  party: string;
  rho_total_micro: number;
  rho_spent_micro: number;
  /** Last day of the period (yyyy-MM-dd, inclusive, Asia/Shanghai). */
  period_end: string;
  set_by: string;
  updated_at: number;
}

export interface StatReleaseRow {
  release_id: string;
  party: string;
  period_end: string;
  rho_micro: number;
  /** The question as canonical JSON (keys and filters only: nothing personal). */
  question: string;
  created_at: number;
}

export interface Repositories {
  // parties
  insertParty(p: Party): void;
  insertPartyApp(a: PartyAppRow): void;
  partyApp(appId: string): PartyAppRow | undefined;
  getParty(code: string): Party | undefined;
  listParties(): Party[];
  setPartyStatus(code: string, status: Party['status'], at: number): boolean;
  /** Records a client assertion's jti; false when it was seen before (replay). */
  useAssertion(issuer: string, jti: string, expiresAt: number, now: number): boolean;
  /** True when a jti is recorded and not yet expired (a read-only early check; useAssertion decides). */
  assertionUsed(issuer: string, jti: string, now: number): boolean;

  // consents
  insertConsent(c: ConsentRow): void;
  updateConsentStatus(id: string, version: number, status: Consent['status'], at: number): void;
  getConsent(id: string): ConsentRow | undefined;
  consentsOf(subject: string, grantee?: string): ConsentRow[];
  consentsGrantedTo(grantee: string, limit: number): ConsentRow[];
  appendConsentEvent(e: { consent_id: string; version: number; kind: string; at: number; actor: string; actor_role: string; snapshot_digest: string }): void;
  /** Counts one query against a consent's daily budget; returns the count after it. */
  countConsentUse(consentId: string, day: string): number;
  consentUse(consentId: string, day: string): number;

  // records
  insertRecord(r: RecordRow): void;
  /** The newest version pushed under a settlement id, without its sealed record. */
  latestRecordBySetl(hospital: string, setlId: string): RecordRow | undefined;
  /** The newest version of a visit, without its sealed record (answers read only the facts). */
  latestRecordByVisit(hospital: string, mdtrtId: string, subject: string): RecordRow | undefined;
  /** Role, status and level of a party: what authentication and facility scopes need, nothing more. */
  partyStatus(code: string): Pick<Party, 'role' | 'status' | 'level'> | undefined;
  recordVersions(recordId: string): RecordRow[];
  recordsForRewrap(notKek: string, limit: number): Pick<RecordRow, 'record_id' | 'version' | 'subject' | 'kek_id' | 'wrapped_dek'>[];
  updateRecordKey(recordId: string, version: number, kekId: string, wrapped: Buffer): void;

  // policies
  /** Writes a policy and every period it holds (new periods inserted, changed ones updated). */
  savePolicy(p: PolicyRow): void;
  getPolicy(insurer: string, policyNo: string): PolicyRow | undefined;
  policiesOf(subject: string): PolicyRow[];
  /** Policies the person holds with one insurer (the bound is per insurer: a count across insurers would tell one about the others). */
  countPoliciesOf(subject: string, insurer: string): number;
  /** Marks a period used by an answer (first use only); true when this call froze it. */
  markPeriodUsed(insurer: string, policyNo: string, periodNo: number, at: number): boolean;

  // accumulators
  accumulatorUse(insurer: string, policyNo: string, periodNo: number): Map<string, number>;
  addAccumulator(d: AccumulatorDeltaRow): void;

  // settlements
  insertSettlement(s: SettlementRow, deltas: AccumulatorDeltaRow[], lines: SettlementLineRow[]): void;
  settlementLines(id: string): SettlementLineRow[];
  settlementByRequest(hospital: string, requestId: string): SettlementRow | undefined;
  getSettlement(id: string): SettlementRow | undefined;
  activeSettlementForVisit(hospital: string, mdtrtId: string, subject: string): SettlementRow | undefined;
  settlementDeltas(id: string): AccumulatorDeltaRow[];
  markReversed(id: string, at: number): void;
  /** Settlements created or reversed in [from, to) (ms), sealed answers included (the bureau's summary opens them). */
  settlementsBetween(from: number, to: number): SettlementRow[];

  // claim verification budget
  countClaimAttempt(insurer: string, recordId: string): number;

  // statistics lab
  /** Writes a visit's lab row (a newer version of the record replaces it). */
  putStatVisit(r: StatVisitRow): void;
  /** Lab rows passing the filter, grouped by person (ordered by person, then visit). */
  statVisits(filter: StatVisitFilter): StatVisitRow[];
  /**
   * Visit counts per combination of `groupBy` columns over the rows passing the filter, each person's
   * first `perPerson` passing visits only (in visit-key order) — the per-person bound, done in SQL.
   */
  statCounts(filter: StatVisitFilter, groupBy: readonly StatKeyColumn[], perPerson: number): (Partial<Record<StatKeyColumn, string>> & { n: number })[];
  statBudget(party: string): StatBudgetRow | undefined;
  putStatBudget(b: StatBudgetRow): void;
  /** Adds `rhoMicro` to the spent budget if it fits and the period is `periodEnd`; false (nothing charged) otherwise. */
  chargeStatBudget(party: string, periodEnd: string, rhoMicro: number, at: number): boolean;
  insertStatRelease(r: StatReleaseRow): void;
  /** Releases in [from, to) (ms), of one party or all, oldest first. */
  statReleases(from: number, to: number, party: string | undefined, limit: number): StatReleaseRow[];
  /** Every micro-ρ the party was ever charged, over all periods. */
  statSpentAllPeriods(party: string): number;
  statVisitsForRewrap(notKek: string, limit: number): Pick<StatVisitRow, 'visit_key' | 'kek_id' | 'wrapped_dek'>[];
  updateStatVisitKey(visitKey: string, kekId: string, wrapped: Buffer): void;

  // outbox
  addOutbox(eventId: string, event: string): void;
  outbox(limit: number): { event_id: string; event: string }[];
  removeOutbox(eventIds: readonly string[]): void;
  /** Events committed with their state change but not yet in the access log (a metric: should stay near 0). */
  outboxDepth(): number;
}

type Row = Record<string, unknown>;

/** WHERE over the lab's key columns: names from the closed list, values bound as parameters. */
function statWhere(filter: StatVisitFilter): { where: string; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  for (const col of STAT_KEY_COLUMNS) {
    const vals = filter[col];
    if (!vals) continue;
    parts.push(`${col} IN (${vals.map(() => '?').join(', ')})`);
    args.push(...vals);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

/**
 * Columns a look-up returns: everything but the sealed record itself (kept in record_blobs), which
 * answers never open — they read the small sealed facts.
 */
const VISIT_COLUMNS =
  "record_id, version, hospital, subject, mdtrt_id, setl_id, visit_date, content_digest, kek_id, wrapped_dek, x'' AS sealed_record, sealed_facts, created_at";

const toParty = (r: Row): Party => r as unknown as Party;
const toConsent = (r: Row): ConsentRow => ({
  ...(r as unknown as ConsentRow),
  purposes: JSON.parse(r.purposes as string) as Purpose[],
  providers: r.providers === null ? null : (JSON.parse(r.providers as string) as string[]),
});
const toPeriod = (r: Row): PeriodRow => ({
  period_no: r.period_no as number, product: r.product as string, start_date: r.start_date as string, end_date: r.end_date as string,
  pre_existing: r.pre_existing === 1, claim_free_years: r.claim_free_years as number, used_at: r.used_at as number | null,
  corrections: r.corrections as number, created_at: r.period_created_at as number, updated_at: r.period_updated_at as number,
});

/** Policies with their periods, from rows of the policies ⋈ policy_periods join, in policy then period order. */
function toPolicies(rows: Row[]): PolicyRow[] {
  const out: PolicyRow[] = [];
  for (const r of rows) {
    let last = out[out.length - 1];
    if (!last || last.insurer !== r.insurer || last.policy_no !== r.policy_no) {
      last = { insurer: r.insurer as string, policy_no: r.policy_no as string, subject: r.subject as string, created_at: r.created_at as number, updated_at: r.updated_at as number, periods: [] };
      out.push(last);
    }
    last.periods.push(toPeriod(r));
  }
  return out;
}

const POLICY_COLUMNS = `p.insurer, p.policy_no, p.subject, p.created_at, p.updated_at, q.period_no, q.product, q.start_date, q.end_date,
  q.pre_existing, q.claim_free_years, q.used_at, q.corrections, q.created_at AS period_created_at, q.updated_at AS period_updated_at`;

/** SQLite implementation over one connection (the writer inside group commit, or a reader). */
export class SqliteRepositories implements Repositories {
  private readonly cache = new Map<string, Database.Statement>();
  /** Party status read in the current snapshot: authentication and facility checks ask on every request. */
  private parties = new Map<string, Pick<Party, 'role' | 'status' | 'level'> | undefined>();
  private partiesGeneration = -1;

  /** `snapshot`: for the reader connection, reads share one transaction per event-loop turn. */
  constructor(
    private readonly db: Db,
    private readonly snapshot?: ReadSnapshot,
  ) {}

  /** An uncached statement (the lab's questions vary in shape; caching each would grow without bound). */
  private stOnce(sql: string): Database.Statement {
    this.snapshot?.enter();
    return this.db.prepare(sql);
  }

  private st(sql: string): Database.Statement {
    this.snapshot?.enter();
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  insertParty(p: Party): void {
    this.st(
      `INSERT INTO parties (code, role, name, level, public_key_pem, certificate_pem, status, created_at, updated_at)
       VALUES (@code, @role, @name, @level, @public_key_pem, @certificate_pem, @status, @created_at, @updated_at)`,
    ).run(p);
  }
  insertPartyApp(a: PartyAppRow): void {
    this.st(
      `INSERT INTO party_apps (app_id, party_code, sm2_public_key, kek_id, wrapped_dek, sealed_secret, created_at)
       VALUES (@app_id, @party_code, @sm2_public_key, @kek_id, @wrapped_dek, @sealed_secret, @created_at)`,
    ).run(a);
  }
  partyApp(appId: string): PartyAppRow | undefined {
    return this.st('SELECT * FROM party_apps WHERE app_id = ?').get(appId) as PartyAppRow | undefined;
  }
  getParty(code: string): Party | undefined {
    const r = this.st('SELECT * FROM parties WHERE code = ?').get(code) as Row | undefined;
    return r && toParty(r);
  }
  listParties(): Party[] {
    return (this.st('SELECT * FROM parties ORDER BY code').all() as Row[]).map(toParty);
  }
  setPartyStatus(code: string, status: Party['status'], at: number): boolean {
    return this.st('UPDATE parties SET status = ?, updated_at = ? WHERE code = ?').run(status, at, code).changes === 1;
  }
  assertionUsed(issuer: string, jti: string, now: number): boolean {
    return this.st('SELECT 1 FROM used_assertions WHERE issuer = ? AND jti = ? AND expires_at >= ?').get(issuer, jti, now) !== undefined;
  }
  useAssertion(issuer: string, jti: string, expiresAt: number, now: number): boolean {
    this.st('DELETE FROM used_assertions WHERE expires_at < ?').run(now);
    return this.st('INSERT OR IGNORE INTO used_assertions (issuer, jti, expires_at) VALUES (?, ?, ?)').run(issuer, jti, expiresAt).changes === 1;
  }

  insertConsent(c: ConsentRow): void {
    this.st(
      `INSERT INTO consents (consent_id, version, subject, grantee, purposes, providers, valid_from, valid_until,
         max_queries_per_day, status, recorded_by, recorded_by_role, evidence_digest, created_at, updated_at)
       VALUES (@consent_id, @version, @subject, @grantee, @purposes, @providers, @valid_from, @valid_until,
         @max_queries_per_day, @status, @recorded_by, @recorded_by_role, @evidence_digest, @created_at, @updated_at)`,
    ).run({ ...c, purposes: JSON.stringify(c.purposes), providers: c.providers === null ? null : JSON.stringify(c.providers) });
  }
  updateConsentStatus(id: string, version: number, status: Consent['status'], at: number): void {
    this.st('UPDATE consents SET status = ?, version = ?, updated_at = ? WHERE consent_id = ?').run(status, version, at, id);
  }
  getConsent(id: string): ConsentRow | undefined {
    const r = this.st('SELECT * FROM consents WHERE consent_id = ?').get(id) as Row | undefined;
    return r && toConsent(r);
  }
  consentsOf(subject: string, grantee?: string): ConsentRow[] {
    // INDEXED BY: with an ORDER BY on created_at the planner preferred consents_grantee and scanned every
    // consent of the insurer (a scan per query; the benchmark found it). Order in JS instead.
    const rows = grantee === undefined
      ? this.st('SELECT * FROM consents INDEXED BY consents_subject WHERE subject = ?').all(subject)
      : this.st('SELECT * FROM consents INDEXED BY consents_subject WHERE subject = ? AND grantee = ?').all(subject, grantee);
    return (rows as Row[]).map(toConsent).sort((x, y) => x.created_at - y.created_at || (x.consent_id < y.consent_id ? -1 : 1));
  }
  consentsGrantedTo(grantee: string, limit: number): ConsentRow[] {
    return (this.st('SELECT * FROM consents WHERE grantee = ? ORDER BY created_at DESC, consent_id LIMIT ?').all(grantee, limit) as Row[]).map(toConsent);
  }
  appendConsentEvent(e: { consent_id: string; version: number; kind: string; at: number; actor: string; actor_role: string; snapshot_digest: string }): void {
    this.st(
      `INSERT INTO consent_events (consent_id, version, kind, at, actor, actor_role, snapshot_digest)
       VALUES (@consent_id, @version, @kind, @at, @actor, @actor_role, @snapshot_digest)`,
    ).run(e);
  }
  countConsentUse(consentId: string, day: string): number {
    return this.st(
      `INSERT INTO consent_usage (consent_id, day, count) VALUES (?, ?, 1)
       ON CONFLICT (consent_id, day) DO UPDATE SET count = count + 1 RETURNING count`,
    ).pluck().get(consentId, day) as number;
  }
  consentUse(consentId: string, day: string): number {
    return (this.st('SELECT count FROM consent_usage WHERE consent_id = ? AND day = ?').pluck().get(consentId, day) as number | undefined) ?? 0;
  }

  insertRecord(r: RecordRow): void {
    this.st(
      `INSERT INTO records (record_id, version, hospital, subject, mdtrt_id, setl_id, visit_date, content_digest, kek_id,
         wrapped_dek, sealed_facts, created_at)
       VALUES (@record_id, @version, @hospital, @subject, @mdtrt_id, @setl_id, @visit_date, @content_digest, @kek_id,
         @wrapped_dek, @sealed_facts, @created_at)`,
    ).run(r);
    this.st('INSERT INTO record_blobs (record_id, version, sealed_record) VALUES (@record_id, @version, @sealed_record)').run(r);
  }
  latestRecordBySetl(hospital: string, setlId: string): RecordRow | undefined {
    return this.st(`SELECT ${VISIT_COLUMNS} FROM records WHERE hospital = ? AND setl_id = ? ORDER BY version DESC LIMIT 1`).get(hospital, setlId) as RecordRow | undefined;
  }
  latestRecordByVisit(hospital: string, mdtrtId: string, subject: string): RecordRow | undefined {
    return this.st(
      `SELECT ${VISIT_COLUMNS} FROM records INDEXED BY records_visit WHERE hospital = ? AND mdtrt_id = ? AND subject = ? ORDER BY created_at DESC, version DESC LIMIT 1`,
    ).get(hospital, mdtrtId, subject) as RecordRow | undefined;
  }
  partyStatus(code: string): Pick<Party, 'role' | 'status' | 'level'> | undefined {
    const read = () => this.st('SELECT role, status, level FROM parties WHERE code = ?').get(code) as Pick<Party, 'role' | 'status' | 'level'> | undefined;
    if (!this.snapshot) return read();
    this.snapshot.enter();
    if (this.partiesGeneration !== this.snapshot.generation) {
      this.parties = new Map();
      this.partiesGeneration = this.snapshot.generation;
    }
    if (this.parties.has(code)) return this.parties.get(code);
    const r = read();
    this.parties.set(code, r);
    return r;
  }
  recordVersions(recordId: string): RecordRow[] {
    return this.st(
      'SELECT r.*, b.sealed_record FROM records r JOIN record_blobs b USING (record_id, version) WHERE record_id = ? ORDER BY version',
    ).all(recordId) as RecordRow[];
  }
  recordsForRewrap(notKek: string, limit: number): Pick<RecordRow, 'record_id' | 'version' | 'subject' | 'kek_id' | 'wrapped_dek'>[] {
    return this.st('SELECT record_id, version, subject, kek_id, wrapped_dek FROM records WHERE kek_id <> ? LIMIT ?').all(notKek, limit) as RecordRow[];
  }
  updateRecordKey(recordId: string, version: number, kekId: string, wrapped: Buffer): void {
    this.st('UPDATE records SET kek_id = ?, wrapped_dek = ? WHERE record_id = ? AND version = ?').run(kekId, wrapped, recordId, version);
  }

  savePolicy(p: PolicyRow): void {
    this.st(
      `INSERT INTO policies (insurer, policy_no, subject, created_at, updated_at) VALUES (@insurer, @policy_no, @subject, @created_at, @updated_at)
       ON CONFLICT (insurer, policy_no) DO UPDATE SET updated_at = excluded.updated_at`,
    ).run({ insurer: p.insurer, policy_no: p.policy_no, subject: p.subject, created_at: p.created_at, updated_at: p.updated_at });
    const put = this.st(
      `INSERT INTO policy_periods (insurer, policy_no, period_no, product, start_date, end_date, pre_existing, claim_free_years, used_at,
         corrections, created_at, updated_at)
       VALUES (@insurer, @policy_no, @period_no, @product, @start_date, @end_date, @pre_existing, @claim_free_years, @used_at,
         @corrections, @created_at, @updated_at)
       ON CONFLICT (insurer, policy_no, period_no) DO UPDATE SET product = excluded.product, start_date = excluded.start_date,
         end_date = excluded.end_date, pre_existing = excluded.pre_existing, claim_free_years = excluded.claim_free_years,
         corrections = excluded.corrections, updated_at = excluded.updated_at`,
    );
    for (const q of p.periods) put.run({ ...q, insurer: p.insurer, policy_no: p.policy_no, pre_existing: q.pre_existing ? 1 : 0 });
  }
  getPolicy(insurer: string, policyNo: string): PolicyRow | undefined {
    return toPolicies(
      this.st(
        `SELECT ${POLICY_COLUMNS} FROM policies p JOIN policy_periods q ON q.insurer = p.insurer AND q.policy_no = p.policy_no
         WHERE p.insurer = ? AND p.policy_no = ? ORDER BY q.period_no`,
      ).all(insurer, policyNo) as Row[],
    )[0];
  }
  policiesOf(subject: string): PolicyRow[] {
    return toPolicies(
      this.st(
        `SELECT ${POLICY_COLUMNS} FROM policies p INDEXED BY policies_subject JOIN policy_periods q ON q.insurer = p.insurer AND q.policy_no = p.policy_no
         WHERE p.subject = ? ORDER BY p.insurer, p.policy_no, q.period_no`,
      ).all(subject) as Row[],
    );
  }
  countPoliciesOf(subject: string, insurer: string): number {
    return this.st('SELECT COUNT(*) FROM policies INDEXED BY policies_subject WHERE subject = ? AND insurer = ?').pluck().get(subject, insurer) as number;
  }
  markPeriodUsed(insurer: string, policyNo: string, periodNo: number, at: number): boolean {
    return this.st('UPDATE policy_periods SET used_at = ? WHERE insurer = ? AND policy_no = ? AND period_no = ? AND used_at IS NULL').run(
      at, insurer, policyNo, periodNo,
    ).changes === 1;
  }

  accumulatorUse(insurer: string, policyNo: string, periodNo: number): Map<string, number> {
    const rows = this.st('SELECT acc_key, used_fen FROM period_accumulators WHERE insurer = ? AND policy_no = ? AND period_no = ?').all(
      insurer, policyNo, periodNo,
    ) as { acc_key: string; used_fen: number }[];
    return new Map(rows.map((r) => [r.acc_key, r.used_fen]));
  }
  addAccumulator(d: AccumulatorDeltaRow): void {
    if (d.delta_fen < 0) {
      // A give-back (reversal) updates in place: the row exists, and an upsert would CHECK the negative
      // insert candidate before resolving the conflict.
      const changed = this.st(
        `UPDATE period_accumulators SET used_fen = used_fen + @delta_fen
         WHERE insurer = @insurer AND policy_no = @policy_no AND period_no = @period_no AND acc_key = @acc_key`,
      ).run(d).changes;
      if (changed !== 1) throw new Error('accumulator to give back to does not exist');
      return;
    }
    this.st(
      `INSERT INTO period_accumulators (insurer, policy_no, period_no, acc_key, used_fen) VALUES (@insurer, @policy_no, @period_no, @acc_key, @delta_fen)
       ON CONFLICT (insurer, policy_no, period_no, acc_key) DO UPDATE SET used_fen = used_fen + excluded.used_fen`,
    ).run(d);
  }

  insertSettlement(s: SettlementRow, deltas: AccumulatorDeltaRow[], lines: SettlementLineRow[]): void {
    this.st(
      `INSERT INTO settlements (settlement_id, hospital, request_id, request_digest, record_id, record_version, subject, mdtrt_id,
         status, kek_id, wrapped_dek, sealed_answer, created_at, reversed_at)
       VALUES (@settlement_id, @hospital, @request_id, @request_digest, @record_id, @record_version, @subject, @mdtrt_id,
         @status, @kek_id, @wrapped_dek, @sealed_answer, @created_at, @reversed_at)`,
    ).run(s);
    const ins = this.st(
      `INSERT INTO settlement_deltas (settlement_id, insurer, policy_no, period_no, acc_key, delta_fen)
       VALUES (?, @insurer, @policy_no, @period_no, @acc_key, @delta_fen)`,
    );
    for (const d of deltas) {
      ins.run(s.settlement_id, d);
      this.addAccumulator(d);
    }
    const line = this.st(
      `INSERT INTO settlement_lines (settlement_id, line_no, insurer, policy_no, period_no, product, payable_fen, owed_fen)
       VALUES (?, @line_no, @insurer, @policy_no, @period_no, @product, @payable_fen, @owed_fen)`,
    );
    for (const l of lines) line.run(s.settlement_id, l);
  }
  settlementLines(id: string): SettlementLineRow[] {
    return this.st(
      'SELECT line_no, insurer, policy_no, period_no, product, payable_fen, owed_fen FROM settlement_lines WHERE settlement_id = ? ORDER BY line_no',
    ).all(id) as SettlementLineRow[];
  }
  settlementByRequest(hospital: string, requestId: string): SettlementRow | undefined {
    return this.st('SELECT * FROM settlements WHERE hospital = ? AND request_id = ?').get(hospital, requestId) as SettlementRow | undefined;
  }
  getSettlement(id: string): SettlementRow | undefined {
    return this.st('SELECT * FROM settlements WHERE settlement_id = ?').get(id) as SettlementRow | undefined;
  }
  activeSettlementForVisit(hospital: string, mdtrtId: string, subject: string): SettlementRow | undefined {
    return this.st("SELECT * FROM settlements WHERE hospital = ? AND mdtrt_id = ? AND subject = ? AND status = 'settled'").get(
      hospital, mdtrtId, subject,
    ) as SettlementRow | undefined;
  }
  settlementDeltas(id: string): AccumulatorDeltaRow[] {
    return this.st('SELECT insurer, policy_no, period_no, acc_key, delta_fen FROM settlement_deltas WHERE settlement_id = ?').all(id) as AccumulatorDeltaRow[];
  }
  markReversed(id: string, at: number): void {
    this.st("UPDATE settlements SET status = 'reversed', reversed_at = ? WHERE settlement_id = ?").run(at, id);
  }
  settlementsBetween(from: number, to: number): SettlementRow[] {
    // A scan for now: a settlement-lines table with its own index is to back the summary later.
    return this.st('SELECT * FROM settlements WHERE (created_at >= ? AND created_at < ?) OR (reversed_at >= ? AND reversed_at < ?) ORDER BY created_at, settlement_id')
      .all(from, to, from, to) as SettlementRow[];
  }

  countClaimAttempt(insurer: string, recordId: string): number {
    return this.st(
      `INSERT INTO claim_attempts (insurer, record_id, attempts) VALUES (?, ?, 1)
       ON CONFLICT (insurer, record_id) DO UPDATE SET attempts = attempts + 1 RETURNING attempts`,
    ).pluck().get(insurer, recordId) as number;
  }

  putStatVisit(r: StatVisitRow): void {
    this.st(
      `INSERT INTO stat_visits (visit_key, person, age_band, gender, visit_type, region, year, kek_id, wrapped_dek, sealed_amounts, updated_at)
       VALUES (@visit_key, @person, @age_band, @gender, @visit_type, @region, @year, @kek_id, @wrapped_dek, @sealed_amounts, @updated_at)
       ON CONFLICT (visit_key) DO UPDATE SET person = excluded.person, age_band = excluded.age_band, gender = excluded.gender,
         visit_type = excluded.visit_type, region = excluded.region, year = excluded.year, kek_id = excluded.kek_id,
         wrapped_dek = excluded.wrapped_dek, sealed_amounts = excluded.sealed_amounts, updated_at = excluded.updated_at`,
    ).run(r);
  }
  statVisits(filter: StatVisitFilter): StatVisitRow[] {
    const { where, args } = statWhere(filter);
    return this.stOnce(`SELECT * FROM stat_visits ${where} ORDER BY person, visit_key`).all(...args) as StatVisitRow[];
  }
  statCounts(filter: StatVisitFilter, groupBy: readonly StatKeyColumn[], perPerson: number): (Partial<Record<StatKeyColumn, string>> & { n: number })[] {
    const { where, args } = statWhere(filter);
    const cols = groupBy.filter((c) => (STAT_KEY_COLUMNS as readonly string[]).includes(c));
    const keys = cols.join(', ');
    return this.stOnce(
      `SELECT ${keys ? `${keys}, ` : ''}COUNT(*) AS n FROM (
         SELECT ${keys ? `${keys}, ` : ''}ROW_NUMBER() OVER (PARTITION BY person ORDER BY visit_key) AS rn FROM stat_visits ${where}
       ) WHERE rn <= ? ${keys ? `GROUP BY ${keys}` : ''}`,
    ).all(...args, perPerson) as (Partial<Record<StatKeyColumn, string>> & { n: number })[];
  }
  statBudget(party: string): StatBudgetRow | undefined {
    return this.st('SELECT * FROM stat_budgets WHERE party = ?').get(party) as StatBudgetRow | undefined;
  }
  putStatBudget(b: StatBudgetRow): void {
    this.st(
      `INSERT INTO stat_budgets (party, rho_total_micro, rho_spent_micro, period_end, set_by, updated_at)
       VALUES (@party, @rho_total_micro, @rho_spent_micro, @period_end, @set_by, @updated_at)
       ON CONFLICT (party) DO UPDATE SET rho_total_micro = excluded.rho_total_micro, rho_spent_micro = excluded.rho_spent_micro,
         period_end = excluded.period_end, set_by = excluded.set_by, updated_at = excluded.updated_at`,
    ).run(b);
  }
  chargeStatBudget(party: string, periodEnd: string, rhoMicro: number, at: number): boolean {
    return this.st(
      `UPDATE stat_budgets SET rho_spent_micro = rho_spent_micro + @rho, updated_at = @at
       WHERE party = @party AND period_end = @period_end AND rho_spent_micro + @rho <= rho_total_micro`,
    ).run({ party, period_end: periodEnd, rho: rhoMicro, at }).changes === 1;
  }
  insertStatRelease(r: StatReleaseRow): void {
    this.st(
      `INSERT INTO stat_releases (release_id, party, period_end, rho_micro, question, created_at)
       VALUES (@release_id, @party, @period_end, @rho_micro, @question, @created_at)`,
    ).run(r);
  }
  statReleases(from: number, to: number, party: string | undefined, limit: number): StatReleaseRow[] {
    return (party === undefined
      ? this.st('SELECT * FROM stat_releases WHERE created_at >= ? AND created_at < ? ORDER BY created_at, release_id LIMIT ?').all(from, to, limit)
      : this.st('SELECT * FROM stat_releases WHERE party = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, release_id LIMIT ?').all(party, from, to, limit)) as StatReleaseRow[];
  }
  statSpentAllPeriods(party: string): number {
    return this.st('SELECT COALESCE(SUM(rho_micro), 0) FROM stat_releases WHERE party = ?').pluck().get(party) as number;
  }
  statVisitsForRewrap(notKek: string, limit: number): Pick<StatVisitRow, 'visit_key' | 'kek_id' | 'wrapped_dek'>[] {
    return this.st('SELECT visit_key, kek_id, wrapped_dek FROM stat_visits WHERE kek_id <> ? LIMIT ?').all(notKek, limit) as StatVisitRow[];
  }
  updateStatVisitKey(visitKey: string, kekId: string, wrapped: Buffer): void {
    this.st('UPDATE stat_visits SET kek_id = ?, wrapped_dek = ? WHERE visit_key = ?').run(kekId, wrapped, visitKey);
  }

  addOutbox(eventId: string, event: string): void {
    this.st('INSERT INTO audit_outbox (event_id, event) VALUES (?, ?)').run(eventId, event);
  }
  outbox(limit: number): { event_id: string; event: string }[] {
    return this.st('SELECT event_id, event FROM audit_outbox ORDER BY seq LIMIT ?').all(limit) as { event_id: string; event: string }[];
  }
  removeOutbox(eventIds: readonly string[]): void {
    const del = this.st('DELETE FROM audit_outbox WHERE event_id = ?');
    for (const id of eventIds) del.run(id);
  }
  outboxDepth(): number {
    return this.st('SELECT COUNT(*) FROM audit_outbox').pluck().get() as number;
  }
}
