// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface TreeHead {
  'tree_size'?: (number | string | Long);
  'root_hash'?: (string);
  'timestamp'?: (number | string | Long);
  'key_id'?: (string);
  'signature'?: (string);
}

export interface TreeHead__Output {
  'tree_size': (number);
  'root_hash': (string);
  'timestamp': (number);
  'key_id': (string);
  'signature': (string);
}
