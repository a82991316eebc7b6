import t from 'tap';
import { certnoCheckChar } from '../../../gateway/domain/certno.js';
import type { AuditEvent } from '../../../gateway/domain/audit-events.js';
import { recordBody } from '../../fixtures/records.js';
import { harness, type Harness, allLeaves, storedRows, storedValue } from '../../helpers.js';

/**
 * The statistics lab over HTTP: lab rows written at push time (pseudonymous, amounts sealed), budgets set
 * by the bureau and charged exactly, 429 past them, a leaf per release and refusal with the ρ and nothing
 * personal, the free preview, and answers that are right within their stated noise.
 */
const H = 'H31010100001';
const BUREAU = 'BUR';
const INSURER = 'huhuibao';

/** A valid ID number with a chosen birth date and sex (GB 11643: digit 17 odd for men). */
function idOf(birth: string, sex: 'F' | 'M', n: number): string {
  const seq = String((n * 2 + (sex === 'M' ? 1 : 0)) % 1000).padStart(3, '0');
  const first17 = `310101${birth.replace(/-/g, '')}${seq}`;
  return first17 + certnoCheckChar(first17);
}

interface World {
  h: Harness;
  bureau: string;
  insurer: string;
}

/**
 * Five people, seven visits in 2025 (visit day 2025-03-15):
 * - A: F born 1990-06-01 (34 → 30-39), 3 inpatient visits, medfee 20,000 / 1,000 / 500 yuan
 * - B: M born 1960-01-01 (65 → 60-69), 1 outpatient visit, 300 yuan
 * - C: M born 1990-01-01 (35 → 30-39), 1 inpatient visit, 8,000 yuan
 * - D: F born 2010-05-05 (14 → 0-17), 1 outpatient visit, 200 yuan
 * - E: F born 1950-02-02 (75 → 70-79), 1 inpatient visit, 16,000 yuan; insured elsewhere (44)
 */
async function world(): Promise<World> {
  const h = await harness();
  await h.party('hospital', H, { level: 3 });
  const insurer = await h.party('insurer', INSURER);
  await h.party('insurer', 'baiwan');
  const bureau = await h.party('bureau', BUREAU);
  const hospital = { role: 'hospital' as const, code: H, jti: 't' };
  const people = {
    A: idOf('1990-06-01', 'F', 1), B: idOf('1960-01-01', 'M', 2), C: idOf('1990-01-01', 'M', 3), D: idOf('2010-05-05', 'F', 4), E: idOf('1950-02-02', 'F', 5),
  };
  for (const c of Object.values(people)) {
    await h.g.consents.grant({ role: 'patient', code: 'patient', subject: h.g.vault.blindIndex(c), jti: 't' }, { grantee: INSURER, purposes: ['settlement'], valid_until: '2030-12-31' });
  }
  const visits: [string, string, string, number, string?][] = [
    [people.A, 'A1', '21', 2_000_000], [people.A, 'A2', '21', 100_000], [people.A, 'A3', '21', 50_000],
    [people.B, 'B1', '11', 30_000], [people.C, 'C1', '21', 800_000], [people.D, 'D1', '11', 20_000], [people.E, 'E1', '21', 1_600_000, '440100'],
  ];
  for (const [c, id, medType, fee, insuplc] of visits) {
    const r = await h.g.records.push(
      hospital,
      recordBody({ certno: c, hospital: H, mdtrt_id: id, med_type: medType, inscp: fee, hifp: Math.floor(fee / 4), ...(insuplc ? { insuplc_admdvs: insuplc } : {}) }),
    );
    if (!r.created) throw new Error(`visit ${id} was not stored`);
  }
  return { h, bureau, insurer };
}

const leafEvents = async (h: Harness): Promise<{ raw: string; e: AuditEvent }[]> =>
  (await allLeaves(h.g)).map((b) => ({ raw: b.toString('utf8'), e: JSON.parse(b.toString('utf8')) as AuditEvent }));

