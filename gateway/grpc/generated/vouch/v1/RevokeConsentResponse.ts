// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/consent.proto

import type { Long } from '@grpc/proto-loader';

export interface RevokeConsentResponse {
  'consent_id'?: (string);
  'version'?: (number | string | Long);
  'status'?: (string);
}

export interface RevokeConsentResponse__Output {
  'consent_id': (string);
  'version': (number);
  'status': (string);
}
