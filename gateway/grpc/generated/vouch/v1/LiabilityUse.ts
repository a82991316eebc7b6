// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { Long } from '@grpc/proto-loader';

export interface LiabilityUse {
  'liability'?: (string);
  'paid_fen'?: (number | string | Long);
  'cap_left_fen'?: (number | string | Long);
}

export interface LiabilityUse__Output {
  'liability': (string);
  'paid_fen': (number);
  'cap_left_fen': (number);
}
