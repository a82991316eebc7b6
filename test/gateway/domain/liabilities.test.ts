import t from 'tap';
import { copayShares, type RecordFacts } from '../../../gateway/domain/facts.js';
import { baseOf, coverageOf, deductibleOf, evaluateProduct, initialRemaining, insurerView, type PolicyTerms } from '../../../gateway/domain/liabilities.js';
import type { Product } from '../../../gateway/domain/product.js';
import { validateProduct } from '../../../adapters/payers/product-schema.js';
import { BUILT_IN_ADAPTERS } from '../../../adapters/payers/registry.js';

/** Pure clause-by-clause tests; figures by hand in the comments (fen; Y = 100 fen per yuan). */
const Y = 100;
const product = (code: string): Product => {
  for (const a of BUILT_IN_ADAPTERS) for (const [i, p] of a.products.entries()) if ((p as { code: string }).code === code) return validateProduct(p, `${a.id}#${i}`);
  throw new Error(code);
};
const HHB = product('huhuibao-2025');
const BW = product('baiwan-medical');
const terms: PolicyTerms = { period_key: 'p1', start_date: '2025-01-01', end_date: '2025-12-31', cover_start: '2025-01-01', pre_existing: false, claim_free_years: 0 };
const facts = (over: Partial<RecordFacts> = {}): RecordFacts => ({
  visit_type: 'inpatient', med_type: '21', visit_date: '2025-05-01', settled_region: '310100', medfee_fen: 0, personal_burden_fen: 0, cash_fen: 0,
  atoms: { OOL: 0, PRE: 0, DED: 0, COP: 0 }, has_lines: true, lines: [], diag_codes: ['I10.x00'], ...over,
});
const liability = (p: Product, code: string) => p.liabilities.find((l) => l.code === code)!;

t.test('co-pay shares: proportional to inscp_scp_amt, half up, exact for one line', async (t) => {
  t.same(copayShares([{ inscp_scp_amt: 8_000 * Y }], 2_400 * Y), [2_400 * Y]);
  t.same(copayShares([{ inscp_scp_amt: 8_000 * Y }, { inscp_scp_amt: 4_000 * Y }], 3_600 * Y), [2_400 * Y, 1_200 * Y]);
  // 1,000.00 over three equal lines: 333.333… → 333.33 each (half up per line).
  t.same(copayShares([{ inscp_scp_amt: 1 }, { inscp_scp_amt: 1 }, { inscp_scp_amt: 1 }], 100_000), [33_333, 33_333, 33_333]);
  // 2 : 1 of 0.05: 0.0333… → 0.03; 0.0166… → 0.02.
  t.same(copayShares([{ inscp_scp_amt: 2 }, { inscp_scp_amt: 1 }], 5), [3, 2]);
  t.same(copayShares([{ inscp_scp_amt: 0 }, { inscp_scp_amt: 0 }], 500), [0, 0], 'no in-list line, nothing to share');
  t.same(copayShares([{ inscp_scp_amt: 1000 }, { inscp_scp_amt: -1000 }, { inscp_scp_amt: 1000 }], 600), [600, -600, 600], 'a refund nets out its purchase');
});

t.test('coverage: each reason from its own clause', async (t) => {
  const sp = liability(HHB, 'inpatient_selfpay');
  const input = (f: Partial<RecordFacts>, p: Partial<PolicyTerms> = {}) => ({ product: HHB, facts: facts(f), policy: { ...terms, ...p }, hospitalLevel: 3, use: new Map(), remaining: initialRemaining(facts(f), 'personal_burden') });
  t.same(coverageOf(sp, input({})).reasons, []);
  t.same(coverageOf(sp, input({ visit_date: '2026-01-01' })).reasons, ['POLICY_NOT_ACTIVE']);
  t.same(coverageOf(sp, input({ visit_type: 'outpatient' })).reasons, ['VISIT_TYPE_NOT_COVERED']);
  t.same(coverageOf(sp, input({ settled_region: '320100' })).reasons, ['NOT_SETTLED_THROUGH_BASIC_INSURANCE']);
  t.same(coverageOf(sp, input({ settled_region: null })).reasons, ['NOT_SETTLED_THROUGH_BASIC_INSURANCE'], 'unknown is not local');
  t.same(coverageOf(sp, input({ has_lines: false })).reasons, ['ITEMISATION_REQUIRED']);
  t.same(coverageOf(liability(BW, 'medical_expense'), { ...input({ has_lines: false }), product: BW }).reasons, [], 'no item list, no itemisation needed');
  t.equal(coverageOf(sp, input({}, { pre_existing: true })).ratio_bp, 5000);
});

