import t from 'tap';
import type { RecordFacts } from '../../../gateway/domain/facts.js';
import {
  baseOf,
  capLeftOf,
  coverageOf,
  deductibleOf,
  drawDown,
  evaluateProduct,
  initialRemaining,
  insurerView,
  meetDeductible,
  owedOf,
  productReasons,
  settledNow,
  zeroReason,
  type EvaluationInput,
  type PolicyTerms,
} from '../../../gateway/domain/liabilities.js';
import type { Liability, Product } from '../../../gateway/domain/product.js';
import { validateProduct } from '../../../adapters/payers/product-schema.js';
import { BUILT_IN_ADAPTERS } from '../../../adapters/payers/registry.js';

/**
 * One direct test per clause of the evaluation (docs/products.md "Evaluation"; gateway/domain/liabilities.ts),
 * pure: no HTTP, no storage. Figures in fen, computed in the comments from the product's terms (Y = 100 fen).
 */
const Y = 100;
const shipped = (code: string): Product => {
  for (const a of BUILT_IN_ADAPTERS) for (const [i, p] of a.products.entries()) if ((p as { code: string }).code === code) return validateProduct(p, `${a.id}#${i}`);
  throw new Error(code);
};
const HHB = shipped('huhuibao-2025');
const HHBX = shipped('huhuibao-2025-xinshimin');
const SSK = shipped('suisuikang-2022');
const BW = shipped('baiwan-medical');
const CH = shipped('charity-relief');
const liability = (p: Product, code: string): Liability => p.liabilities.find((l) => l.code === code)!;

/**
 * A product no payer ships, exercising the terms the shipped ones do not use: a waiting period, facility
 * levels, an excluded diagnosis, a deductible and a cap shared by two liabilities.
 */
const SHARED = validateProduct(
  {
    code: 'clause-test', version: '1.0.0', name: 'clause test', insurer: 'tester', cob_order: 50,
    shared_deductibles: { family: { amount_fen: 5_000 * Y } },
    shared_caps: { annual: 10_000 * Y },
    liabilities: [
      {
        code: 'hospital', name: 'hospital', visit_types: ['inpatient'], base: 'personal_burden', deductible: { shared: 'family' },
        ratio_bp: { normal: 8000, pre_existing: 6000 }, requires_local_settlement: false, cap_fen: 8_000 * Y, shared_cap: 'annual',
        facility_levels: [2, 3], excluded_diagnoses: ['Z30'], waiting_days: 30,
      },
      {
        code: 'in_list', name: 'in list', visit_types: ['inpatient'], base: 'in_list_personal_burden', deductible: { shared: 'family' },
        ratio_bp: { normal: 5000, pre_existing: 5000 }, requires_local_settlement: false, cap_fen: 8_000 * Y, shared_cap: 'annual',
      },
    ],
  },
  'clause-test',
);

const terms: PolicyTerms = { period_key: 'p1', start_date: '2025-01-01', end_date: '2025-12-31', cover_start: '2025-01-01', pre_existing: false, claim_free_years: 0 };
const facts = (over: Partial<RecordFacts> = {}): RecordFacts => ({
  visit_type: 'inpatient', med_type: '21', visit_date: '2025-05-01', settled_region: '310100', medfee_fen: 0, personal_burden_fen: 0, cash_fen: 0,
  atoms: { OOL: 0, PRE: 0, DED: 0, COP: 0 }, has_lines: true, lines: [], diag_codes: ['I10.x00'], ...over,
});
const input = (product: Product, f: Partial<RecordFacts> = {}, p: Partial<PolicyTerms> = {}, hospitalLevel: number | null = 3): EvaluationInput => ({
  product, facts: facts(f), policy: { ...terms, ...p }, hospitalLevel, use: new Map(), remaining: initialRemaining(facts(f), 'personal_burden'),
});

t.test('initial remaining: the cashier limits by the cash (never above the burden), a quote by the burden', async (t) => {
  const f = facts({ personal_burden_fen: 3_000 * Y, cash_fen: 1_000 * Y, atoms: { OOL: 1_000 * Y, PRE: 500 * Y, DED: 500 * Y, COP: 1_000 * Y } });
  t.same(initialRemaining(f, 'cash'), { atoms: f.atoms, limit_fen: 1_000 * Y, commercial_paid_fen: 0 });
  t.equal(initialRemaining(f, 'personal_burden').limit_fen, 3_000 * Y);
  t.equal(initialRemaining({ ...f, cash_fen: 4_000 * Y }, 'cash').limit_fen, 3_000 * Y, 'cash above the burden (a 个人账户 mix-up) is capped by it');
  t.not(initialRemaining(f, 'cash').atoms, f.atoms, 'the atoms are copied, the facts stay sealed');
});

