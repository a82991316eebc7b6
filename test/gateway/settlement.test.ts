import t from 'tap';
import { certno, storedValue } from '../helpers.js';
import { feeLine, type RecordSpec } from '../fixtures/records.js';
import {
  BW, CAR_T, CH, GZ, HHB, OTHER_DRUG, exampleA, PROTON, SH, SPECIAL_DRUG, SSK, Y, eligibility, enroll, patient, payableOf, push, quote, settle, world,
} from '../fixtures/world.js';

/**
 * Worked examples. Every expected figure is computed by hand in the comments beside it, from the
 * product terms in DESIGN.md — not by the code under test. Amounts in the specs are fen.
 */
t.test('沪惠保 特定住院自费: deductible tiers by claim-free years, pre-existing ratio', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const cases: [string, Record<string, unknown>, number, number][] = [
    // 21,000 − 12,000 = 9,000 × 70 % = 6,300.00
    ['0 claim-free years', {}, 6_300 * Y, 12_000 * Y],
    ['1 claim-free year (no tier yet)', { claim_free_years: 1 }, 6_300 * Y, 12_000 * Y],
    // 21,000 − 11,000 = 10,000 × 70 % = 7,000.00
    ['2 claim-free years', { claim_free_years: 2 }, 7_000 * Y, 11_000 * Y],
    // 21,000 − 10,000 = 11,000 × 70 % = 7,700.00
    ['3 claim-free years', { claim_free_years: 3 }, 7_700 * Y, 10_000 * Y],
    ['5 claim-free years', { claim_free_years: 5 }, 7_700 * Y, 10_000 * Y],
    // 9,000 × 50 % = 4,500.00
    ['pre-existing', { pre_existing: true }, 4_500 * Y, 12_000 * Y],
  ];
  // One person holds one 沪惠保 policy at a time: each case is another insured person with the same bill.
  for (const [k, [name, terms, payable, deductible]] of cases.entries()) {
    const who = await patient(w, 120 + k);
    await push(w, exampleA(who, `A1-${k}`));
    const policyNo = `HHB-${name.replace(/\W+/g, '-')}`;
    await enroll(w, HHB, policyNo, who, 'huhuibao-2025', terms);
    const q = await quote(w, HHB, who, policyNo, SH, `A1-${k}`);
    t.equal(q.status, 200, name);
    t.equal(q.body.payable_fen, payable, `${name}: payable`);
    t.equal(q.body.deductible_applied_fen, deductible, `${name}: deductible applied`);
    t.equal(payableOf(q.body, 'inpatient_selfpay'), payable);
    t.equal(payableOf(q.body, 'domestic_special_drugs'), 0);
  }
  // Only the out-of-list self-pay of covered categories counts: with only surgery lines nothing is covered.
  // With the deductible outstanding the insurer is told BELOW_DEDUCTIBLE, as for any bill that pays 0
  // (an insurer learns no bucket amount through a zero answer: docs/privacy.md, class 3).
  const who = await patient(w, 100);
  await push(w, { ...exampleA(who, 'A2'), feedetail: [feeLine(1, '331001001000000', '06', '03', 23_000 * Y)] });
  await enroll(w, HHB, 'HHB-A2', who, 'huhuibao-2025');
  const surgeryOnly = await eligibility(w, HHB, who, 'HHB-A2', SH, 'A2');
  t.same([surgeryOnly.body.eligible, surgeryOnly.body.reasons], [false, ['BELOW_DEDUCTIBLE']]);
});

