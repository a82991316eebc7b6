// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type { Long } from '@grpc/proto-loader';

export interface LiabilityAmount {
  'liability'?: (string);
  'payable_fen'?: (number | string | Long);
}

export interface LiabilityAmount__Output {
  'liability': (string);
  'payable_fen': (number);
}