t.test('clause 1, coverage: waiting period, facility, diagnoses, non-local ratio, reasons in vocabulary order', async (t) => {
  const h = liability(SHARED, 'hospital');
  t.same(coverageOf(h, input(SHARED)), { reasons: [], ratio_bp: 8000 });
  // 30 waiting days from cover_start 2025-01-01: 2025-01-30 is day 29, 2025-01-31 day 30.
  t.same(coverageOf(h, input(SHARED, { visit_date: '2025-01-30' })).reasons, ['WAITING_PERIOD']);
  t.same(coverageOf(h, input(SHARED, { visit_date: '2025-01-31' })).reasons, []);
  t.same(coverageOf(h, input(SHARED, { visit_date: '2025-01-10' }, { cover_start: '2024-01-01' })).reasons, [], 'a renewal does not wait again');
  t.same(coverageOf(h, input(SHARED, {}, {}, 1)).reasons, ['FACILITY_NOT_COVERED']);
  t.same(coverageOf(h, input(SHARED, {}, {}, null)).reasons, ['FACILITY_NOT_COVERED'], 'an unknown level is not in scope');
  t.same(coverageOf(h, input(SHARED, { diag_codes: ['I10.x00', 'z30.101'] })).reasons, ['DIAGNOSIS_EXCLUDED'], 'prefixes compare case-insensitively');
  t.equal(coverageOf(h, input(SHARED, {}, { pre_existing: true })).ratio_bp, 6000);
  t.same(
    coverageOf(h, input(SHARED, { visit_type: 'outpatient', visit_date: '2025-01-02', diag_codes: ['Z30.0'] }, {}, 1)).reasons,
    ['WAITING_PERIOD', 'VISIT_TYPE_NOT_COVERED', 'FACILITY_NOT_COVERED', 'DIAGNOSIS_EXCLUDED'],
  );
  const relief = liability(CH, 'relief');
  t.same(coverageOf(relief, input(CH)).reasons, ['DIAGNOSIS_NOT_COVERED'], 'hypertension is not a listed condition');
  for (const code of ['C34.900', 'D61.901', 'N18.500']) t.same(coverageOf(relief, input(CH, { diag_codes: ['I10.x00', code] })).reasons, [], code);
  t.same(coverageOf(relief, input(CH, { diag_codes: ['N18.400'] })).reasons, ['DIAGNOSIS_NOT_COVERED'], 'CKD stage 4 is not N18.5');
  // 沪惠保 新市民版 特定住院自费 not settled through Shanghai basic insurance: 20 % (10 % pre-existing), still covered.
  const xin = liability(HHBX, 'inpatient_selfpay');
  t.same(coverageOf(xin, input(HHBX, { settled_region: '320100' })), { reasons: [], ratio_bp: 2000 });
  t.same(coverageOf(xin, input(HHBX, { settled_region: '320100' }, { pre_existing: true })), { reasons: [], ratio_bp: 1000 });
  t.same(coverageOf(xin, input(HHBX, { settled_region: '310115' })), { reasons: [], ratio_bp: 7000 }, 'local: the normal ratio');
  t.same(coverageOf(liability(SSK, 'in_list_burden'), input(SSK, { settled_region: '310100' })).reasons, ['NOT_SETTLED_THROUGH_BASIC_INSURANCE']);
  t.same(coverageOf(liability(SSK, 'in_list_burden'), input(SSK, { settled_region: '440106' })).reasons, []);
});

