// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto


export interface ListProductsRequest {
}

export interface ListProductsRequest__Output {
}
