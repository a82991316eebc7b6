// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/common.proto


/**
 * Carried in the trailing metadata "vouch-error-bin" of every failed call (also as the plain
 * "vouch-error-code" key): the catalogue code of docs and HTTP, and a message free of personal data.
 */
export interface ErrorDetail {
  'code'?: (string);
  'message'?: (string);
  'request_id'?: (string);
}

/**
 * Carried in the trailing metadata "vouch-error-bin" of every failed call (also as the plain
 * "vouch-error-code" key): the catalogue code of docs and HTTP, and a message free of personal data.
 */
export interface ErrorDetail__Output {
  'code': (string);
  'message': (string);
  'request_id': (string);
}
