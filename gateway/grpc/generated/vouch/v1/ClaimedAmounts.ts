// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type { Long } from '@grpc/proto-loader';

export interface ClaimedAmounts {
  'medfee_sumamt_fen'?: (number | string | Long);
  /**
   * Compared only when set.
   */
  'psn_cash_pay_fen'?: (number | string | Long);
  '_psn_cash_pay_fen'?: "psn_cash_pay_fen";
}

export interface ClaimedAmounts__Output {
  'medfee_sumamt_fen': (number);
  /**
   * Compared only when set.
   */
  'psn_cash_pay_fen'?: (number);
  '_psn_cash_pay_fen'?: "psn_cash_pay_fen";
}
