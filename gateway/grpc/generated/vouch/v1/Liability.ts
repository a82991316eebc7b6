// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type { DeductibleTier as _vouch_v1_DeductibleTier, DeductibleTier__Output as _vouch_v1_DeductibleTier__Output } from '../../vouch/v1/DeductibleTier.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A liability's published terms (the product manual's clauses), as GET /v1/products shows them.
 */
export interface Liability {
  'code'?: (string);
  'name'?: (string);
  'bucket'?: (string);
  'visit_types'?: (string)[];
  'deductible_fen'?: (number | string | Long);
  'deductible_tiers'?: (_vouch_v1_DeductibleTier)[];
  'shared_deductible'?: (string);
  'ratio_bp'?: (number);
  'pre_existing_ratio_bp'?: (number);
  'non_local_ratio_bp'?: (number);
  'non_local_pre_existing_ratio_bp'?: (number);
  'requires_local_settlement'?: (boolean);
  'cap_fen'?: (number | string | Long);
  'shared_cap'?: (string);
  'med_chrgitm_types'?: (string)[];
  'chrgitm_lv'?: (string)[];
  'med_list_codes'?: (string)[];
  'facility_levels'?: (number)[];
  'excluded_diagnoses'?: (string)[];
  'covered_diagnoses'?: (string)[];
  'waiting_days'?: (number);
  '_non_local_ratio_bp'?: "non_local_ratio_bp";
  '_non_local_pre_existing_ratio_bp'?: "non_local_pre_existing_ratio_bp";
}

/**
 * A liability's published terms (the product manual's clauses), as GET /v1/products shows them.
 */
export interface Liability__Output {
  'code': (string);
  'name': (string);
  'bucket': (string);
  'visit_types': (string)[];
  'deductible_fen': (number);
  'deductible_tiers': (_vouch_v1_DeductibleTier__Output)[];
  'shared_deductible': (string);
  'ratio_bp': (number);
  'pre_existing_ratio_bp': (number);
  'non_local_ratio_bp'?: (number);
  'non_local_pre_existing_ratio_bp'?: (number);
  'requires_local_settlement': (boolean);
  'cap_fen': (number);
  'shared_cap': (string);
  'med_chrgitm_types': (string)[];
  'chrgitm_lv': (string)[];
  'med_list_codes': (string)[];
  'facility_levels': (number)[];
  'excluded_diagnoses': (string)[];
  'covered_diagnoses': (string)[];
  'waiting_days': (number);
  '_non_local_ratio_bp'?: "non_local_ratio_bp";
  '_non_local_pre_existing_ratio_bp'?: "non_local_pre_existing_ratio_bp";
}
