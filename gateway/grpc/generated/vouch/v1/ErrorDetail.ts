// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/common.proto


/**
 * The detail of every failed call: the catalogue code of docs and HTTP, and a message free of personal
 * data. Carried twice in the trailing metadata: inside the standard google.rpc.Status of
 * "grpc-status-details-bin" (details[0], type URL "type.googleapis.com/vouch.v1.ErrorDetail"), and alone
 * as "vouch-error-bin"; the code also as the plain key "vouch-error-code", the request id as
 * "vouch-request-id".
 */
export interface ErrorDetail {
  /**
   * Catalogue code, e.g. NOT_AVAILABLE, QUERY_BUDGET_EXCEEDED (the OpenAPI document lists them).
   */
  'code'?: (string);
  /**
   * Fixed text for the code, never a value from the request.
   */
  'message'?: (string);
  /**
   * The id this call has in the gateway's logs: quote it to the operator.
   */
  'request_id'?: (string);
}

/**
 * The detail of every failed call: the catalogue code of docs and HTTP, and a message free of personal
 * data. Carried twice in the trailing metadata: inside the standard google.rpc.Status of
 * "grpc-status-details-bin" (details[0], type URL "type.googleapis.com/vouch.v1.ErrorDetail"), and alone
 * as "vouch-error-bin"; the code also as the plain key "vouch-error-code", the request id as
 * "vouch-request-id".
 */
export interface ErrorDetail__Output {
  /**
   * Catalogue code, e.g. NOT_AVAILABLE, QUERY_BUDGET_EXCEEDED (the OpenAPI document lists them).
   */
  'code': (string);
  /**
   * Fixed text for the code, never a value from the request.
   */
  'message': (string);
  /**
   * The id this call has in the gateway's logs: quote it to the operator.
   */
  'request_id': (string);
}