t.test('沪惠保: not settled through Shanghai basic insurance; the 新市民 edition pays 20 % / 10 %', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  // Same bill, cleared by a Jiangsu agency (异地): base 9,000 after the deductible. Three insured persons
  // (one 沪惠保 policy each: the editions are one family).
  const [std, xsm, xsmPre] = [await patient(w, 101), await patient(w, 111), await patient(w, 112)];
  for (const who of [std, xsm, xsmPre]) await push(w, exampleA(who, 'B1', { clr_optins: '320100', setl_id: `SB1-${who}` }));
  await enroll(w, HHB, 'STD', std, 'huhuibao-2025');
  const e = await eligibility(w, HHB, std, 'STD', SH, 'B1');
  t.same([e.body.eligible, e.body.reasons], [false, ['NOT_SETTLED_THROUGH_BASIC_INSURANCE']]);
  await enroll(w, HHB, 'XSM', xsm, 'huhuibao-2025-xinshimin');
  t.equal((await quote(w, HHB, xsm, 'XSM', SH, 'B1')).body.payable_fen, 1_800 * Y, '9,000 × 20 % = 1,800.00');
  await enroll(w, HHB, 'XSM-PRE', xsmPre, 'huhuibao-2025-xinshimin', { pre_existing: true });
  t.equal((await quote(w, HHB, xsmPre, 'XSM-PRE', SH, 'B1')).body.payable_fen, 900 * Y, '9,000 × 10 % = 900.00');
  // Settled locally the 新市民 edition pays the normal 70 %.
  await push(w, exampleA(xsm, 'B2'));
  t.equal((await quote(w, HHB, xsm, 'XSM', SH, 'B2')).body.payable_fen, 6_300 * Y);
});

t.test('沪惠保 listed items: 特药 without deductible, not paid twice by 特定住院自费; caps and cap crossing', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 102);
  const pre = await patient(w, 113);
  await enroll(w, HHB, 'P1', who, 'huhuibao-2025');
  await enroll(w, HHB, 'P2', pre, 'huhuibao-2025', { pre_existing: true });
  // Pharmacy purchase of a listed drug, 50,000.00 self-pay: 70 % = 35,000.00; pre-existing 30 % = 15,000.00.
  const d1 = (c: string): RecordSpec => ({ certno: c, hospital: SH, mdtrt_id: 'D1', setl_id: `SD1-${c}`, med_type: '41', ful: 50_000 * Y, feedetail: [feeLine(1, SPECIAL_DRUG, '09', '03', 50_000 * Y)] });
  await push(w, d1(who));
  await push(w, d1(pre));
  let q = await quote(w, HHB, who, 'P1', SH, 'D1');
  t.same([q.body.payable_fen, payableOf(q.body, 'domestic_special_drugs'), q.body.deductible_applied_fen], [35_000 * Y, 35_000 * Y, 0]);
  t.equal((await quote(w, HHB, pre, 'P2', SH, 'D1')).body.payable_fen, 15_000 * Y);

  // Inpatient: listed drug 20,000 + another drug 15,000 out of list; inscp 10,000; fund 7,000; 起付线 1,000.
  // 特药 20,000 × 70 % = 14,000.00; 特定住院自费 base is the other drug only: 15,000 − 12,000 = 3,000 × 70 % = 2,100.00.
  await push(w, {
    certno: who, hospital: SH, mdtrt_id: 'D2', med_type: '21', clr_optins: '310100', ful: 35_000 * Y, inscp: 10_000 * Y, hifp: 7_000 * Y, ded: 1_000 * Y,
    feedetail: [feeLine(1, SPECIAL_DRUG, '09', '03', 20_000 * Y), feeLine(2, OTHER_DRUG, '09', '03', 15_000 * Y)],
  });
  q = await quote(w, HHB, who, 'P1', SH, 'D2');
  t.equal(payableOf(q.body, 'domestic_special_drugs'), 14_000 * Y);
  t.equal(payableOf(q.body, 'inpatient_selfpay'), 2_100 * Y);
  t.equal(q.body.payable_fen, 16_100 * Y);

  // 质子重离子 500,000.00: 70 % = 350,000 capped at 300,000.00. CAR-T 1,200,000.00 at 100 % capped at 500,000.00.
  await push(w, { certno: who, hospital: SH, mdtrt_id: 'D3', med_type: '21', clr_optins: '310100', ful: 500_000 * Y, feedetail: [feeLine(1, PROTON, '05', '03', 500_000 * Y)] });
  t.equal((await quote(w, HHB, who, 'P1', SH, 'D3')).body.payable_fen, 300_000 * Y);
  await push(w, { certno: pre, hospital: SH, mdtrt_id: 'D4', med_type: '21', clr_optins: '310100', ful: 1_200_000 * Y, feedetail: [feeLine(1, CAR_T, '09', '03', 1_200_000 * Y)] });
  q = await quote(w, HHB, pre, 'P2', SH, 'D4');
  t.equal(payableOf(q.body, 'car_t'), 500_000 * Y, 'CAR-T pays 100 % for pre-existing too, up to its cap');

  // Cap crossing across visits: settle the proton visit (300,000 paid), then a second proton visit gets nothing.
  const s = await settle(w, SH, who, 'D3', 'req-D3');
  t.equal(s.status, 201);
  const line = s.body.lines.find((l: { policy_no: string }) => l.policy_no === 'P1');
  t.equal(line.payable_fen, 300_000 * Y);
  await push(w, { certno: who, hospital: SH, mdtrt_id: 'D5', med_type: '21', clr_optins: '310100', ful: 10_000 * Y, feedetail: [feeLine(1, PROTON, '05', '03', 10_000 * Y)] });
  const e = await eligibility(w, HHB, who, 'P1', SH, 'D5');
  // 质子重离子: cap used up. 特定住院自费 has nothing to pay from (the proton line is a listed item) and its
  // 12,000 deductible is outstanding: to an insurer that reads BELOW_DEDUCTIBLE whatever the bill.
  t.same([e.body.eligible, e.body.reasons], [false, ['BELOW_DEDUCTIBLE', 'CAP_EXHAUSTED']]);
  // The cashier (who knows the bill) is told precisely why each payer pays nothing.
  const s5 = await settle(w, SH, who, 'D5', 'req-D5');
  t.same(s5.body.lines.map((l: { payable_fen: number; owed_fen: number; reasons: string[] }) => [l.payable_fen, l.owed_fen, l.reasons]), [[0, 0, ['CAP_EXHAUSTED']]]);
});

