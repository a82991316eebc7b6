// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/settlement.proto


export interface ReverseRequest {
  'settlement_id'?: (string);
}

export interface ReverseRequest__Output {
  'settlement_id': (string);
}
