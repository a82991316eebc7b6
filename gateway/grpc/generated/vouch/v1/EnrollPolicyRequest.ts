// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto


export interface EnrollPolicyRequest {
  'policy_no'?: (string);
  'certno'?: (string);
  'product'?: (string);
  /**
   * yyyy-MM-dd, inclusive: a period is exactly the product's term (one year).
   */
  'start_date'?: (string);
  'end_date'?: (string);
  'pre_existing'?: (boolean);
  'claim_free_years'?: (number);
  /**
   * An explicit, logged correction of the latest period after an answer used it (at most 2).
   */
  'correction'?: (boolean);
}

export interface EnrollPolicyRequest__Output {
  'policy_no': (string);
  'certno': (string);
  'product': (string);
  /**
   * yyyy-MM-dd, inclusive: a period is exactly the product's term (one year).
   */
  'start_date': (string);
  'end_date': (string);
  'pre_existing': (boolean);
  'claim_free_years': (number);
  /**
   * An explicit, logged correction of the latest period after an answer used it (at most 2).
   */
  'correction': (boolean);
}
