// One sequence of repository calls covering every method of every per-aggregate repository, run on both
// stores by postgres-repositories.test.ts: each step's result (or the fact that it threw) must be the same.
// Steps include ties and mixed case in sort keys, LIMITs, upserts, counters, and calls that must fail.
import type { ConsentRow } from '../../../gateway/storage/consents.js';
import type { Party } from '../../../gateway/storage/parties.js';
import type { PolicyRow } from '../../../gateway/storage/policies.js';
import type { RecordRow } from '../../../gateway/storage/records.js';
import type { Repositories } from '../../../gateway/storage/repositories.js';
import type { SettlementRow } from '../../../gateway/storage/settlements.js';
import type { StatVisitRow } from '../../../gateway/storage/statistics.js';

export type AnyRepositories = Repositories;
export type Step = [name: string, run: (r: AnyRepositories) => Promise<unknown>];

const T0 = 1_767_225_600_000;
const buf = (s: string) => Buffer.from(s);
const byKey = <R>(key: (r: R) => string) => (rows: R[]) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const party = (code: string, role: Party['role'], level: number | null): Party => ({
  code, role, name: `Name ${code}`, level, public_key_pem: role === 'insurer' ? 'PEM' : null, certificate_pem: null, status: 'active', created_at: T0, updated_at: T0,
});
const consent = (id: string, grantee: string, created: number, providers: string[] | null): ConsentRow => ({
  consent_id: id, version: 1, subject: 'subj-1', grantee, purposes: ['eligibility', 'settlement'], providers, valid_from: T0, valid_until: T0 + 86_400_000,
  max_queries_per_day: providers ? 5 : null, status: 'active', recorded_by: 'subj-1', recorded_by_role: 'patient', evidence_digest: providers ? null : 'dig',
  created_at: created, updated_at: created,
});
const record = (id: string, version: number, mdtrt: string, created: number, kek = 'kek-1'): RecordRow => ({
  record_id: id, version, hospital: 'H1', subject: 'subj-1', mdtrt_id: mdtrt, setl_id: `S-${id}`, visit_date: '2026-01-01', content_digest: `d-${id}-${version}`,
  kek_id: kek, wrapped_dek: buf(`w-${id}-${version}`), sealed_record: buf(`sealed-${id}-${version}`), sealed_facts: buf(`facts-${id}-${version}`), created_at: created,
});
const policy = (insurer: string, no: string, periods: number, product = 'p1'): PolicyRow => ({
  insurer, policy_no: no, subject: 'subj-1', created_at: T0, updated_at: T0 + periods,
  periods: Array.from({ length: periods }, (_, i) => ({
    period_no: i + 1, product, start_date: `202${i}-01-01`, end_date: `202${i}-12-31`, pre_existing: i === 0, claim_free_years: i,
    used_at: null, corrections: 0, created_at: T0 + i, updated_at: T0 + i,
  })),
});
const settlement = (id: string, request: string, mdtrt: string, created: number): SettlementRow => ({
  settlement_id: id, hospital: 'H1', request_id: request, request_digest: `rd-${request}`, record_id: 'R1', record_version: 1, subject: 'subj-1',
  mdtrt_id: mdtrt, status: 'settled', kek_id: 'kek-1', wrapped_dek: buf('w'), sealed_answer: buf(`answer-${id}`), created_at: created, reversed_at: null,
});
const visit = (key: string, person: string, age: string, region: string, kek = 'kek-1'): StatVisitRow => ({
  visit_key: key, person, age_band: age, gender: 'F', visit_type: 'outpatient', region, year: '2026', kek_id: kek, wrapped_dek: buf(`w-${key}`),
  sealed_amounts: buf(`amounts-${key}`), updated_at: T0,
});

const parties: Step[] = [
  ['parties.insert', async (r) => { for (const p of [party('ins-b', 'insurer', null), party('H1', 'hospital', 3), party('Ins-A', 'insurer', null), party('ins-a', 'insurer', null)]) await r.parties.insert(p); }],
  ['parties.insert duplicate', (r) => r.parties.insert(party('H1', 'hospital', 3))],
  ['parties.insertApp', (r) => r.parties.insertApp({ app_id: 'app-1', party_code: 'H1', sm2_public_key: '04ab', kek_id: 'kek-1', wrapped_dek: buf('wd'), sealed_secret: buf('ss'), created_at: T0 })],
  ['parties.app', async (r) => [await r.parties.app('app-1'), await r.parties.app('none')]],
  ['parties.get', async (r) => [await r.parties.get('H1'), await r.parties.get('none')]],
  ['parties.list', (r) => r.parties.list()],
  ['parties.setStatus', async (r) => [await r.parties.setStatus('ins-a', 'suspended', T0 + 5), await r.parties.setStatus('none', 'suspended', T0 + 5)]],
  ['parties.status', async (r) => [await r.parties.status('ins-a'), await r.parties.status('H1'), await r.parties.status('none')]],
  ['parties.useAssertion', async (r) => [
    await r.parties.useAssertion('H1', 'j1', T0 + 100, T0), await r.parties.useAssertion('H1', 'j1', T0 + 100, T0 + 1),
    await r.parties.useAssertion('H1', 'j2', T0 + 10, T0), await r.parties.assertionUsed('H1', 'j2', T0 + 10), await r.parties.assertionUsed('H1', 'j2', T0 + 11),
    // j2 expired at T0 + 10: the next use prunes it, so it may be used again.
    await r.parties.useAssertion('H1', 'j2', T0 + 200, T0 + 50), await r.parties.assertionUsed('H1', 'j1', T0), await r.parties.assertionUsed('x', 'j1', T0),
  ]],
];

