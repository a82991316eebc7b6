// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/record.proto

import type { Long } from '@grpc/proto-loader';

export interface PushRecordResponse {
  'record_id'?: (string);
  'version'?: (number | string | Long);
}

export interface PushRecordResponse__Output {
  'record_id': (string);
  'version': (number);
}
