// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto


export interface ListMyAccessRequest {
  'limit'?: (number);
  'cursor'?: (string);
}

export interface ListMyAccessRequest__Output {
  'limit': (number);
  'cursor': (string);
}