const consents: Step[] = [
  ['consents.insert', async (r) => {
    for (const c of [consent('c-b', 'ins-a', T0 + 2, ['H1']), consent('c-a', 'ins-a', T0 + 2, null), consent('C-z', 'ins-b', T0 + 1, ['H1', 'H2']), consent('c-c', 'ins-a', T0 + 3, null)]) await r.consents.insert(c);
  }],
  ['consents.insert duplicate', (r) => r.consents.insert(consent('c-a', 'ins-a', T0, null))],
  ['consents.updateStatus', (r) => r.consents.updateStatus('c-b', 2, 'revoked', T0 + 9)],
  ['consents.get', async (r) => [await r.consents.get('c-b'), await r.consents.get('none')]],
  ['consents.of', async (r) => [await r.consents.of('subj-1'), await r.consents.of('subj-1', 'ins-a'), await r.consents.of('nobody')]],
  ['consents.grantedTo', async (r) => [await r.consents.grantedTo('ins-a', 2), await r.consents.grantedTo('ins-a', 10), await r.consents.grantedTo('ins-b', 10)]],
  ['consents.appendEvent', async (r) => {
    await r.consents.appendEvent({ consent_id: 'c-a', version: 1, kind: 'granted', at: T0, actor: 'subj-1', actor_role: 'patient', snapshot_digest: 'sd1' });
    await r.consents.appendEvent({ consent_id: 'c-a', version: 2, kind: 'revoked', at: T0 + 1, actor: 'subj-1', actor_role: 'patient', snapshot_digest: 'sd2' });
  }],
  ['consents.appendEvent duplicate version', (r) => r.consents.appendEvent({ consent_id: 'c-a', version: 2, kind: 'x', at: T0, actor: 'a', actor_role: 'b', snapshot_digest: 'c' })],
  ['consents.appendEvent unknown consent', (r) => r.consents.appendEvent({ consent_id: 'none', version: 1, kind: 'x', at: T0, actor: 'a', actor_role: 'b', snapshot_digest: 'c' })],
  ['consents.countUse', async (r) => [await r.consents.countUse('c-a', '2026-01-01'), await r.consents.countUse('c-a', '2026-01-01'), await r.consents.countUse('c-a', '2026-01-02')]],
];

const records: Step[] = [
  ['records.insert', async (r) => {
    for (const x of [record('R1', 1, 'M1', T0), record('R1', 2, 'M1', T0 + 5), record('R2', 1, 'M1', T0 + 5), record('R3', 1, 'M2', T0 + 1, 'kek-0')]) await r.records.insert(x);
  }],
  ['records.insert duplicate', (r) => r.records.insert(record('R1', 2, 'M1', T0))],
  ['records.latestBySetl', async (r) => [await r.records.latestBySetl('H1', 'S-R1'), await r.records.latestBySetl('H1', 'none')]],
  ['records.latestByVisit', async (r) => [await r.records.latestByVisit('H1', 'M1', 'subj-1'), await r.records.latestByVisit('H1', 'M2', 'subj-1'), await r.records.latestByVisit('H1', 'M1', 'x')]],
  ['records.versions', async (r) => [await r.records.versions('R1'), await r.records.versions('none')]],
  ['records.forRewrap', async (r) => [byKey((x: { record_id: string; version: number }) => `${x.record_id}/${x.version}`)(await r.records.forRewrap('kek-1', 10)), (await r.records.forRewrap('kek-0', 2)).length]],
  ['records.updateKey', async (r) => { await r.records.updateKey('R3', 1, 'kek-1', buf('new')); return r.records.forRewrap('kek-1', 10); }],
  ['records.countClaimAttempt', async (r) => [await r.records.countClaimAttempt('ins-a', 'R1'), await r.records.countClaimAttempt('ins-a', 'R1'), await r.records.countClaimAttempt('ins-b', 'R1')]],
];

