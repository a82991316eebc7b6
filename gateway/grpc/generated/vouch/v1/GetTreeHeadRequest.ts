// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto


export interface GetTreeHeadRequest {
}

export interface GetTreeHeadRequest__Output {
}
