// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/common.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A signed receipt: enough, with the gateway's public key and an inclusion proof, for a third party to
 * check that the gateway gave an answer and logged it. See docs/audit-log.md for what is signed.
 */
export interface Receipt {
  'receipt_id'?: (string);
  /**
   * Index of the access-log leaf that records the answer.
   */
  'leaf_index'?: (number | string | Long);
  /**
   * RFC 3339 time the answer was given.
   */
  'issued_at'?: (string);
  /**
   * SHA-256 (hex) of the answer's canonical JSON, without its receipt.
   */
  'result_digest'?: (string);
  'consent_id'?: (string);
  'consent_version'?: (number | string | Long);
  'record_digest'?: (string);
  'product_version'?: (string);
  /**
   * Always "Ed25519".
   */
  'alg'?: (string);
  'key_id'?: (string);
  /**
   * Base64 Ed25519 signature.
   */
  'signature'?: (string);
}

/**
 * A signed receipt: enough, with the gateway's public key and an inclusion proof, for a third party to
 * check that the gateway gave an answer and logged it. See docs/audit-log.md for what is signed.
 */
export interface Receipt__Output {
  'receipt_id': (string);
  /**
   * Index of the access-log leaf that records the answer.
   */
  'leaf_index': (number);
  /**
   * RFC 3339 time the answer was given.
   */
  'issued_at': (string);
  /**
   * SHA-256 (hex) of the answer's canonical JSON, without its receipt.
   */
  'result_digest': (string);
  'consent_id': (string);
  'consent_version': (number);
  'record_digest': (string);
  'product_version': (string);
  /**
   * Always "Ed25519".
   */
  'alg': (string);
  'key_id': (string);
  /**
   * Base64 Ed25519 signature.
   */
  'signature': (string);
}
