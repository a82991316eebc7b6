// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

/**
 * Why a product pays nothing for a visit: the fixed vocabulary of eligibility answers (docs/products.md).
 * The value names are the codes the HTTP API answers with; clients that decode enums as strings (JSON,
 * proto-loader with enums: String) see exactly those names.
 */
export const Reason = {
  /**
   * Never sent.
   */
  REASON_UNSPECIFIED: 'REASON_UNSPECIFIED',
  /**
   * The visit (dated by admission) falls outside every period of the policy.
   */
  POLICY_NOT_ACTIVE: 'POLICY_NOT_ACTIVE',
  /**
   * The visit falls within the liability's waiting period counted from the policy's first period.
   */
  WAITING_PERIOD: 'WAITING_PERIOD',
  /**
   * The visit type (from med_type: outpatient, inpatient, 门特 …) is not one the liability covers.
   */
  VISIT_TYPE_NOT_COVERED: 'VISIT_TYPE_NOT_COVERED',
  /**
   * The hospital's registered level (一级/二级/三级) is not one the liability covers.
   */
  FACILITY_NOT_COVERED: 'FACILITY_NOT_COVERED',
  /**
   * The liability pays only for visits settled through the product's local basic medical insurance,
   * and this one was not.
   */
  NOT_SETTLED_THROUGH_BASIC_INSURANCE: 'NOT_SETTLED_THROUGH_BASIC_INSURANCE',
  /**
   * A diagnosis on the visit is one the liability excludes.
   */
  DIAGNOSIS_EXCLUDED: 'DIAGNOSIS_EXCLUDED',
  /**
   * No diagnosis on the visit is among those the liability covers.
   */
  DIAGNOSIS_NOT_COVERED: 'DIAGNOSIS_NOT_COVERED',
  /**
   * The liability pays on itemised fee lines (feedetail) and the record carries none.
   */
  ITEMISATION_REQUIRED: 'ITEMISATION_REQUIRED',
  /**
   * Nothing on the bill falls in what the liability pays from (its bucket or listed items), or earlier
   * payers left nothing of it.
   */
  NO_COVERED_AMOUNT: 'NO_COVERED_AMOUNT',
  /**
   * What the liability pays from does not exceed the deductible still outstanding in the policy period.
   */
  BELOW_DEDUCTIBLE: 'BELOW_DEDUCTIBLE',
  /**
   * The liability's cap (or a cap it shares) for the policy period is used up.
   */
  CAP_EXHAUSTED: 'CAP_EXHAUSTED',
} as const;

/**
 * Why a product pays nothing for a visit: the fixed vocabulary of eligibility answers (docs/products.md).
 * The value names are the codes the HTTP API answers with; clients that decode enums as strings (JSON,
 * proto-loader with enums: String) see exactly those names.
 */
export type Reason =
  /**
   * Never sent.
   */
  | 'REASON_UNSPECIFIED'
  | 0
  /**
   * The visit (dated by admission) falls outside every period of the policy.
   */
  | 'POLICY_NOT_ACTIVE'
  | 1
  /**
   * The visit falls within the liability's waiting period counted from the policy's first period.
   */
  | 'WAITING_PERIOD'
  | 2
  /**
   * The visit type (from med_type: outpatient, inpatient, 门特 …) is not one the liability covers.
   */
  | 'VISIT_TYPE_NOT_COVERED'
  | 3
  /**
   * The hospital's registered level (一级/二级/三级) is not one the liability covers.
   */
  | 'FACILITY_NOT_COVERED'
  | 4
  /**
   * The liability pays only for visits settled through the product's local basic medical insurance,
   * and this one was not.
   */
  | 'NOT_SETTLED_THROUGH_BASIC_INSURANCE'
  | 5
  /**
   * A diagnosis on the visit is one the liability excludes.
   */
  | 'DIAGNOSIS_EXCLUDED'
  | 6
  /**
   * No diagnosis on the visit is among those the liability covers.
   */
  | 'DIAGNOSIS_NOT_COVERED'
  | 7
  /**
   * The liability pays on itemised fee lines (feedetail) and the record carries none.
   */
  | 'ITEMISATION_REQUIRED'
  | 8
  /**
   * Nothing on the bill falls in what the liability pays from (its bucket or listed items), or earlier
   * payers left nothing of it.
   */
  | 'NO_COVERED_AMOUNT'
  | 9
  /**
   * What the liability pays from does not exceed the deductible still outstanding in the policy period.
   */
  | 'BELOW_DEDUCTIBLE'
  | 10
  /**
   * The liability's cap (or a cap it shares) for the policy period is used up.
   */
  | 'CAP_EXHAUSTED'
  | 11

/**
 * Why a product pays nothing for a visit: the fixed vocabulary of eligibility answers (docs/products.md).
 * The value names are the codes the HTTP API answers with; clients that decode enums as strings (JSON,
 * proto-loader with enums: String) see exactly those names.
 */
export type Reason__Output = typeof Reason[keyof typeof Reason]
