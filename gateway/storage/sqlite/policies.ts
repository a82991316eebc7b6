import type { AccumulatorDeltaRow, PolicyRepository, PolicyRow } from '../policies.js';
import type { Statements } from './statements.js';
import { POLICY_COLUMNS, toPolicies, type Row } from '../policy-rows.js';

export class SqlitePolicyRepository implements PolicyRepository {
  constructor(private readonly st: Statements) {}

  /** One writer connection, units run one after another inside group commit: they take turns already. */
  serialiseSubject(): void {}
  serialisePolicy(): void {}

  save(p: PolicyRow): void {
    this.st.get(
      `INSERT INTO policies (insurer, policy_no, subject, created_at, updated_at) VALUES (@insurer, @policy_no, @subject, @created_at, @updated_at)
       ON CONFLICT (insurer, policy_no) DO UPDATE SET updated_at = excluded.updated_at`,
    ).run({ insurer: p.insurer, policy_no: p.policy_no, subject: p.subject, created_at: p.created_at, updated_at: p.updated_at });
    const put = this.st.get(
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
  get(insurer: string, policyNo: string): PolicyRow | undefined {
    return toPolicies(
      this.st.get(
        `SELECT ${POLICY_COLUMNS} FROM policies p JOIN policy_periods q ON q.insurer = p.insurer AND q.policy_no = p.policy_no
         WHERE p.insurer = ? AND p.policy_no = ? ORDER BY q.period_no`,
      ).all(insurer, policyNo) as Row[],
    )[0];
  }
  of(subject: string): PolicyRow[] {
    return toPolicies(
      this.st.get(
        `SELECT ${POLICY_COLUMNS} FROM policies p INDEXED BY policies_subject JOIN policy_periods q ON q.insurer = p.insurer AND q.policy_no = p.policy_no
         WHERE p.subject = ? ORDER BY p.insurer, p.policy_no, q.period_no`,
      ).all(subject) as Row[],
    );
  }
  countOf(subject: string, insurer: string): number {
    return this.st.get('SELECT COUNT(*) FROM policies INDEXED BY policies_subject WHERE subject = ? AND insurer = ?').pluck().get(subject, insurer) as number;
  }
  markPeriodUsed(insurer: string, policyNo: string, periodNo: number, at: number): boolean {
    return this.st.get('UPDATE policy_periods SET used_at = ? WHERE insurer = ? AND policy_no = ? AND period_no = ? AND used_at IS NULL').run(
      at, insurer, policyNo, periodNo,
    ).changes === 1;
  }

  accumulatorUse(insurer: string, policyNo: string, periodNo: number): Map<string, number> {
    const rows = this.st.get('SELECT acc_key, used_fen FROM period_accumulators WHERE insurer = ? AND policy_no = ? AND period_no = ?').all(
      insurer, policyNo, periodNo,
    ) as { acc_key: string; used_fen: number }[];
    return new Map(rows.map((r) => [r.acc_key, r.used_fen]));
  }
  addAccumulator(d: AccumulatorDeltaRow): void {
    if (d.delta_fen < 0) {
      // A give-back (reversal) updates in place: the row exists, and an upsert would CHECK the negative
      // insert candidate before resolving the conflict.
      const changed = this.st.get(
        `UPDATE period_accumulators SET used_fen = used_fen + @delta_fen
         WHERE insurer = @insurer AND policy_no = @policy_no AND period_no = @period_no AND acc_key = @acc_key`,
      ).run(d).changes;
      if (changed !== 1) throw new Error('accumulator to give back to does not exist');
      return;
    }
    this.st.get(
      `INSERT INTO period_accumulators (insurer, policy_no, period_no, acc_key, used_fen) VALUES (@insurer, @policy_no, @period_no, @acc_key, @delta_fen)
       ON CONFLICT (insurer, policy_no, period_no, acc_key) DO UPDATE SET used_fen = used_fen + excluded.used_fen`,
    ).run(d);
  }
}
