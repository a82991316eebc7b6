// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/common.proto


/**
 * One signature of a receipt or tree head: its algorithm ("Ed25519" or "SM2"), key id and value.
 */
export interface Signature {
  'alg'?: (string);
  'key_id'?: (string);
  'signature'?: (string);
}

/**
 * One signature of a receipt or tree head: its algorithm ("Ed25519" or "SM2"), key id and value.
 */
export interface Signature__Output {
  'alg': (string);
  'key_id': (string);
  'signature': (string);
}
