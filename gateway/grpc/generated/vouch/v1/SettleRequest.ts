// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/settlement.proto


export interface SettleRequest {
  'certno'?: (string);
  'mdtrt_id'?: (string);
  'request_id'?: (string);
}

export interface SettleRequest__Output {
  'certno': (string);
  'mdtrt_id': (string);
  'request_id': (string);
}
