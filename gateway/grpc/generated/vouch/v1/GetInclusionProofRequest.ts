// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface GetInclusionProofRequest {
  'leaf_index'?: (number | string | Long);
  'tree_size'?: (number | string | Long);
}

export interface GetInclusionProofRequest__Output {
  'leaf_index': (number);
  'tree_size': (number);
}
