/**
 * Evaluation of a product's liabilities against one visit, clause by clause (docs/products.md). Pure:
 * the accumulators' use in the policy period, what earlier payers left and the cash limit are inputs;
 * the deltas to commit are outputs.
 */
import { daysBetween } from './dates.js';
import { applyRatio } from './money.js';
import type { Atom, FactLine, RecordFacts } from './facts.js';
import { needsItemisation, type Base, type Deductible, type Liability, type Product } from './product.js';
import { orderReasons, type ReasonCode } from './reasons.js';

/** The terms of the policy period a visit is evaluated under. */
export interface PolicyTerms {
  /** The period's accumulator key (stable for the period's life, even across corrections). */
  period_key: string;
  /** First and last day of the period (inclusive): one policy year. */
  start_date: string;
  end_date: string;
  /** First day of the policy's first period: waiting periods count from here, not from each renewal. */
  cover_start: string;
  pre_existing: boolean;
  claim_free_years: number;
}

/** Accumulator use so far in the policy period, by accumulator key. */
export type AccumulatorUse = ReadonlyMap<string, number>;

export interface AccumulatorDelta {
  key: string;
  delta_fen: number;
}

export interface LiabilityResult {
  liability: string;
  /** What is settled now: owed, limited by the cash (or personal burden) earlier payers left. */
  payable_fen: number;
  /** What the liability owes on the visit before the cash limit. */
  owed_fen: number;
  deductible_applied_fen: number;
  /** The liability's deductible for this policy (its claim-free tier), as published; 0 without one. */
  deductible_tier_fen: number;
  /** A deductible of this liability was still outstanding before the visit's own base was applied. */
  deductible_outstanding: boolean;
  reasons: ReasonCode[];
}

export interface ProductResult {
  product: string;
  product_version: string;
  period_key: string;
  payable_fen: number;
  owed_fen: number;
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
  /** What earlier commercial payers paid on this visit (meets deductibles with `deductible_offset_by`). */
  commercial_paid_fen: number;
}

export function initialRemaining(facts: RecordFacts, limit: 'cash' | 'personal_burden'): Remaining {
  return {
    atoms: { ...facts.atoms },
    limit_fen: limit === 'cash' ? Math.min(facts.cash_fen, facts.personal_burden_fen) : facts.personal_burden_fen,
    commercial_paid_fen: 0,
  };
}

/**
 * Atoms each base draws from, in the order it draws them. A listed item (特药) is paid on what the patient
 * is left with for its line after basic insurance: self-pay, 先行自付 and the line's share of the co-pay.
 */
const BASE_ATOMS: Record<Base, readonly Atom[]> = {
  out_of_list_selfpay: ['OOL'],
  in_list_personal_burden: ['PRE', 'DED', 'COP'],
  in_list_excluding_preselfpay: ['DED', 'COP'],
  personal_burden: ['OOL', 'PRE', 'DED', 'COP'],
  cash_burden: ['OOL', 'PRE', 'DED', 'COP'],
  listed_items: ['OOL', 'PRE', 'COP'],
};

/** What one fee line contributes to a base: its part of each atom the base draws from. */
function lineAmount(line: FactLine, atoms: readonly Atom[]): number {
  let sum = 0;
  if (atoms.includes('OOL')) sum += line.ool;
  if (atoms.includes('PRE')) sum += line.pre;
  if (atoms.includes('COP')) sum += line.cop ?? 0;
  return sum; // the 起付线 (DED) is not attributable to lines
}

/** Whether a fee line is on a liability's item list (by category, level and national code, all that are given). */
function lineMatches(line: FactLine, f: NonNullable<Liability['items']>): boolean {
  if (f.med_chrgitm_types && !f.med_chrgitm_types.includes(line.type)) return false;
  if (f.chrgitm_lv && !f.chrgitm_lv.includes(line.lv)) return false;
  if (f.med_list_codes && !f.med_list_codes.includes(line.code)) return false;
  return true;
}

const startsWithAny = (codes: readonly string[], prefixes: readonly string[]): boolean =>
  codes.some((c) => prefixes.some((p) => c.toUpperCase().startsWith(p.toUpperCase())));

function deductibleAmount(d: Deductible, claimFreeYears: number): number {
  let amount = d.amount_fen;
  for (const t of d.claim_free_tiers ?? []) {
    if (claimFreeYears >= t.min_claim_free_years && t.amount_fen < amount) amount = t.amount_fen;
  }
  return amount;
}

export interface EvaluationInput {
  product: Product;
  facts: RecordFacts;
  policy: PolicyTerms;
  /** The hospital's registered level (1/2/3), if known. */
  hospitalLevel: number | null;
  use: AccumulatorUse;
  remaining: Remaining;
}

