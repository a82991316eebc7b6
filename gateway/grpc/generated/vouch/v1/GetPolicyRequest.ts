// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto


export interface GetPolicyRequest {
  'policy_no'?: (string);
}

export interface GetPolicyRequest__Output {
  'policy_no': (string);
}
