// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type { Long } from '@grpc/proto-loader';

export interface ClaimedAmounts {
  /**
   * Required, as over HTTP: a claim without it is refused (VALIDATION_FAILED), never compared as 0.
   */
  'medfee_sumamt_fen'?: (number | string | Long);
  /**
   * Compared only when set.
   */
  'psn_cash_pay_fen'?: (number | string | Long);
  '_medfee_sumamt_fen'?: "medfee_sumamt_fen";
  '_psn_cash_pay_fen'?: "psn_cash_pay_fen";
}

export interface ClaimedAmounts__Output {
  /**
   * Required, as over HTTP: a claim without it is refused (VALIDATION_FAILED), never compared as 0.
   */
  'medfee_sumamt_fen'?: (number);
  /**
   * Compared only when set.
   */
  'psn_cash_pay_fen'?: (number);
  '_medfee_sumamt_fen'?: "medfee_sumamt_fen";
  '_psn_cash_pay_fen'?: "psn_cash_pay_fen";
}