t.test('bases: listed items on self-pay + 先行自付 + co-pay share; lines are not paid twice', async (t) => {
  const drugs = liability(HHB, 'domestic_special_drugs');
  const f = facts({
    atoms: { OOL: 1_000 * Y, PRE: 2_000 * Y, DED: 0, COP: 2_400 * Y },
    lines: [
      { code: 'XL01XCS001B002010100001', type: '09', lv: '02', ool: 0, pre: 2_000 * Y, cop: 2_400 * Y },
      { code: 'XA02BCA211A012010100154', type: '09', lv: '03', ool: 1_000 * Y, pre: 0, cop: 0 },
    ],
  });
  const claimed = new Set<number>();
  t.equal(baseOf(drugs, f, initialRemaining(f, 'personal_burden'), claimed), 4_400 * Y, '0 + 2,000 + 2,400');
  t.same([...claimed], [0]);
  t.equal(baseOf(liability(HHB, 'inpatient_selfpay'), f, initialRemaining(f, 'personal_burden'), claimed), 1_000 * Y, 'the other drug only');
  const legacy = facts({ atoms: f.atoms, lines: [{ code: 'XL01XCS001B002010100001', type: '09', lv: '02', ool: 0, pre: 2_000 * Y }] });
  t.equal(baseOf(drugs, legacy, initialRemaining(legacy, 'personal_burden'), new Set()), 2_000 * Y, 'facts sealed before co-pay shares read their share as 0');
});

t.test('deductibles: claim-free tiers; an earlier commercial payment meets a 百万医疗 deductible once', async (t) => {
  const sp = liability(HHB, 'inpatient_selfpay');
  t.same([0, 1, 2, 3, 9].map((y) => deductibleOf(sp, HHB, y)!.amount), [1_200_000, 1_200_000, 1_100_000, 1_000_000, 1_000_000]);
  t.equal(deductibleOf(liability(HHB, 'car_t'), HHB, 0), undefined);
  // Personal burden 21,000 of which an earlier payer took 4,200: base 16,800; the deductible 10,000 is met by
  // 4,200 → 5,800 left → pays 16,800 − 5,800 = 11,000.00; the accumulator takes 4,200 + 5,800 = 10,000.
  const f = facts({ personal_burden_fen: 21_000 * Y, cash_fen: 21_000 * Y, atoms: { OOL: 18_000 * Y, PRE: 0, DED: 1_000 * Y, COP: 2_000 * Y } });
  const remaining = initialRemaining(f, 'cash');
  remaining.atoms.OOL -= 4_200 * Y;
  remaining.limit_fen -= 4_200 * Y;
  remaining.commercial_paid_fen = 4_200 * Y;
  const r = evaluateProduct({ product: BW, facts: f, policy: terms, hospitalLevel: 3, use: new Map(), remaining });
  t.same([r.payable_fen, r.owed_fen, r.deductible_applied_fen], [11_000 * Y, 11_000 * Y, 5_800 * Y]);
  t.same(r.deltas, [{ key: 'ded:medical_expense', delta_fen: 10_000 * Y }, { key: 'cap:medical_expense', delta_fen: 11_000 * Y }]);
  t.equal(remaining.commercial_paid_fen, 15_200 * Y, 'what this payer paid counts for the next one');
});

t.test('owed before the cash limit, payable after it', async (t) => {
  // Personal burden 30,000, cash 5,000: 百万医疗 owes 30,000 − 10,000 = 20,000.00, settles 5,000.00.
  const f = facts({ personal_burden_fen: 30_000 * Y, cash_fen: 5_000 * Y, atoms: { OOL: 10_000 * Y, PRE: 0, DED: 0, COP: 20_000 * Y } });
  const r = evaluateProduct({ product: BW, facts: f, policy: terms, hospitalLevel: 3, use: new Map(), remaining: initialRemaining(f, 'cash') });
  t.same([r.owed_fen, r.payable_fen, r.reasons], [20_000 * Y, 5_000 * Y, []]);
});

t.test('the insurer’s view of a zero answer does not depend on the bill', async (t) => {
  const run = (ool: number) => {
    const f = facts({ personal_burden_fen: ool, cash_fen: ool, atoms: { OOL: ool, PRE: 0, DED: 0, COP: 0 }, lines: [{ code: 'XA02BCA211A012010100154', type: ool ? '09' : '06', lv: '03', ool, pre: 0, cop: 0 }] });
    return evaluateProduct({ product: HHB, facts: f, policy: terms, hospitalLevel: 3, use: new Map(), remaining: initialRemaining(f, 'personal_burden') });
  };
  const [none, some, almost] = [run(0), run(5_000 * Y), run(1_199_999)];
  t.same(none.reasons, ['NO_COVERED_AMOUNT'], 'precise, for the cashier');
  t.same(some.reasons, ['BELOW_DEDUCTIBLE']);
  t.same(insurerView(none), insurerView(some));
  t.same(insurerView(some), insurerView(almost));
  t.same(insurerView(none), { reasons: ['BELOW_DEDUCTIBLE'], deductible_applied_fen: 0, liabilities: HHB.liabilities.map((l) => ({ liability: l.code, payable_fen: 0 })) });
  // A paying visit shows the deductible it met: 15,000 − 12,000 → 3,000 × 70 % = 2,100.00, 12,000 applied.
  const paid = insurerView(run(15_000 * Y));
  t.equal(paid.deductible_applied_fen, 12_000 * Y);
});
