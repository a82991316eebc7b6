// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type { LiabilityAmount as _vouch_v1_LiabilityAmount, LiabilityAmount__Output as _vouch_v1_LiabilityAmount__Output } from '../../vouch/v1/LiabilityAmount.js';
import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from '../../vouch/v1/Receipt.js';
import type { Reason as _vouch_v1_Reason, Reason__Output as _vouch_v1_Reason__Output } from '../../vouch/v1/Reason.js';
import type { Long } from '@grpc/proto-loader';

export interface QuoteAnswer {
  'payable_fen'?: (number | string | Long);
  'liabilities'?: (_vouch_v1_LiabilityAmount)[];
  /**
   * The deductible met by this visit on liabilities that pay; 0 when nothing is payable.
   */
  'deductible_applied_fen'?: (number | string | Long);
  'product'?: (string);
  'product_version'?: (string);
  'receipt'?: (_vouch_v1_Receipt | null);
  /**
   * Why nothing is payable; empty when the product pays.
   */
  'reasons'?: (_vouch_v1_Reason)[];
  'receipt_salt'?: (string);
}

export interface QuoteAnswer__Output {
  'payable_fen': (number);
  'liabilities': (_vouch_v1_LiabilityAmount__Output)[];
  /**
   * The deductible met by this visit on liabilities that pay; 0 when nothing is payable.
   */
  'deductible_applied_fen': (number);
  'product': (string);
  'product_version': (string);
  'receipt': (_vouch_v1_Receipt__Output | null);
  /**
   * Why nothing is payable; empty when the product pays.
   */
  'reasons': (_vouch_v1_Reason__Output)[];
  'receipt_salt': (string);
}
