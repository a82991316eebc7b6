// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type { Signature as _vouch_v1_Signature, Signature__Output as _vouch_v1_Signature__Output } from '../../vouch/v1/Signature.js';
import type { Long } from '@grpc/proto-loader';

export interface TreeHead {
  'tree_size'?: (number | string | Long);
  'root_hash'?: (string);
  'timestamp'?: (number | string | Long);
  'key_id'?: (string);
  /**
   * Ed25519: base64; SM2: the 64-byte r || s in hex.
   */
  'signature'?: (string);
  /**
   * "Ed25519" or "SM2" (CONTRACT.md "国密").
   */
  'alg'?: (string);
  /**
   * VOUCH_CRYPTO=dual: the SM2 signature over the same bytes.
   */
  'cosignatures'?: (_vouch_v1_Signature)[];
}

export interface TreeHead__Output {
  'tree_size': (number);
  'root_hash': (string);
  'timestamp': (number);
  'key_id': (string);
  /**
   * Ed25519: base64; SM2: the 64-byte r || s in hex.
   */
  'signature': (string);
  /**
   * "Ed25519" or "SM2" (CONTRACT.md "国密").
   */
  'alg': (string);
  /**
   * VOUCH_CRYPTO=dual: the SM2 signature over the same bytes.
   */
  'cosignatures': (_vouch_v1_Signature__Output)[];
}
