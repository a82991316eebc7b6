/**
 * The fixed vocabulary of eligibility reason codes (docs/products.md explains each). Order is the order
 * answers list them in. Never add a code that reveals record content beyond the answer itself.
 */
export const REASON_CODES = [
  'POLICY_NOT_ACTIVE',
  'WAITING_PERIOD',
  'VISIT_TYPE_NOT_COVERED',
  'FACILITY_NOT_COVERED',
  'NOT_SETTLED_THROUGH_BASIC_INSURANCE',
  'DIAGNOSIS_EXCLUDED',
  'DIAGNOSIS_NOT_COVERED',
  'ITEMISATION_REQUIRED',
  'NO_COVERED_AMOUNT',
  'BELOW_DEDUCTIBLE',
  'CAP_EXHAUSTED',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * What each reason code means, in the words the OpenAPI document and the .proto comments give
 * integrators (docs/products.md explains the evaluation they come from).
 */
export const REASON_MEANINGS: Readonly<Record<ReasonCode, string>> = {
  POLICY_NOT_ACTIVE: 'The visit (dated by admission) falls outside every period of the policy.',
  WAITING_PERIOD: 'The visit falls inside the waiting period counted from the policy’s first period.',
  VISIT_TYPE_NOT_COVERED: 'The liability does not cover this kind of visit (outpatient, 门特, inpatient, pharmacy).',
  FACILITY_NOT_COVERED: 'The hospital’s registered level is outside the liability’s facility scope.',
  NOT_SETTLED_THROUGH_BASIC_INSURANCE: 'The visit was not settled through the product’s local basic insurance (参保地 first).',
  DIAGNOSIS_EXCLUDED: 'A diagnosis on the visit is excluded by the liability.',
  DIAGNOSIS_NOT_COVERED: 'The visit carries none of the diagnoses the liability covers.',
  ITEMISATION_REQUIRED: 'The liability pays on itemised fee lines and the record carries none.',
  NO_COVERED_AMOUNT: 'Nothing on the bill falls in what the liability pays from.',
  BELOW_DEDUCTIBLE: 'What the liability pays from does not exceed the deductible still outstanding.',
  CAP_EXHAUSTED: 'The liability’s (or a shared) annual cap is used up for this period.',
};

/** Dedupe and order reason codes as the vocabulary does. */
export function orderReasons(reasons: Iterable<ReasonCode>): ReasonCode[] {
  const set = new Set(reasons);
  return REASON_CODES.filter((r) => set.has(r));
}
