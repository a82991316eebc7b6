// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface InclusionProof {
  'leaf_index'?: (number | string | Long);
  'tree_size'?: (number | string | Long);
  'leaf_hash'?: (string);
  'audit_path'?: (string)[];
}

export interface InclusionProof__Output {
  'leaf_index': (number);
  'tree_size': (number);
  'leaf_hash': (string);
  'audit_path': (string)[];
}