/** Clause 1 — whether the liability applies to this visit at all, and at which ratio. */
export function coverageOf(l: Liability, input: EvaluationInput): { reasons: ReasonCode[]; ratio_bp: number } {
  const { product, facts, policy } = input;
  const reasons: ReasonCode[] = [];
  if (facts.visit_date < policy.start_date || facts.visit_date > policy.end_date) reasons.push('POLICY_NOT_ACTIVE');
  if (l.waiting_days && daysBetween(policy.cover_start, facts.visit_date) < l.waiting_days) reasons.push('WAITING_PERIOD');
  if (!l.visit_types.includes(facts.visit_type)) reasons.push('VISIT_TYPE_NOT_COVERED');
  if (l.facility_levels && (input.hospitalLevel === null || !l.facility_levels.includes(input.hospitalLevel as 1 | 2 | 3))) {
    reasons.push('FACILITY_NOT_COVERED');
  }
  const local = product.local_region !== undefined && facts.settled_region !== null && facts.settled_region.startsWith(product.local_region);
  let ratio = policy.pre_existing ? l.ratio_bp.pre_existing : l.ratio_bp.normal;
  if (l.requires_local_settlement && !local) {
    if (l.non_local_ratio_bp) ratio = policy.pre_existing ? l.non_local_ratio_bp.pre_existing : l.non_local_ratio_bp.normal;
    else reasons.push('NOT_SETTLED_THROUGH_BASIC_INSURANCE');
  }
  if (l.excluded_diagnoses && startsWithAny(facts.diag_codes, l.excluded_diagnoses)) reasons.push('DIAGNOSIS_EXCLUDED');
  if (l.covered_diagnoses && !startsWithAny(facts.diag_codes, l.covered_diagnoses)) reasons.push('DIAGNOSIS_NOT_COVERED');
  // Without fee lines a category or code list cannot be applied; paying the whole bucket instead would
  // pay for bed and surgery fees the terms exclude.
  if (needsItemisation(l) && !facts.has_lines) reasons.push('ITEMISATION_REQUIRED');
  return { reasons, ratio_bp: ratio };
}

/**
 * Clause 2 — the base: what the liability may pay from, limited to what earlier liabilities and payers
 * left. Fee lines a listed-items liability covers are marked so later liabilities do not pay them again
 * (沪惠保: 特定高额药品 are not also 特定住院自费).
 */
export function baseOf(l: Liability, facts: RecordFacts, remaining: Remaining, claimedLines: Set<number>): number {
  const atoms = BASE_ATOMS[l.base];
  const room = atoms.reduce((s, a) => s + remaining.atoms[a], 0);
  let base = room;
  const items = l.items;
  if (items) {
    let sum = 0;
    facts.lines.forEach((line, i) => {
      if (claimedLines.has(i) || !lineMatches(line, items)) return;
      sum += lineAmount(line, atoms);
      if (l.base === 'listed_items') claimedLines.add(i);
    });
    base = Math.min(Math.max(sum, 0), room);
  }
  return l.base === 'cash_burden' ? Math.min(base, remaining.limit_fen) : base;
}

/** Clause 3 — the accumulator key and amount of a liability's deductible (its claim-free tier), if it has one. */
export function deductibleOf(l: Liability, product: Product, claimFreeYears: number): { key: string; amount: number } | undefined {
  if (!l.deductible) return undefined;
  if ('shared' in l.deductible) {
    return { key: `ded:${l.deductible.shared}`, amount: deductibleAmount(product.shared_deductibles![l.deductible.shared]!, claimFreeYears) };
  }
  return { key: `ded:${l.code}`, amount: deductibleAmount(l.deductible, claimFreeYears) };
}

export interface DeductibleMet {
  /** What earlier commercial payments met of the deductible on this visit (clause 3a). */
  offset: number;
  /** What was left of the deductible after the offset, before the visit's own base. */
  outstanding: number;
  /** What the visit's base met of it (the rest of the base is paid from). */
  applied: number;
}

/**
 * Clause 3 — meeting the deductible: of `amount`, the period has used `used`. Clause 3a: with
 * `deductible_offset_by: commercial`, what earlier commercial payers paid on this visit and no earlier
 * liability's deductible took (`offsetAvailable`; 0 for other products) meets it first; the base meets the rest.
 */
export function meetDeductible(amount: number, used: number, offsetAvailable: number, base: number): DeductibleMet {
  const left = Math.max(0, amount - used);
  const offset = Math.min(left, offsetAvailable);
  const outstanding = left - offset;
  return { offset, outstanding, applied: Math.min(base, outstanding) };
}

