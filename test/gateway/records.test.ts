import t from 'tap';
import { ADMIN, certno, harness, storedAtRest, storedExec, storedValue } from '../helpers.js';
import { recordBody, feeLine } from '../fixtures/records.js';

const H1 = 'H31010100001';
const H2 = 'H31010100002';
const INS = 'INS-HHB';
const future = '2030-12-31';

t.test('consent gates record pushes', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hosp = await h.party('hospital', H1, { level: 3 });
  await h.party('hospital', H2);
  await h.party('insurer', INS);
  const who = certno(1);
  const patient = h.patientToken(who);
  const push = (body: object, token = hosp) => h.call({ method: 'POST', url: '/v1/records', token, payload: body });
  const count = () => storedValue(h.dir, 'SELECT COUNT(*) AS n FROM records');

  const none = await push(recordBody({ certno: who, hospital: H1, mdtrt_id: 'M1', inscp: 100_00, hifp: 80_00 }));
  t.equal(none.status, 403, 'no consent → 403');
  t.equal(none.body.error.code, 'CONSENT_REQUIRED');
  t.equal(await count(), 0, 'nothing stored');

  const other = await h.call({ method: 'POST', url: '/v1/consents', token: patient, payload: { grantee: INS, purposes: ['eligibility'], providers: [H2], valid_until: future } });
  t.equal(other.status, 201);
  t.equal((await push(recordBody({ certno: who, hospital: H1, mdtrt_id: 'M1', inscp: 100_00, hifp: 80_00 }))).status, 403, 'consent for another hospital → 403');
  t.equal(await count(), 0);

  const c = await h.call({ method: 'POST', url: '/v1/consents', token: patient, payload: { grantee: INS, purposes: ['eligibility', 'settlement'], providers: [H1], valid_until: future } });
  t.equal(c.status, 201);
  t.match(c.body, { version: 1, status: 'active', grantee: INS, providers: [H1] });
  const ok = await push(recordBody({ certno: who, hospital: H1, mdtrt_id: 'M1', inscp: 100_00, hifp: 80_00 }));
  t.equal(ok.status, 201, 'consent → push accepted');
  t.match(ok.body, { record_id: /^rec_/, version: 1 });

  const again = await push(recordBody({ certno: who, hospital: H1, mdtrt_id: 'M1', inscp: 100_00, hifp: 80_00 }));
  t.same(again.body, ok.body, 'identical re-push is idempotent');
  const changed = await push(recordBody({ certno: who, hospital: H1, mdtrt_id: 'M1', inscp: 120_00, hifp: 80_00 }));
  t.same(changed.body, { record_id: ok.body.record_id, version: 2 }, 'changed content is a new version');
  t.equal(await count(), 2, 'earlier versions are kept');

  const revoked = await h.call({ method: 'POST', url: `/v1/consents/${c.body.consent_id}/revoke`, token: patient });
  t.same(revoked.body, { consent_id: c.body.consent_id, version: 2, status: 'revoked' });
  const afterRevoke = await push(recordBody({ certno: who, hospital: H1, mdtrt_id: 'M2', inscp: 100_00, hifp: 80_00 }));
  t.equal(afterRevoke.status, 403, 'revoked consent → 403');
  t.equal(await count(), 2);

  const stranger = h.patientToken(certno(2));
  const notYours = await h.call({ method: 'POST', url: `/v1/consents/${other.body.consent_id}/revoke`, token: stranger });
  t.equal(notYours.status, 404, "a patient cannot revoke someone else's consent");

  const mine = await h.call({ method: 'GET', url: '/v1/consents', token: patient });
  t.equal(mine.body.consents.length, 2);
  const insurerView = await h.call({ method: 'GET', url: '/v1/consents', token: h.token('insurer', INS) });
  t.equal(insurerView.body.consents.length, 2);
  t.notMatch(insurerView.raw, /subject|certno|recorded_by"/, 'an insurer sees consents without identity');
});