t.test('lab rows: one per visit, pseudonymous, coarse keys in clear, amounts sealed', async (t) => {
  const { h } = await world();
  t.teardown(h.close);
  const rows = await storedRows(h.dir, 'SELECT * FROM stat_visits ORDER BY age_band, gender');
  t.equal(rows.length, 7);
  const dump = JSON.stringify(rows.map((r) => ({ ...r, wrapped_dek: null, sealed_amounts: null })));
  const subjects = (await storedRows(h.dir, 'SELECT subject, record_id FROM records')) as { subject: string; record_id: string }[];
  for (const s of subjects) {
    t.notOk(dump.includes(s.subject), 'no blind index in a lab row');
    t.notOk(dump.includes(s.record_id), 'no record id in a lab row');
  }
  t.notOk(dump.includes('2000000') || dump.includes('20000.00'), 'no amount in clear');
  t.same(
    rows.map((r) => `${r.age_band}|${r.gender}|${r.visit_type}|${r.region}|${r.year}`),
    ['0-17|F|outpatient|31|2025', '30-39|F|inpatient|31|2025', '30-39|F|inpatient|31|2025', '30-39|F|inpatient|31|2025', '30-39|M|inpatient|31|2025', '60-69|M|outpatient|31|2025', '70-79|F|inpatient|44|2025'],
  );
  const persons = new Set(rows.map((r) => r.person));
  t.equal(persons.size, 5, 'one pseudonym per person');
  // A corrected record (new version, same setl_id) replaces its visit's row rather than adding one.
  const before = (await storedValue(h.dir, "SELECT sealed_amounts FROM stat_visits WHERE visit_type = 'outpatient' AND age_band = '60-69'")) as Buffer;
  const B = idOf('1960-01-01', 'M', 2);
  const again = await h.g.records.push({ role: 'hospital', code: H, jti: 't' }, recordBody({ certno: B, hospital: H, mdtrt_id: 'B1', med_type: '11', inscp: 31_000, hifp: 7_500 }));
  t.same([again.created, again.version], [true, 2]);
  t.equal(await storedValue(h.dir, 'SELECT COUNT(*) AS n FROM stat_visits'), 7, 'still one row per visit');
  const after = (await storedValue(h.dir, "SELECT sealed_amounts FROM stat_visits WHERE visit_type = 'outpatient' AND age_band = '60-69'")) as Buffer;
  t.notSame(after, before, 'the row now holds the corrected amounts');
});

