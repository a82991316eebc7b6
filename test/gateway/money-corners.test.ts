import t from 'tap';
import { feeLine, inListLine, recordBody, type RecordSpec } from '../fixtures/records.js';
import {
  BW, HHB, OTHER_DRUG, SH, SPECIAL_DRUG, Y, enroll, enrollCall, eligibility, patient, payableOf, push, quote, settle, world,
} from '../fixtures/world.js';

/**
 * Money in every corner (issue 13): policy years, renewals, in-list special drugs, offsets, itemisation,
 * admission dates, 参保地, and answers that explain themselves. Every expected figure is computed by hand
 * in the comment beside it from the product terms (DESIGN.md, docs/products.md), not by the code.
 */

/** An inpatient stay whose only covered item is one out-of-list 西药 line of `drugYuan` (沪惠保 特定住院自费 base). */
const stay = (who: string, id: string, drugYuan: number, extra: Partial<RecordSpec> = {}): RecordSpec => ({
  certno: who, hospital: SH, mdtrt_id: id, med_type: '21', clr_optins: '310100',
  // out-of-list drug; in-list 10,000 of which the fund pays 7,000; 起付线 1,000
  ful: drugYuan * Y, inscp: 10_000 * Y, hifp: 7_000 * Y, ded: 1_000 * Y,
  feedetail: [feeLine(1, OTHER_DRUG, '09', '03', drugYuan * Y)],
  ...extra,
});

t.test('a policy from 29 February: its last day is in the same policy year (no fresh deductible)', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 300);
  const put = await enroll(w, HHB, 'LEAP', who, 'huhuibao-2025', { start_date: '2024-02-29', end_date: '2025-02-28' });
  t.same(put.periods.map((p: { start_date: string; end_date: string }) => [p.start_date, p.end_date]), [['2024-02-29', '2025-02-28']]);
  // V1 on 2024-06-10: base 15,000 − deductible 12,000 = 3,000 × 70 % = 2,100.00; the deductible is met.
  await push(w, stay(who, 'V1', 15_000, { setl_time: '2024-06-10 10:00:00' }));
  t.equal((await settle(w, SH, who, 'V1', 'v1')).body.insurers_total_fen, 2_100 * Y);
  // V2 on 2025-02-28, the policy's last day: same policy year, deductible met → 5,000 × 70 % = 3,500.00.
  await push(w, stay(who, 'V2', 5_000, { setl_time: '2025-02-28 16:00:00' }));
  const q2 = await quote(w, HHB, who, 'LEAP', SH, 'V2');
  t.same([q2.body.payable_fen, q2.body.reasons], [3_500 * Y, []], 'the last day does not start a new year');
  t.equal((await settle(w, SH, who, 'V2', 'v2')).body.insurers_total_fen, 3_500 * Y);
  // V3 on 2025-03-01: after the period.
  await push(w, stay(who, 'V3', 5_000, { setl_time: '2025-03-01 09:00:00' }));
  t.same((await eligibility(w, HHB, who, 'LEAP', SH, 'V3')).body.reasons, ['POLICY_NOT_ACTIVE']);
  // A period must be exactly one term: a shorter one is refused.
  const short = await enrollCall(w, HHB, 'SHORT', who, 'huhuibao-2025', { start_date: '2026-01-01', end_date: '2026-06-30' });
  t.same([short.status, short.body.error.code], [400, 'VALIDATION_FAILED']);
});

