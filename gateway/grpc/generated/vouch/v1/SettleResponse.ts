// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/settlement.proto

import type { SettlementLine as _vouch_v1_SettlementLine, SettlementLine__Output as _vouch_v1_SettlementLine__Output } from '../../vouch/v1/SettlementLine.js';
import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from '../../vouch/v1/Receipt.js';
import type { Long } from '@grpc/proto-loader';

export interface SettleResponse {
  'settlement_id'?: (string);
  'status'?: (string);
  'lines'?: (_vouch_v1_SettlementLine)[];
  'insurers_total_fen'?: (number | string | Long);
  'patient_cash_fen'?: (number | string | Long);
  'receipt'?: (_vouch_v1_Receipt | null);
  'receipt_salt'?: (string);
}

export interface SettleResponse__Output {
  'settlement_id': (string);
  'status': (string);
  'lines': (_vouch_v1_SettlementLine__Output)[];
  'insurers_total_fen': (number);
  'patient_cash_fen': (number);
  'receipt': (_vouch_v1_Receipt__Output | null);
  'receipt_salt': (string);
}
