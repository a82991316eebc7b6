// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { Liability as _vouch_v1_Liability, Liability__Output as _vouch_v1_Liability__Output } from '../../vouch/v1/Liability.js';

export interface Product {
  'code'?: (string);
  /**
   * The payer's party code: only it may enroll policies under the product.
   */
  'insurer'?: (string);
  'name'?: (string);
  'version'?: (string);
  'cob_order'?: (number);
  'liabilities'?: (_vouch_v1_Liability)[];
  'family'?: (string);
  'term_years'?: (number);
  'local_region'?: (string);
  'deductible_offset_by'?: (string);
  'source'?: (string);
}

export interface Product__Output {
  'code': (string);
  /**
   * The payer's party code: only it may enroll policies under the product.
   */
  'insurer': (string);
  'name': (string);
  'version': (string);
  'cob_order': (number);
  'liabilities': (_vouch_v1_Liability__Output)[];
  'family': (string);
  'term_years': (number);
  'local_region': (string);
  'deductible_offset_by': (string);
  'source': (string);
}
