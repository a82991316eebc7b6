import t from 'tap';
import crypto from 'node:crypto';
import { decodeRecord } from '../../adapters/nhsa/record-codec.js';
import { canonicalJson } from '../../gateway/domain/canonical-json.js';
import { leafHash, verifyInclusion } from '../../gateway/domain/merkle.js';
import { verifyAnswerBinding, verifyReceipt } from '../../gateway/services/access-log/receipts.js';
import { certno, grpcCall } from '../helpers.js';
import { feeLine, recordBody, type RecordSpec } from '../fixtures/records.js';
import { BW, CH, HHB, OTHER_DRUG, SH, Y, enroll, enrollCall, patient, push, quote, settle, world, worldWithGrpc, type World } from '../fixtures/world.js';

/**
 * An insurer holding an ordinary consent, or a hospital, tries to learn more than the answer
 * (docs/privacy.md, classes 1–9). Each test is the attack as it was run against `npm start`; each fails
 * on the gateway before issue 12 and passes after it.
 */

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** An inpatient stay whose covered base for 沪惠保 特定住院自费 is `drugYuan` (one out-of-list 西药 line). */
const stay = (who: string, id: string, drugYuan: number, extra: Partial<RecordSpec> = {}): RecordSpec => ({
  certno: who, hospital: SH, mdtrt_id: id, setl_id: `S${id}-${who.slice(-6)}`, med_type: '21', clr_optins: '310100',
  ful: drugYuan * Y, inscp: 10_000 * Y, hifp: 7_000 * Y, ded: 1_000 * Y,
  feedetail: [feeLine(1, OTHER_DRUG, '09', '03', drugYuan * Y)],
  diseinfo: [{ diag_type: '1', diag_code: 'C34.900', diag_name: '肺恶性肿瘤', maindiag_flag: '1' }],
  ...extra,
});

const withoutReceipt = (body: Record<string, unknown>) => {
  const { receipt: _r, receipt_salt: _s, ...rest } = body;
  return rest;
};

t.test('class 1: an insurer cannot enroll under another payer’s product (HTTP and gRPC)', async (t) => {
  const w = await worldWithGrpc(t);
  const who = await patient(w, 400, [HHB]);
  await push(w, stay(who, 'C1', 20_000));
  // The attack: 沪惠保 enrolls its consenting customer under the charity's product (covered diagnoses
  // C…/D61/N18.5; cash burden) and reads off the diagnosis class and the cash amount.
  for (const product of ['charity-relief', 'baiwan-medical', 'suisuikang-2022']) {
    const r = await enrollCall(w, HHB, `STEAL-${product}`, who, product);
    t.same([r.status, r.body.error.code], [403, 'PRODUCT_NOT_OFFERED'], `HTTP: ${product}`);
    const viaGrpc = await grpcCall(w.grpc.PolicyService!, 'EnrollPolicy', { policy_no: 'G', certno: who, product, start_date: '2025-01-01', end_date: '2025-12-31' }, w.ins[HHB]);
    t.equal(viaGrpc.code, 'PRODUCT_NOT_OFFERED', `gRPC: ${product}`);
  }
  // Nor by switching the product of a policy it already holds (frozen once used; refused anyway).
  await enroll(w, HHB, 'OWN', who, 'huhuibao-2025');
  t.equal((await quote(w, HHB, who, 'OWN', SH, 'C1')).status, 200);
  const sw = await enrollCall(w, HHB, 'OWN', who, 'charity-relief');
  t.equal(sw.body.error.code, 'PRODUCT_NOT_OFFERED');
  const products = await w.h.call({ method: 'GET', url: '/v1/products', token: w.ins[HHB] });
  for (const p of products.body.products) t.ok(['huhuibao', 'suisuikang', 'baiwan', 'charity'].includes(p.insurer), `${p.code} is bound to a party code`);
});

