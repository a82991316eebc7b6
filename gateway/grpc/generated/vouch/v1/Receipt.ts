// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/common.proto

import type { Signature as _vouch_v1_Signature, Signature__Output as _vouch_v1_Signature__Output } from '../../vouch/v1/Signature.js';
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
   * HMAC-SHA256 (hex) keyed with the answer's receipt_salt over the answer's canonical JSON (the JSON
   * names of the HTTP answer), without receipt and receipt_salt.
   */
  'result_digest'?: (string);
  'consent_id'?: (string);
  'consent_version'?: (number | string | Long);
  'record_digest'?: (string);
  'product_version'?: (string);
  /**
   * "Ed25519" (VOUCH_CRYPTO=intl or dual) or "SM2" (gm: SM3, user id 1234567812345678).
   */
  'alg'?: (string);
  'key_id'?: (string);
  /**
   * Ed25519: base64; SM2: the 64-byte r || s in hex.
   */
  'signature'?: (string);
  /**
   * Hex RFC 6962 leaf hash, SHA-256(0x00 || leaf), of the leaf at leaf_index.
   */
  'leaf_hash'?: (string);
  /**
   * HMAC-SHA256 (hex) keyed with receipt_salt over the question asked (empty when none is covered).
   */
  'question_digest'?: (string);
  /**
   * VOUCH_CRYPTO=dual: the SM2 signature over exactly the bytes the primary signature covers.
   */
  'cosignatures'?: (_vouch_v1_Signature)[];
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
   * HMAC-SHA256 (hex) keyed with the answer's receipt_salt over the answer's canonical JSON (the JSON
   * names of the HTTP answer), without receipt and receipt_salt.
   */
  'result_digest': (string);
  'consent_id': (string);
  'consent_version': (number);
  'record_digest': (string);
  'product_version': (string);
  /**
   * "Ed25519" (VOUCH_CRYPTO=intl or dual) or "SM2" (gm: SM3, user id 1234567812345678).
   */
  'alg': (string);
  'key_id': (string);
  /**
   * Ed25519: base64; SM2: the 64-byte r || s in hex.
   */
  'signature': (string);
  /**
   * Hex RFC 6962 leaf hash, SHA-256(0x00 || leaf), of the leaf at leaf_index.
   */
  'leaf_hash': (string);
  /**
   * HMAC-SHA256 (hex) keyed with receipt_salt over the question asked (empty when none is covered).
   */
  'question_digest': (string);
  /**
   * VOUCH_CRYPTO=dual: the SM2 signature over exactly the bytes the primary signature covers.
   */
  'cosignatures': (_vouch_v1_Signature__Output)[];
}