t.test('expired consents stop pushes', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  await h.party('hospital', H1);
  await h.party('insurer', INS);
  const who = certno(3);
  const patient = { role: 'patient' as const, code: 'patient', subject: h.g.vault.blindIndex(who), jti: 'x' };
  const past = Date.now() - 3 * 86_400_000;
  await h.g.consents.grant(patient, { grantee: INS, purposes: ['eligibility'], valid_until: new Date(past + 86_400_000).toISOString() }, past);
  const hospital = { role: 'hospital' as const, code: H1, jti: 'x' };
  await t.rejects(h.g.records.push(hospital, recordBody({ certno: who, hospital: H1, mdtrt_id: 'M9', inscp: 100, hifp: 50 })), { code: 'CONSENT_REQUIRED' });
  t.ok(await h.g.records.push(hospital, recordBody({ certno: who, hospital: H1, mdtrt_id: 'M9', inscp: 100, hifp: 50 }), past + 1000), 'the same push while it was valid');
});

t.test('a hospital records consent at the counter, for itself only, keeping only a digest of the evidence', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hosp = await h.party('hospital', H1);
  await h.party('insurer', INS);
  const who = certno(4);
  const evidence = 'signature-image-base64-CANARY-EVIDENCE-77';
  const r = await h.call({ method: 'POST', url: '/v1/consents', token: hosp, payload: { certno: who, grantee: INS, purposes: ['settlement'], valid_until: future, evidence } });
  t.equal(r.status, 201);
  t.same(r.body.providers, [H1]);
  t.equal(r.body.recorded_by_role, 'hospital');
  const wider = await h.call({ method: 'POST', url: '/v1/consents', token: hosp, payload: { certno: who, grantee: INS, purposes: ['settlement'], providers: [H2], valid_until: future, evidence } });
  t.equal(wider.status, 403);
  const noEvidence = await h.call({ method: 'POST', url: '/v1/consents', token: hosp, payload: { certno: who, grantee: INS, purposes: ['settlement'], valid_until: future } });
  t.equal(noEvidence.status, 400);
  const badId = await h.call({ method: 'POST', url: '/v1/consents', token: hosp, payload: { certno: '110105194912310021', grantee: INS, purposes: ['settlement'], valid_until: future, evidence } });
  t.equal(badId.body.error.code, 'INVALID_CERTNO');
  const notInsurer = await h.call({ method: 'POST', url: '/v1/consents', token: hosp, payload: { certno: who, grantee: H1, purposes: ['settlement'], valid_until: future, evidence } });
  t.equal(notInsurer.status, 400);
  const raw = storedAtRest(h.dir).map((b) => b.bytes.toString('latin1')).join('\n');
  t.ok(raw.length > 10_000, 'what is stored was read');
  t.notOk(raw.includes('CANARY-EVIDENCE'), 'evidence is not stored in clear');
});

t.test('identity violations answer 422 naming the identity; malformed fields 400 naming the field', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hosp = await h.party('hospital', H1);
  await h.party('insurer', INS);
  const who = certno(5);
  await h.call({ method: 'POST', url: '/v1/consents', token: h.patientToken(who), payload: { grantee: INS, purposes: ['eligibility'], valid_until: future } });
  const base = recordBody({ certno: who, hospital: H1, mdtrt_id: 'M1', ful: 10_00, inscp: 90_00, hifp: 60_00, acct: 5_00 });
  const s = base.setlinfo as Record<string, string>;
  const cases: [string, Record<string, string>][] = [
    ['1', { fulamt_ownpay_amt: '10.02' }],
    ['2', { medfee_sumamt: '100.02', fulamt_ownpay_amt: '10.02' }],
    ['3', { acct_pay: '5.02' }],
    ['4', { hifp_pay: '59.98', psn_part_amt: '40.02', psn_cash_pay: '35.02', fulamt_ownpay_amt: '10.02', medfee_sumamt: '100.02' }],
  ];
  for (const [id, patch] of cases) {
    const r = await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: { ...base, setlinfo: { ...s, ...patch } } });
    t.equal(r.status, 422, `identity ${id}`);
    t.equal(r.body.error.code, 'INVALID_RECORD');
    t.match(r.body.error.message, new RegExp(`Identity ${id} does not hold`));
  }
  const tolerated = await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: { ...base, setlinfo: { ...s, acct_pay: '5.01' } } });
  t.equal(tolerated.status, 201, '±0.01 yuan is tolerated');

  const malformed: [Record<string, unknown>, RegExp][] = [
    [{ ...base, setlinfo: { ...s, medfee_sumamt: '100.001' } }, /setlinfo\.medfee_sumamt/],
    [{ ...base, setlinfo: { ...s, med_type: '77' } }, /setlinfo\.med_type/],
    [{ ...base, setlinfo: { ...s, insutype: '999' } }, /setlinfo\.insutype/],
    [{ ...base, setlinfo: { ...s, setl_time: '2025-02-30 10:00:00' } }, /setlinfo\.setl_time/],
    [{ ...base, setlinfo: { ...s, medfee_sumamt: undefined } }, /setlinfo\.medfee_sumamt/],
    [{ ...base, feedetail: [{ ...feeLine(1, 'XA02BCA211A012010100154', '09', '05', 100) }] }, /feedetail\[0\]\.chrgitm_lv/],
    [{ ...base, diseinfo: [{ diag_code: 'not a code' }] }, /diseinfo\[0\]\.diag_code/],
    [{ ...base, setlinfo: 'x' }, /setlinfo/],
  ];
  for (const [body, field] of malformed) {
    const r = await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: body });
    t.ok(r.status === 400, `${field} → 400`);
    t.match(r.body.error.message, field);
  }
  const otherHospital = await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: { ...base, setlinfo: { ...s, fixmedins_code: H2 } } });
  t.equal(otherHospital.status, 403, "a hospital cannot push for another hospital's code");
  t.equal(otherHospital.body.error.code, 'PROVIDER_MISMATCH');
});