t.test('clause 2, base: the bucket within what is left; item lists by level; cash burden within the cash', async (t) => {
  const atoms = { OOL: 1_000 * Y, PRE: 200 * Y, DED: 300 * Y, COP: 500 * Y };
  const f = facts({
    personal_burden_fen: 2_000 * Y, cash_fen: 800 * Y, atoms,
    lines: [
      { code: 'A0000001', type: '09', lv: '01', ool: 0, pre: 0, cop: 300 * Y },
      { code: 'A0000002', type: '09', lv: '02', ool: 100 * Y, pre: 200 * Y, cop: 200 * Y },
      { code: 'A0000003', type: '09', lv: '03', ool: 900 * Y, pre: 0, cop: 0 },
    ],
  });
  // 穗岁康 in-list excluding 先行自付: DED 300 + COP 500 = 800; no item list, so lines do not matter.
  t.equal(baseOf(liability(SSK, 'in_list_burden'), f, initialRemaining(f, 'personal_burden'), new Set()), 800 * Y);
  // 百万医疗 personal burden: 1,000 + 200 + 300 + 500 = 2,000.
  t.equal(baseOf(liability(BW, 'medical_expense'), f, initialRemaining(f, 'personal_burden'), new Set()), 2_000 * Y);
  // Charity's cash burden is the whole burden (2,000) within the cash left (800).
  t.equal(baseOf(liability(CH, 'relief'), f, initialRemaining(f, 'cash'), new Set()), 800 * Y);
  // 甲/乙 lines only (01, 02) on the personal burden: line 1 0 + 0 + 300, line 2 100 + 200 + 200 → 800.
  const byLevel: Liability = { ...liability(BW, 'medical_expense'), items: { chrgitm_lv: ['01', '02'] } };
  const claimed = new Set<number>();
  t.equal(baseOf(byLevel, f, initialRemaining(f, 'personal_burden'), claimed), 800 * Y);
  t.same([...claimed], [], 'only listed-items liabilities claim their lines');
  // The same with only 300 left of the atoms (an earlier payer took the rest): min(800, 300).
  const left = initialRemaining(f, 'personal_burden');
  left.atoms = { OOL: 0, PRE: 0, DED: 0, COP: 300 * Y };
  t.equal(baseOf(byLevel, f, left, new Set()), 300 * Y);
  // A refund line larger than the purchase leaves a negative sum, read as nothing to pay from.
  const refund = facts({ atoms, lines: [{ code: 'A0000001', type: '09', lv: '01', ool: -100 * Y, pre: 0, cop: 0 }] });
  t.equal(baseOf(byLevel, refund, initialRemaining(refund, 'personal_burden'), new Set()), 0);
});

t.test('clause 3, deductibles: own or shared, claim-free tiers, and how they are met', async (t) => {
  t.same(deductibleOf(liability(SHARED, 'in_list'), SHARED, 0), { key: 'ded:family', amount: 5_000 * Y });
  t.same(deductibleOf(liability(SSK, 'in_list_burden'), SSK, 5), { key: 'ded:in_list_burden', amount: 16_000 * Y }, 'no tiers, no reduction');
  t.same(deductibleOf(liability(HHB, 'inpatient_selfpay'), HHB, 2), { key: 'ded:inpatient_selfpay', amount: 11_000 * Y });
  // 百万医疗: deductible 10,000, nothing used yet, an earlier payer paid 4,200 on the visit, base 16,800:
  // 4,200 meets it first, 5,800 is outstanding and the base meets it; 11,000 is paid from.
  t.same(meetDeductible(10_000 * Y, 0, 4_200 * Y, 16_800 * Y), { offset: 4_200 * Y, outstanding: 5_800 * Y, applied: 5_800 * Y });
  // An earlier payer paid more than the deductible: only the deductible is met, nothing is left for the base.
  t.same(meetDeductible(10_000 * Y, 0, 12_000 * Y, 16_800 * Y), { offset: 10_000 * Y, outstanding: 0, applied: 0 });
  // 穗岁康: 16,000 a year, 10,000 used by earlier visits, base 900: 6,000 outstanding, all 900 meets it.
  t.same(meetDeductible(16_000 * Y, 10_000 * Y, 0, 900 * Y), { offset: 0, outstanding: 6_000 * Y, applied: 900 * Y });
  // Used beyond the amount (a lower tier after a correction) leaves nothing, never a negative deductible.
  t.same(meetDeductible(11_000 * Y, 12_000 * Y, 0, 500 * Y), { offset: 0, outstanding: 0, applied: 0 });
});

t.test('clause 5, caps: the liability’s own and a shared one, never below zero', async (t) => {
  const h = liability(SHARED, 'hospital');
  t.same(capLeftOf(h, SHARED, new Map()), { left: 8_000 * Y, keys: ['cap:hospital', 'cap:shared:annual'] });
  // Own cap 8,000 with 3,000 used: 5,000; shared 10,000 with 6,500 used: 3,500 → 3,500.
  t.same(capLeftOf(h, SHARED, new Map([['cap:hospital', 3_000 * Y], ['cap:shared:annual', 6_500 * Y]])).left, 3_500 * Y);
  t.same(capLeftOf(h, SHARED, new Map([['cap:shared:annual', 11_000 * Y]])).left, 0);
  // 沪惠保 CAR-T: 500,000 cap, 499,999.99 used → 0.01 left; no shared cap.
  t.same(capLeftOf(liability(HHB, 'car_t'), HHB, new Map([['cap:car_t', 49_999_999]])), { left: 1, keys: ['cap:car_t'] });
});

