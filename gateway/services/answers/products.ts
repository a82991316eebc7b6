import { familyOf, termYearsOf, type Deductible, type Liability, type Product } from '../../domain/product.js';

/**
 * The public view of a product (GET /v1/products and gRPC ListProducts): its terms are public documents
 * (the product manuals), and integrators cannot otherwise know them. One view for both transports.
 */
export interface LiabilityTerms {
  code: string;
  name: string;
  /** What the liability pays from (docs/products.md "Buckets"). */
  bucket: Liability['base'];
  visit_types: Liability['visit_types'];
  /** The annual deductible (before claim-free tiers); 0 when there is none. */
  deductible_fen: number;
  /** Lower deductibles after claim-free years. */
  deductible_tiers?: { min_claim_free_years: number; deductible_fen: number }[];
  /** Name of a deductible shared with other liabilities of the product. */
  shared_deductible?: string;
  ratio_bp: number;
  pre_existing_ratio_bp: number;
  /** When the visit was not settled through the product's local basic insurance (absent: not covered). */
  non_local_ratio_bp?: number;
  non_local_pre_existing_ratio_bp?: number;
  requires_local_settlement: boolean;
  cap_fen: number;
  shared_cap?: string;
  items?: { med_chrgitm_types?: string[]; chrgitm_lv?: string[]; med_list_codes?: string[] };
  facility_levels?: number[];
  excluded_diagnoses?: string[];
  covered_diagnoses?: string[];
  waiting_days?: number;
}

export interface ProductView {
  code: string;
  insurer: string;
  name: string;
  version: string;
  cob_order: number;
  family: string;
  term_years: number;
  local_region?: string;
  deductible_offset_by?: 'commercial';
  source?: string;
  shared_caps?: Record<string, number>;
  liabilities: LiabilityTerms[];
}

function deductibleTerms(d: Deductible): Pick<LiabilityTerms, 'deductible_fen' | 'deductible_tiers'> {
  return {
    deductible_fen: d.amount_fen,
    ...(d.claim_free_tiers ? { deductible_tiers: d.claim_free_tiers.map((t) => ({ min_claim_free_years: t.min_claim_free_years, deductible_fen: t.amount_fen })) } : {}),
  };
}

function liabilityTerms(l: Liability, p: Product): LiabilityTerms {
  const ded = !l.deductible
    ? { deductible_fen: 0 }
    : 'shared' in l.deductible
      ? { ...deductibleTerms(p.shared_deductibles![l.deductible.shared]!), shared_deductible: l.deductible.shared }
      : deductibleTerms(l.deductible);
  return {
    code: l.code,
    name: l.name,
    bucket: l.base,
    visit_types: l.visit_types,
    ...ded,
    ratio_bp: l.ratio_bp.normal,
    pre_existing_ratio_bp: l.ratio_bp.pre_existing,
    ...(l.non_local_ratio_bp ? { non_local_ratio_bp: l.non_local_ratio_bp.normal, non_local_pre_existing_ratio_bp: l.non_local_ratio_bp.pre_existing } : {}),
    requires_local_settlement: l.requires_local_settlement,
    cap_fen: l.cap_fen,
    ...(l.shared_cap !== undefined ? { shared_cap: l.shared_cap } : {}),
    ...(l.items ? { items: l.items } : {}),
    ...(l.facility_levels ? { facility_levels: l.facility_levels } : {}),
    ...(l.excluded_diagnoses ? { excluded_diagnoses: l.excluded_diagnoses } : {}),
    ...(l.covered_diagnoses ? { covered_diagnoses: l.covered_diagnoses } : {}),
    ...(l.waiting_days !== undefined ? { waiting_days: l.waiting_days } : {}),
  };
}

export function productView(p: Product): ProductView {
  return {
    code: p.code,
    insurer: p.insurer,
    name: p.name,
    version: p.version,
    cob_order: p.cob_order,
    family: familyOf(p),
    term_years: termYearsOf(p),
    ...(p.local_region !== undefined ? { local_region: p.local_region } : {}),
    ...(p.deductible_offset_by ? { deductible_offset_by: p.deductible_offset_by } : {}),
    ...(p.source !== undefined ? { source: p.source } : {}),
    ...(p.shared_caps ? { shared_caps: p.shared_caps } : {}),
    liabilities: p.liabilities.map((l) => liabilityTerms(l, p)),
  };
}
