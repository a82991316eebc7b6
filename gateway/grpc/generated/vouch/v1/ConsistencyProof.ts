// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface ConsistencyProof {
  'first'?: (number | string | Long);
  'second'?: (number | string | Long);
  'proof'?: (string)[];
}

export interface ConsistencyProof__Output {
  'first': (number);
  'second': (number);
  'proof': (string)[];
}
