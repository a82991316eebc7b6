// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type { Reason as _vouch_v1_Reason, Reason__Output as _vouch_v1_Reason__Output } from '../../vouch/v1/Reason.js';
import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from '../../vouch/v1/Receipt.js';

export interface EligibilityAnswer {
  /**
   * True when the product would pay something for this visit.
   */
  'eligible'?: (boolean);
  /**
   * Why it would not (empty when eligible), in the order of the Reason enum, each at most once.
   */
  'reasons'?: (_vouch_v1_Reason)[];
  'receipt'?: (_vouch_v1_Receipt | null);
  /**
   * Hex salt of the receipt's digests; keep it with the answer to prove what was answered.
   */
  'receipt_salt'?: (string);
}

export interface EligibilityAnswer__Output {
  /**
   * True when the product would pay something for this visit.
   */
  'eligible': (boolean);
  /**
   * Why it would not (empty when eligible), in the order of the Reason enum, each at most once.
   */
  'reasons': (_vouch_v1_Reason__Output)[];
  'receipt': (_vouch_v1_Receipt__Output | null);
  /**
   * Hex salt of the receipt's digests; keep it with the answer to prove what was answered.
   */
  'receipt_salt': (string);
}