t.test('clauses 4 and 5, owed: the ratio of what the deductible left, half up, within the cap', async (t) => {
  // 沪惠保 特定住院自费: 15,000 − 12,000 deductible = 3,000 × 70 % = 2,100.
  t.equal(owedOf(3_000 * Y, 7000, 100_000_000), 2_100 * Y);
  // 穗岁康 80 % of 0.03: 0.024 → 0.02; 百万医疗's 100 % of 0.01 is 0.01; 70 % of 0.05 = 0.035 → 0.04 (half up).
  t.equal(owedOf(3, 8000, 1_000), 2);
  t.equal(owedOf(1, 10_000, 1_000), 1);
  t.equal(owedOf(5, 7000, 1_000), 4);
  // CAR-T 100 % of 600,000 within its 500,000 cap.
  t.equal(owedOf(60_000_000, 10_000, 50_000_000), 50_000_000);
  t.equal(owedOf(0, 10_000, 50_000_000), 0);
});

t.test('clause 6, the cash limit: settled now within what earlier payers left', async (t) => {
  t.equal(settledNow(20_000 * Y, 5_000 * Y), 5_000 * Y, '百万医疗 owes 20,000, the patient would pay 5,000 cash');
  t.equal(settledNow(2_100 * Y, 5_000 * Y), 2_100 * Y);
  t.equal(settledNow(2_100 * Y, 0), 0);
  t.equal(settledNow(2_100 * Y, -1), 0, 'never negative');
});

t.test('why nothing is paid: the cap first, then the bill, then the deductible, then the cash', async (t) => {
  t.equal(zeroReason(5_000 * Y, 2_000 * Y, 0), 'CAP_EXHAUSTED');
  t.equal(zeroReason(0, 0, 100), 'NO_COVERED_AMOUNT');
  t.equal(zeroReason(5_000 * Y, 0, 100), 'BELOW_DEDUCTIBLE');
  t.equal(zeroReason(5_000 * Y, 2_000 * Y, 100), 'NO_COVERED_AMOUNT', 'owed but no cash left');
  t.same(productReasons([{ reasons: ['NO_COVERED_AMOUNT'] }, { reasons: ['BELOW_DEDUCTIBLE'] }, { reasons: ['VISIT_TYPE_NOT_COVERED'] }]), ['VISIT_TYPE_NOT_COVERED', 'BELOW_DEDUCTIBLE']);
  t.same(productReasons([{ reasons: ['NO_COVERED_AMOUNT'] }, { reasons: ['NO_COVERED_AMOUNT'] }]), ['NO_COVERED_AMOUNT'], 'nothing more telling');
  t.same(productReasons([{ reasons: [] }, { reasons: ['NO_COVERED_AMOUNT'] }]), [], 'a paying liability has no reason');
});

t.test('draw-down: what is paid leaves the base’s atoms in order, and the cash limit', async (t) => {
  const f = facts({ personal_burden_fen: 2_000 * Y, cash_fen: 1_500 * Y, atoms: { OOL: 300 * Y, PRE: 200 * Y, DED: 500 * Y, COP: 1_000 * Y } });
  const r = initialRemaining(f, 'cash');
  // personal_burden draws OOL, PRE, DED, COP: 1,200 takes 300, 200, 500 and 200 of the co-pay.
  drawDown('personal_burden', 1_200 * Y, r);
  t.same(r, { atoms: { OOL: 0, PRE: 0, DED: 0, COP: 800 * Y }, limit_fen: 300 * Y, commercial_paid_fen: 0 });
  // in_list_excluding_preselfpay draws DED then COP; OOL and PRE stay.
  const r2 = initialRemaining(f, 'cash');
  drawDown('in_list_excluding_preselfpay', 700 * Y, r2);
  t.same(r2.atoms, { OOL: 300 * Y, PRE: 200 * Y, DED: 0, COP: 800 * Y });
  t.equal(r2.limit_fen, 800 * Y);
});