t.test('穗岁康: in-list burden above 16,000 a year at 80 %, accumulating over visits and resetting next year', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 103);
  await enroll(w, SSK, 'SSK-1', who, 'suisuikang-2022');
  // Each visit: out-of-list 2,000; 先行自付 1,000; inscp 60,000; fund 45,000; 起付线 1,000.
  // medfee 63,000, psn_part 18,000, in-list burden 16,000 of which 先行自付 1,000 → base 15,000.
  const visit = (id: string, date: string): RecordSpec => ({
    certno: who, hospital: GZ, mdtrt_id: id, med_type: '21', clr_optins: '440106', setl_time: `${date} 09:00:00`,
    ful: 2_000 * Y, pre: 1_000 * Y, inscp: 60_000 * Y, hifp: 45_000 * Y, ded: 1_000 * Y,
  });
  await push(w, visit('G1', '2025-02-01'));
  await push(w, visit('G2', '2025-06-01'));
  const e = await eligibility(w, SSK, who, 'SSK-1', GZ, 'G1');
  t.same([e.body.eligible, e.body.reasons], [false, ['BELOW_DEDUCTIBLE']], '15,000 < 16,000');

  const s1 = await settle(w, GZ, who, 'G1', 'g1');
  t.same([s1.body.insurers_total_fen, s1.body.patient_cash_fen], [0, 18_000 * Y], 'visit 1 uses 15,000 of the deductible, pays nothing');
  // Visit 2: 1,000 of the deductible left: 15,000 − 1,000 = 14,000 × 80 % = 11,200.00; cash 18,000 − 11,200 = 6,800.00.
  const q2 = await quote(w, SSK, who, 'SSK-1', GZ, 'G2');
  // The insurer is told the deductible as its own payments show it — the 16,000 tier on the visit where
  // the product first pays — not the 1,000 actually left, which would give away visit 1's 15,000 bill
  // (docs/privacy.md, class 3).
  t.same([q2.body.payable_fen, q2.body.deductible_applied_fen], [11_200 * Y, 16_000 * Y]);
  const s2 = await settle(w, GZ, who, 'G2', 'g2');
  t.same([s2.body.insurers_total_fen, s2.body.patient_cash_fen], [11_200 * Y, 6_800 * Y]);
  t.same(s2.body.lines.map((l: { insurer: string; product: string }) => [l.insurer, l.product]), [[SSK, 'suisuikang-2022']]);

  // Renewal for 2026: a second period beside the first; its accumulators start again.
  const renewed = await w.h.call({ method: 'PUT', url: '/v1/policies/SSK-1', token: w.ins[SSK], payload: { certno: who, product: 'suisuikang-2022', start_date: '2026-01-01', end_date: '2026-12-31' } });
  t.same(renewed.body.periods.map((p: { start_date: string; end_date: string }) => [p.start_date, p.end_date]), [['2025-01-01', '2025-12-31'], ['2026-01-01', '2026-12-31']]);
  // The 2025 visits still belong to the 2025 period and its accumulators (as of before G2's own settlement).
  t.equal((await quote(w, SSK, who, 'SSK-1', GZ, 'G2')).body.payable_fen, 11_200 * Y, 'renewal keeps history');
  await push(w, visit('G3', '2026-02-01'));
  await push(w, visit('G4', '2026-03-01'));
  t.equal((await settle(w, GZ, who, 'G3', 'g3')).body.insurers_total_fen, 0, 'next year: below the deductible again');
  t.equal((await settle(w, GZ, who, 'G4', 'g4')).body.insurers_total_fen, 11_200 * Y);

  // Not cleared through Guangzhou basic insurance → not covered.
  await push(w, { ...visit('G5', '2026-04-01'), clr_optins: '310100' });
  t.same((await eligibility(w, SSK, who, 'SSK-1', GZ, 'G5')).body.reasons, ['NOT_SETTLED_THROUGH_BASIC_INSURANCE']);
  // Outpatient visits are not liability (一).
  await push(w, { ...visit('G6', '2026-04-02'), med_type: '11' });
  t.same((await eligibility(w, SSK, who, 'SSK-1', GZ, 'G6')).body.reasons, ['VISIT_TYPE_NOT_COVERED']);
});

