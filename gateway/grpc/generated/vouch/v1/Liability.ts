// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto


export interface Liability {
  'code'?: (string);
  'name'?: (string);
}

export interface Liability__Output {
  'code': (string);
  'name': (string);
}
