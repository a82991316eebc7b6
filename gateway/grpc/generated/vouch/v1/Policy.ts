// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { PolicyPeriod as _vouch_v1_PolicyPeriod, PolicyPeriod__Output as _vouch_v1_PolicyPeriod__Output } from '../../vouch/v1/PolicyPeriod.js';

export interface Policy {
  'policy_no'?: (string);
  'product'?: (string);
  'product_version'?: (string);
  'start_date'?: (string);
  'end_date'?: (string);
  'pre_existing'?: (boolean);
  'claim_free_years'?: (number);
  'status'?: (string);
  'periods'?: (_vouch_v1_PolicyPeriod)[];
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
  'periods': (_vouch_v1_PolicyPeriod__Output)[];
}
