// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from '../../vouch/v1/Receipt.js';

export interface ClaimAnswer {
  'match'?: (boolean);
  'receipt'?: (_vouch_v1_Receipt | null);
  'receipt_salt'?: (string);
}

export interface ClaimAnswer__Output {
  'match': (boolean);
  'receipt': (_vouch_v1_Receipt__Output | null);
  'receipt_salt': (string);
}
