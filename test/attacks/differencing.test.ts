import t from 'tap';
import { certnoCheckChar } from '../../gateway/domain/certno.js';
import type { AuditEvent } from '../../gateway/domain/audit-events.js';
import { aggregate, parseQuery, AGE_BANDS, type QueryContext } from '../../gateway/domain/statistics/query.js';
import { recordBody } from '../fixtures/records.js';
import { allLeaves, harness } from '../helpers.js';

/**
 * A differencing attack on the statistics lab. The attacker knows its target is the only man aged 80 or
 * more treated as an inpatient, and asks two counts: every inpatient, and every inpatient outside the
 * 80+ band. Exact answers would differ by exactly the target's visit. The lab's answers carry discrete
 * Gaussian noise, so the attacker repeats the pair and averages — and the budget stops it: what it can
 * learn is bounded by the ρ the bureau granted, however the questions are split.
 */
const H = 'H31010100001';
const ATTACKER = 'huhuibao';

function idOf(birth: string, sex: 'F' | 'M', n: number): string {
  const seq = String((n * 2 + (sex === 'M' ? 1 : 0)) % 1000).padStart(3, '0');
  const first17 = `310101${birth.replace(/-/g, '')}${seq}`;
  return first17 + certnoCheckChar(first17);
}

t.test('the budget stops an attacker averaging away the noise of a differencing pair', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  await h.party('hospital', H, { level: 3 });
  const attacker = await h.party('insurer', ATTACKER);
  const bureau = await h.party('bureau', 'BUR');
  const hospital = { role: 'hospital' as const, code: H, jti: 't' };
  // Eight inpatients aged 30–79 and the target, a man born 1940 (85 on the visit day).
  const people = [
    ...Array.from({ length: 8 }, (_, i) => ({ id: idOf(`${1950 + i * 5}-03-03`, i % 2 ? 'M' : 'F', i), mdtrt: `V${i}` })),
    { id: idOf('1940-01-01', 'M', 99), mdtrt: 'TARGET' },
  ];
  for (const p of people) {
    await h.g.consents.grant({ role: 'patient', code: 'patient', subject: h.g.vault.blindIndex(p.id), jti: 't' }, { grantee: ATTACKER, purposes: ['settlement'], valid_until: '2030-12-31' });
    await h.g.records.push(hospital, recordBody({ certno: p.id, hospital: H, mdtrt_id: p.mdtrt, med_type: '21', inscp: 500_000, hifp: 300_000 }));
  }
  const everyone = { metric: 'count', group_by: [], filters: { visit_type: 'inpatient' } };
  const allButTarget = { metric: 'count', group_by: [], filters: { visit_type: 'inpatient', age_band: AGE_BANDS.filter((b) => b !== '80+') } };

  // Against exact answers the pair is decisive: the difference is the target's visit.
  const ctx: QueryContext = { products: h.g.payers.list().map((p) => p.code), year: 2026 };
  const rows = (await h.g.storage.read.statistics.visits({})).map((r) => ({ ...r, visit: r.visit_key }));
  const exact = (body: Record<string, unknown>) => [...aggregate(parseQuery({ ...body, rho: 1 }, ctx), ctx, rows).values()][0]!;
  t.equal(exact(everyone) - exact(allButTarget), 1n, 'without noise, two counts reveal the target');

  // The bureau grants ρ = 0.1; the attacker cannot raise it.
  t.equal((await h.call({ method: 'PUT', url: `/v1/stats/budgets/${ATTACKER}`, token: attacker, payload: { rho: 100, period_end: '2099-12-31' } })).status, 403);
  await h.call({ method: 'PUT', url: `/v1/stats/budgets/${ATTACKER}`, token: bureau, payload: { rho: 0.1, period_end: '2099-12-31' } });

  // The attack: the pair again and again at ρ = 0.005 each, until refused.
  const diffs: number[] = [];
  const variances: number[] = [];
  let refused: { status: number; body: { error: { code: string } } } | undefined;
  for (let round = 0; round < 1000 && !refused; round++) {
    const a = await h.call({ method: 'POST', url: '/v1/stats/queries', token: attacker, payload: { ...everyone, rho: 0.005 } });
    if (a.status !== 200) {
      refused = a;
      break;
    }
    const b = await h.call({ method: 'POST', url: '/v1/stats/queries', token: attacker, payload: { ...allButTarget, rho: 0.005 } });
    if (b.status !== 200) {
      refused = b;
      break;
    }
    diffs.push(a.body.cells[0].value - b.body.cells[0].value);
    variances.push(a.body.stddev ** 2 + b.body.stddev ** 2);
  }
  t.ok(refused, 'the attacker is stopped');
  t.same([refused!.status, refused!.body.error.code], [429, 'PRIVACY_BUDGET_EXHAUSTED']);
  t.equal(diffs.length, 10, '0.1 / (2 × 0.005) = 10 pairs, and not one more');
  const budget = (await h.call({ method: 'GET', url: '/v1/stats/budget', token: attacker })).body;
  t.same([budget.rho_spent_micro, budget.rho_left_micro], [100_000, 0], 'exactly the granted ρ was spent');

  // What the attacker can know, from the σ each answer stated: the averaged difference has variance
  // Σvar/n² = (10 × (100 + 100)) / 100 = 20 (each answer: σ² = 1/(2 × 0.005) = 100), sd ≈ 4.5 visits
  // to detect a difference of 1. zCDP's bound for any split of ρ = 0.1 is sd ≥ 1/√(2ρ) ≈ 2.24.
  const sdOfMean = Math.sqrt(variances.reduce((s, v) => s + v, 0)) / diffs.length;
  t.ok(Math.abs(sdOfMean - Math.sqrt(20)) < 1e-9, `the averaged difference has sd ${sdOfMean.toFixed(3)} visits`);
  const rhoSpent = budget.rho_spent_micro / 1e6;
  t.ok(sdOfMean >= 1 / Math.sqrt(2 * rhoSpent), 'no better than the zCDP bound for the ρ spent');
  // For a ρ-zCDP Gaussian release, telling "target in" from "target out" has advantage at most
  // 2Φ(√(2ρ)/2) − 1 (total variation of N(0,1) and N(√(2ρ),1)); with ρ = 0.1 that is ≈ 0.18.
  const phi = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
  t.ok(2 * phi(Math.sqrt(2 * rhoSpent) / 2) - 1 < 0.18, 'the attacker’s best test is barely better than a coin');

  // Every step of the attack is in the access log for the bureau: ten pairs released, the refusal.
  const leaves = (await allLeaves(h.g)).map((b) => JSON.parse(b.toString()) as AuditEvent);
  const mine = leaves.filter((e) => e.actor === ATTACKER && e.kind.startsWith('stats.'));
  t.equal(mine.filter((e) => e.kind === 'stats.released').length, 20);
  t.equal(mine.filter((e) => e.kind === 'stats.refused').length, 1);
  t.equal(mine.filter((e) => e.kind === 'stats.released').reduce((s, e) => s + e.refs!.rho_micro!, 0), 100_000, 'the leaves add up to the ρ spent');
  // And the bureau reads the questions: the same two, alternating — the differencing pattern itself.
  const listed = await h.call({ method: 'GET', url: `/v1/stats/releases?party=${ATTACKER}`, token: bureau });
  t.equal(listed.status, 200);
  t.equal(listed.body.releases.length, 20);
  const shapes = listed.body.releases.map((r: { question: { filters: Record<string, string[]> } }) => JSON.stringify(r.question.filters));
  t.equal(new Set(shapes).size, 2, 'two questions, asked ten times each');
  t.ok(shapes.every((s: string, i: number) => s === shapes[i % 2]), 'in alternation');
  t.same(listed.body.releases.map((r: { release_id: string }) => r.release_id).sort(), mine.filter((e) => e.kind === 'stats.released').map((e) => e.refs!.release_id).sort(), 'each listed release has its leaf');
  t.equal((await h.call({ method: 'GET', url: '/v1/stats/releases', token: attacker })).status, 403, 'insurers do not read the list');
});

/** Abramowitz–Stegun 7.1.26 (|error| < 1.5·10^-7): enough for a bound checked with room to spare. */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const k = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.exp(-a * a);
  return s * y;
}
