// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/consent.proto


export interface RevokeConsentRequest {
  'consent_id'?: (string);
}

export interface RevokeConsentRequest__Output {
  'consent_id': (string);
}
