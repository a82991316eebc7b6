import t from 'tap';
import type { Consent } from '../../../gateway/domain/consent.js';
import type { RecordFacts } from '../../../gateway/domain/facts.js';
import type { PolicyTerms } from '../../../gateway/domain/liabilities.js';
import type { Product } from '../../../gateway/domain/product.js';
import { planSettlement, quote, type HeldPolicy } from '../../../gateway/domain/settlement.js';
import { cobOrder, participants, periodKey, termsOf, type PolicyOnFile } from '../../../gateway/domain/participation.js';
import { validateProduct } from '../../../adapters/payers/product-schema.js';
import { BUILT_IN_ADAPTERS } from '../../../adapters/payers/registry.js';

/**
 * One-stop settlement as a pure computation (test/gateway/settlement.test.ts drives the same through HTTP).
 * Figures in fen, computed in the comments from the shipped terms (docs/products.md; Y = 100 fen):
 *   沪惠保 2025 特定住院自费: OOL of drugs, materials, exams, treatment; deductible 12,000; 70 %; cob 10
 *   百万医疗: whole personal burden; deductible 10,000 met first by earlier commercial payments; 100 %; cob 20
 *   慈善救助: 50 % of the cash burden left, for C00–C97, D61, N18.5; cap 50,000; cob 90
 */
const Y = 100;
const shipped = (code: string): Product => {
  for (const a of BUILT_IN_ADAPTERS) for (const [i, p] of a.products.entries()) if ((p as { code: string }).code === code) return validateProduct(p, `${a.id}#${i}`);
  throw new Error(code);
};
const HHB = shipped('huhuibao-2025');
const BW = shipped('baiwan-medical');
const CH = shipped('charity-relief');
const SSK = shipped('suisuikang-2022');

const terms = (over: Partial<PolicyTerms> = {}): PolicyTerms => ({
  period_key: 'p1', start_date: '2025-01-01', end_date: '2025-12-31', cover_start: '2025-01-01', pre_existing: false, claim_free_years: 0, ...over,
});
const held = (insurer: string, product: Product, over: Partial<HeldPolicy> = {}): HeldPolicy => ({
  insurer, policy_no: `${insurer}-1`, product, terms: terms(), use: new Map(), ...over,
});

/**
 * Lung cancer (C34.9), inpatient, settled through Shanghai basic insurance. Personal burden 50,000:
 * OOL 30,000 (one self-pay drug line, category 09), DED 1,000, COP 19,000; the patient would pay 40,000 in
 * cash (10,000 from the personal account).
 */
const visit: RecordFacts = {
  visit_type: 'inpatient', med_type: '21', visit_date: '2025-05-01', settled_region: '310100', medfee_fen: 120_000 * Y,
  personal_burden_fen: 50_000 * Y, cash_fen: 40_000 * Y, atoms: { OOL: 30_000 * Y, PRE: 0, DED: 1_000 * Y, COP: 19_000 * Y },
  has_lines: true, lines: [{ code: 'XA02BCA211A012010100154', type: '09', lv: '03', ool: 30_000 * Y, pre: 0, cop: 0 }], diag_codes: ['C34.900'],
};

t.test('three payers in coordination-of-benefits order, each on what the ones before left', async (t) => {
  // 沪惠保: 30,000 − 12,000 = 18,000 × 70 % = 12,600; cash left 40,000 − 12,600 = 27,400.
  // 百万医疗: base 17,400 + 1,000 + 19,000 = 37,400; its 10,000 deductible is met by the 12,600 沪惠保 paid;
  //   owes 37,400 × 100 % = 37,400, settles the 27,400 cash left.
  // 慈善: the cash is used up, nothing to pay from.
  const plan = planSettlement(visit, [held('charity', CH), held('baiwan', BW), held('huhuibao', HHB)], 3);
  t.same(plan.lines.map((l) => [l.insurer, l.result.payable_fen, l.result.owed_fen]), [
    ['huhuibao', 12_600 * Y, 12_600 * Y],
    ['baiwan', 27_400 * Y, 37_400 * Y],
    ['charity', 0, 0],
  ]);
  t.same(plan.lines[1]!.result.deltas, [{ key: 'ded:medical_expense', delta_fen: 10_000 * Y }, { key: 'cap:medical_expense', delta_fen: 27_400 * Y }]);
  t.same(plan.lines[2]!.result.reasons, ['NO_COVERED_AMOUNT']);
  t.same([plan.insurers_total_fen, plan.patient_cash_fen], [40_000 * Y, 0]);
});

t.test('the last payer takes half of the cash the first left', async (t) => {
  // 沪惠保 12,600 as above; 慈善: cash burden left 40,000 − 12,600 = 27,400 × 50 % = 13,700 (cap 50,000).
  // The patient pays 40,000 − 12,600 − 13,700 = 13,700.
  const plan = planSettlement(visit, [held('huhuibao', HHB), held('charity', CH)], 3);
  t.same(plan.lines.map((l) => l.result.payable_fen), [12_600 * Y, 13_700 * Y]);
  t.same([plan.insurers_total_fen, plan.patient_cash_fen], [26_300 * Y, 13_700 * Y]);
  t.same(planSettlement(visit, [], 3), { lines: [], insurers_total_fen: 0, patient_cash_fen: 40_000 * Y }, 'no policy: the patient pays the cash');
});

