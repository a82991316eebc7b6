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

/**
 * What each reason code means, in the words the OpenAPI document and the .proto comments give
 * integrators (docs/products.md explains the evaluation they come from).
 */
export const REASON_MEANINGS: Readonly<Record<ReasonCode, string>> = {
  POLICY_NOT_ACTIVE: 'The visit date is outside the policy period.',
  WAITING_PERIOD: "The visit falls within the liability's waiting period after the policy started.",
  VISIT_TYPE_NOT_COVERED: 'The visit type (from med_type: outpatient, inpatient, 门特 …) is not one the liability covers.',
  FACILITY_NOT_COVERED: "The hospital's registered level (一级/二级/三级) is not one the liability covers.",
  NOT_SETTLED_THROUGH_BASIC_INSURANCE: "The liability pays only for visits settled through the product's local basic medical insurance, and this one was not.",
  DIAGNOSIS_EXCLUDED: 'A diagnosis on the visit is one the liability excludes.',
  DIAGNOSIS_NOT_COVERED: 'No diagnosis on the visit is among those the liability covers.',
  NO_COVERED_AMOUNT: 'Nothing on the bill falls in what the liability pays from (its bucket or listed items), or earlier payers left nothing of it.',
  BELOW_DEDUCTIBLE: "What the liability pays from does not exceed the deductible left for the policy year.",
  CAP_EXHAUSTED: "The liability's cap (or a cap it shares) for the policy year is used up.",
};
