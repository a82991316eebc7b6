/**
 * One-stop settlement (一站式结算): every commercial product the patient holds, in coordination-of-
 * benefits order, each computing on what the ones before it left. Pure.
 */
import type { RecordFacts } from './facts.js';
import { evaluateProduct, initialRemaining, type AccumulatorUse, type PolicyTerms, type ProductResult } from './liabilities.js';
import { cobOrder } from './participation.js';
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
