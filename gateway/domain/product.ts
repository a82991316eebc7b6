/**
 * Declarative product terms (per-payer adapters ship these; DESIGN.md "Products"). Amounts in fen,
 * ratios in basis points (10000 = 100 %). Plain types: the schema that checks a definition at start-up
 * (a bad definition stops the gateway) lives where products are loaded, adapters/payers/product-schema.ts.
 */
import type { VisitType } from './facts.js';

/** A ratio by pre-existing status, in basis points (0..10000). */
export interface Ratio {
  normal: number;
  pre_existing: number;
}

export interface Deductible {
  amount_fen: number;
  /** Lower deductibles after claim-free policy years; the highest tier reached applies. */
  claim_free_tiers?: { min_claim_free_years: number; amount_fen: number }[];
}

/** The bucket a liability pays from (docs/products.md "Buckets"). */
export type Base =
  | 'out_of_list_selfpay'
  | 'in_list_personal_burden'
  | 'in_list_excluding_preselfpay'
  | 'personal_burden'
  | 'cash_burden'
  | 'listed_items';

export interface Liability {
  code: string;
  name: string;
  visit_types: VisitType[];
  base: Base;
  /** Restricts the base to fee lines (feedetail) by category, level or national code. */
  items?: { med_chrgitm_types?: string[]; chrgitm_lv?: string[]; med_list_codes?: string[] };
  /** Deductible of its own, or the name of a deductible the product shares between liabilities. */
  deductible?: Deductible | { shared: string };
  ratio_bp: Ratio;
  /** When the visit was not settled through the product's local basic insurance. Absent: not covered. */
  non_local_ratio_bp?: Ratio;
  requires_local_settlement: boolean;
  cap_fen: number;
  /** Name of a cap shared with other liabilities of the product. */
  shared_cap?: string;
  facility_levels?: (1 | 2 | 3)[];
  /** ICD-10 医保版 code prefixes that exclude the visit. */
  excluded_diagnoses?: string[];
  /** ICD-10 code prefixes the visit must carry (e.g. a relief payer's listed conditions). */
  covered_diagnoses?: string[];
  waiting_days?: number;
}

export interface Product {
  code: string;
  version: string;
  name: string;
  insurer: string;
  /** Coordination-of-benefits order: lower pays first. */
  cob_order: number;
  /**
   * Products of one family are one cover: a person holds one policy of a family at a time (沪惠保 and its
   * 新市民 edition are one family). Defaults to the product code.
   */
  family?: string;
  /** The policy term in whole years (every shipped product: one year). A period is exactly one term. */
  term_years?: number;
  /**
   * `commercial`: what earlier commercial payers paid on the visit counts toward this product's
   * deductibles (common 百万医疗 and 惠民保 terms); basic insurance never does.
   */
  deductible_offset_by?: 'commercial';
  /** admdvs prefix of the basic insurance that counts as local ('31' Shanghai, '4401' Guangzhou). */
  local_region?: string;
  shared_deductibles?: Record<string, Deductible>;
  shared_caps?: Record<string, number>;
  source?: string;
  liabilities: Liability[];
}

/** The family a product belongs to (one policy per person and family at a time). */
export const familyOf = (p: Product): string => p.family ?? p.code;

/** The policy term in years (a period is exactly one term). */
export const termYearsOf = (p: Product): number => p.term_years ?? 1;

/** True when a liability pays only on itemised fee lines (a category, level or code list). */
export const needsItemisation = (l: Liability): boolean => l.items !== undefined;
