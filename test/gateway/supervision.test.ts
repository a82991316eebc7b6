import t from 'tap';
import { ADMIN, certno, harness } from '../helpers.js';
import { recordBody } from '../fixtures/records.js';
import { BUREAU, H1, H2, NAMES, STORY_COUNTS, tellStory } from '../fixtures/console-story.js';

t.test('GET /v1/supervision/summary: exact counts from the log and the settlement answers', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const story = await tellStory(h);
  // The hand-computed amounts hold for the answer the hospital got.
  t.same(
    story.settlement.lines.map((l) => [l.insurer, l.payable_fen]).sort(),
    [['baiwan', 500_000], ['huhuibao', 0]],
    'the settlement paid what the story says',
  );

  const r = await h.call({ method: 'GET', url: '/v1/supervision/summary', token: story.tokens.bureau });
  t.equal(r.status, 200);
  const insurers = Object.fromEntries(r.body.insurers.map(({ insurer, ...rest }: any) => [insurer, rest]));
  t.same(insurers, STORY_COUNTS.insurers, 'per insurer: queries, denials by reason, budget, probes, settlements, amounts, reversals');
  const hospitals = Object.fromEntries(r.body.hospitals.map(({ provider, ...rest }: any) => [provider, rest]));
  t.same(hospitals, STORY_COUNTS.hospitals, 'per hospital: pushes, refusals, settlements');
  for (const who of [story.alice, story.bob, story.carol]) {
    t.notOk(r.raw.includes(who), 'no ID number in the summary');
    t.notOk(r.raw.includes(h.g.vault.blindIndex(who)), 'no blind index in the summary');
  }
  t.notOk(r.raw.includes('HHB-1') || r.raw.includes('BW-1'), 'no policy number in the summary');

  const future = await h.call({ method: 'GET', url: `/v1/supervision/summary?from=${Date.now() + 60_000}`, token: story.tokens.bureau });
  t.ok(future.body.insurers.every((i: any) => i.queries === 0 && i.settlements === 0), 'a range after everything counts nothing');
  t.same(future.body.insurers.map((i: any) => i.insurer).sort(), ['baiwan', 'charity', 'huhuibao', 'suisuikang'], 'registered insurers are listed with zeros');

  const bad = await h.call({ method: 'GET', url: '/v1/supervision/summary?from=2026-02-01T00:00:00%2B08:00&to=2026-01-01T00:00:00%2B08:00', token: story.tokens.bureau });
  t.same([bad.status, bad.body.error.code], [400, 'VALIDATION_FAILED'], 'from after to');
  const junk = await h.call({ method: 'GET', url: '/v1/supervision/summary?from=yesterday', token: story.tokens.bureau });
  t.same([junk.status, junk.body.error.code], [400, 'VALIDATION_FAILED'], 'a time that is not one');
  const extra = await h.call({ method: 'GET', url: '/v1/supervision/summary?insurer=baiwan', token: story.tokens.bureau });
  t.equal(extra.status, 400, 'unknown query members are refused');
  const insurer = await h.call({ method: 'GET', url: '/v1/supervision/summary', token: story.tokens.huhuibao });
  t.same([insurer.status, insurer.body.error.code], [403, 'FORBIDDEN'], 'an insurer cannot read the bureau summary');
});

t.test('the range is [from, to): a settlement before it and reversed inside counts as a reversal only', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  await h.party('hospital', H1);
  await h.party('insurer', 'baiwan');
  const bureau = await h.party('bureau', BUREAU);
  const who = certno(5);
  const hospital = { role: 'hospital' as const, code: H1, jti: 't' };
  const T0 = Date.parse('2026-03-01T10:00:00+08:00');
  await h.g.consents.grant({ role: 'patient', code: 'patient', subject: h.g.vault.blindIndex(who), jti: 't' }, { grantee: 'baiwan', purposes: ['settlement'], valid_until: '2030-12-31' }, T0 - 60_000);
  await h.g.records.push(hospital, recordBody({ certno: who, hospital: H1, mdtrt_id: 'R1', inscp: 3_000_000, hifp: 1_500_000 }), T0 - 30_000);
  await h.g.policies.enroll({ role: 'insurer', code: 'baiwan', jti: 't' }, 'BW-9', { certno: who, product: 'baiwan-medical', start_date: '2025-01-01', end_date: '2025-12-31' }, T0 - 20_000);
  const s = await h.g.settlements.settle(hospital, { certno: who, mdtrt_id: 'R1', request_id: 'r' }, T0);
  await h.g.settlements.reverse(hospital, s.settlement_id, T0 + 86_400_000);

  const sum = async (from: number, to: number) => {
    const r = await h.call({ method: 'GET', url: `/v1/supervision/summary?from=${from}&to=${to}`, token: bureau });
    t.equal(r.status, 200);
    return { insurer: r.body.insurers.find((i: any) => i.insurer === 'baiwan'), hospital: r.body.hospitals.find((x: any) => x.provider === H1) };
  };
  const day1 = await sum(T0, T0 + 1);
  t.same([day1.insurer.settlements, day1.insurer.settled_fen, day1.insurer.reversals, day1.hospital.settlements], [1, 500_000, 0, 1], 'from is inclusive');
  const before = await sum(T0 - 1000, T0);
  t.same([before.insurer.settlements, before.hospital.settlements], [0, 0], 'to is exclusive');
  const day2 = await sum(T0 + 1, T0 + 2 * 86_400_000);
  t.same([day2.insurer.settlements, day2.insurer.reversals, day2.insurer.reversed_fen, day2.hospital.reversals], [0, 1, 500_000, 1], 'a reversal counts in the range it happened');
  const whole = await sum(T0 - 120_000, T0 + 2 * 86_400_000);
  t.same([whole.hospital.pushes, whole.insurer.settlements, whole.insurer.reversals], [1, 1, 1]);
});

t.test('GET /v1/directory: names of hospitals, insurers and bureaus for every signed-in role, nothing secret', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  await h.g.parties.add({ role: 'hospital', code: H2, name: NAMES[H2]!, level: 2 }, ADMIN);
  await h.g.parties.add({ role: 'insurer', code: 'charity', name: NAMES.charity! }, ADMIN);
  await h.g.parties.add({ role: 'bureau', code: BUREAU, name: NAMES[BUREAU]! }, ADMIN);
  const admin = await h.party('admin', 'ops-1');
  await h.g.parties.setStatus('charity', 'suspended', ADMIN);
  const patient = h.patientToken(certno(9));
  const r = await h.call({ method: 'GET', url: '/v1/directory', token: patient });
  t.equal(r.status, 200);
  t.same(
    r.body.parties.sort((a: any, b: any) => (a.code < b.code ? -1 : 1)),
    [
      { code: H2, role: 'hospital', name: '华山医院', status: 'active' },
      { code: BUREAU, role: 'bureau', name: '上海市医保局', status: 'active' },
      { code: 'charity', role: 'insurer', name: '慈善医疗救助', status: 'suspended' },
    ],
    'no admin, no key, no certificate, no level',
  );
  t.equal((await h.call({ method: 'GET', url: '/v1/directory', token: admin })).status, 200);
  t.same((await h.call({ method: 'GET', url: '/v1/directory' })).status, 401, 'signed-in roles only');
});