const policies: Step[] = [
  ['policies.save', async (r) => { await r.policies.save(policy('ins-b', 'P2', 1)); await r.policies.save(policy('ins-a', 'P1', 2)); await r.policies.save(policy('ins-a', 'p0', 1)); }],
  ['policies.save renewal and correction', async (r) => {
    const p = policy('ins-a', 'P1', 3, 'p2');
    p.periods[0]!.used_at = T0 + 99; // save never writes used_at over a stored period
    await r.policies.save(p);
  }],
  ['policies.get', async (r) => [await r.policies.get('ins-a', 'P1'), await r.policies.get('ins-a', 'none')]],
  ['policies.of', async (r) => [await r.policies.of('subj-1'), await r.policies.of('nobody')]],
  ['policies.countOf', async (r) => [await r.policies.countOf('subj-1', 'ins-a'), await r.policies.countOf('subj-1', 'ins-c')]],
  ['policies.serialiseSubject', async (r) => r.policies.serialiseSubject('subj-1')],
  ['policies.serialisePolicy', async (r) => r.policies.serialisePolicy('ins-a', 'P1')],
  ['policies.markPeriodUsed', async (r) => [
    await r.policies.markPeriodUsed('ins-a', 'P1', 1, T0 + 7), await r.policies.markPeriodUsed('ins-a', 'P1', 1, T0 + 8), await r.policies.markPeriodUsed('ins-a', 'P1', 9, T0),
    (await r.policies.get('ins-a', 'P1'))?.periods[0]?.used_at,
  ]],
  ['policies.addAccumulator', async (r) => {
    const d = { insurer: 'ins-a', policy_no: 'P1', period_no: 1, acc_key: 'deductible', delta_fen: 30_000 };
    await r.policies.addAccumulator(d);
    await r.policies.addAccumulator({ ...d, delta_fen: 12_345 });
    await r.policies.addAccumulator({ ...d, acc_key: 'cap', delta_fen: 1 });
    await r.policies.addAccumulator({ ...d, delta_fen: -2_345 });
    return [await r.policies.accumulatorUse('ins-a', 'P1', 1), await r.policies.accumulatorUse('ins-a', 'P1', 2)];
  }],
  ['policies.addAccumulator give-back to nothing', (r) => r.policies.addAccumulator({ insurer: 'ins-a', policy_no: 'P1', period_no: 2, acc_key: 'x', delta_fen: -1 })],
  ['policies.addAccumulator below zero', (r) => r.policies.addAccumulator({ insurer: 'ins-a', policy_no: 'P1', period_no: 1, acc_key: 'cap', delta_fen: -2 })],
];

const settlements: Step[] = [
  ['settlements.insert', async (r) => {
    const deltas = [{ insurer: 'ins-a', policy_no: 'P1', period_no: 1, acc_key: 'deductible', delta_fen: 500 }, { insurer: 'ins-b', policy_no: 'P2', period_no: 1, acc_key: 'cap', delta_fen: 70 }];
    const lines = [
      { line_no: 2, insurer: 'ins-b', policy_no: 'P2', period_no: 1, product: 'p1', payable_fen: 70, owed_fen: 80 },
      { line_no: 1, insurer: 'ins-a', policy_no: 'P1', period_no: 1, product: 'p2', payable_fen: 500, owed_fen: 500 },
    ];
    await r.settlements.insert(settlement('st-b', 'req-1', 'M1', T0 + 10), deltas, lines);
    await r.settlements.insert(settlement('st-a', 'req-2', 'M2', T0 + 10), [], []);
  }],
  ['settlements.insert duplicate request', (r) => r.settlements.insert(settlement('st-c', 'req-1', 'M3', T0), [], [])],
  ['settlements.insert second active for a visit', (r) => r.settlements.insert(settlement('st-d', 'req-4', 'M1', T0), [], [])],
  ['settlements.lines', async (r) => [await r.settlements.lines('st-b'), await r.settlements.lines('st-a')]],
  ['settlements.byRequest', async (r) => [await r.settlements.byRequest('H1', 'req-1'), await r.settlements.byRequest('H2', 'req-1')]],
  ['settlements.get', async (r) => [await r.settlements.get('st-a'), await r.settlements.get('none')]],
  ['settlements.deltas', async (r) => [await r.settlements.deltas('st-b'), await r.settlements.deltas('st-a')]],
  ['settlements.markReversed', async (r) => {
    await r.settlements.markReversed('st-b', T0 + 20);
    return [await r.settlements.activeForVisit('H1', 'M1', 'subj-1'), await r.settlements.activeForVisit('H1', 'M2', 'subj-1')];
  }],
  ['settlements.insert after reversal', (r) => r.settlements.insert(settlement('st-e', 'req-5', 'M1', T0 + 30), [], [])],
  ['settlements.between', async (r) => [
    await r.settlements.between(T0, T0 + 11), await r.settlements.between(T0 + 15, T0 + 25), await r.settlements.between(T0 + 11, T0 + 20), await r.settlements.between(0, T0 + 100),
  ]],
];

