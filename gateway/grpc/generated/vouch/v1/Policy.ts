// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto


export interface Policy {
  'policy_no'?: (string);
  'product'?: (string);
  'product_version'?: (string);
  'start_date'?: (string);
  'end_date'?: (string);
  'pre_existing'?: (boolean);
  'claim_free_years'?: (number);
  'status'?: (string);
}

export interface Policy__Output {
  'policy_no': (string);
  'product': (string);
  'product_version': (string);
  'start_date': (string);
  'end_date': (string);
  'pre_existing': (boolean);
  'claim_free_years': (number);
  'status': (string);
}