t.test('a shared deductible and cap carry from one liability to the next', async (t) => {
  // Burden 10,000: OOL 6,000, DED 1,000, COP 3,000.
  // hospital (all atoms): base 10,000, shared deductible 5,000 met → 5,000 × 80 % = 4,000 (caps 8,000 / 10,000).
  // in_list (PRE+DED+COP): what hospital drew came from OOL first (6,000 → 2,000), so DED 1,000 + COP 3,000 = 4,000
  // are left; the shared deductible is already met → 4,000 × 50 % = 2,000; shared cap left 10,000 − 4,000 = 6,000.
  const f = facts({ personal_burden_fen: 10_000 * Y, cash_fen: 10_000 * Y, atoms: { OOL: 6_000 * Y, PRE: 0, DED: 1_000 * Y, COP: 3_000 * Y } });
  const remaining = initialRemaining(f, 'cash');
  const r = evaluateProduct({ product: SHARED, facts: f, policy: terms, hospitalLevel: 3, use: new Map(), remaining });
  t.same(r.liabilities.map((l) => [l.liability, l.payable_fen, l.deductible_applied_fen, l.deductible_outstanding]), [
    ['hospital', 4_000 * Y, 5_000 * Y, true],
    ['in_list', 2_000 * Y, 0, false],
  ]);
  t.same(r.deltas, [
    { key: 'ded:family', delta_fen: 5_000 * Y },
    { key: 'cap:hospital', delta_fen: 4_000 * Y },
    { key: 'cap:shared:annual', delta_fen: 6_000 * Y },
    { key: 'cap:in_list', delta_fen: 2_000 * Y },
  ]);
  t.same([remaining.limit_fen, remaining.commercial_paid_fen, remaining.atoms], [4_000 * Y, 6_000 * Y, { OOL: 2_000 * Y, PRE: 0, DED: 0, COP: 2_000 * Y }]);
  // With 9,500 of the shared cap used earlier in the year: hospital owes min(4,000, 500) = 500; in_list finds the
  // shared cap exhausted and says so.
  const late = evaluateProduct({ product: SHARED, facts: f, policy: terms, hospitalLevel: 3, use: new Map([['cap:shared:annual', 9_500 * Y]]), remaining: initialRemaining(f, 'cash') });
  t.same(late.liabilities.map((l) => [l.payable_fen, l.reasons]), [[500 * Y, []], [0, ['CAP_EXHAUSTED']]]);
  t.same(late.reasons, [], 'the product pays, so it gives no reason');
});

t.test('the insurer is told only POLICY_NOT_ACTIVE about a visit its period does not cover', async (t) => {
  const f = facts({ visit_date: '2026-01-01', visit_type: 'outpatient', personal_burden_fen: 5_000 * Y, cash_fen: 5_000 * Y, atoms: { OOL: 5_000 * Y, PRE: 0, DED: 0, COP: 0 } });
  const r = evaluateProduct({ product: HHB, facts: f, policy: terms, hospitalLevel: 3, use: new Map(), remaining: initialRemaining(f, 'personal_burden') });
  t.ok(r.reasons.includes('VISIT_TYPE_NOT_COVERED'), 'the cashier sees every reason');
  t.same(insurerView(r), { reasons: ['POLICY_NOT_ACTIVE'], deductible_applied_fen: 0, liabilities: HHB.liabilities.map((l) => ({ liability: l.code, payable_fen: 0 })) });
});

t.test('an insurer is told no deductible where the paying liability has none', async (t) => {
  // 沪惠保 CAR-T, 100 % with no deductible: a 6,000 CAR-T line left wholly to the patient pays 6,000.
  const line = { code: 'XL01XXA001B001010100001', type: '09', lv: '03', ool: 6_000 * Y, pre: 0, cop: 0 };
  const f = facts({ personal_burden_fen: 6_000 * Y, cash_fen: 6_000 * Y, atoms: { OOL: 6_000 * Y, PRE: 0, DED: 0, COP: 0 }, lines: [line] });
  const r = evaluateProduct({ product: HHB, facts: f, policy: terms, hospitalLevel: 3, use: new Map(), remaining: initialRemaining(f, 'personal_burden') });
  t.same(insurerView(r).liabilities.find((l) => l.liability === 'car_t'), { liability: 'car_t', payable_fen: 6_000 * Y });
  t.equal(insurerView(r).deductible_applied_fen, 0);
});