t.test('coordination of benefits: two and three payers at the cashier, each on what is left; reversal; retries', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 104);
  const diag = [{ diag_type: '1', diag_code: 'C34.900', diag_name: '肺恶性肿瘤', maindiag_flag: '1' }];
  await push(w, exampleA(who, 'C1', { diseinfo: diag }));
  await enroll(w, HHB, 'HHB-C', who, 'huhuibao-2025');
  await enroll(w, BW, 'BW-C', who, 'baiwan-medical');
  // 百万医疗 on its own: personal burden 32,000 − 10,000 = 22,000.00 at 100 %.
  t.equal((await quote(w, BW, who, 'BW-C', SH, 'C1')).body.payable_fen, 22_000 * Y);

  // Two payers: 沪惠保 (cob 10) 6,300.00 first; 百万医疗 (cob 20) sees 32,000 − 6,300 = 25,700. Its terms let
  // what an earlier commercial payer paid meet the deductible: 10,000 − 6,300 = 3,700 left, so it pays
  // 25,700 − 3,700 = 22,000.00 at 100 %. Total 28,300.00; the patient pays 32,000 − 28,300 = 3,700.00.
  const two = await settle(w, SH, who, 'C1', 'two-payers');
  t.equal(two.status, 201);
  t.same(two.body.lines.map((l: { insurer: string; payable_fen: number }) => [l.insurer, l.payable_fen]), [[HHB, 6_300 * Y], [BW, 22_000 * Y]]);
  t.same([two.body.insurers_total_fen, two.body.patient_cash_fen], [28_300 * Y, 3_700 * Y]);

  // A settled visit is quoted as of before its own settlement (its deductible use is not counted twice);
  // another visit of the same policy year sees the deductible used: 21,000 × 70 % = 14,700.00.
  const afterSettle = await quote(w, HHB, who, 'HHB-C', SH, 'C1');
  t.same([afterSettle.body.payable_fen, afterSettle.body.deductible_applied_fen], [6_300 * Y, 12_000 * Y], 'settled visit: same quote as before');
  await push(w, exampleA(who, 'C2'));
  const nextVisit = await quote(w, HHB, who, 'HHB-C', SH, 'C2');
  t.same([nextVisit.body.payable_fen, nextVisit.body.deductible_applied_fen], [14_700 * Y, 0], 'next visit: deductible already met');

  // Retries: the same request_id gives the same answer, receipt included, and settles nothing twice.
  const retry = await settle(w, SH, who, 'C1', 'two-payers');
  t.equal(retry.status, 201);
  t.same(retry.body, two.body);
  const again = await settle(w, SH, who, 'C1', 'another-request');
  t.equal(again.status, 409, 'a second settlement of the same visit is refused');
  t.equal(again.body.error.code, 'ALREADY_SETTLED');

  // Reversal gives back exactly what was taken: 沪惠保's deductible is whole again.
  const rev = await w.h.call({ method: 'POST', url: `/v1/settlements/${two.body.settlement_id}/reversal`, token: w.hosp[SH] });
  t.same([rev.status, rev.body.settlement_id, rev.body.status], [200, two.body.settlement_id, 'reversed']);
  const revAgain = await w.h.call({ method: 'POST', url: `/v1/settlements/${two.body.settlement_id}/reversal`, token: w.hosp[SH] });
  t.same(revAgain.body, rev.body, 'reversal is idempotent');
  const acc = await storedValue(w.h.dir, 'SELECT SUM(used_fen) AS sum FROM period_accumulators');
  t.equal(acc, 0, 'accumulators restored to zero');
  t.equal((await quote(w, HHB, who, 'HHB-C', SH, 'C1')).body.deductible_applied_fen, 12_000 * Y);
  const notMine = await w.h.call({ method: 'POST', url: `/v1/settlements/${two.body.settlement_id}/reversal`, token: w.hosp[GZ] });
  t.equal(notMine.status, 404, "a hospital cannot reverse another hospital's settlement");

  // Three payers, with the charity relief (cob 90) for a listed diagnosis: after 6,300 + 22,000 the cash
  // left is 3,700; 50 % = 1,850.00. Total 30,150.00; patient pays 1,850.00.
  await enroll(w, CH, 'CH-C', who, 'charity-relief');
  const three = await settle(w, SH, who, 'C1', 'three-payers');
  t.same(three.body.lines.map((l: { insurer: string; payable_fen: number }) => [l.insurer, l.payable_fen]), [[HHB, 6_300 * Y], [BW, 22_000 * Y], [CH, 1_850 * Y]]);
  t.same([three.body.insurers_total_fen, three.body.patient_cash_fen], [30_150 * Y, 1_850 * Y]);
  t.not(three.body.settlement_id, two.body.settlement_id);
});

