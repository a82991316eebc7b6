// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { Long } from '@grpc/proto-loader';

export interface DeductibleTier {
  'min_claim_free_years'?: (number);
  'deductible_fen'?: (number | string | Long);
}

export interface DeductibleTier__Output {
  'min_claim_free_years': (number);
  'deductible_fen': (number);
}
