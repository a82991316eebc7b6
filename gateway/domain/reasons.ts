/**
 * The fixed vocabulary of eligibility reason codes insurers receive. Order is the order answers list
 * them in. Documented in docs/reason-codes.md; never add a code that reveals record content beyond
 * the answer itself.
 */
export const REASON_CODES = [
  'POLICY_NOT_ACTIVE',
  'WAITING_PERIOD',
  'VISIT_TYPE_NOT_COVERED',
  'FACILITY_NOT_COVERED',
  'NOT_SETTLED_THROUGH_BASIC_INSURANCE',
  'DIAGNOSIS_EXCLUDED',
  'DIAGNOSIS_NOT_COVERED',
  'NO_COVERED_AMOUNT',
  'BELOW_DEDUCTIBLE',
  'CAP_EXHAUSTED',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/** Dedupe and order reason codes as the vocabulary does. */
export function orderReasons(reasons: Iterable<ReasonCode>): ReasonCode[] {
  const set = new Set(reasons);
  return REASON_CODES.filter((r) => set.has(r));
}
