/** Policies, their periods and each period's accumulators (what the products have used of caps and deductibles). */

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

/** A change to one accumulator of one policy period (negative: a give-back on reversal). */
export interface AccumulatorDeltaRow {
  insurer: string;
  policy_no: string;
  period_no: number;
  acc_key: string;
  delta_fen: number;
}

export interface PolicyRepository {
  /**
   * Makes units of work on one patient's policies and accumulators take turns until this transaction
   * ends (issue 17, decision 2): called first by every unit that computes on what a period has used.
   * The embedded store has one writer, so its units take turns already; PostgreSQL takes an advisory lock.
   */
  serialiseSubject(subject: string): void;
  /**
   * The same for one policy number of one insurer: two enrollments of one number (for different people,
   * so under different patients' turns) take turns too. Taken before the patient's turn, never after.
   */
  serialisePolicy(insurer: string, policyNo: string): void;
  /** Writes a policy and every period it holds (new periods inserted, changed ones updated). */
  save(p: PolicyRow): void;
  get(insurer: string, policyNo: string): PolicyRow | undefined;
  /** A person's policies with every insurer, by insurer and policy number. */
  of(subject: string): PolicyRow[];
  /** Policies the person holds with one insurer (the bound is per insurer: a count across insurers would tell one about the others). */
  countOf(subject: string, insurer: string): number;
  /** Marks a period used by an answer (first use only); true when this call froze it. */
  markPeriodUsed(insurer: string, policyNo: string, periodNo: number, at: number): boolean;
  /** A period's accumulators, by key (integer fen). */
  accumulatorUse(insurer: string, policyNo: string, periodNo: number): Map<string, number>;
  addAccumulator(d: AccumulatorDeltaRow): void;
}
