// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/consent.proto

import type { Consent as _vouch_v1_Consent, Consent__Output as _vouch_v1_Consent__Output } from '../../vouch/v1/Consent.js';

export interface ListConsentsResponse {
  'consents'?: (_vouch_v1_Consent)[];
}

export interface ListConsentsResponse__Output {
  'consents': (_vouch_v1_Consent__Output)[];
}