t.test('a renewal adds a period; earlier periods and their accumulators keep serving their visits', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 301);
  await enroll(w, HHB, 'REN', who, 'huhuibao-2025');
  // W1, 2025-11-20: base 21,000 (西药 21,000) − 12,000 = 9,000 × 70 % = 6,300.00.
  await push(w, stay(who, 'W1', 21_000, { setl_time: '2025-11-20 10:00:00' }));
  const renewal = await enroll(w, HHB, 'REN', who, 'huhuibao-2025', { start_date: '2026-01-01', end_date: '2026-12-31' });
  t.same(renewal.periods.map((p: { period_no: number; start_date: string }) => [p.period_no, p.start_date]), [[1, '2025-01-01'], [2, '2026-01-01']]);
  t.equal((await quote(w, HHB, who, 'REN', SH, 'W1')).body.payable_fen, 6_300 * Y, 'the 2025 visit still quotes under 2025');
  const s1 = await settle(w, SH, who, 'W1', 'w1');
  t.equal(s1.body.insurers_total_fen, 6_300 * Y, 'settled after the renewal, under the 2025 period');
  // A correction after the anniversary: reverse, push the corrected bill (西药 23,000), settle again:
  // 23,000 − 12,000 = 11,000 × 70 % = 7,700.00 — still the 2025 period, not 0.
  await w.h.call({ method: 'POST', url: `/v1/settlements/${s1.body.settlement_id}/reversal`, token: w.hosp[SH] });
  await push(w, stay(who, 'W1', 23_000, { setl_time: '2025-11-20 10:00:00' }));
  t.equal((await settle(w, SH, who, 'W1', 'w1-corrected')).body.insurers_total_fen, 7_700 * Y);
  // A 2026 visit: a fresh deductible in the new period: 15,000 − 12,000 = 3,000 × 70 % = 2,100.00.
  await push(w, stay(who, 'W2', 15_000, { setl_time: '2026-02-01 10:00:00' }));
  t.equal((await quote(w, HHB, who, 'REN', SH, 'W2')).body.payable_fen, 2_100 * Y);
  // The insurer's view: per period what the product paid, the cap left and whether the deductible is met.
  const view = await w.h.call({ method: 'GET', url: '/v1/policies/REN', token: w.ins[HHB] });
  t.equal(view.status, 200);
  const [p1, p2] = view.body.periods;
  t.same([p1.start_date, p1.deductible_met, p2.start_date, p2.deductible_met], ['2025-01-01', true, '2026-01-01', false]);
  const sp = (p: { liabilities: { liability: string; paid_fen: number; cap_left_fen: number }[] }) => p.liabilities.find((l) => l.liability === 'inpatient_selfpay');
  t.same([sp(p1)!.paid_fen, sp(p1)!.cap_left_fen], [7_700 * Y, (1_000_000 - 7_700) * Y], 'paid 7,700.00 of the 1,000,000.00 cap');
  t.same([sp(p2)!.paid_fen, sp(p2)!.cap_left_fen], [0, 1_000_000 * Y]);
  t.notOk(/"(ful|inscp|psn|base|bucket)/.test(view.raw), 'no bucket amount in the policy view');
  // A gap is not a renewal.
  const gap = await enrollCall(w, HHB, 'REN', who, 'huhuibao-2025', { start_date: '2028-01-01', end_date: '2028-12-31' });
  t.same([gap.status, gap.body.error.code], [400, 'VALIDATION_FAILED']);
});

