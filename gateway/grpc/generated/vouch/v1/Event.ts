// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface Event {
  'leaf_index'?: (number | string | Long);
  'time'?: (string);
  'actor'?: (string);
  'actor_role'?: (string);
  'action'?: (string);
  'purpose'?: (string);
  /**
   * Blind index; empty in ListMyAccess.
   */
  'subject'?: (string);
  'outcome'?: (string);
  'reason'?: (string);
}

export interface Event__Output {
  'leaf_index': (number);
  'time': (string);
  'actor': (string);
  'actor_role': (string);
  'action': (string);
  'purpose': (string);
  /**
   * Blind index; empty in ListMyAccess.
   */
  'subject': (string);
  'outcome': (string);
  'reason': (string);
}