/** Clause 5 — what is left of the liability's cap and of a shared cap it draws on. */
export function capLeftOf(l: Liability, product: Product, use: AccumulatorUse): { left: number; keys: string[] } {
  const keys = [`cap:${l.code}`];
  let left = Math.max(0, l.cap_fen - (use.get(keys[0]!) ?? 0));
  if (l.shared_cap !== undefined) {
    const key = `cap:shared:${l.shared_cap}`;
    keys.push(key);
    left = Math.min(left, Math.max(0, product.shared_caps![l.shared_cap]! - (use.get(key) ?? 0)));
  }
  return { left, keys };
}

/** Clauses 4 and 5 — what the liability owes: the ratio of what the deductible left, half up, within the cap. */
export function owedOf(afterDeductible: number, ratioBp: number, capLeft: number): number {
  return Math.min(applyRatio(afterDeductible, ratioBp), capLeft);
}

/** Clause 6 — the cash limit: what is settled now of what is owed, within what earlier payers left. */
export function settledNow(owed: number, limitFen: number): number {
  return Math.max(0, Math.min(owed, limitFen));
}

/**
 * Why a liability pays nothing although it covers the visit. The policy's own state (an exhausted cap)
 * comes first, so the reason does not depend on the bill whenever the bill cannot change the outcome.
 */
export function zeroReason(base: number, afterDeductible: number, capLeft: number): ReasonCode {
  if (capLeft === 0) return 'CAP_EXHAUSTED';
  if (base === 0) return 'NO_COVERED_AMOUNT';
  if (afterDeductible === 0) return 'BELOW_DEDUCTIBLE';
  return 'NO_COVERED_AMOUNT'; // the cash (or personal burden) earlier payers left is used up
}

/**
 * What a liability paid is no longer there for later liabilities and payers: it is drawn from its base's
 * atoms in the order the base draws them, and from the cash limit. `remaining` is updated in place.
 */
export function drawDown(base: Base, payable: number, remaining: Remaining): void {
  let toDraw = payable;
  for (const a of BASE_ATOMS[base]) {
    const take = Math.min(toDraw, remaining.atoms[a]);
    remaining.atoms[a] -= take;
    toDraw -= take;
  }
  remaining.limit_fen -= payable;
}

/** Why a product pays nothing: its liabilities' reasons, leaving out those with merely nothing to pay from. */
export function productReasons(results: readonly { reasons: ReasonCode[] }[]): ReasonCode[] {
  const telling = results.filter((r) => !(r.reasons.length === 1 && r.reasons[0] === 'NO_COVERED_AMOUNT'));
  return orderReasons((telling.length ? telling : results).flatMap((r) => r.reasons));
}

/**
 * Accumulator use while one product is evaluated: the period's use before the visit, plus what the visit
 * adds so far (the deltas to commit), so a later liability sees a shared deductible or cap an earlier one drew on.
 */
class Tally {
  readonly use: Map<string, number>;
  readonly deltas = new Map<string, number>();

  constructor(before: AccumulatorUse) {
    this.use = new Map(before);
  }

  used(key: string): number {
    return this.use.get(key) ?? 0;
  }

  add(key: string, by: number): void {
    if (by === 0) return;
    this.use.set(key, this.used(key) + by);
    this.deltas.set(key, (this.deltas.get(key) ?? 0) + by);
  }
}

/** What one product's evaluation carries from liability to liability. */
interface Running {
  tally: Tally;
  /** Per deductible key, what of the earlier commercial payments already met it (clause 3a: once per deductible). */
  offsetTaken: Map<string, number>;
  /** Fee lines a listed-items liability already paid (clause 2). */
  claimedLines: Set<number>;
}

const notCovered = (l: Liability, reasons: ReasonCode[]): LiabilityResult => ({
  liability: l.code, payable_fen: 0, owed_fen: 0, deductible_applied_fen: 0, deductible_tier_fen: 0, deductible_outstanding: false,
  reasons: orderReasons(reasons),
});

