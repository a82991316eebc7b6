// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/consent.proto


export interface ListConsentsRequest {
}

export interface ListConsentsRequest__Output {
}