t.test('in-list special drugs pay on self-pay + 先行自付 + the line’s share of the co-pay', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const [one, two, three, pre] = [await patient(w, 310), await patient(w, 311), await patient(w, 312), await patient(w, 313)];
  for (const [who, no, flags] of [[one, 'SD1', {}], [two, 'SD2', {}], [three, 'SD3', {}], [pre, 'SD4', { pre_existing: true }]] as const) {
    await enroll(w, HHB, no, who, 'huhuibao-2025', flags);
  }
  // One in-list (乙类) line of the listed drug, 10,000.00: 先行自付 2,000, inscp 8,000 of which the fund pays
  // 5,600 → co-pay 2,400; psn_part 4,400. Base 0 + 2,000 + 2,400 = 4,400 × 70 % = 3,080.00 (not 1,400).
  const single = (who: string, id: string): RecordSpec => ({
    certno: who, hospital: SH, mdtrt_id: id, setl_id: `S${id}-${who}`, med_type: '41', pre: 2_000 * Y, inscp: 8_000 * Y, hifp: 5_600 * Y,
    feedetail: [inListLine(1, SPECIAL_DRUG, '09', '02', 2_000 * Y, 8_000 * Y)],
  });
  await push(w, single(one, 'K1'));
  const q = await quote(w, HHB, one, 'SD1', SH, 'K1');
  t.same([q.body.payable_fen, payableOf(q.body, 'domestic_special_drugs')], [3_080 * Y, 3_080 * Y]);
  // Pre-existing: 4,400 × 30 % = 1,320.00.
  await push(w, single(pre, 'K1'));
  t.equal((await quote(w, HHB, pre, 'SD4', SH, 'K1')).body.payable_fen, 1_320 * Y);
  // Two in-list lines: the listed drug (先行自付 2,000, inscp 8,000) and another drug (inscp 4,000). The fund
  // pays 8,400 of the 12,000 in scope → co-pay 3,600, shared 8,000 : 4,000 → 2,400 to the listed drug.
  // Base 2,000 + 2,400 = 4,400 × 70 % = 3,080.00.
  await push(w, {
    certno: two, hospital: SH, mdtrt_id: 'K2', med_type: '41', pre: 2_000 * Y, inscp: 12_000 * Y, hifp: 8_400 * Y,
    feedetail: [inListLine(1, SPECIAL_DRUG, '09', '02', 2_000 * Y, 8_000 * Y), inListLine(2, OTHER_DRUG, '09', '02', 0, 4_000 * Y)],
  });
  t.equal((await quote(w, HHB, two, 'SD2', SH, 'K2')).body.payable_fen, 3_080 * Y);
  // Three in-list lines of 1,000.00 each, the listed drug one of them; the fund pays 2,000 → co-pay 1,000.00,
  // the listed drug's share 1,000.00 / 3 = 333.333… → 333.33 (half up); × 70 % = 233.331 → 233.33.
  await push(w, {
    certno: three, hospital: SH, mdtrt_id: 'K3', med_type: '41', inscp: 3_000 * Y, hifp: 2_000 * Y,
    feedetail: [inListLine(1, SPECIAL_DRUG, '09', '02', 0, 1_000 * Y), inListLine(2, OTHER_DRUG, '09', '02', 0, 1_000 * Y), inListLine(3, 'XA02BCA211A012010100155', '09', '01', 0, 1_000 * Y)],
  });
  t.equal((await quote(w, HHB, three, 'SD3', SH, 'K3')).body.payable_fen, 23_333);
});

t.test('百万医疗: what an earlier commercial payer paid meets its deductible; a quote alone has no offset', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 320);
  await enroll(w, HHB, 'H', who, 'huhuibao-2025');
  await enroll(w, BW, 'B', who, 'baiwan-medical');
  // 西药 18,000 out of list; in-list 10,000, fund 7,000, 起付线 1,000: psn_part 21,000, cash 21,000.
  await push(w, stay(who, 'O1', 18_000));
  // 百万医疗 alone: 21,000 − 10,000 = 11,000.00.
  t.equal((await quote(w, BW, who, 'B', SH, 'O1')).body.payable_fen, 11_000 * Y);
  // At the cashier: 沪惠保 pays (18,000 − 12,000) × 70 % = 4,200.00 first. 百万医疗 sees 21,000 − 4,200 = 16,800;
  // its deductible 10,000 is met by 4,200 → 5,800 left; pays 16,800 − 5,800 = 11,000.00. Patient: 5,800.00.
  const s = await settle(w, SH, who, 'O1', 'o1');
  t.same(s.body.lines.map((l: { insurer: string; payable_fen: number }) => [l.insurer, l.payable_fen]), [[HHB, 4_200 * Y], [BW, 11_000 * Y]]);
  t.same([s.body.insurers_total_fen, s.body.patient_cash_fen], [15_200 * Y, 5_800 * Y]);
  // The whole 10,000 deductible now counts as met (4,200 offset + 5,800 applied).
  const view = await w.h.call({ method: 'GET', url: '/v1/policies/B', token: w.ins[BW] });
  t.equal(view.body.periods[0].deductible_met, true);
  const products = await w.h.call({ method: 'GET', url: '/v1/products', token: w.ins[BW] });
  t.equal(products.body.products.find((p: { code: string }) => p.code === 'baiwan-medical').deductible_offset_by, 'commercial', 'a declared product term');
});

