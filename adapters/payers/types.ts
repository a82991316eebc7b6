import type { Product } from '../../gateway/domain/product.js';

/** An insurer's enrollment of one policy, as received at PUT /v1/policies/{policy_no}. */
export interface Enrollment {
  policy_no: string;
  product: string;
  start_date: string;
  end_date: string;
  pre_existing: boolean;
  claim_free_years: number;
}

/** A payer's rules on its enrollment feed: undefined when acceptable, otherwise a field-level problem. */
export type EnrollmentProblem = { field: keyof Enrollment; problem: string } | undefined;

/**
 * One payer's connector. Products are declarative (validated at start-up); the adapter owns what is
 * payer-specific: checking its enrollment feed now, notifications and policy look-ups later.
 */
export interface PayerAdapter {
  readonly id: string;
  readonly name: string;
  readonly products: readonly unknown[];
  checkEnrollment(e: Enrollment, product: Product): EnrollmentProblem;
}

/** The rules most one-year products share: the period is at most one year (plus the start day). */
export function oneYearPolicyRules(e: Enrollment): EnrollmentProblem {
  if (e.end_date < e.start_date) return { field: 'end_date', problem: 'ends before it starts' };
  const start = new Date(`${e.start_date}T00:00:00Z`);
  const limit = new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), start.getUTCDate()));
  if (new Date(`${e.end_date}T00:00:00Z`) > limit) return { field: 'end_date', problem: 'a policy period is at most one year' };
  return undefined;
}