t.test('class 2: reshaping a policy to bisect a visit’s date or deductible is refused once an answer used it', async (t) => {
  const w = await worldWithGrpc(t);
  const who = await patient(w, 410, [HHB]);
  // The secret: the visit was on 2025-06-17.
  await push(w, stay(who, 'D1', 20_000, { setl_time: '2025-06-17 10:00:00' }));
  await enroll(w, HHB, 'PROBE', who, 'huhuibao-2025', { start_date: '2025-01-01', end_date: '2025-12-31' });
  const first = await w.h.call({ method: 'POST', url: '/v1/eligibility', token: w.ins[HHB], payload: { certno: who, policy_no: 'PROBE', provider: SH, mdtrt_id: 'D1' } });
  t.equal(first.status, 200);
  // Bisection by moving the start date, as the attacker did (~9 queries): every move is refused.
  const answers = new Set<string>();
  let lo = Date.parse('2025-01-01');
  let hi = Date.parse('2025-12-31');
  for (let i = 0; i < 9; i++) {
    const mid = new Date((lo + hi) / 2).toISOString().slice(0, 10);
    const end = new Date(Date.parse(mid) + 364 * 86_400_000).toISOString().slice(0, 10);
    await enrollCall(w, HHB, 'PROBE', who, 'huhuibao-2025', { start_date: mid, end_date: end });
    const held = await w.h.call({ method: 'GET', url: '/v1/policies/PROBE', token: w.ins[HHB] });
    t.same(held.body.periods.map((p: { start_date: string }) => p.start_date), ['2025-01-01'], `the period does not move to ${mid}`);
    const r = await w.h.call({ method: 'POST', url: '/v1/eligibility', token: w.ins[HHB], payload: { certno: who, policy_no: 'PROBE', provider: SH, mdtrt_id: 'D1' } });
    answers.add(JSON.stringify(r.body.reasons));
    if (r.body.eligible) hi = Date.parse(mid);
    else lo = Date.parse(mid);
  }
  t.equal(answers.size, 1, 'every answer is the same: the date is not bisected');
  // Flags that move the deductible are frozen too, over both transports.
  for (const flags of [{ claim_free_years: 3 }, { pre_existing: true }]) {
    const r = await enrollCall(w, HHB, 'PROBE', who, 'huhuibao-2025', flags);
    t.same([r.status, r.body.error.code], [409, 'POLICY_TERMS_FROZEN'], `HTTP ${JSON.stringify(flags)}`);
  }
  const viaGrpc = await grpcCall(w.grpc.PolicyService!, 'EnrollPolicy', { policy_no: 'PROBE', certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31', claim_free_years: 3 }, w.ins[HHB]);
  t.equal(viaGrpc.code, 'POLICY_TERMS_FROZEN');
  // Fresh policy numbers or short periods would probe the same way: refused.
  t.equal((await enrollCall(w, HHB, 'PROBE-2', who, 'huhuibao-2025', { start_date: '2025-06-01', end_date: '2026-05-31' })).body.error.code, 'POLICY_OVERLAP');
  t.equal((await enrollCall(w, HHB, 'PROBE-3', who, 'huhuibao-2025', { start_date: '2025-06-10', end_date: '2025-06-20' })).status, 400);
  // An explicit correction after use is a probe too (found by an outside attacker: claim-free years
  // turned up read a zero-pay visit's bill off the quote, then turned back): frozen, over both transports.
  for (const change of [{ claim_free_years: 3 }, { start_date: '2025-08-15', end_date: '2026-08-14' }]) {
    const r = await enrollCall(w, HHB, 'PROBE', who, 'huhuibao-2025', { ...change, correction: true });
    t.same([r.status, r.body.error?.code], [409, 'POLICY_TERMS_FROZEN'], `correction after use ${JSON.stringify(change)}`);
  }
  const corrGrpc = await grpcCall(w.grpc.PolicyService!, 'EnrollPolicy', { policy_no: 'PROBE', certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31', claim_free_years: 3, correction: true }, w.ins[HHB]);
  t.equal(corrGrpc.code, 'POLICY_TERMS_FROZEN');
  // Before any answer used a period, corrections exist (data entry happens), are logged, visible to the patient, and bounded.
  await enroll(w, HHB, 'FRESH', who, 'huhuibao-2025', { start_date: '2026-01-01', end_date: '2026-12-31' });
  const c1 = await enrollCall(w, HHB, 'FRESH', who, 'huhuibao-2025', { start_date: '2026-01-01', end_date: '2026-12-31', claim_free_years: 2, correction: true });
  const c2 = await enrollCall(w, HHB, 'FRESH', who, 'huhuibao-2025', { start_date: '2026-01-01', end_date: '2026-12-31', claim_free_years: 3, correction: true });
  const c3 = await enrollCall(w, HHB, 'FRESH', who, 'huhuibao-2025', { start_date: '2026-01-01', end_date: '2026-12-31', claim_free_years: 0, correction: true });
  t.same([c1.status, c2.status, c3.status, c3.body.error?.code], [200, 200, 409, 'POLICY_TERMS_FROZEN']);
  const mine = await w.h.call({ method: 'GET', url: '/v1/me/access-log?limit=1000', token: w.h.patientToken(who) });
  t.equal(mine.body.events.filter((e: { action: string }) => e.action === 'policy.corrected').length, 2, 'the patient sees both corrections');
  t.ok(mine.body.events.some((e: { action: string; outcome: string }) => e.action === 'policy.enrolled' && e.outcome === 'denied'), 'and the refused reshaping');
});

t.test('class 3: a zero answer reveals no bucket amount — different hidden bills, the same answer', async (t) => {
  const w = await worldWithGrpc(t);
  const who = await patient(w, 420, [HHB]);
  await enroll(w, HHB, 'B', who, 'huhuibao-2025');
  // Three stays below the 12,000 deductible: covered bases 0, 5,000.00 and 11,999.99 (a surgery-only bill has
  // nothing covered). Before the fix the quote's deductible_applied_fen read each base off exactly.
  await push(w, stay(who, 'Z0', 0, { ful: 3_000 * Y, feedetail: [feeLine(1, '331001001000000', '06', '03', 3_000 * Y)] }));
  await push(w, stay(who, 'Z1', 5_000));
  await push(w, { ...stay(who, 'Z2', 0), ful: 1_199_999, feedetail: [feeLine(1, OTHER_DRUG, '09', '03', 1_199_999)] });
  const http: string[] = [];
  const rpc: string[] = [];
  for (const id of ['Z0', 'Z1', 'Z2']) {
    const q = await quote(w, HHB, who, 'B', SH, id);
    t.equal(q.body.payable_fen, 0);
    http.push(canonicalJson(withoutReceipt(q.body)));
    const e = await w.h.call({ method: 'POST', url: '/v1/eligibility', token: w.ins[HHB], payload: { certno: who, policy_no: 'B', provider: SH, mdtrt_id: id } });
    http.push(canonicalJson(withoutReceipt(e.body)));
    const r = await grpcCall(w.grpc.QueryService!, 'QuoteSettlement', { certno: who, policy_no: 'B', provider: SH, mdtrt_id: id }, w.ins[HHB]);
    rpc.push(canonicalJson(withoutReceipt(r.res)));
  }
  t.equal(http[0], http[2]);
  t.equal(http[2], http[4], 'the three quotes are identical');
  t.equal(http[1], http[3]);
  t.equal(http[3], http[5], 'the three eligibility answers are identical');
  t.equal(new Set(rpc).size, 1, 'and over gRPC');
  t.match(JSON.parse(http[0]!), { payable_fen: 0, deductible_applied_fen: 0, reasons: ['BELOW_DEDUCTIBLE'] });
});

t.test('class 3: a paying quote does not reveal the earlier zero-pay bills through the deductible it applied', async (t) => {
  const w = await worldWithGrpc(t);
  // Two people, each with an earlier zero-pay stay (3,000.00 and 6,000.00 of listed drugs, below the
  // 12,000 deductible), then a paying stay of 15,000.00. True remaining deductibles: 9,000 and 6,000, so
  // payable = (15,000 − 9,000) × 70 % = 4,200.00 and (15,000 − 6,000) × 70 % = 6,300.00 — what the product
  // pays is the product's business. Before the fix deductible_applied_fen read 9,000 and 6,000: with
  // payable it gave the 15,000 bill and, by difference, the earlier 3,000 and 6,000 bills exactly.
  const out: Record<string, unknown>[] = [];
  for (const [seed, earlier] of [[430, 3_000], [431, 6_000]] as const) {
    const who = await patient(w, seed, [HHB]);
    await enroll(w, HHB, `E${seed}`, who, 'huhuibao-2025');
    await push(w, stay(who, `E${seed}-1`, earlier));
    await push(w, stay(who, `E${seed}-2`, 15_000));
    t.equal((await quote(w, HHB, who, `E${seed}`, SH, `E${seed}-1`)).body.payable_fen, 0);
    // The earlier stay is settled at the cashier (huhuibao pays 0): its bill now counts toward the deductible.
    t.equal((await settle(w, SH, who, `E${seed}-1`, `e${seed}`)).status, 201);
    out.push((await quote(w, HHB, who, `E${seed}`, SH, `E${seed}-2`)).body);
  }
  t.same(out.map((b) => b.payable_fen), [420_000, 630_000], 'the products pay what they owe');
  t.same(out.map((b) => b.deductible_applied_fen), [1_200_000, 1_200_000], 'the deductible applied is the policy’s tier for both: the earlier bills stay hidden');
});

t.test('class 2: a period that does not cover the visit answers POLICY_NOT_ACTIVE and nothing else', async (t) => {
  const w = await worldWithGrpc(t);
  // A 2001 period (enrollment needs no consent), visits in 2025 with a cancer and a hypertension diagnosis,
  // an out-of-list-only stay and an outpatient visit: reasons that would describe the visit must not show.
  const who = await patient(w, 440, [CH, HHB]);
  await enroll(w, CH, 'OLD', who, 'charity-relief', { start_date: '2001-01-01', end_date: '2001-12-31' });
  await enroll(w, HHB, 'OLDH', who, 'huhuibao-2025', { start_date: '2001-01-01', end_date: '2001-12-31' });
  await push(w, stay(who, 'DX1', 20_000, { diseinfo: [{ diag_type: '1', diag_code: 'C34.900', diag_name: '肺恶性肿瘤', maindiag_flag: '1' }] }));
  await push(w, stay(who, 'DX2', 20_000, { diseinfo: [{ diag_type: '1', diag_code: 'I10.x00', diag_name: '高血压', maindiag_flag: '1' }] }));
  await push(w, stay(who, 'DX3', 0, { med_type: '11', clr_optins: null }));
  for (const [insurer, policy] of [[CH, 'OLD'], [HHB, 'OLDH']] as const) {
    const answers = new Set<string>();
    for (const id of ['DX1', 'DX2', 'DX3']) {
      const e = await w.h.call({ method: 'POST', url: '/v1/eligibility', token: w.ins[insurer], payload: { certno: who, policy_no: policy, provider: SH, mdtrt_id: id } });
      t.same(e.body.reasons, ['POLICY_NOT_ACTIVE'], `${insurer} ${id}`);
      answers.add(canonicalJson(withoutReceipt(e.body)));
      const q = await quote(w, insurer, who, policy, SH, id);
      answers.add(canonicalJson(withoutReceipt(q.body)));
    }
    t.equal(answers.size, 2, `${insurer}: one eligibility answer and one quote answer for every visit`);
  }
});

t.test('class 4: the order of a hospital’s push checks reveals no consent; every refused push leaves a leaf', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const bureau = await w.h.party('bureau', 'SH-YBJ');
  const consenting = await patient(w, 430, [HHB]);
  const stranger = certno(431);
  const victim = await patient(w, 432, [HHB]);
  await push(w, stay(victim, 'USED', 1_000, { setl_id: 'SETL-USED' }));
  // The setl_id is already used (for the victim). Whether or not the target has a consent, the answer is the same.
  const withConsent = await w.h.call({ method: 'POST', url: '/v1/records', token: w.hosp[SH], payload: recordBody(stay(consenting, 'X1', 1_000, { setl_id: 'SETL-USED' })) });
  const withoutConsent = await w.h.call({ method: 'POST', url: '/v1/records', token: w.hosp[SH], payload: recordBody(stay(stranger, 'X1', 1_000, { setl_id: 'SETL-USED' })) });
  t.same([withConsent.status, withConsent.body.error.code], [withoutConsent.status, withoutConsent.body.error.code]);
  t.equal(withConsent.body.error.message, withoutConsent.body.error.message);
  // Every refusal is a leaf the bureau sees, with the real reason — a malformed push included.
  await w.h.call({ method: 'POST', url: '/v1/records', token: w.hosp[SH], payload: { certno: stranger, setlinfo: { mdtrt_id: 'bad' } } });
  await w.h.call({ method: 'POST', url: '/v1/records', token: w.hosp[SH], payload: recordBody(stay(stranger, 'X2', 1_000)) });
  const refused = await w.h.call({ method: 'GET', url: '/v1/audit/events?action=record.rejected&limit=100', token: bureau });
  t.same(refused.body.events.map((e: { reason: string }) => e.reason).sort(), ['NO_CONSENT', 'SETL_ID_CONFLICT', 'SETL_ID_CONFLICT', 'VALIDATION_FAILED'].sort());
});

t.test('class 5: a consent recorded at the counter never outranks the patient’s own decision', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const who = certno(440);
  const pat = w.h.patientToken(who);
  // The patient allows eligibility only, three questions a day.
  await w.h.call({ method: 'POST', url: '/v1/consents', token: pat, payload: { grantee: HHB, purposes: ['eligibility'], valid_until: '2030-12-31', max_queries_per_day: 3 } });
  // A hospital records a broad counter consent with any evidence string.
  const counter = await w.h.call({
    method: 'POST', url: '/v1/consents', token: w.hosp[SH],
    payload: { certno: who, grantee: HHB, purposes: ['eligibility', 'settlement', 'claim_verification'], valid_until: '2030-12-31', evidence: 'x' },
  });
  t.equal(counter.status, 201);
  await push(w, stay(who, 'P1', 20_000));
  await enroll(w, HHB, 'CP', who, 'huhuibao-2025');
  t.equal((await quote(w, HHB, who, 'CP', SH, 'P1')).body.error.code, 'NOT_AVAILABLE', 'no settlement purpose beyond the patient’s own');
  const claim = await w.h.call({ method: 'POST', url: '/v1/claims/verify', token: w.ins[HHB], payload: { certno: who, provider: SH, mdtrt_id: 'P1', claimed: { medfee_sumamt_fen: 1 } } });
  t.equal(claim.body.error.code, 'NOT_AVAILABLE');
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    statuses.push((await w.h.call({ method: 'POST', url: '/v1/eligibility', token: w.ins[HHB], payload: { certno: who, policy_no: 'CP', provider: SH, mdtrt_id: 'P1' } })).status);
  }
  t.same(statuses, [200, 200, 200, 429, 429], 'the patient’s daily budget holds');
  // A cashier settlement cannot include 沪惠保 either.
  const s = await settle(w, SH, who, 'P1', 'p1');
  t.same(s.body.lines, [], 'no settlement line under the counter consent');
  // Once the patient revokes their own consent, the counter consent does not bring the insurer back.
  const own = (await w.h.call({ method: 'GET', url: '/v1/consents', token: pat })).body.consents.find((c: { recorded_by_role: string }) => c.recorded_by_role === 'patient');
  await w.h.call({ method: 'POST', url: `/v1/consents/${own.consent_id}/revoke`, token: pat });
  const afterRevoke = await w.h.call({ method: 'POST', url: '/v1/eligibility', token: w.ins[HHB], payload: { certno: who, policy_no: 'CP', provider: SH, mdtrt_id: 'P1' } });
  t.equal(afterRevoke.body.error.code, 'NOT_AVAILABLE');
  // Without an own decision for that grantee (no app), the counter consent stands.
  const other = certno(441);
  await w.h.call({ method: 'POST', url: '/v1/consents', token: w.hosp[SH], payload: { certno: other, grantee: BW, purposes: ['settlement'], valid_until: '2030-12-31', evidence: 'signed form' } });
  await push(w, stay(other, 'P2', 20_000));
  await enroll(w, BW, 'CB', other, 'baiwan-medical');
  t.equal((await quote(w, BW, other, 'CB', SH, 'P2')).status, 200);
});

t.test('class 6: digests in receipts and leaves cannot be brute-forced offline', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const bureau = await w.h.party('bureau', 'SH-YBJ');
  const who = await patient(w, 450, [HHB]);
  await enroll(w, HHB, 'DG', who, 'huhuibao-2025');
  const spec = stay(who, 'G1', 20_000);
  await push(w, spec);
  const q = await quote(w, HHB, who, 'DG', SH, 'G1');
  // 20,000 − 12,000 = 8,000 × 70 % = 5,600.00. The attacker holds only the receipt and tries every amount.
  t.equal(q.body.payable_fen, 5_600 * Y);
  const { receipt } = q.body;
  let hit = false;
  for (let fen = 559_000; fen <= 561_000 && !hit; fen++) {
    const guess = { ...withoutReceipt(q.body), payable_fen: fen, liabilities: q.body.liabilities.map((l: { liability: string }) => ({ ...l, payable_fen: l.liability === 'inpatient_selfpay' ? fen : 0 })) };
    hit = sha256(canonicalJson(guess)) === receipt.result_digest;
  }
  t.notOk(hit, 'no amount is confirmed from the receipt alone');
  t.ok(verifyAnswerBinding(q.body), 'the holder, with the salt, proves the answer');
  const tampered = { ...q.body, payable_fen: q.body.payable_fen + 1 };
  t.notOk(verifyAnswerBinding(tampered), 'a changed answer does not bind');
  // The record digest: an insurer who holds the record (from a paper claim) cannot confirm it offline.
  const decoded = decodeRecord(recordBody(spec)).record;
  t.not(receipt.record_digest, sha256(canonicalJson(decoded)));
  // Leaves hold keyed digests and policy references only.
  const leaves = await w.h.call({ method: 'GET', url: `/v1/audit/leaves?start=0&end=${w.h.g.accessLog.size}`, token: bureau });
  const all = leaves.body.leaves.map((l: { leaf: string }) => Buffer.from(l.leaf, 'base64').toString('utf8')).join('\n');
  t.notOk(all.includes(sha256(`${HHB}|DG`)), 'no unkeyed policy digest');
  t.notOk(all.includes(sha256(canonicalJson(withoutReceipt(q.body)))), 'no unsalted answer digest');
  t.notOk(all.includes(sha256(canonicalJson(decoded))), 'no unkeyed record digest');
});

