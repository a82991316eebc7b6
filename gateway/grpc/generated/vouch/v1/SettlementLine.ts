// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/settlement.proto

import type { LiabilityAmount as _vouch_v1_LiabilityAmount, LiabilityAmount__Output as _vouch_v1_LiabilityAmount__Output } from '../../vouch/v1/LiabilityAmount.js';
import type { Long } from '@grpc/proto-loader';

export interface SettlementLine {
  'insurer'?: (string);
  'policy_no'?: (string);
  'product'?: (string);
  'payable_fen'?: (number | string | Long);
  'liabilities'?: (_vouch_v1_LiabilityAmount)[];
}

export interface SettlementLine__Output {
  'insurer': (string);
  'policy_no': (string);
  'product': (string);
  'payable_fen': (number);
  'liabilities': (_vouch_v1_LiabilityAmount__Output)[];
}