t.test('the national platform envelope is accepted as-is', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hosp = await h.party('hospital', H1);
  await h.party('insurer', INS);
  const who = certno(6);
  await h.call({ method: 'POST', url: '/v1/consents', token: h.patientToken(who), payload: { grantee: INS, purposes: ['eligibility'], valid_until: future } });
  const inner = recordBody({ certno: who, hospital: H1, mdtrt_id: 'ENV1', inscp: 50_00, hifp: 30_00 });
  const envelope = {
    infno: '2304', msgid: `${H1}20250315102030${'0001'}`, mdtrtarea_admvs: '310101', insuplc_admdvs: '310101', recer_sys_code: 'HIS',
    signtype: 'SM3', infver: 'V1.0', opter_type: '1', fixmedins_code: H1, inf_time: '2025-03-15 10:20:30', input: inner,
  };
  t.equal((await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: envelope })).status, 201);
  const response = { infcode: 0, inf_refmsgid: 'x', output: recordBody({ certno: who, hospital: H1, mdtrt_id: 'ENV2', inscp: 50_00, hifp: 30_00 }) };
  t.equal((await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: response })).status, 201);
  const failed = { infcode: -1, err_msg: 'x', output: recordBody({ certno: who, hospital: H1, mdtrt_id: 'ENV3', inscp: 50_00, hifp: 30_00 }) };
  t.equal((await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: failed })).status, 400);
});