t.test('class 7: a receipt covers its question and names its leaf hash', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const bureau = await w.h.party('bureau', 'SH-YBJ');
  const who = await patient(w, 460, [HHB]);
  await push(w, stay(who, 'R1', 20_000));
  await push(w, stay(who, 'R2', 30_000));
  const verify = (mdtrt_id: string, medfee: number) =>
    w.h.call({ method: 'POST', url: '/v1/claims/verify', token: w.ins[HHB], payload: { certno: who, provider: SH, mdtrt_id, claimed: { medfee_sumamt_fen: medfee } } });
  // medfee = drug + in-list 10,000: 30,000.00 and 40,000.00.
  const a = await verify('R1', 30_000 * Y);
  const b = await verify('R2', 40_000 * Y);
  t.same([a.body.match, b.body.match], [true, true]);
  t.not(a.body.receipt.question_digest, b.body.receipt.question_digest, 'two true matches carry different question digests');
  const questionA = { op: 'claim_verification', claimed: { medfee_sumamt_fen: 30_000 * Y }, insurer: HHB, certno: who, provider: SH, mdtrt_id: 'R1' };
  t.ok(verifyAnswerBinding(a.body, questionA), 'the receipt binds the claim it answered');
  t.notOk(verifyAnswerBinding(a.body, { ...questionA, mdtrt_id: 'R2', claimed: { medfee_sumamt_fen: 40_000 * Y } }), 'and cannot be attached to another claim');
  // A third party ties the receipt to the log by its leaf hash.
  const head = await w.h.call({ method: 'GET', url: '/v1/audit/tree-head', token: bureau });
  const proof = await w.h.call({ method: 'GET', url: `/v1/audit/proof/inclusion?leaf_index=${a.body.receipt.leaf_index}&tree_size=${head.body.tree_size}`, token: w.ins[HHB] });
  t.equal(proof.body.leaf_hash, a.body.receipt.leaf_hash);
  t.ok(verifyInclusion(a.body.receipt.leaf_index, head.body.tree_size, Buffer.from(a.body.receipt.leaf_hash, 'hex'), proof.body.audit_path.map((h: string) => Buffer.from(h, 'hex')), Buffer.from(head.body.root_hash, 'hex')));
  const leaf = await w.h.call({ method: 'GET', url: `/v1/audit/leaves?start=${a.body.receipt.leaf_index}&end=${a.body.receipt.leaf_index + 1}`, token: bureau });
  t.equal(leafHash(Buffer.from(leaf.body.leaves[0].leaf, 'base64')).toString('hex'), a.body.receipt.leaf_hash);
  t.ok(verifyReceipt(a.body.receipt, (kid) => w.h.g.keys.signingPublicKey(kid)), 'signed');
  t.notOk(verifyReceipt({ ...a.body.receipt, question_digest: b.body.receipt.question_digest }, (kid) => w.h.g.keys.signingPublicKey(kid)), 'the question is under the signature');
});

