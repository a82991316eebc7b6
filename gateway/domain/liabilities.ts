import { applyRatio } from './money.js';
import type { Atom, FactLine, RecordFacts } from './facts.js';
import type { Base, Deductible, Liability, Product } from './product.js';
import { orderReasons, type ReasonCode } from './reasons.js';

/**
 * Evaluation of a product's liabilities against one visit. Pure: the accumulators' current use, the
 * amounts earlier payers already covered and the cash limit are inputs; the deltas to commit are outputs.
 */

export interface PolicyTerms {
  start_date: string;
  end_date: string;
  pre_existing: boolean;
  claim_free_years: number;
}

/** Accumulator use so far this policy year, by accumulator key. */
export type AccumulatorUse = ReadonlyMap<string, number>;

export interface AccumulatorDelta {
  key: string;
  year_start: string;
  delta_fen: number;
}

export interface LiabilityResult {
  liability: string;
  payable_fen: number;
  deductible_applied_fen: number;
  reasons: ReasonCode[];
}

export interface ProductResult {
  product: string;
  product_version: string;
  year_start: string;
  payable_fen: number;
  deductible_applied_fen: number;
  liabilities: LiabilityResult[];
  /** Reasons when nothing is payable (empty when payable_fen > 0). */
  reasons: ReasonCode[];
  deltas: AccumulatorDelta[];
}

/** What is left of the visit for the next payer (coordination of benefits). */
export interface Remaining {
  atoms: Record<Atom, number>;
  /** Upper bound on everything commercial payers may still pay (cash at the cashier, else personal burden). */
  limit_fen: number;
}

export function initialRemaining(facts: RecordFacts, limit: 'cash' | 'personal_burden'): Remaining {
  return {
    atoms: { ...facts.atoms },
    limit_fen: limit === 'cash' ? Math.min(facts.cash_fen, facts.personal_burden_fen) : facts.personal_burden_fen,
  };
}

const BASE_ATOMS: Record<Exclude<Base, 'listed_items'>, readonly Atom[]> = {
  out_of_list_selfpay: ['OOL'],
  in_list_personal_burden: ['PRE', 'DED', 'COP'],
  in_list_excluding_preselfpay: ['DED', 'COP'],
  personal_burden: ['OOL', 'PRE', 'DED', 'COP'],
  cash_burden: ['OOL', 'PRE', 'DED', 'COP'],
};

/** Atoms a liability's payment is drawn from, in the order it draws them. */
function atomsOf(l: Liability): readonly Atom[] {
  return l.base === 'listed_items' ? ['OOL', 'PRE'] : BASE_ATOMS[l.base];
}

/**
 * Why a product pays nothing: the union of its liabilities' reasons, leaving out liabilities that simply
 * have nothing to pay from on this bill (NO_COVERED_AMOUNT alone) unless that is all there is to say.
 */
function productReasons(results: readonly LiabilityResult[]): ReasonCode[] {
  const telling = results.filter((r) => !(r.reasons.length === 1 && r.reasons[0] === 'NO_COVERED_AMOUNT'));
  return orderReasons((telling.length ? telling : results).flatMap((r) => r.reasons));
}

