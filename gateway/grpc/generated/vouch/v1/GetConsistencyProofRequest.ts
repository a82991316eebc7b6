// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface GetConsistencyProofRequest {
  'first'?: (number | string | Long);
  'second'?: (number | string | Long);
}

export interface GetConsistencyProofRequest__Output {
  'first': (number);
  'second': (number);
}
