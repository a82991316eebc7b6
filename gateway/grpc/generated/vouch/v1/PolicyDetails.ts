// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { PeriodUse as _vouch_v1_PeriodUse, PeriodUse__Output as _vouch_v1_PeriodUse__Output } from '../../vouch/v1/PeriodUse.js';

export interface PolicyDetails {
  'policy_no'?: (string);
  'product'?: (string);
  'periods'?: (_vouch_v1_PeriodUse)[];
}

export interface PolicyDetails__Output {
  'policy_no': (string);
  'product': (string);
  'periods': (_vouch_v1_PeriodUse__Output)[];
}