/** The policy year the visit falls in: start_date plus whole years (anniversaries). */
export function policyYearStart(startDate: string, visitDate: string): string {
  const [y, m, d] = startDate.split('-').map(Number) as [number, number, number];
  const anniversary = (k: number): string => {
    // Feb 29 start dates fall on Feb 28 in common years.
    const date = new Date(Date.UTC(y + k, m - 1, d));
    if (date.getUTCMonth() !== m - 1) date.setUTCDate(0);
    return date.toISOString().slice(0, 10);
  };
  let k = Math.max(0, Number(visitDate.slice(0, 4)) - y);
  while (k > 0 && anniversary(k) > visitDate) k--;
  return anniversary(k);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function deductibleAmount(d: Deductible, claimFreeYears: number): number {
  let amount = d.amount_fen;
  for (const t of d.claim_free_tiers ?? []) {
    if (claimFreeYears >= t.min_claim_free_years && t.amount_fen < amount) amount = t.amount_fen;
  }
  return amount;
}

function lineMatches(line: FactLine, l: Liability): boolean {
  const f = l.items;
  if (!f) return true;
  if (f.med_chrgitm_types && !f.med_chrgitm_types.includes(line.type)) return false;
  if (f.chrgitm_lv && !f.chrgitm_lv.includes(line.lv)) return false;
  if (f.med_list_codes && !f.med_list_codes.includes(line.code)) return false;
  return true;
}

const startsWithAny = (codes: readonly string[], prefixes: readonly string[]): boolean =>
  codes.some((c) => prefixes.some((p) => c.toUpperCase().startsWith(p.toUpperCase())));

export interface EvaluationInput {
  product: Product;
  facts: RecordFacts;
  policy: PolicyTerms;
  /** The hospital's registered level (1/2/3), if known. */
  hospitalLevel: number | null;
  use: AccumulatorUse;
  remaining: Remaining;
}

/**
 * Evaluates every liability of a product in definition order. Within a product, fee lines a
 * listed-items liability covers are not paid again by a later liability (沪惠保: 特定高额药品 are not
 * also 特定住院自费). `remaining` is updated in place with what this product paid.
 */
export function evaluateProduct(input: EvaluationInput): ProductResult {
  const { product, facts, policy, remaining } = input;
  const yearStart = policyYearStart(policy.start_date, facts.visit_date);
  const use = new Map(input.use);
  const deltas = new Map<string, number>();
  const bump = (key: string, by: number): void => {
    if (by === 0) return;
    use.set(key, (use.get(key) ?? 0) + by);
    deltas.set(key, (deltas.get(key) ?? 0) + by);
  };

  const policyReasons: ReasonCode[] = [];
  if (facts.visit_date < policy.start_date || facts.visit_date > policy.end_date) policyReasons.push('POLICY_NOT_ACTIVE');
  const local =
    product.local_region !== undefined && facts.settled_region !== null && facts.settled_region.startsWith(product.local_region);
  const claimedLines = new Set<number>();
  const results: LiabilityResult[] = [];

  for (const l of product.liabilities) {
    const reasons: ReasonCode[] = [...policyReasons];
    if (l.waiting_days && daysBetween(policy.start_date, facts.visit_date) < l.waiting_days) reasons.push('WAITING_PERIOD');
    if (!l.visit_types.includes(facts.visit_type)) reasons.push('VISIT_TYPE_NOT_COVERED');
    if (l.facility_levels && (input.hospitalLevel === null || !l.facility_levels.includes(input.hospitalLevel as 1 | 2 | 3))) {
      reasons.push('FACILITY_NOT_COVERED');
    }
    let ratio = input.policy.pre_existing ? l.ratio_bp.pre_existing : l.ratio_bp.normal;
    if (l.requires_local_settlement && !local) {
      if (l.non_local_ratio_bp) ratio = input.policy.pre_existing ? l.non_local_ratio_bp.pre_existing : l.non_local_ratio_bp.normal;
      else reasons.push('NOT_SETTLED_THROUGH_BASIC_INSURANCE');
    }
    if (l.excluded_diagnoses && startsWithAny(facts.diag_codes, l.excluded_diagnoses)) reasons.push('DIAGNOSIS_EXCLUDED');
    if (l.covered_diagnoses && !startsWithAny(facts.diag_codes, l.covered_diagnoses)) reasons.push('DIAGNOSIS_NOT_COVERED');
    if (reasons.length) {
      results.push({ liability: l.code, payable_fen: 0, deductible_applied_fen: 0, reasons: orderReasons(reasons) });
      continue;
    }

    // The base: what this liability may pay from, limited to what earlier payers left.
    const atoms = atomsOf(l);
    const atomRoom = atoms.reduce((s, a) => s + remaining.atoms[a], 0);
    let base: number;
    if (l.base === 'listed_items' || (l.items && facts.has_lines)) {
      let sum = 0;
      facts.lines.forEach((line, i) => {
        if (claimedLines.has(i) || !lineMatches(line, l)) return;
        sum += l.base === 'listed_items' ? line.ool + line.pre : line.ool;
        if (l.base === 'listed_items') claimedLines.add(i);
      });
      base = Math.min(Math.max(sum, 0), atomRoom);
    } else {
      // Without fee lines a category filter cannot be applied: the whole bucket counts (see docs/products.md).
      base = atomRoom;
    }
    if (l.base === 'cash_burden') base = Math.min(base, remaining.limit_fen);

    // Deductible (per policy year; shared ones under the shared name).
    let deductibleKey: string | undefined;
    let deductibleTotal = 0;
    if (l.deductible) {
      if ('shared' in l.deductible) {
        deductibleKey = `ded:${l.deductible.shared}`;
        deductibleTotal = deductibleAmount(product.shared_deductibles![l.deductible.shared]!, policy.claim_free_years);
      } else {
        deductibleKey = `ded:${l.code}`;
        deductibleTotal = deductibleAmount(l.deductible, policy.claim_free_years);
      }
    }
    const deductibleLeft = deductibleKey ? Math.max(0, deductibleTotal - (use.get(deductibleKey) ?? 0)) : 0;
    const deductibleApplied = Math.min(base, deductibleLeft);
    const afterDeductible = base - deductibleApplied;

    const capKey = `cap:${l.code}`;
    const sharedCapKey = l.shared_cap !== undefined ? `cap:shared:${l.shared_cap}` : undefined;
    let capLeft = Math.max(0, l.cap_fen - (use.get(capKey) ?? 0));
    if (sharedCapKey) capLeft = Math.min(capLeft, Math.max(0, product.shared_caps![l.shared_cap!]! - (use.get(sharedCapKey) ?? 0)));

    const gross = applyRatio(afterDeductible, ratio);
    const payable = Math.max(0, Math.min(gross, capLeft, remaining.limit_fen));

    if (base === 0) reasons.push('NO_COVERED_AMOUNT');
    else if (afterDeductible === 0) reasons.push('BELOW_DEDUCTIBLE');
    else if (gross > 0 && capLeft === 0) reasons.push('CAP_EXHAUSTED');
    else if (gross > 0 && remaining.limit_fen === 0) reasons.push('NO_COVERED_AMOUNT');

    if (deductibleKey) bump(deductibleKey, deductibleApplied);
    bump(capKey, payable);
    if (sharedCapKey) bump(sharedCapKey, payable);
    // What this liability paid is no longer there for later liabilities and payers.
    let toDraw = payable;
    for (const a of atoms) {
      const take = Math.min(toDraw, remaining.atoms[a]);
      remaining.atoms[a] -= take;
      toDraw -= take;
    }
    remaining.limit_fen -= payable;
    results.push({ liability: l.code, payable_fen: payable, deductible_applied_fen: deductibleApplied, reasons: payable > 0 ? [] : orderReasons(reasons) });
  }

  const payable = results.reduce((s, r) => s + r.payable_fen, 0);
  return {
    product: product.code,
    product_version: product.version,
    year_start: yearStart,
    payable_fen: payable,
    deductible_applied_fen: results.reduce((s, r) => s + r.deductible_applied_fen, 0),
    liabilities: results,
    reasons: payable > 0 ? [] : productReasons(results),
    deltas: [...deltas].map(([key, delta_fen]) => ({ key, year_start: yearStart, delta_fen })),
  };
}
