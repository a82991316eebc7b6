// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { PolicyPeriod as _vouch_v1_PolicyPeriod, PolicyPeriod__Output as _vouch_v1_PolicyPeriod__Output } from '../../vouch/v1/PolicyPeriod.js';
import type { LiabilityUse as _vouch_v1_LiabilityUse, LiabilityUse__Output as _vouch_v1_LiabilityUse__Output } from '../../vouch/v1/LiabilityUse.js';

export interface PeriodUse {
  'period'?: (_vouch_v1_PolicyPeriod | null);
  'deductible_met'?: (boolean);
  'liabilities'?: (_vouch_v1_LiabilityUse)[];
}

export interface PeriodUse__Output {
  'period': (_vouch_v1_PolicyPeriod__Output | null);
  'deductible_met': (boolean);
  'liabilities': (_vouch_v1_LiabilityUse__Output)[];
}
