/**
 * One-stop settlement (一站式结算): every commercial product the patient holds, in coordination-of-
 * benefits order, each computing on what the ones before it left. Pure.
 */
import { decideAmong, type Consent } from './consent.js';
import type { RecordFacts } from './facts.js';
import { evaluateProduct, initialRemaining, type AccumulatorUse, type PolicyTerms, type ProductResult } from './liabilities.js';
import { periodCovering } from './policy.js';
import type { Product } from './product.js';

/** A policy the patient holds: the period's terms and its accumulators' use so far in that period. */
export interface HeldPolicy {
  insurer: string;
  policy_no: string;
  product: Product;
  terms: PolicyTerms;
  use: AccumulatorUse;
}

export interface SettlementLine {
  insurer: string;
  policy_no: string;
  result: ProductResult;
}

export interface SettlementPlan {
  lines: SettlementLine[];
  insurers_total_fen: number;
  /** psn_cash_pay − insurers_total, never below zero. */
  patient_cash_fen: number;
}

/** A policy of the patient as stored: its periods, each with the product it was written under. */
export interface PolicyOnFile {
  insurer: string;
  policy_no: string;
  periods: readonly { period_no: number; product: string; start_date: string; end_date: string; pre_existing: boolean; claim_free_years: number }[];
}

/** A policy period that takes part in a settlement, before its accumulators are read. */
export interface Participant {
  insurer: string;
  policy_no: string;
  product: Product;
  period_no: number;
  terms: PolicyTerms;
}

/** The accumulator key of a period (accumulators are kept per policy period). */
export const periodKey = (periodNo: number): string => `p${periodNo}`;

/** The terms of one period of a policy, as the liabilities evaluate them. */
export function termsOf(policy: PolicyOnFile, periodNo: number): PolicyTerms {
  const p = policy.periods.find((x) => x.period_no === periodNo)!;
  const first = policy.periods.reduce((a, b) => (a.period_no < b.period_no ? a : b));
  return {
    period_key: periodKey(periodNo), start_date: p.start_date, end_date: p.end_date, cover_start: first.start_date,
    pre_existing: p.pre_existing, claim_free_years: p.claim_free_years,
  };
}

/**
 * Who takes part in settling a visit at a hospital: policies whose insurer is an active party holding an
 * active `settlement` consent of the patient covering this hospital, with a period covering the visit's
 * date, under a product the gateway knows. (A suspended insurer's policies take no part.)
 */
export function participants(
  policies: readonly PolicyOnFile[],
  consents: readonly Consent[],
  products: (code: string) => Product | undefined,
  insurerActive: (code: string) => boolean,
  visit: { hospital: string; visit_date: string; now: number },
): Participant[] {
  const out: Participant[] = [];
  for (const p of policies) {
    if (!insurerActive(p.insurer)) continue;
    const mine = consents.filter((c) => c.grantee === p.insurer);
    if (!decideAmong(mine, { grantee: p.insurer, purpose: 'settlement', provider: visit.hospital, now: visit.now }).allow) continue;
    const period = periodCovering(p.periods, visit.visit_date);
    const product = period && products(period.product);
    if (!period || !product) continue;
    out.push({ insurer: p.insurer, policy_no: p.policy_no, product, period_no: period.period_no, terms: termsOf(p, period.period_no) });
  }
  return out;
}

/** cob_order, then period start, then insurer and policy number so the order is total and stable. */
export function cobOrder(a: HeldPolicy, b: HeldPolicy): number {
  return (
    a.product.cob_order - b.product.cob_order ||
    (a.terms.start_date < b.terms.start_date ? -1 : a.terms.start_date > b.terms.start_date ? 1 : 0) ||
    (a.insurer < b.insurer ? -1 : a.insurer > b.insurer ? 1 : 0) ||
    (a.policy_no < b.policy_no ? -1 : a.policy_no > b.policy_no ? 1 : 0)
  );
}

/**
 * Plans the settlement at the cashier. The commercial share never exceeds the cash the patient would
 * otherwise pay (psn_cash_pay) nor the personal burden (psn_part_amt).
 */
export function planSettlement(facts: RecordFacts, held: readonly HeldPolicy[], hospitalLevel: number | null): SettlementPlan {
  const remaining = initialRemaining(facts, 'cash');
  const lines: SettlementLine[] = [];
  for (const h of [...held].sort(cobOrder)) {
    const result = evaluateProduct({ product: h.product, facts, policy: h.terms, hospitalLevel, use: h.use, remaining });
    lines.push({ insurer: h.insurer, policy_no: h.policy_no, result });
  }
  const total = lines.reduce((s, l) => s + l.result.payable_fen, 0);
  return { lines, insurers_total_fen: total, patient_cash_fen: Math.max(0, facts.cash_fen - total) };
}

/** A quote for one policy on its own (what the product owes; a quote commits nothing). */
export function quote(facts: RecordFacts, h: HeldPolicy, hospitalLevel: number | null): ProductResult {
  return evaluateProduct({
    product: h.product,
    facts,
    policy: h.terms,
    hospitalLevel,
    use: h.use,
    remaining: initialRemaining(facts, 'personal_burden'),
  });
}