t.test('no itemisation, no category liability: ITEMISATION_REQUIRED', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 330);
  await enroll(w, HHB, 'I', who, 'huhuibao-2025');
  await enroll(w, BW, 'IB', who, 'baiwan-medical');
  // The same stay as Example A but without feedetail: 沪惠保's category-restricted liability cannot tell drugs
  // from bed and surgery fees, so it pays nothing (it used to pay on the whole 23,000 out-of-list bucket).
  await push(w, { ...stay(who, 'N1', 23_000), feedetail: [] });
  const q = await quote(w, HHB, who, 'I', SH, 'N1');
  t.same([q.body.payable_fen, q.body.reasons], [0, ['ITEMISATION_REQUIRED']]);
  // 百万医疗 pays on the personal burden, no item list: 23,000 + 3,000 − 10,000 = 16,000.00.
  t.equal((await quote(w, BW, who, 'IB', SH, 'N1')).body.payable_fen, 16_000 * Y);
  const s = await settle(w, SH, who, 'N1', 'n1');
  t.same(s.body.lines.map((l: { insurer: string; payable_fen: number; reasons: string[] }) => [l.insurer, l.payable_fen, l.reasons]), [[HHB, 0, ['ITEMISATION_REQUIRED']], [BW, 16_000 * Y, []]]);
});

t.test('one policy per person and product family; other families and later years are fine', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 340);
  await enroll(w, HHB, 'F1', who, 'huhuibao-2025');
  const xsm = await enrollCall(w, HHB, 'F2', who, 'huhuibao-2025-xinshimin');
  t.same([xsm.status, xsm.body.error.code], [409, 'POLICY_OVERLAP'], '沪惠保 and its 新市民 edition are one family');
  const half = await enrollCall(w, HHB, 'F3', who, 'huhuibao-2025', { start_date: '2025-07-01', end_date: '2026-06-30' });
  t.same([half.status, half.body.error.code], [409, 'POLICY_OVERLAP'], 'a half-overlapping period too');
  t.equal((await enrollCall(w, HHB, 'F2', who, 'huhuibao-2025-xinshimin', { start_date: '2026-01-01', end_date: '2026-12-31' })).status, 200, 'a later year under another number');
  t.equal((await enrollCall(w, BW, 'F4', who, 'baiwan-medical')).status, 200, 'another family');
});

t.test('stays are dated by admission: a stay that began inside the period is covered to discharge', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 350);
  await enroll(w, HHB, 'ADM', who, 'huhuibao-2025');
  // Admitted 2025-12-20, discharged and settled 2026-01-05: the 2025 period; 21,000 − 12,000 = 9,000 × 70 % = 6,300.00.
  await push(w, stay(who, 'S1', 21_000, { begndate: '2025-12-20 08:00:00', setl_time: '2026-01-05 10:00:00' }));
  t.equal((await quote(w, HHB, who, 'ADM', SH, 'S1')).body.payable_fen, 6_300 * Y);
  // Without begndate the settlement date (2026) decides: outside the period.
  await push(w, stay(who, 'S2', 21_000, { setl_time: '2026-01-05 10:00:00' }));
  t.same((await eligibility(w, HHB, who, 'ADM', SH, 'S2')).body.reasons, ['POLICY_NOT_ACTIVE']);
  // A begndate after the settlement is refused at the edge.
  const bad = await w.h.call({ method: 'POST', url: '/v1/records', token: w.hosp[SH], payload: recordBody(stay(who, 'S3', 1_000, { begndate: '2026-02-01 08:00:00', setl_time: '2026-01-05 10:00:00' })) });
  t.same([bad.status, bad.body.error.code], [400, 'VALIDATION_FAILED']);
});

