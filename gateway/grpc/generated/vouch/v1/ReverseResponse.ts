// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/settlement.proto

import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from '../../vouch/v1/Receipt.js';

export interface ReverseResponse {
  'settlement_id'?: (string);
  'status'?: (string);
  'receipt'?: (_vouch_v1_Receipt | null);
  'receipt_salt'?: (string);
}

export interface ReverseResponse__Output {
  'settlement_id': (string);
  'status': (string);
  'receipt': (_vouch_v1_Receipt__Output | null);
  'receipt_salt': (string);
}