const statistics: Step[] = [
  ['statistics.putVisit', async (r) => {
    for (const v of [visit('v3', 'pB', '30-39', 'r1'), visit('v1', 'pA', '30-39', 'r1'), visit('v2', 'pA', '40-49', 'r2', 'kek-0'), visit('V4', 'pA', '30-39', 'r2'), visit('v5', 'pC', '40-49', 'r1')]) {
      await r.statistics.putVisit(v);
    }
    await r.statistics.putVisit({ ...visit('v5', 'pC', '50-59', 'r2'), updated_at: T0 + 1 });
  }],
  ['statistics.visits', async (r) => [await r.statistics.visits({}), await r.statistics.visits({ region: ['r1'] }), await r.statistics.visits({ age_band: ['30-39', '50-59'], region: ['r2'] })]],
  ['statistics.counts', async (r) => [
    await r.statistics.counts({}, [], 10), await r.statistics.counts({}, ['age_band'], 1), await r.statistics.counts({}, ['region', 'age_band'], 2),
    await r.statistics.counts({ region: ['r2'] }, ['age_band'], 5), await r.statistics.counts({ region: ['none'] }, ['age_band'], 5),
  ]],
  ['statistics.budget', async (r) => {
    await r.statistics.putBudget({ party: 'ins-a', rho_total_micro: 1_000, rho_spent_micro: 0, period_end: '2026-12-31', set_by: 'admin', updated_at: T0 });
    const charges = [
      await r.statistics.chargeBudget('ins-a', '2026-12-31', 600, T0 + 1), await r.statistics.chargeBudget('ins-a', '2026-12-31', 401, T0 + 2),
      await r.statistics.chargeBudget('ins-a', '2025-12-31', 1, T0 + 3), await r.statistics.chargeBudget('ins-a', '2026-12-31', 400, T0 + 4),
      await r.statistics.chargeBudget('none', '2026-12-31', 1, T0),
    ];
    const before = await r.statistics.budget('ins-a');
    await r.statistics.putBudget({ party: 'ins-a', rho_total_micro: 2_000, rho_spent_micro: 0, period_end: '2027-12-31', set_by: 'admin2', updated_at: T0 + 5 });
    return [charges, before, await r.statistics.budget('ins-a'), await r.statistics.budget('none')];
  }],
  ['statistics.releases', async (r) => {
    const rel = (id: string, party: string, at: number, rho: number) => ({ release_id: id, party, period_end: '2026-12-31', rho_micro: rho, question: `{"q":"${id}"}`, created_at: at });
    for (const x of [rel('rl-b', 'ins-a', T0, 600), rel('rl-a', 'ins-a', T0, 400), rel('rl-c', 'ins-b', T0 + 1, 50), rel('rl-d', 'ins-a', T0 + 9, 7)]) await r.statistics.insertRelease(x);
    return [
      await r.statistics.releases(T0, T0 + 9, undefined, 10), await r.statistics.releases(T0, T0 + 10, 'ins-a', 2), await r.statistics.releases(T0 + 1, T0 + 10, 'ins-a', 10),
      await r.statistics.spentAllPeriods('ins-a'), await r.statistics.spentAllPeriods('nobody'),
    ];
  }],
  ['statistics.insertRelease duplicate', (r) => r.statistics.insertRelease({ release_id: 'rl-a', party: 'x', period_end: 'x', rho_micro: 1, question: '{}', created_at: T0 })],
  ['statistics.rewrap', async (r) => {
    const found = byKey((x: { visit_key: string }) => x.visit_key)(await r.statistics.visitsForRewrap('kek-1', 10));
    await r.statistics.updateVisitKey('v2', 'kek-1', buf('rewrapped'));
    return [found, await r.statistics.visitsForRewrap('kek-1', 10), (await r.statistics.visits({ age_band: ['40-49'] }))[0]];
  }],
];

const outbox: Step[] = [
  ['outbox.add', async (r) => { for (const id of ['e-3', 'e-1', 'e-2', 'e-4']) await r.outbox.add(id, `{"event_id":"${id}"}`); }],
  ['outbox.add duplicate', (r) => r.outbox.add('e-1', '{}')],
  ['outbox.oldest', async (r) => [await r.outbox.oldest(2), await r.outbox.depth()]],
  ['outbox.remove', async (r) => { await r.outbox.remove(['e-3', 'e-2', 'none']); await r.outbox.remove([]); return [await r.outbox.oldest(10), await r.outbox.depth()]; }],
];

/** Every step, in an order that respects the foreign keys (parties before apps, consents before events …). */
export const SCRIPT: readonly Step[] = [...parties, ...consents, ...records, ...policies, ...settlements, ...statistics, ...outbox];