t.test('the commercial share never exceeds the cash the patient would pay', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 105);
  await enroll(w, BW, 'BW-1', who, 'baiwan-medical');
  // psn_part 30,000 of which 25,000 from the personal account: cash only 5,000.
  // 百万医疗 would owe 30,000 − 10,000 = 20,000, but at the cashier only the 5,000 cash can be covered.
  await push(w, { certno: who, hospital: SH, mdtrt_id: 'K1', med_type: '21', ful: 10_000 * Y, inscp: 50_000 * Y, hifp: 30_000 * Y, acct: 25_000 * Y });
  t.equal((await quote(w, BW, who, 'BW-1', SH, 'K1')).body.payable_fen, 20_000 * Y, 'the quote: what the product owes on the personal burden');
  const s = await settle(w, SH, who, 'K1', 'k1');
  t.same([s.body.insurers_total_fen, s.body.patient_cash_fen], [5_000 * Y, 0]);
  t.same([s.body.lines[0].payable_fen, s.body.lines[0].owed_fen, s.body.lines[0].reasons], [5_000 * Y, 20_000 * Y, []], 'the line owes 20,000.00 and settles 5,000.00 now');
});

t.test('concurrent settlements on one policy consume the deductible exactly once', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 106);
  await enroll(w, SSK, 'SSK-C', who, 'suisuikang-2022');
  const n = 10;
  for (let i = 0; i < n; i++) {
    await push(w, {
      certno: who, hospital: GZ, mdtrt_id: `V${i}`, med_type: '21', clr_optins: '440106', setl_time: `2025-05-${String(i + 1).padStart(2, '0')} 09:00:00`,
      ful: 2_000 * Y, pre: 1_000 * Y, inscp: 60_000 * Y, hifp: 45_000 * Y, ded: 1_000 * Y,
    });
  }
  // Fire them all at once, plus duplicate retries of each request.
  const results = await Promise.all(
    Array.from({ length: n * 2 }, (_, k) => settle(w, GZ, who, `V${k % n}`, `req-${k % n}`)),
  );
  t.ok(results.every((r) => r.status === 201), 'all answered');
  const byRequest = new Map<string, string>();
  for (const [k, r] of results.entries()) {
    const prev = byRequest.get(`req-${k % n}`);
    if (prev) t.equal(r.raw, prev, 'a concurrent retry gets the same answer');
    byRequest.set(`req-${k % n}`, r.raw);
  }
  const total = results.slice(0, n).reduce((s, r) => s + r.body.insurers_total_fen, 0);
  // 10 bases of 15,000 = 150,000; one deductible of 16,000 in total; 134,000 × 80 % = 107,200.00.
  t.equal(total, 107_200 * Y);
  t.equal(await storedValue(w.h.dir, "SELECT used_fen FROM period_accumulators WHERE acc_key = 'ded:in_list_burden'"), 16_000 * Y, 'deductible used once');
  t.equal(await storedValue(w.h.dir, 'SELECT COUNT(*) AS n FROM settlements'), n, 'nothing settled twice');
});

