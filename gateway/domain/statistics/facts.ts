import type { RecordFacts } from '../facts.js';
import { evaluateProduct, initialRemaining, type PolicyTerms } from '../liabilities.js';
import type { Product } from '../product.js';
import { AGE_BANDS, type VisitAmounts } from './query.js';

/**
 * The statistics lab's view of one visit, derived at push time (the only moment the ID number — hence
 * birth date and sex — is at hand; the vault keeps only its blind index). Coarse on purpose: an age band,
 * not a birth date; a province, not a hospital; a year, not a day.
 */
export interface StatKeys {
  age_band: string;
  gender: string;
  visit_type: string;
  region: string;
  year: string;
}

/** Birth date (yyyy-MM-dd) and sex of a valid resident ID number (GB 11643: digits 7–14, digit 17 odd = male). */
export function birthAndSex(certno: string): { birth: string; sex: 'F' | 'M' } {
  const birth = `${certno.slice(6, 10)}-${certno.slice(10, 12)}-${certno.slice(12, 14)}`;
  return { birth, sex: Number(certno[16]) % 2 === 1 ? 'M' : 'F' };
}

/** Whole years of age on `date` (yyyy-MM-dd) for someone born on `birth`. */
export function ageOn(birth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birth.slice(0, 4));
  return date.slice(5) < birth.slice(5) ? years - 1 : years;
}

export function ageBand(age: number): string {
  if (age < 18) return AGE_BANDS[0];
  if (age < 30) return AGE_BANDS[1];
  if (age >= 80) return AGE_BANDS[7];
  return AGE_BANDS[Math.floor(age / 10) - 1]!; // 30-39 → [2] … 70-79 → [6]
}

/** The clear keys of a visit: age band on the visit day, sex, visit type, province of settlement, year. */
export function statKeys(certno: string, facts: RecordFacts): StatKeys {
  const { birth, sex } = birthAndSex(certno);
  return {
    age_band: ageBand(Math.max(0, ageOn(birth, facts.visit_date))),
    gender: sex,
    visit_type: facts.visit_type,
    region: facts.settled_region ? facts.settled_region.slice(0, 2) : 'unknown',
    year: facts.visit_date.slice(0, 4),
  };
}

/**
 * What each product would pay for this visit on its own: a policy year that is the visit's calendar
 * year, no earlier use of deductibles or caps, no waiting period, no pre-existing condition, no
 * claim-free years, limited by the personal burden (as a quote is). That is the per-visit burden a product's
 * terms put on the insurer — the figure pricing starts from; annual deductibles that earlier visits of
 * the same year would have met are not modelled (docs/statistics.md).
 */
export function productPayables(facts: RecordFacts, products: readonly Product[], hospitalLevel: number | null): Record<string, number> {
  const year = facts.visit_date.slice(0, 4);
  const policy: PolicyTerms = {
    period_key: 'stats', start_date: `${year}-01-01`, end_date: `${year}-12-31`, cover_start: '1900-01-01', pre_existing: false, claim_free_years: 0,
  };
  const out: Record<string, number> = {};
  for (const product of products) {
    let payable = 0;
    try {
      payable = evaluateProduct({ product, facts, policy, hospitalLevel, use: new Map(), remaining: initialRemaining(facts, 'personal_burden') }).payable_fen;
    } catch {
      // A product whose terms cannot evaluate this visit pays nothing here: the lab must never refuse a push.
    }
    if (payable > 0) out[product.code] = payable;
  }
  return out;
}

/** The amounts the lab sums, sealed at rest beside the clear keys. */
export function statAmounts(facts: RecordFacts, products: readonly Product[], hospitalLevel: number | null): VisitAmounts {
  return {
    medfee_fen: facts.medfee_fen,
    personal_burden_fen: facts.personal_burden_fen,
    out_of_list_fen: facts.atoms.OOL,
    products: productPayables(facts, products, hospitalLevel),
  };
}
