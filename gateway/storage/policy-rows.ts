import type { PeriodRow, PolicyRow } from './policies.js';

/**
 * The policies ⋈ policy_periods join as every store reads it: the columns it selects and how its rows
 * become policies with their periods. SQL dialects differ in placeholders, not in these.
 */
export type Row = Record<string, unknown>;

export const toPeriod = (r: Row): PeriodRow => ({
  period_no: r.period_no as number, product: r.product as string, start_date: r.start_date as string, end_date: r.end_date as string,
  pre_existing: r.pre_existing === 1, claim_free_years: r.claim_free_years as number, used_at: r.used_at as number | null,
  corrections: r.corrections as number, created_at: r.period_created_at as number, updated_at: r.period_updated_at as number,
});

/** Policies with their periods, from rows of the policies ⋈ policy_periods join, in policy then period order. */
export function toPolicies(rows: Row[]): PolicyRow[] {
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

export const POLICY_COLUMNS = `p.insurer, p.policy_no, p.subject, p.created_at, p.updated_at, q.period_no, q.product, q.start_date, q.end_date,
  q.pre_existing, q.claim_free_years, q.used_at, q.corrections, q.created_at AS period_created_at, q.updated_at AS period_updated_at`;