/** Kolmogorov–Smirnov two-sample statistic D. */
function ksStatistic(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

t.test('class 8: "no consent, visit exists" and "no consent, no visit" cost the same — nothing of a record is read first', async (t) => {
  const w: World = await world();
  t.teardown(w.h.close);
  const who = await patient(w, 470, [BW]); // consents to 百万医疗 only
  await enroll(w, HHB, 'T', who, 'huhuibao-2025');
  // A large inpatient record: 3,000 fee lines.
  const lines = Array.from({ length: 3000 }, (_, i) => feeLine(i + 1, OTHER_DRUG, '09', '03', 100));
  await push(w, { ...stay(who, 'BIG', 30), feedetail: lines });
  // Deterministic: on a consent denial, no record is looked up at all.
  const repos = w.h.g.storage.read.records as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = repos.latestByVisit!.bind(repos);
  let lookups = 0;
  repos.latestByVisit = (...args: unknown[]) => {
    lookups++;
    return original(...args);
  };
  const ask = (mdtrt_id: string) => w.h.app.inject({
    method: 'POST', url: '/v1/eligibility', headers: { authorization: `Bearer ${w.ins[HHB]}` }, payload: { certno: who, policy_no: 'T', provider: SH, mdtrt_id },
  });
  const exists = await ask('BIG');
  const none = await ask('NONE');
  t.equal(lookups, 0, 'no record read before the consent allows it');
  t.equal(exists.body.replace(/"request_id":"[^"]+"/, ''), none.body.replace(/"request_id":"[^"]+"/, ''));
  repos.latestByVisit = original;
  // Statistical: interleaved samples of both, compared with a two-sample Kolmogorov–Smirnov test.
  const n = 200;
  const tExists: number[] = [];
  const tNone: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const [id, sink] of (i % 2 ? [['BIG', tExists], ['NONE', tNone]] : [['NONE', tNone], ['BIG', tExists]]) as [string, number[]][]) {
      const started = process.hrtime.bigint();
      await ask(id);
      sink.push(Number(process.hrtime.bigint() - started));
    }
  }
  const d = ksStatistic(tExists, tNone);
  // Critical value at α = 0.001 for n = m = 200: 1.949 × √(2/200) ≈ 0.195.
  t.ok(d < 0.195, `KS D = ${d.toFixed(3)}: the two distributions are indistinguishable`);
});

