// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from '../../vouch/v1/Receipt.js';

export interface EligibilityAnswer {
  'eligible'?: (boolean);
  /**
   * Fixed vocabulary: docs/products.md.
   */
  'reasons'?: (string)[];
  'receipt'?: (_vouch_v1_Receipt | null);
  /**
   * Hex salt of the receipt's digests; keep it with the answer to prove what was answered.
   */
  'receipt_salt'?: (string);
}

export interface EligibilityAnswer__Output {
  'eligible': (boolean);
  /**
   * Fixed vocabulary: docs/products.md.
   */
  'reasons': (string)[];
  'receipt': (_vouch_v1_Receipt__Output | null);
  /**
   * Hex salt of the receipt's digests; keep it with the answer to prove what was answered.
   */
  'receipt_salt': (string);
}