t.test('a quote is one policy alone, against the personal burden, and commits nothing', async (t) => {
  // 百万医疗 alone: 50,000 − 10,000 deductible (no commercial payment before it) = 40,000 × 100 %.
  const h = held('baiwan', BW, { use: new Map([['cap:medical_expense', 5_000 * Y]]) });
  const r = quote(visit, h, 3);
  t.same([r.payable_fen, r.deductible_applied_fen, r.period_key], [40_000 * Y, 10_000 * Y, 'p1']);
  t.same([...h.use], [['cap:medical_expense', 5_000 * Y]], 'the held use is not touched');
});

t.test('cob order: cob_order, then period start, then insurer, then policy number', async (t) => {
  const a = held('huhuibao', HHB);
  t.ok(cobOrder(a, held('baiwan', BW)) < 0, '10 before 20');
  t.ok(cobOrder(held('suisuikang', SSK, { terms: terms({ start_date: '2025-02-01' }) }), a) > 0, 'same cob_order: the later period after');
  t.ok(cobOrder(a, held('suisuikang', SSK, { terms: terms({ start_date: '2025-02-01' }) })) < 0);
  t.ok(cobOrder(held('suisuikang', SSK), a) > 0, 'same start: by insurer code');
  t.ok(cobOrder(a, held('suisuikang', SSK)) < 0);
  t.ok(cobOrder(a, held('huhuibao', HHB, { policy_no: 'huhuibao-2' })) < 0, 'same insurer: by policy number');
  t.ok(cobOrder(held('huhuibao', HHB, { policy_no: 'huhuibao-2' }), a) > 0);
  t.equal(cobOrder(a, held('huhuibao', HHB)), 0);
});

const policy = (insurer: string, product: string, periods: { start: string; end: string }[] = [{ start: '2025-01-01', end: '2025-12-31' }]): PolicyOnFile => ({
  insurer, policy_no: `${insurer}-1`,
  periods: periods.map((p, i) => ({ period_no: i + 1, product, start_date: p.start, end_date: p.end, pre_existing: i === 0, claim_free_years: i })),
});

t.test('a period’s terms: its own dates and flags, waiting counted from the first period', async (t) => {
  const p = policy('huhuibao', 'huhuibao-2025', [{ start: '2024-03-01', end: '2025-02-28' }, { start: '2025-03-01', end: '2026-02-28' }]);
  t.equal(periodKey(2), 'p2');
  t.same(termsOf(p, 2), { period_key: 'p2', start_date: '2025-03-01', end_date: '2026-02-28', cover_start: '2024-03-01', pre_existing: false, claim_free_years: 1 });
  t.same(termsOf(p, 1).cover_start, '2024-03-01');
  t.same(termsOf({ ...p, periods: [...p.periods].reverse() }, 2).cover_start, '2024-03-01', 'whatever order the periods are stored in');
});

t.test('who takes part: an active insurer with the patient’s settlement consent here, a period on the day, a known product', async (t) => {
  const NOW = Date.UTC(2025, 4, 1);
  const HOSPITAL = 'H31010100001';
  const consent = (grantee: string, over: Partial<Consent> = {}): Consent => ({
    consent_id: `cns_${grantee}`, version: 1, subject: 's', grantee, purposes: ['settlement'], providers: [HOSPITAL],
    valid_from: NOW - 1000, valid_until: NOW + 1000, max_queries_per_day: null, status: 'active', ...over,
  });
  const products = new Map<string, Product>([HHB, BW, CH].map((p) => [p.code, p]));
  const activeInsurers = new Set(['huhuibao', 'baiwan', 'charity', 'other', 'eligibility-only']); // not 'suspended'
  const policies = [
    policy('huhuibao', 'huhuibao-2025'),
    policy('baiwan', 'baiwan-medical'),
    policy('charity', 'charity-relief', [{ start: '2024-01-01', end: '2024-12-31' }]), // no period on the day
    policy('suspended', 'baiwan-medical'), // a suspended insurer
    policy('other', 'retired-product'), // a product the gateway does not know
    policy('eligibility-only', 'baiwan-medical'), // consent for another purpose
  ];
  const consents = [
    consent('huhuibao'),
    consent('baiwan', { providers: null }),
    consent('charity'),
    consent('suspended'),
    consent('other'),
    consent('eligibility-only', { purposes: ['eligibility'] }),
  ];
  const visit = { hospital: HOSPITAL, visit_date: '2025-05-01', now: NOW, products, activeInsurers };
  const out = participants(policies, consents, visit);
  t.same(out.map((p) => [p.insurer, p.product.code, p.period_no, p.terms.period_key]), [
    ['huhuibao', 'huhuibao-2025', 1, 'p1'],
    ['baiwan', 'baiwan-medical', 1, 'p1'],
  ]);
  t.same(participants(policies, consents, { ...visit, hospital: 'H31010100002' }).map((p) => p.insurer), ['baiwan'], 'another hospital: only the consent for every provider');
  t.same(participants(policies, [consent('huhuibao', { recorded_by_role: 'hospital' }), consent('huhuibao', { consent_id: 'cns_own', status: 'revoked' })], visit), [], 'a counter consent does not outrank the patient’s own revocation');
});