t.test('answers only: NOT_AVAILABLE bodies are identical, and no record value reaches an insurer', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 107, [HHB]);
  const stranger = certno(108);
  await enroll(w, HHB, 'PRIV', who, 'huhuibao-2025');
  await enroll(w, HHB, 'PRIV-S', stranger, 'huhuibao-2025');
  const CANARY_NAME = '隐私金丝雀乙';
  await push(w, { ...exampleA(who, 'PV1'), psn_name: CANARY_NAME, diseinfo: [{ diag_type: '1', diag_code: 'F32.900', diag_name: 'CanaryDiagnosisOmega', maindiag_flag: '1' }] });

  const strip = (raw: string) => raw.replace(/"request_id":"[^"]+"/, '"request_id":"-"');
  const noVisit = await quote(w, HHB, who, 'PRIV', SH, 'NO-SUCH-VISIT');
  const noConsent = await quote(w, HHB, stranger, 'PRIV-S', SH, 'PV1');
  const wrongProvider = await quote(w, HHB, who, 'PRIV', GZ, 'PV1');
  const noPolicy = await quote(w, HHB, who, 'NO-SUCH-POLICY', SH, 'PV1');
  const otherInsurersPolicy = await quote(w, BW, who, 'PRIV', SH, 'PV1');
  for (const r of [noVisit, noConsent, wrongProvider, noPolicy, otherInsurersPolicy]) {
    t.equal(r.status, 404);
    t.equal(strip(r.raw), strip(noVisit.raw), 'byte-identical apart from request_id');
  }
  t.equal(noVisit.body.error.code, 'NOT_AVAILABLE');

  const answers = [
    await quote(w, HHB, who, 'PRIV', SH, 'PV1'),
    await eligibility(w, HHB, who, 'PRIV', SH, 'PV1'),
    await w.h.call({ method: 'POST', url: '/v1/claims/verify', token: w.ins[HHB], payload: { certno: who, provider: SH, mdtrt_id: 'PV1', claimed: { medfee_sumamt_fen: 53_000 * Y } } }),
    await w.h.call({ method: 'GET', url: '/v1/consents', token: w.ins[HHB] }),
  ];
  t.equal(answers[2]!.body.match, true);
  const all = answers.map((a) => a.raw).join('\n');
  for (const canary of [CANARY_NAME, 'CanaryDiagnosisOmega', 'F32.900', who, '53000.00', '5300000', '23000', '30000.00', 'psn_name', 'setlinfo']) {
    t.notOk(all.includes(canary), `no ${canary} in insurer responses`);
  }
  t.same(Object.keys(answers[0]!.body).sort(), ['deductible_applied_fen', 'liabilities', 'payable_fen', 'product', 'product_version', 'reasons', 'receipt', 'receipt_salt']);
  t.same(Object.keys(answers[1]!.body).sort(), ['eligible', 'reasons', 'receipt', 'receipt_salt']);
  t.same(Object.keys(answers[2]!.body).sort(), ['match', 'receipt', 'receipt_salt']);
});

