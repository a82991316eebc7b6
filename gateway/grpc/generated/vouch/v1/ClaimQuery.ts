// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type { ClaimedAmounts as _vouch_v1_ClaimedAmounts, ClaimedAmounts__Output as _vouch_v1_ClaimedAmounts__Output } from '../../vouch/v1/ClaimedAmounts.js';

export interface ClaimQuery {
  'certno'?: (string);
  'provider'?: (string);
  'mdtrt_id'?: (string);
  'claimed'?: (_vouch_v1_ClaimedAmounts | null);
}

export interface ClaimQuery__Output {
  'certno': (string);
  'provider': (string);
  'mdtrt_id': (string);
  'claimed': (_vouch_v1_ClaimedAmounts__Output | null);
}
