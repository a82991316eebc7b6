import type { Product } from '../../gateway/domain/product.js';

/** An insurer's enrollment of one policy period, as received at PUT /v1/policies/{policy_no}. */
export interface Enrollment {
  policy_no: string;
  product: string;
  start_date: string;
  end_date: string;
  pre_existing: boolean;
  claim_free_years: number;
}

/** A payer's own rules on its enrollment feed: undefined when acceptable, otherwise a field-level problem. */
export type EnrollmentProblem = { field: keyof Enrollment; problem: string } | undefined;

/**
 * One payer's connector. Products are declarative (validated at start-up; the product's `insurer` is the
 * payer's party code, and only that party may enroll under it). The gateway itself enforces what every
 * product shares — periods of exactly one term, renewals, one policy per family (gateway/domain/policy.ts);
 * an adapter adds what is payer-specific.
 */
export interface PayerAdapter {
  readonly id: string;
  readonly name: string;
  readonly products: readonly unknown[];
  /** Payer-specific checks of an enrollment, beyond the gateway's own. */
  checkEnrollment?(e: Enrollment, product: Product): EnrollmentProblem;
}
