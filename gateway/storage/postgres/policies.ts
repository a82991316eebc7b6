import crypto from 'node:crypto';
import type { Async } from '../async.js';
import type { AccumulatorDeltaRow, PolicyRepository, PolicyRow } from '../policies.js';
import { rowPlaceholders, type Sql } from './sql.js';
import { POLICY_COLUMNS, toPolicies } from '../policy-rows.js';

const PERIOD_WIDTH = 12;

/**
 * The advisory-lock key of one patient: the first 8 bytes of SHA-256("vouch:subject:" + subject) as a
 * signed 64-bit integer (pg_advisory_xact_lock's bigint). The subject is already a blind index; the hash
 * only folds it into the lock space. Two patients sharing a key would merely wait for each other.
 */
export function subjectLockKey(subject: string): string {
  return lockKey(`vouch:subject:${subject}`);
}

/** An advisory-lock key: the first 8 bytes of SHA-256 of a labelled name, as a signed 64-bit integer. */
function lockKey(name: string): string {
  return crypto.createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

export class PostgresPolicyRepository implements Async<PolicyRepository> {
  constructor(private readonly sql: Sql) {}

  /**
   * Holds the patient's lock until the transaction ends (issue 17, decision 2): units that compute on
   * accumulators or policy periods call this first, so two processes never both spend the same remainder.
   */
  async serialiseSubject(subject: string): Promise<void> {
    await this.sql.query('SELECT pg_advisory_xact_lock($1)', [subjectLockKey(subject)]);
  }

  /** One policy number's turn (enrollment), under a lock key of its own kind ("vouch:policy:…"). */
  async serialisePolicy(insurer: string, policyNo: string): Promise<void> {
    await this.sql.query('SELECT pg_advisory_xact_lock($1)', [lockKey(`vouch:policy:${insurer}|${policyNo}`)]);
  }

  async save(p: PolicyRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO policies (insurer, policy_no, subject, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (insurer, policy_no) DO UPDATE SET updated_at = excluded.updated_at`,
      [p.insurer, p.policy_no, p.subject, p.created_at, p.updated_at],
    );
    if (p.periods.length === 0) return;
    const args = p.periods.flatMap((q) => [
      p.insurer, p.policy_no, q.period_no, q.product, q.start_date, q.end_date, q.pre_existing ? 1 : 0, q.claim_free_years, q.used_at,
      q.corrections, q.created_at, q.updated_at,
    ]);
    await this.sql.query(
      `INSERT INTO policy_periods (insurer, policy_no, period_no, product, start_date, end_date, pre_existing, claim_free_years, used_at,
         corrections, created_at, updated_at)
       VALUES ${rowPlaceholders(p.periods.length, PERIOD_WIDTH)}
       ON CONFLICT (insurer, policy_no, period_no) DO UPDATE SET product = excluded.product, start_date = excluded.start_date,
         end_date = excluded.end_date, pre_existing = excluded.pre_existing, claim_free_years = excluded.claim_free_years,
         corrections = excluded.corrections, updated_at = excluded.updated_at`,
      args,
    );
  }
  async get(insurer: string, policyNo: string): Promise<PolicyRow | undefined> {
    const r = await this.sql.query(
      `SELECT ${POLICY_COLUMNS} FROM policies p JOIN policy_periods q ON q.insurer = p.insurer AND q.policy_no = p.policy_no
       WHERE p.insurer = $1 AND p.policy_no = $2 ORDER BY q.period_no`,
      [insurer, policyNo],
    );
    return toPolicies(r.rows)[0];
  }
  async of(subject: string): Promise<PolicyRow[]> {
    const r = await this.sql.query(
      `SELECT ${POLICY_COLUMNS} FROM policies p JOIN policy_periods q ON q.insurer = p.insurer AND q.policy_no = p.policy_no
       WHERE p.subject = $1 ORDER BY p.insurer COLLATE "C", p.policy_no COLLATE "C", q.period_no`,
      [subject],
    );
    return toPolicies(r.rows);
  }
  async countOf(subject: string, insurer: string): Promise<number> {
    const r = await this.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM policies WHERE subject = $1 AND insurer = $2', [subject, insurer]);
    return r.rows[0]!.n;
  }
  async markPeriodUsed(insurer: string, policyNo: string, periodNo: number, at: number): Promise<boolean> {
    const r = await this.sql.query(
      'UPDATE policy_periods SET used_at = $1 WHERE insurer = $2 AND policy_no = $3 AND period_no = $4 AND used_at IS NULL',
      [at, insurer, policyNo, periodNo],
    );
    return r.rowCount === 1;
  }

  async accumulatorUse(insurer: string, policyNo: string, periodNo: number): Promise<Map<string, number>> {
    const r = await this.sql.query<{ acc_key: string; used_fen: number }>(
      'SELECT acc_key, used_fen FROM period_accumulators WHERE insurer = $1 AND policy_no = $2 AND period_no = $3',
      [insurer, policyNo, periodNo],
    );
    return new Map(r.rows.map((x) => [x.acc_key, x.used_fen]));
  }
  async addAccumulator(d: AccumulatorDeltaRow): Promise<void> {
    const key = [d.insurer, d.policy_no, d.period_no, d.acc_key];
    if (d.delta_fen < 0) {
      // A give-back (reversal) updates in place: the row exists, and an upsert would CHECK the negative
      // insert candidate before resolving the conflict (PostgreSQL too checks constraints first).
      const r = await this.sql.query(
        `UPDATE period_accumulators SET used_fen = used_fen + $5
         WHERE insurer = $1 AND policy_no = $2 AND period_no = $3 AND acc_key = $4`,
        [...key, d.delta_fen],
      );
      if (r.rowCount !== 1) throw new Error('accumulator to give back to does not exist');
      return;
    }
    await this.sql.query(
      `INSERT INTO period_accumulators (insurer, policy_no, period_no, acc_key, used_fen) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (insurer, policy_no, period_no, acc_key) DO UPDATE SET used_fen = period_accumulators.used_fen + excluded.used_fen`,
      [...key, d.delta_fen],
    );
  }
}
