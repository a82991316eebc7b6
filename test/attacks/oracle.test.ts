import t from 'tap';
import { certno, harness } from '../helpers.js';
import { recordBody } from '../fixtures/records.js';

/**
 * Yes/no answers about amounts are an oracle. A scripted insurer tries to learn a record's amount
 * through claim verification; equality-only answers and the attempt budget stop it, and the bureau
 * sees every probe.
 */
const H = 'H31010100001';

t.test('a binary search over claim verification is stopped before it learns the amount', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hosp = await h.party('hospital', H);
  const insurer = await h.party('insurer', 'INS-SPY');
  const bureau = await h.party('bureau', 'BUR');
  const who = certno(77);
  await h.call({ method: 'POST', url: '/v1/consents', token: h.patientToken(who), payload: { grantee: 'INS-SPY', purposes: ['claim_verification'], valid_until: '2031-01-01' } });
  // The secret: medfee_sumamt = 12,345.67 yuan.
  await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: recordBody({ certno: who, hospital: H, mdtrt_id: 'SECRET', ful: 2_345_67, inscp: 10_000_00, hifp: 7_000_00 }) });
  const secret = 1_234_567;

  let lo = 0;
  const hi = 10_000_000;
  const answers: (boolean | number)[] = [];
  for (let probe = 0; probe < 40 && lo < hi; probe++) {
    const mid = Math.floor((lo + hi) / 2);
    const r = await h.call({ method: 'POST', url: '/v1/claims/verify', token: insurer, payload: { certno: who, provider: H, mdtrt_id: 'SECRET', claimed: { medfee_sumamt_fen: mid } } });
    if (r.status === 429) {
      answers.push(429);
      continue;
    }
    answers.push(r.body.match as boolean);
    // Equality is all it gets: "no" says nothing about the direction, so the search can only guess.
    if (r.body.match) break;
    lo = mid + 1;
  }
  t.equal(answers.filter((a) => a !== 429).length, 5, 'five answers, then nothing but 429');
  t.notOk(answers.includes(true), 'the amount was not found');
  const direct = await h.call({ method: 'POST', url: '/v1/claims/verify', token: insurer, payload: { certno: who, provider: H, mdtrt_id: 'SECRET', claimed: { medfee_sumamt_fen: secret } } });
  t.equal(direct.status, 429, 'even the right guess is refused once the budget is spent: no late confirmation');
  const fresh = await h.call({ method: 'POST', url: '/v1/claims/verify', token: h.token('insurer', 'INS-SPY'), payload: { certno: who, provider: H, mdtrt_id: 'SECRET', claimed: { medfee_sumamt_fen: secret } } });
  t.equal(fresh.status, 429, 'a new token of the same insurer shares the budget');

  const probes = await h.call({ method: 'GET', url: `/v1/audit/events?actor=INS-SPY&limit=100`, token: bureau });
  const verified = probes.body.events.filter((e: { action: string }) => e.action === 'query.claim_verification');
  const exhausted = probes.body.events.filter((e: { action: string }) => e.action === 'query.budget_exhausted');
  t.equal(verified.length, 5, 'every answered probe is in the bureau’s search');
  t.equal(exhausted.length, answers.filter((a) => a === 429).length + 2, 'every refused probe too');
  t.ok(exhausted.every((e: { reason: string; outcome: string }) => e.reason === 'CLAIM_ATTEMPTS' && e.outcome === 'denied'));
});

t.test('a consent’s daily query budget bounds quotes and eligibility checks too', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hosp = await h.party('hospital', H);
  const insurer = await h.party('insurer', 'baiwan');
  const who = certno(78);
  await h.call({ method: 'POST', url: '/v1/consents', token: h.patientToken(who), payload: { grantee: 'baiwan', purposes: ['eligibility', 'settlement'], valid_until: '2031-01-01', max_queries_per_day: 3 } });
  await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: recordBody({ certno: who, hospital: H, mdtrt_id: 'Q1', ful: 20_000_00, inscp: 10_000_00, hifp: 7_000_00 }) });
  await h.call({ method: 'PUT', url: '/v1/policies/P', token: insurer, payload: { certno: who, product: 'baiwan-medical', start_date: '2025-01-01', end_date: '2025-12-31' } });
  const q = { certno: who, policy_no: 'P', provider: H, mdtrt_id: 'Q1' };
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await h.call({ method: 'POST', url: i % 2 ? '/v1/eligibility' : '/v1/settlements/quote', token: insurer, payload: q })).status);
  t.same(statuses, [200, 200, 200, 429, 429]);
});