/** One liability, clause by clause; commits its use to the running tally and draws what it pays from `remaining`. */
function evaluateLiability(l: Liability, input: EvaluationInput, run: Running): LiabilityResult {
  const { product, facts, policy, remaining } = input;
  const { reasons, ratio_bp } = coverageOf(l, input);
  if (reasons.length) return notCovered(l, reasons);
  const base = baseOf(l, facts, remaining, run.claimedLines);
  const ded = deductibleOf(l, product, policy.claim_free_years);
  let met: DeductibleMet = { offset: 0, outstanding: 0, applied: 0 };
  if (ded) {
    const taken = run.offsetTaken.get(ded.key) ?? 0;
    const available = product.deductible_offset_by === 'commercial' ? remaining.commercial_paid_fen - taken : 0;
    met = meetDeductible(ded.amount, run.tally.used(ded.key), available, base);
    if (product.deductible_offset_by === 'commercial') run.offsetTaken.set(ded.key, taken + met.offset);
    run.tally.add(ded.key, met.offset + met.applied);
  }
  const afterDeductible = base - met.applied;
  const cap = capLeftOf(l, product, run.tally.use);
  const owed = owedOf(afterDeductible, ratio_bp, cap.left);
  const payable = settledNow(owed, remaining.limit_fen);
  for (const k of cap.keys) run.tally.add(k, payable);
  drawDown(l.base, payable, remaining);
  return {
    liability: l.code, payable_fen: payable, owed_fen: owed, deductible_applied_fen: met.applied, deductible_tier_fen: ded?.amount ?? 0,
    deductible_outstanding: met.outstanding > 0, reasons: payable > 0 ? [] : [zeroReason(base, afterDeductible, cap.left)],
  };
}

/**
 * Evaluates every liability of a product in definition order: coverage → base → deductible (per period,
 * shared if named, lowered by claim-free tiers, met first by earlier commercial payments when the product
 * says so) → ratio, rounded half up → caps → the cash limit. `remaining` is updated in place.
 */
export function evaluateProduct(input: EvaluationInput): ProductResult {
  const run: Running = { tally: new Tally(input.use), offsetTaken: new Map(), claimedLines: new Set() };
  const results = input.product.liabilities.map((l) => evaluateLiability(l, input, run));
  const payable = results.reduce((s, r) => s + r.payable_fen, 0);
  input.remaining.commercial_paid_fen += payable;
  return {
    product: input.product.code,
    product_version: input.product.version,
    period_key: input.policy.period_key,
    payable_fen: payable,
    owed_fen: results.reduce((s, r) => s + r.owed_fen, 0),
    deductible_applied_fen: results.reduce((s, r) => s + r.deductible_applied_fen, 0),
    liabilities: results,
    reasons: payable > 0 ? [] : productReasons(results),
    deltas: [...run.tally.deltas].map(([key, delta_fen]) => ({ key, delta_fen })),
  };
}

/**
 * What an insurer may be told of a result (docs/privacy.md, class 3): nothing that depends on a hidden
 * bucket amount beyond what the product pays. Where a deductible is still outstanding, "nothing to pay
 * from" and "below the deductible" read the same (BELOW_DEDUCTIBLE), and the deductible applied is
 * shown only on liabilities that pay — two visits that both pay 0 give the same answer whatever the bill.
 */
export function insurerView(r: ProductResult): { reasons: ReasonCode[]; deductible_applied_fen: number; liabilities: { liability: string; payable_fen: number }[] } {
  // A period that does not cover the visit says that and nothing else: diagnosis, visit type or place
  // reasons would tell an insurer about a visit its policy never covered (class 2: one bit per period).
  if (r.liabilities.some((l) => l.reasons.includes('POLICY_NOT_ACTIVE'))) {
    return { reasons: ['POLICY_NOT_ACTIVE'], deductible_applied_fen: 0, liabilities: r.liabilities.map((l) => ({ liability: l.liability, payable_fen: 0 })) };
  }
  const shown = r.liabilities.map((l) => ({
    reasons: l.payable_fen === 0 && l.deductible_outstanding && l.reasons.includes('NO_COVERED_AMOUNT')
      ? orderReasons(l.reasons.map((x) => (x === 'NO_COVERED_AMOUNT' ? 'BELOW_DEDUCTIBLE' : x)))
      : l.reasons,
  }));
  return {
    reasons: r.payable_fen > 0 ? [] : productReasons(shown),
    // What was left of a deductible before a visit is the deductible less the year's earlier bills, paying
    // or not (and, for 百万医疗, less what other commercial payers paid). Told beside payable_fen it gives
    // the insurer this visit's bucket and every earlier zero-pay bill (class 3). So an insurer is told the
    // deductible its own payments show: on the visit where a liability first pays, the deductible of the
    // policy's tier (published terms); afterwards, and on visits that pay nothing, 0.
    deductible_applied_fen: r.liabilities.reduce((s, l) => s + (l.payable_fen > 0 && l.deductible_applied_fen > 0 ? l.deductible_tier_fen : 0), 0),
    liabilities: r.liabilities.map((l) => ({ liability: l.liability, payable_fen: l.payable_fen })),
  };
}