t.test('local basic insurance reads 参保地 first, then the clearing agency; unknown is not local', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const [a, b, c] = [await patient(w, 360), await patient(w, 361), await patient(w, 362)];
  await enroll(w, HHB, 'L1', a, 'huhuibao-2025-xinshimin');
  await enroll(w, HHB, 'L2', b, 'huhuibao-2025');
  await enroll(w, HHB, 'L3', c, 'huhuibao-2025');
  // Insured in Hefei (340100), cleared by a Shanghai agency: not settled through Shanghai basic insurance.
  // 新市民: 9,000 × 20 % = 1,800.00.
  await push(w, stay(a, 'R1', 21_000, { setl_id: 'SR1-a', insuplc_admdvs: '340100', clr_optins: '310100' }));
  t.equal((await quote(w, HHB, a, 'L1', SH, 'R1')).body.payable_fen, 1_800 * Y);
  // Insured in Shanghai (310115), cleared elsewhere: local; 9,000 × 70 % = 6,300.00.
  await push(w, stay(b, 'R1', 21_000, { setl_id: 'SR1-b', insuplc_admdvs: '310115', clr_optins: '320100' }));
  t.equal((await quote(w, HHB, b, 'L2', SH, 'R1')).body.payable_fen, 6_300 * Y);
  // Neither sent: unknown, not local (the institution code does not count).
  await push(w, stay(c, 'R1', 21_000, { setl_id: 'SR1-c', clr_optins: null }));
  t.same((await eligibility(w, HHB, c, 'L3', SH, 'R1')).body.reasons, ['NOT_SETTLED_THROUGH_BASIC_INSURANCE']);
});

t.test('answers explain themselves: quote reasons, line reasons and owed_fen; a reversed request_id says so', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 370);
  await enroll(w, HHB, 'X', who, 'huhuibao-2025');
  // Base 5,000 < 12,000: nothing payable, BELOW_DEDUCTIBLE, in the quote and on the settlement line.
  await push(w, stay(who, 'E1', 5_000));
  const q = await quote(w, HHB, who, 'X', SH, 'E1');
  t.same([q.body.payable_fen, q.body.reasons, q.body.deductible_applied_fen], [0, ['BELOW_DEDUCTIBLE'], 0]);
  const s = await settle(w, SH, who, 'E1', 'e1');
  t.same(s.body.lines.map((l: { payable_fen: number; owed_fen: number; reasons: string[] }) => [l.payable_fen, l.owed_fen, l.reasons]), [[0, 0, ['BELOW_DEDUCTIBLE']]]);
  await w.h.call({ method: 'POST', url: `/v1/settlements/${s.body.settlement_id}/reversal`, token: w.hosp[SH] });
  const replay = await settle(w, SH, who, 'E1', 'e1');
  t.same([replay.status, replay.body.error.code], [409, 'SETTLEMENT_REVERSED'], 'never the old "settled" body');
});

t.test('GET /v1/products publishes each liability’s terms', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const r = await w.h.call({ method: 'GET', url: '/v1/products', token: w.ins[HHB] });
  const hhb = r.body.products.find((p: { code: string }) => p.code === 'huhuibao-2025');
  t.match(hhb, { insurer: HHB, family: 'huhuibao', term_years: 1, local_region: '31' });
  const sp = hhb.liabilities.find((l: { code: string }) => l.code === 'inpatient_selfpay');
  t.match(sp, {
    bucket: 'out_of_list_selfpay', visit_types: ['inpatient'], deductible_fen: 1_200_000, ratio_bp: 7000, pre_existing_ratio_bp: 5000,
    cap_fen: 100_000_000, requires_local_settlement: true, items: { med_chrgitm_types: ['03', '04', '05', '08', '09', '10', '11'] },
  });
  t.same(sp.deductible_tiers, [{ min_claim_free_years: 2, deductible_fen: 1_100_000 }, { min_claim_free_years: 3, deductible_fen: 1_000_000 }]);
  const drugs = hhb.liabilities.find((l: { code: string }) => l.code === 'domestic_special_drugs');
  t.match(drugs, { bucket: 'listed_items', deductible_fen: 0, ratio_bp: 7000, pre_existing_ratio_bp: 3000, cap_fen: 100_000_000 });
  t.ok(drugs.items.med_list_codes.includes(SPECIAL_DRUG));
});