t.test('budgets: set by the bureau, charged exactly, 429 past them, preview is free, leaves carry ρ and nothing personal', async (t) => {
  const { h, bureau, insurer } = await world();
  t.teardown(h.close);
  const q = (payload: Record<string, unknown>, token = insurer) => h.call({ method: 'POST', url: '/v1/stats/queries', token, payload });
  const budget = async (token = insurer) => (await h.call({ method: 'GET', url: '/v1/stats/budget', token })).body;

  t.same(await budget(), {
    rho_total: 0, rho_spent: 0, rho_left: 0, period_end: null, rho_total_micro: 0, rho_spent_micro: 0, rho_left_micro: 0, rho_spent_all_periods: 0,
  }, 'no budget set: nothing to spend');
  const none = await q({ metric: 'count', group_by: ['gender'], rho: 0.1 });
  t.same([none.status, none.body.error.code], [429, 'PRIVACY_BUDGET_EXHAUSTED']);

  const byInsurer = await h.call({ method: 'PUT', url: `/v1/stats/budgets/${INSURER}`, token: insurer, payload: { rho: 5, period_end: '2099-12-31' } });
  t.equal(byInsurer.status, 403, 'an insurer cannot set budgets');
  const unknown = await h.call({ method: 'PUT', url: '/v1/stats/budgets/NOPE', token: bureau, payload: { rho: 1, period_end: '2099-12-31' } });
  t.same([unknown.status, unknown.body.error.code], [404, 'NOT_FOUND']);
  const hospital = await h.call({ method: 'PUT', url: `/v1/stats/budgets/${H}`, token: bureau, payload: { rho: 1, period_end: '2099-12-31' } });
  t.equal(hospital.status, 404, 'only insurers and bureaus hold budgets');
  const past = await h.call({ method: 'PUT', url: `/v1/stats/budgets/${INSURER}`, token: bureau, payload: { rho: 1, period_end: '2001-01-01' } });
  t.same([past.status, past.body.error.code], [400, 'VALIDATION_FAILED']);
  const tooFine = await h.call({ method: 'PUT', url: `/v1/stats/budgets/${INSURER}`, token: bureau, payload: { rho: 0.0000001, period_end: '2099-12-31' } });
  t.equal(tooFine.status, 400);

  const set = await h.call({ method: 'PUT', url: `/v1/stats/budgets/${INSURER}`, token: bureau, payload: { rho: 1, period_end: '2099-12-31' } });
  t.equal(set.status, 200);
  t.same([set.body.party, set.body.rho_total, set.body.rho_left, set.body.period_end], [INSURER, 1, 1, '2099-12-31']);

  // The preview reads nothing and spends nothing.
  const pv = await h.call({ method: 'POST', url: '/v1/stats/preview', token: insurer, payload: { metric: 'count', group_by: ['gender', 'visit_type'], rho: 0.25 } });
  t.equal(pv.status, 200);
  // σ² = Δ²/(2ρ) = 1/(2·0.25) = 2: σ = √2
  t.same([pv.body.cells, pv.body.sensitivity, pv.body.rho, pv.body.rho_left, pv.body.affordable], [8, 1, 0.25, 1, true]);
  t.ok(Math.abs(pv.body.stddev - Math.SQRT2) < 1e-12);
  t.ok(Math.abs(pv.body.ci95_halfwidth - 1.96 * Math.SQRT2) < 1e-12);
  const pvSum = await h.call({ method: 'POST', url: '/v1/stats/preview', token: insurer, payload: { metric: 'sum', value: 'medfee_fen', group_by: [], clamp_fen: 1_000_000, contributions: 2, rho: 2 } });
  // Δ = L·C = 2·1,000,000 = 2,000,000 fen; σ = Δ/√(2ρ) = 2,000,000/2 = 1,000,000 fen
  t.same([pvSum.body.sensitivity, pvSum.body.stddev, pvSum.body.affordable], [2_000_000, 1_000_000, false]);
  t.equal((await budget()).rho_spent, 0, 'previews are free');

  const leavesBefore = (await leafEvents(h)).length;
  const r1 = await q({ metric: 'count', group_by: ['gender', 'visit_type'], rho: 0.25 });
  t.equal(r1.status, 200);
  t.equal(r1.body.cells.length, 8, 'every declared cell is released, empty or not');
  t.same(r1.body.cells.map((c: { key: unknown }) => c.key).slice(0, 2), [{ gender: 'F', visit_type: 'outpatient' }, { gender: 'F', visit_type: 'chronic_outpatient' }]);
  for (const c of r1.body.cells) {
    t.ok(Number.isInteger(c.value), 'values are integers');
    t.ok(Math.abs(c.stddev - Math.SQRT2) < 1e-12, 'each cell states its σ');
  }
  t.same([r1.body.rho_spent, r1.body.rho_left, r1.body.metric, r1.body.contributions, r1.body.sensitivity], [0.25, 0.75, 'count', 1, 1]);
  const leaves = (await leafEvents(h));
  t.equal(leaves.length, leavesBefore + 1, 'one leaf per release');
  const leaf = leaves[r1.body.leaf_index]!.e;
  t.same([leaf.kind, leaf.actor, leaf.outcome, leaf.refs?.release_id, leaf.refs?.rho_micro], ['stats.released', INSURER, 'allowed', r1.body.release_id, 250_000]);
  t.notOk(leaf.subject, 'no subject in a release leaf');

  // 0.25 + 0.25 + 0.25 + 0.25 = 1 exactly: the fourth release fits, then nothing does.
  for (let i = 0; i < 3; i++) t.equal((await q({ metric: 'count', group_by: [], rho: 0.25 })).status, 200);
  t.same(await budget(), {
    rho_total: 1, rho_spent: 1, rho_left: 0, period_end: '2099-12-31', rho_total_micro: 1_000_000, rho_spent_micro: 1_000_000, rho_left_micro: 0, rho_spent_all_periods: 1,
  });
  const over = await q({ metric: 'count', group_by: [], rho: 0.000001 });
  t.same([over.status, over.body.error.code], [429, 'PRIVACY_BUDGET_EXHAUSTED']);
  const refused = (await leafEvents(h)).at(-1)!.e;
  t.same([refused.kind, refused.outcome, refused.reason, refused.refs?.rho_micro], ['stats.refused', 'denied', 'PRIVACY_BUDGET_EXHAUSTED', 1]);
  const preview = await h.call({ method: 'POST', url: '/v1/stats/preview', token: insurer, payload: { metric: 'count', group_by: [], rho: 0.1 } });
  t.equal(preview.body.affordable, false);

  // Same period: a new total keeps what was spent. Moving the end of an open period (later or earlier —
  // an outside tester refilled budgets that way) is the same period: what was spent stays spent.
  const raised = await h.call({ method: 'PUT', url: `/v1/stats/budgets/${INSURER}`, token: bureau, payload: { rho: 1.5, period_end: '2099-12-31' } });
  t.same([raised.body.rho_spent, raised.body.rho_left], [1, 0.5]);
  const next = await h.call({ method: 'PUT', url: `/v1/stats/budgets/${INSURER}`, token: bureau, payload: { rho: 0.5, period_end: '2100-12-31' } });
  t.same([next.body.rho_spent, next.body.rho_left, next.body.rho_spent_all_periods], [1, 0, 1], 'a later end date refills nothing');
  const earlier = await h.call({ method: 'PUT', url: `/v1/stats/budgets/${INSURER}`, token: bureau, payload: { rho: 0.5, period_end: '2098-12-31' } });
  t.same([earlier.body.rho_spent, earlier.body.rho_left], [1, 0], 'nor an earlier one');
  const setLeaf = (await leafEvents(h)).at(-1)!.e;
  t.same([setLeaf.kind, setLeaf.actor, setLeaf.refs?.party, setLeaf.refs?.rho_micro, setLeaf.refs?.period_end], ['stats.budget_set', BUREAU, INSURER, 500_000, '2098-12-31']);

  // The bureau's supervision summary counts the insurer's releases and refusals (4 released, 2 refused).
  const summary = await h.call({ method: 'GET', url: '/v1/supervision/summary', token: bureau });
  const mine = summary.body.insurers.find((i: { insurer: string }) => i.insurer === INSURER);
  t.same([mine.stats_releases, mine.stats_refused], [4, 2]);

  // No ID number, amount or pseudonym in any stats leaf.
  const all = (await leafEvents(h)).filter((l) => l.e.kind.startsWith('stats.')).map((l) => l.raw).join('\n');
  for (const needle of ['310101', '2000000', '20000.00', '"person"', 'medfee']) t.notOk(all.includes(needle), `no ${needle} in a stats leaf`);
});

