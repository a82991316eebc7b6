// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto


export interface PolicyPeriod {
  'period_no'?: (number);
  'product'?: (string);
  'start_date'?: (string);
  'end_date'?: (string);
  /**
   * active, expired or upcoming.
   */
  'status'?: (string);
  'pre_existing'?: (boolean);
  'claim_free_years'?: (number);
  'terms_frozen'?: (boolean);
  'corrections'?: (number);
}

export interface PolicyPeriod__Output {
  'period_no': (number);
  'product': (string);
  'start_date': (string);
  'end_date': (string);
  /**
   * active, expired or upcoming.
   */
  'status': (string);
  'pre_existing': (boolean);
  'claim_free_years': (number);
  'terms_frozen': (boolean);
  'corrections': (number);
}
