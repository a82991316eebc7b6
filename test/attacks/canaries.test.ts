import t from 'tap';
import { allLeaves, certno, harness, storedAtRest } from '../helpers.js';
import { feeLine, recordBody } from '../fixtures/records.js';

/**
 * Leak canaries: a record full of unique values goes through the whole story. Afterwards no canary is
 * in any insurer response, any log line, any access-log leaf, or any file under the data dir in clear.
 */
const H = 'H31010100001';

t.test('canaries never leave: responses, logs, leaves, files', async (t) => {
  const lines: string[] = [];
  const h = await harness({}, undefined, { write: (line: string) => void lines.push(line) });
  t.teardown(h.close);
  const hosp = await h.party('hospital', H, { level: 3 });
  const insurer = await h.party('insurer', 'huhuibao');
  const bureau = await h.party('bureau', 'BUR');
  const who = certno(4242);
  const C = { name: '金丝雀终测丁', diag: 'CanaryFinalDiagnosisXi', diagCode: 'C22.900', amountYuan: '76543.21', amountFen: '7654321', mdtrt: 'CANARYVISIT88' };
  const patient = h.patientToken(who);
  await h.call({ method: 'POST', url: '/v1/consents', token: patient, payload: { grantee: 'huhuibao', purposes: ['eligibility', 'settlement', 'claim_verification'], valid_until: '2031-01-01' } });
  const record = recordBody({
    certno: who, hospital: H, mdtrt_id: C.mdtrt, med_type: '21', clr_optins: '310100', ful: 7_654_321, inscp: 3_000_000, hifp: 2_000_000, psn_name: C.name,
    diseinfo: [{ diag_type: '1', diag_code: C.diagCode, diag_name: C.diag, maindiag_flag: '1' }],
    feedetail: [feeLine(1, 'XA02BCA211A012010100154', '09', '03', 7_654_321)],
  });
  await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: record });
  // A malformed push carrying the canaries must not echo them either.
  const bad = await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: { ...record, setlinfo: { ...(record.setlinfo as object), medfee_sumamt: `${C.amountYuan}9` } } });
  t.equal(bad.status, 400);
  const badJson = await h.app.inject({ method: 'POST', url: '/v1/records', payload: `{"certno":"${who}","psn_name":"${C.name}", broken`, headers: { 'content-type': 'application/json', authorization: `Bearer ${hosp}` } });
  t.equal(badJson.statusCode, 400);
  await h.call({ method: 'PUT', url: '/v1/policies/CP', token: insurer, payload: { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' } });
  const visit = { certno: who, provider: H, mdtrt_id: C.mdtrt };
  const insurerAnswers = [
    await h.call({ method: 'POST', url: '/v1/eligibility', token: insurer, payload: { ...visit, policy_no: 'CP' } }),
    await h.call({ method: 'POST', url: '/v1/settlements/quote', token: insurer, payload: { ...visit, policy_no: 'CP' } }),
    await h.call({ method: 'POST', url: '/v1/claims/verify', token: insurer, payload: { ...visit, claimed: { medfee_sumamt_fen: 10_654_321 } } }),
    await h.call({ method: 'POST', url: '/v1/settlements/quote', token: insurer, payload: { ...visit, mdtrt_id: 'NOPE', policy_no: 'CP' } }),
    await h.call({ method: 'GET', url: '/v1/consents', token: insurer }),
    await h.call({ method: 'GET', url: `/v1/audit/tree-head`, token: insurer }),
  ];
  await h.call({ method: 'POST', url: '/v1/settlements', token: hosp, payload: { certno: who, mdtrt_id: C.mdtrt, request_id: 'canary' } });
  await h.call({ method: 'GET', url: `/v1/audit/events?certno=${who}`, token: bureau });
  await h.call({ method: 'GET', url: '/v1/me/access-log', token: patient });
  await h.call({ method: 'GET', url: `/v1/products?certno=${who}&name=${encodeURIComponent(C.name)}`, token: insurer });

  const canaries = [who, C.name, C.diag, C.diagCode, C.amountYuan, C.amountFen];
  const responses = insurerAnswers.map((r) => r.raw).join('\n');
  for (const c of canaries) t.notOk(responses.includes(c), `no ${c} in insurer responses`);
  const log = lines.join('');
  t.ok(lines.length > 10, 'the logger was on');
  for (const c of [...canaries, hosp, insurer, patient, bureau]) t.notOk(log.includes(c), `no ${c.slice(0, 24)} in the log`);
  const leaves = (await allLeaves(h.g)).map((b) => b.toString()).join('\n');
  t.ok(leaves.length > 0, 'the log was read');
  for (const c of [...canaries, C.mdtrt]) t.notOk(leaves.includes(c), `no ${c} in any leaf`);
  await h.close();
  const stored = storedAtRest(h.dir);
  t.ok(stored.some((s) => s.bytes.length > 10_000), 'something was stored');
  for (const { name, bytes } of stored) {
    // A dump shows bytea columns in hex: a canary there would be its hex.
    for (const c of canaries) t.notOk(bytes.includes(Buffer.from(c)) || bytes.includes(Buffer.from(Buffer.from(c).toString('hex'))), `${name} has no ${c}`);
  }
});