t.test('concurrent releases never overspend: the charge is one atomic step with the release', async (t) => {
  const { h, bureau, insurer } = await world();
  t.teardown(h.close);
  await h.call({ method: 'PUT', url: `/v1/stats/budgets/${INSURER}`, token: bureau, payload: { rho: 1, period_end: '2099-12-31' } });
  const answers = await Promise.all(Array.from({ length: 8 }, () => h.call({ method: 'POST', url: '/v1/stats/queries', token: insurer, payload: { metric: 'count', group_by: [], rho: 0.2 } })));
  t.same(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 429, 429, 429], '5 × 0.2 = 1: five releases, three refusals');
  const b = (await h.call({ method: 'GET', url: '/v1/stats/budget', token: insurer })).body;
  t.same([b.rho_spent_micro, b.rho_left_micro], [1_000_000, 0]);
});

t.test('answers are right within their noise: near-exact at large ρ, person-bounded, product cells', async (t) => {
  const { h, bureau } = await world();
  t.teardown(h.close);
  // A bureau never sets its own budget; another bureau does.
  t.equal((await h.call({ method: 'PUT', url: `/v1/stats/budgets/${BUREAU}`, token: bureau, payload: { rho: 100, period_end: '2099-12-31' } })).status, 403);
  const other = await h.party('bureau', 'BUR-OTHER');
  t.equal((await h.call({ method: 'PUT', url: `/v1/stats/budgets/${BUREAU}`, token: other, payload: { rho: 100, period_end: '2099-12-31' } })).status, 200);
  const q = (payload: Record<string, unknown>) => h.call({ method: 'POST', url: '/v1/stats/queries', token: bureau, payload });
  // ρ = 10 for a count: σ² = 1/20, so P(noise ≠ 0) = P(|Z| ≥ 1) < 2·e^{−10}/(1 − e^{−10}) ≈ 9·10^-5 per cell… use 20:
  // σ² = 1/40, P(noise ≠ 0) ≈ 2·e^{−20} ≈ 4·10^-9 per cell.
  const byAge = await q({ metric: 'count', group_by: ['age_band'], rho: 20 });
  t.equal(byAge.status, 200);
  const counts = Object.fromEntries(byAge.body.cells.map((c: { key: { age_band: string }; value: number }) => [c.key.age_band, c.value]));
  // One visit per person by default: A's three visits count once.
  t.same(counts, { '0-17': 1, '18-29': 0, '30-39': 2, '40-49': 0, '50-59': 0, '60-69': 1, '70-79': 1, '80+': 0 });
  const three = await q({ metric: 'count', group_by: ['gender'], contributions: 3, rho: 1 });
  // With L = 3 the noise must cover 3 visits: Δ = 3, σ² = 9/(2·1) — the σ is checked, not the value.
  t.ok(Math.abs(three.body.stddev - Math.sqrt(9 / 2)) < 1e-12, 'a larger contribution bound raises the noise');
  const region = await q({ metric: 'count', group_by: [], filters: { region: '44' }, rho: 20 });
  t.equal(region.body.cells[0].value, 1, 'E was insured in Guangdong');
  // A sum, clamped: medfee per visit of one visit per person, clamp 1,000,000 fen (10,000 yuan), ρ = 50:
  // σ = 10^6/√100 = 10^5 fen. (Budget used: 20 + 1 + 20 + 50 + 1 = 92 of 100.) Exact: A's first visit by pseudonym order, B 30,000, C 800,000, D 20,000,
  // E 1,600,000 → clamped 1,000,000. A's visit is one of 2,000,000→1,000,000, 100,000 or 50,000.
  const sum = await q({ metric: 'sum', value: 'medfee_fen', group_by: [], clamp_fen: 1_000_000, rho: 50 });
  const v = sum.body.cells[0].value as number;
  const rest = 30_000 + 800_000 + 20_000 + 1_000_000;
  t.ok([1_000_000, 100_000, 50_000].some((a) => Math.abs(v - (rest + a)) < 8 * 100_000), `sum ${v} within 8σ of an exact total`);
  t.equal(sum.body.stddev, 100_000);
  // Products: each visit counts once per product that would pay for it.
  const prod = await q({ metric: 'count', group_by: ['product'], rho: 1 });
  t.same(prod.body.cells.map((c: { key: { product: string } }) => c.key.product), h.g.payers.list().map((p) => p.code), 'one cell per product, in the registry order');
  t.ok(Math.abs(prod.body.sensitivity - Math.sqrt(h.g.payers.list().length)) < 1e-12, 'Δ = √P for a count grouped by P products');
  const bad = await q({ metric: 'sum', value: 'product_payable_fen', group_by: ['gender'], rho: 1 });
  t.same([bad.status, bad.body.error.code], [400, 'VALIDATION_FAILED']);
  t.match(bad.body.error.message, /product filter or grouping/);
  const undeclared = await q({ metric: 'count', group_by: ['hospital'], rho: 1 });
  t.equal(undeclared.status, 400, 'no grouping by anything but the declared keys');
});
