import { decideAmong, type Consent } from './consent.js';
import type { PolicyTerms } from './liabilities.js';
import { periodCovering } from './policy.js';
import type { Product } from './product.js';

/**
 * Who takes part in settling a visit, and in what order. Pure: everything it decides on (the patient's
 * policies and consents, the products the gateway knows, which insurers are active) is read first and
 * passed in.
 */

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

/** What participation is decided on besides the policies and consents. */
export interface ParticipationContext {
  hospital: string;
  visit_date: string;
  now: number;
  /** The products the gateway knows, by code. */
  products: ReadonlyMap<string, Product>;
  /** Insurers registered and active (a suspended insurer's policies take no part). */
  activeInsurers: ReadonlySet<string>;
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
 * date, under a product the gateway knows — in coordination-of-benefits order ({@link cobOrder}).
 */
export function participants(policies: readonly PolicyOnFile[], consents: readonly Consent[], c: ParticipationContext): Participant[] {
  const out: Participant[] = [];
  for (const p of policies) {
    if (!c.activeInsurers.has(p.insurer)) continue;
    const mine = consents.filter((x) => x.grantee === p.insurer);
    if (!decideAmong(mine, { grantee: p.insurer, purpose: 'settlement', provider: c.hospital, now: c.now }).allow) continue;
    const period = periodCovering(p.periods, c.visit_date);
    const product = period && c.products.get(period.product);
    if (!period || !product) continue;
    out.push({ insurer: p.insurer, policy_no: p.policy_no, product, period_no: period.period_no, terms: termsOf(p, period.period_no) });
  }
  return out.sort(cobOrder);
}

/** cob_order, then period start, then insurer and policy number so the order is total and stable. */
export function cobOrder(a: Pick<Participant, 'insurer' | 'policy_no' | 'product' | 'terms'>, b: Pick<Participant, 'insurer' | 'policy_no' | 'product' | 'terms'>): number {
  return (
    a.product.cob_order - b.product.cob_order ||
    (a.terms.start_date < b.terms.start_date ? -1 : a.terms.start_date > b.terms.start_date ? 1 : 0) ||
    (a.insurer < b.insurer ? -1 : a.insurer > b.insurer ? 1 : 0) ||
    (a.policy_no < b.policy_no ? -1 : a.policy_no > b.policy_no ? 1 : 0)
  );
}