t.test('the vault: sealed at rest, KEK rotation, swapped rows detected, canaries never in clear', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hospital = { role: 'hospital' as const, code: H1, jti: 'x' };
  await h.g.parties.add({ role: 'hospital', code: H1, name: 'H' }, ADMIN);
  await h.g.parties.add({ role: 'insurer', code: INS, name: 'I' }, ADMIN);
  const who = certno(7);
  const CANARY_NAME = '金丝雀测试员甲';
  const CANARY_DIAG = 'Canary-Diagnosis-Zeta-9';
  await h.g.consents.grant({ role: 'patient', code: 'patient', subject: h.g.vault.blindIndex(who), jti: 'x' }, { grantee: INS, purposes: ['eligibility'], valid_until: future });
  const canary = recordBody({
    certno: who, hospital: H1, mdtrt_id: 'CANARY1', ful: 98_765_43, inscp: 12_345_67, hifp: 7_777_77, psn_name: CANARY_NAME,
    diseinfo: [{ diag_type: '1', diag_code: 'C34.900', diag_name: CANARY_DIAG, maindiag_flag: '1' }],
  });
  const first = await h.g.records.push(hospital, canary);
  const kek1 = h.g.keys.kek.kid;
  const kek2 = h.g.keys.rotateKek();
  t.not(kek1, kek2);
  const second = await h.g.records.push(hospital, recordBody({ certno: who, hospital: H1, mdtrt_id: 'CANARY2', inscp: 55_55, hifp: 11_11 }));
  const rows = (await h.g.storage.read.records.versions(first.record_id)).concat(await h.g.storage.read.records.versions(second.record_id));
  t.same(rows.map((r) => r.kek_id), [kek1, kek2], 'new records use the new KEK');
  t.equal(h.g.records.open(rows[0]!).setlinfo.psn_name, CANARY_NAME, 'old records stay readable');
  t.equal(h.g.records.facts(rows[1]!).medfee_fen, 55_55);

  // Swap the two rows' ciphertexts: associated data binds each to its row, so both fail to open.
  await new Promise((r) => setTimeout(r, 20)); // let the gateway's open batch commit first
  const swap = (facts: Buffer, id: string) => storedExec(h.dir, 'UPDATE records SET sealed_facts = ? WHERE record_id = ?', [facts, id]);
  await swap(rows[1]!.sealed_facts, rows[0]!.record_id);
  await swap(rows[0]!.sealed_facts, rows[1]!.record_id);
  const tampered = (await h.g.storage.read.records.versions(first.record_id))[0]!;
  t.throws(() => h.g.records.facts(tampered), { code: 'INTERNAL' }, 'a swapped ciphertext is detected on read');
  await swap(rows[0]!.sealed_facts, rows[0]!.record_id);
  await swap(rows[1]!.sealed_facts, rows[1]!.record_id);

  const { rewrapRecords } = await import('../../gateway/services/records/records.js');
  const moved = await rewrapRecords(h.g.vault, h.g.storage, kek2);
  t.equal(moved, 1, 'the re-wrap moves the old record to the new KEK');
  t.equal(h.g.records.open((await h.g.storage.read.records.versions(first.record_id))[0]!).setlinfo.psn_name, CANARY_NAME);
  // The statistics lab's rows (sealed amounts) move with them.
  const { rewrapStatVisits } = await import('../../gateway/services/statistics/lab.js');
  t.same((await h.g.storage.read.statistics.visits({})).map((r) => r.kek_id).sort(), [kek1, kek2].sort(), 'one lab row under each KEK');
  t.equal(await rewrapStatVisits(h.g.vault, h.g.storage, kek2), 1, 'the re-wrap moves the old lab row too');
  t.same((await h.g.storage.read.statistics.visits({})).map((r) => r.kek_id), [kek2, kek2]);

  // Everything at rest (every file under the data dir; on PostgreSQL its database too): no canary in clear.
  const canaries = [who, CANARY_NAME, CANARY_DIAG, '98765.43', '9876543', '12345.67', '1234567', '7777.77'];
  const stored = storedAtRest(h.dir);
  t.ok(stored.some((b) => b.bytes.length > 10_000), 'what is stored was read');
  for (const { name, bytes } of stored) {
    for (const c of canaries) {
      t.equal(bytes.includes(Buffer.from(c, 'utf8')) || bytes.includes(Buffer.from(Buffer.from(c, 'utf8').toString('hex'))), false, `${name} has no ${c}`);
    }
  }
});

t.test('refund lines (negative cnt) are accepted as the platform sends them', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hosp = await h.party('hospital', H1);
  await h.party('insurer', INS);
  const who = certno(8);
  await h.call({ method: 'POST', url: '/v1/consents', token: h.patientToken(who), payload: { grantee: INS, purposes: ['eligibility'], valid_until: future } });
  const body = recordBody({ certno: who, hospital: H1, mdtrt_id: 'REF1', ful: 300_00, inscp: 1000_00, hifp: 700_00 });
  body.feedetail = [
    { ...feeLine(1, 'XA02BCA211A012010100154', '09', '03', 500_00), cnt: '2' },
    { ...feeLine(2, 'XA02BCA211A012010100154', '09', '03', 0), cnt: '-1', det_item_fee_sumamt: '-200.00', fulamt_ownpay_amt: '-200.00' },
  ];
  const r = await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: body });
  t.equal(r.status, 201);
  const facts = h.g.records.facts((await h.g.storage.read.records.versions(r.body.record_id))[0]!);
  t.same(facts.lines.map((l) => l.ool), [500_00, -200_00], 'the refund line keeps its sign');
});
