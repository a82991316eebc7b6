// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto


export interface EnrollPolicyRequest {
  'policy_no'?: (string);
  'certno'?: (string);
  'product'?: (string);
  /**
   * yyyy-MM-dd.
   */
  'start_date'?: (string);
  'end_date'?: (string);
  'pre_existing'?: (boolean);
  'claim_free_years'?: (number);
}

export interface EnrollPolicyRequest__Output {
  'policy_no': (string);
  'certno': (string);
  'product': (string);
  /**
   * yyyy-MM-dd.
   */
  'start_date': (string);
  'end_date': (string);
  'pre_existing': (boolean);
  'claim_free_years': (number);
}
