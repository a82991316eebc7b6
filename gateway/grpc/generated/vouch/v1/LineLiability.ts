// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/settlement.proto

import type { Long } from '@grpc/proto-loader';

export interface LineLiability {
  'liability'?: (string);
  /**
   * What the cashier settles now.
   */
  'payable_fen'?: (number | string | Long);
  /**
   * What the liability owes before the cash limit.
   */
  'owed_fen'?: (number | string | Long);
}

export interface LineLiability__Output {
  'liability': (string);
  /**
   * What the cashier settles now.
   */
  'payable_fen': (number);
  /**
   * What the liability owes before the cash limit.
   */
  'owed_fen': (number);
}
