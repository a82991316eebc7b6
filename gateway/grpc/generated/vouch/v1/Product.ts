// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { Liability as _vouch_v1_Liability, Liability__Output as _vouch_v1_Liability__Output } from '../../vouch/v1/Liability.js';

export interface Product {
  'code'?: (string);
  'insurer'?: (string);
  'name'?: (string);
  'version'?: (string);
  'cob_order'?: (number);
  'liabilities'?: (_vouch_v1_Liability)[];
}

export interface Product__Output {
  'code': (string);
  'insurer': (string);
  'name': (string);
  'version': (string);
  'cob_order': (number);
  'liabilities': (_vouch_v1_Liability__Output)[];
}