t.test('class 9: one validation for both transports; suspended insurers take no part; policies per person bounded', async (t) => {
  const w = await worldWithGrpc(t);
  const who = await patient(w, 480, [HHB, BW]);
  await push(w, stay(who, 'M1', 20_000));
  // gRPC VerifyClaim without `claimed`, or with a negative amount: refused like HTTP, and no attempt spent.
  const q = { certno: who, provider: SH, mdtrt_id: 'M1' };
  t.equal((await grpcCall(w.grpc.QueryService!, 'VerifyClaim', q, w.ins[HHB])).code, 'VALIDATION_FAILED');
  t.equal((await grpcCall(w.grpc.QueryService!, 'VerifyClaim', { ...q, claimed: {} }, w.ins[HHB])).code, 'VALIDATION_FAILED', 'an empty claim too');
  t.equal((await grpcCall(w.grpc.QueryService!, 'VerifyClaim', { ...q, claimed: { medfee_sumamt_fen: -5 } }, w.ins[HHB])).code, 'VALIDATION_FAILED');
  t.equal((await w.h.call({ method: 'POST', url: '/v1/claims/verify', token: w.ins[HHB], payload: q })).status, 400);
  const negative = await w.h.call({ method: 'POST', url: '/v1/claims/verify', token: w.ins[HHB], payload: { ...q, claimed: { medfee_sumamt_fen: -5 } } });
  t.same([negative.status, negative.body.error.code], [400, 'VALIDATION_FAILED'], 'the same code over HTTP');
  const answered = [];
  for (let i = 0; i < 5; i++) answered.push((await grpcCall(w.grpc.QueryService!, 'VerifyClaim', { ...q, claimed: { medfee_sumamt_fen: i } }, w.ins[HHB])).res?.match);
  t.same(answered, [false, false, false, false, false], 'all five attempts are still there');
  // A suspended insurer's policy takes no part in a settlement.
  await enroll(w, HHB, 'SUS', who, 'huhuibao-2025');
  await enroll(w, BW, 'ACT', who, 'baiwan-medical');
  await w.h.g.parties.setStatus(HHB, 'suspended', { role: 'admin', code: 'ops', jti: 'x' });
  const s = await settle(w, SH, who, 'M1', 'm1');
  t.same(s.body.lines.map((l: { insurer: string }) => l.insurer), [BW]);
  // One person cannot be given any number of policies (1,500 once made a 350 KB answer).
  const many = certno(481);
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) {
    statuses.push((await enrollCall(w, CH, `MANY-${i}`, many, 'charity-relief', { start_date: `${2000 + i}-01-01`, end_date: `${2000 + i}-12-31` })).status);
  }
  t.equal(statuses.filter((s) => s === 200).length, 24);
  t.equal((await enrollCall(w, CH, 'MANY-X', many, 'charity-relief', { start_date: '2040-01-01', end_date: '2040-12-31' })).body.error.code, 'POLICY_LIMIT_REACHED');
  // The bound is per insurer: another insurer's 24 policies neither block nor reveal anything to this one.
  const other = await enrollCall(w, BW, 'MANY-B', many, 'baiwan-medical');
  t.equal(other.status, 200, `another insurer still enrolls the person ${other.raw}`);
});