t.test('claim verification: equality only, an attempt budget, every probe logged', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 109, [HHB]);
  await push(w, exampleA(who, 'CV1'));
  const verify = (claimed: Record<string, number>) =>
    w.h.call({ method: 'POST', url: '/v1/claims/verify', token: w.ins[HHB], payload: { certno: who, provider: SH, mdtrt_id: 'CV1', claimed } });
  t.equal((await verify({ medfee_sumamt_fen: 53_000 * Y })).body.match, true);
  t.equal((await verify({ medfee_sumamt_fen: 53_000 * Y, psn_cash_pay_fen: 32_000 * Y })).body.match, true);
  t.equal((await verify({ medfee_sumamt_fen: 53_000 * Y, psn_cash_pay_fen: 1 })).body.match, false);
  t.equal((await verify({ medfee_sumamt_fen: 1 })).body.match, false);
  t.equal((await verify({ medfee_sumamt_fen: 2 })).body.match, false);
  const sixth = await verify({ medfee_sumamt_fen: 53_000 * Y });
  t.equal(sixth.status, 429, 'the sixth attempt is refused');
  t.equal(sixth.body.error.code, 'QUERY_BUDGET_EXCEEDED');
  t.equal((await verify({ medfee_sumamt_fen: '5300000' as unknown as number })).status, 400, 'no string amounts');
  const bureau = await w.h.party('bureau', 'SH-YBJ');
  const log = await w.h.call({ method: 'GET', url: `/v1/audit/events?certno=${who}&action=query.claim_verification`, token: bureau });
  t.equal(log.body.events.length, 5, 'every allowed probe is in the bureau’s search');
  const exhausted = await w.h.call({ method: 'GET', url: `/v1/audit/events?certno=${who}&action=query.budget_exhausted`, token: bureau });
  t.equal(exhausted.body.events.length, 1);
  t.equal(exhausted.body.events[0].reason, 'CLAIM_ATTEMPTS');
});

t.test('products are listed as the contract says, and bad enrollments are refused', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const r = await w.h.call({ method: 'GET', url: '/v1/products', token: w.ins[HHB] });
  const codes = r.body.products.map((p: { code: string }) => p.code).sort();
  t.same(codes, ['baiwan-medical', 'charity-relief', 'huhuibao-2025', 'huhuibao-2025-xinshimin', 'suisuikang-2022']);
  const hhb = r.body.products.find((p: { code: string }) => p.code === 'huhuibao-2025');
  t.same(hhb.liabilities.map((l: { code: string }) => l.code).sort(), ['car_t', 'domestic_special_drugs', 'inpatient_selfpay', 'overseas_special_drugs', 'proton_heavy_ion']);
  t.match(hhb, { insurer: String, name: String, version: String, cob_order: Number });
  const who = certno(110);
  const put = (no: string, body: Record<string, unknown>, token = w.ins[HHB]) => w.h.call({ method: 'PUT', url: `/v1/policies/${no}`, token, payload: body });
  const ok = { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' };
  t.equal((await put('E1', ok)).status, 200);
  t.equal((await put('E1', { ...ok, certno: certno(111) })).status, 409, 'a policy number stays with its insured');
  t.equal((await put('E1', { ...ok, product: 'baiwan-medical' }, w.ins[BW])).status, 200, 'policy numbers are per insurer: no collision, no leak');
  t.equal((await put('E6', ok, w.ins[BW])).body.error.code, 'PRODUCT_NOT_OFFERED', "an insurer enrolls only under its own payer's products");
  t.equal((await put('E2', { ...ok, product: 'nope' })).body.error.code, 'UNKNOWN_PRODUCT');
  t.equal((await put('E3', { ...ok, end_date: '2026-06-30' })).status, 400, 'a one-year product refuses an 18-month period');
  t.equal((await put('E4', { ...ok, start_date: '2025-02-30' })).status, 400);
  t.equal((await put('bad no!', ok)).status, 400);
  t.equal((await put('E5', { ...ok, certno: 'x' })).body.error.code, 'INVALID_CERTNO');
});
