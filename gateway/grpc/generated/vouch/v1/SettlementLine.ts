// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/settlement.proto

import type { LineLiability as _vouch_v1_LineLiability, LineLiability__Output as _vouch_v1_LineLiability__Output } from '../../vouch/v1/LineLiability.js';
import type { Reason as _vouch_v1_Reason, Reason__Output as _vouch_v1_Reason__Output } from '../../vouch/v1/Reason.js';
import type { Long } from '@grpc/proto-loader';

export interface SettlementLine {
  'insurer'?: (string);
  'policy_no'?: (string);
  'product'?: (string);
  /**
   * What the cashier settles now for this payer.
   */
  'payable_fen'?: (number | string | Long);
  'liabilities'?: (_vouch_v1_LineLiability)[];
  /**
   * What the product owes before the cash limit; above payable_fen the rest may be claimed later.
   */
  'owed_fen'?: (number | string | Long);
  /**
   * Why the payer pays nothing; empty when it pays.
   */
  'reasons'?: (_vouch_v1_Reason)[];
}

export interface SettlementLine__Output {
  'insurer': (string);
  'policy_no': (string);
  'product': (string);
  /**
   * What the cashier settles now for this payer.
   */
  'payable_fen': (number);
  'liabilities': (_vouch_v1_LineLiability__Output)[];
  /**
   * What the product owes before the cash limit; above payable_fen the rest may be claimed later.
   */
  'owed_fen': (number);
  /**
   * Why the payer pays nothing; empty when it pays.
   */
  'reasons': (_vouch_v1_Reason__Output)[];
}
