import t from 'tap';
import {
  aggregate, cells, keyOfCell, parseQuery, parseRho, rhoOf, rhoOfSigma, sensitivitySquared, sigmaSquared,
  type QueryContext, type StatsQuery, type VisitFacts,
} from '../../../gateway/domain/statistics/query.js';
import { ageBand, ageOn, birthAndSex } from '../../../gateway/domain/statistics/facts.js';

/**
 * Sensitivity "proofs as tests": for many small random datasets, removing any one person changes the
 * released vector by at most the computed L2 sensitivity (brute force over every person), and some
 * dataset reaches it (the bound is not loose by construction). A deterministic LCG picks the datasets.
 */
const ctx: QueryContext = { products: ['pa', 'pb', 'pc'], year: 2025 };

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function dataset(seed: number, persons: number): VisitFacts[] {
  const r = lcg(seed);
  const out: VisitFacts[] = [];
  for (let p = 0; p < persons; p++) {
    const visits = 1 + Math.floor(r() * 5);
    for (let v = 0; v < visits; v++) {
      const products: Record<string, number> = {};
      for (const code of ctx.products) if (r() < 0.6) products[code] = Math.floor(r() * 3000);
      out.push({
        person: `p${String(p).padStart(3, '0')}`, visit: `v${String(v).padStart(2, '0')}`,
        age_band: pick(r, ['30-39', '40-49']), gender: pick(r, ['F', 'M']), visit_type: pick(r, ['outpatient', 'inpatient']), region: '31', year: pick(r, ['2024', '2025']),
        amounts: { medfee_fen: Math.floor(r() * 4000) - 100, personal_burden_fen: Math.floor(r() * 2000), out_of_list_fen: Math.floor(r() * 900), products },
      });
    }
  }
  return out;
}

/** Max over persons of ‖f(D) − f(D − person)‖² (exact, BigInt). */
function maxChange(q: StatsQuery, data: VisitFacts[]): bigint {
  const full = aggregate(q, ctx, data);
  let worst = 0n;
  for (const person of new Set(data.map((v) => v.person))) {
    const without = aggregate(q, ctx, data.filter((v) => v.person !== person));
    let d2 = 0n;
    for (const c of cells(q, ctx)) {
      const k = keyOfCell(q, c);
      const d = full.get(k)! - without.get(k)!;
      d2 += d * d;
    }
    if (d2 > worst) worst = d2;
  }
  return worst;
}

const QUESTIONS: { name: string; body: Record<string, unknown> }[] = [
  { name: 'count by age band and gender', body: { metric: 'count', group_by: ['age_band', 'gender'], rho: 0.1 } },
  { name: 'count, 3 visits per person', body: { metric: 'count', group_by: ['visit_type'], contributions: 3, rho: 0.1 } },
  { name: 'sum of medfee clamped to 1000', body: { metric: 'sum', value: 'medfee_fen', group_by: ['year'], clamp_fen: 1000, rho: 0.1 } },
  { name: 'sum of burden, 2 visits, filtered', body: { metric: 'sum', value: 'personal_burden_fen', group_by: ['gender'], filters: { visit_type: 'inpatient' }, contributions: 2, clamp_fen: 1500, rho: 0.1 } },
  { name: 'product payable grouped by product', body: { metric: 'sum', value: 'product_payable_fen', group_by: ['product'], clamp_fen: 2000, rho: 0.1 } },
  { name: 'count grouped by product and year, 2 visits', body: { metric: 'count', group_by: ['product', 'year'], contributions: 2, rho: 0.1 } },
  { name: 'product payable filtered to two products, not grouped', body: { metric: 'sum', value: 'product_payable_fen', group_by: ['gender'], filters: { product: ['pa', 'pb'] }, clamp_fen: 2500, rho: 0.1 } },
];

for (const { name, body } of QUESTIONS) {
  t.test(`sensitivity: ${name}`, async (t) => {
    const q = parseQuery(body, ctx);
    const bound = sensitivitySquared(q, ctx);
    let reached = 0n;
    for (let seed = 1; seed <= 60; seed++) {
      const change = maxChange(q, dataset(seed, 8));
      if (change > bound) t.fail(`seed ${seed}: one person moved the release by ${change} > ${bound}`);
      if (change > reached) reached = change;
    }
    t.ok(reached <= bound, `largest change seen ${reached} ≤ computed Δ² ${bound}`);
    // A worst-case person: as many qualifying visits as allowed plus one, every value far above the clamp,
    // every product paying, all in the first cell.
    const extra: VisitFacts[] = [];
    for (let v = 0; v <= q.contributions; v++) {
      extra.push({
        person: 'zzz', visit: `w${v}`, age_band: '30-39', gender: 'F', visit_type: 'inpatient', region: '31', year: '2024',
        amounts: { medfee_fen: 10 ** 9, personal_burden_fen: 10 ** 9, out_of_list_fen: 10 ** 9, products: { pa: 10 ** 9, pb: 10 ** 9, pc: 10 ** 9 } },
      });
    }
    t.equal(maxChange(q, [...dataset(99, 4), ...extra]), bound, 'the bound is reached: it is the sensitivity, not a guess above it');
  });
}

t.test('ρ = Δ²/(2σ²) exactly; micro-ρ parsing is exact', async (t) => {
  const q = parseQuery({ metric: 'sum', value: 'medfee_fen', group_by: [], clamp_fen: 5_000_000, rho: 0.1 }, ctx);
  const d2 = sensitivitySquared(q, ctx);
  t.equal(d2, 25_000_000_000_000n, 'Δ = clamp = 5,000,000 fen for one visit per person');
  const s2 = sigmaSquared(d2, q.rho_micro);
  // σ² = Δ²/(2ρ) = 2.5·10^13 / 0.2 = 1.25·10^14
  t.same(s2, { num: 125_000_000_000_000n, den: 1n });
  t.same(rhoOfSigma(d2, s2), { num: 1n, den: 10n }, 'back to ρ = 1/10 exactly');
  const odd = sigmaSquared(1n, 300_000); // ρ = 0.3: σ² = 1/0.6 = 5/3
  t.same(odd, { num: 5n, den: 3n });
  t.equal(parseRho(0.1), 100_000);
  t.equal(parseRho(0.000001), 1);
  t.equal(parseRho(2.5), 2_500_000);
  t.equal(parseRho(100), 100_000_000);
  for (const bad of [0, -1, 1e-7, 0.0000015, 101, Number.NaN, '0.1', null]) t.throws(() => parseRho(bad), { name: 'QueryRefusal' }, `${String(bad)} refused`);
  t.equal(rhoOf(100_000), 0.1);
  t.equal(rhoOf(1), 0.000001);
  t.equal(rhoOf(2_500_000), 2.5);
  // Ten charges of 0.1 are exactly 1 in micro-ρ (in floating point 0.1 × 10 is 0.9999999999999999).
  let spent = 0;
  for (let i = 0; i < 10; i++) spent += parseRho(0.1);
  t.equal(spent, 1_000_000);
});

t.test('questions outside the declared shape are refused with a reason', async (t) => {
  const bad: Record<string, unknown>[] = [
    { metric: 'avg', group_by: [], rho: 0.1 },
    { metric: 'sum', group_by: [], rho: 0.1 },
    { metric: 'count', value: 'medfee_fen', group_by: [], rho: 0.1 },
    { metric: 'count', group_by: ['certno'], rho: 0.1 },
    { metric: 'count', group_by: ['gender', 'gender'], rho: 0.1 },
    { metric: 'count', group_by: [], filters: { hospital: 'H31010100001' }, rho: 0.1 },
    { metric: 'count', group_by: [], filters: { region: '310101' }, rho: 0.1 },
    { metric: 'count', group_by: [], filters: { year: '1999' }, rho: 0.1 },
    { metric: 'sum', value: 'product_payable_fen', group_by: ['gender'], rho: 0.1 },
    { metric: 'sum', value: 'medfee_fen', group_by: [], clamp_fen: 0, rho: 0.1 },
    { metric: 'count', group_by: [], contributions: 21, rho: 0.1 },
    { metric: 'count', group_by: ['age_band', 'gender', 'visit_type', 'region', 'year'], rho: 0.1 }, // 8·2·4·35·5 = 11,200 cells
  ];
  for (const b of bad) t.throws(() => parseQuery(b, ctx), { name: 'QueryRefusal' }, JSON.stringify(b));
  const ok = parseQuery({ metric: 'count', group_by: ['year'], filters: { year: [2023, '2024'] }, rho: 0.5 }, ctx);
  t.same(cells(ok, ctx), [{ year: '2023' }, { year: '2024' }], 'a year filter is the year domain');
  t.same(cells(parseQuery({ metric: 'count', group_by: ['year'], rho: 0.5 }, ctx), ctx).length, 5, 'default: the last five years');
});

t.test('age band and sex from the ID number, on the visit day', async (t) => {
  t.same(birthAndSex('310101198001010011'), { birth: '1980-01-01', sex: 'M' });
  t.same(birthAndSex('310101198001010021').sex, 'F');
  t.equal(ageOn('1980-06-15', '2025-06-14'), 44);
  t.equal(ageOn('1980-06-15', '2025-06-15'), 45);
  t.same([0, 17, 18, 29, 30, 79, 80, 104].map(ageBand), ['0-17', '0-17', '18-29', '18-29', '30-39', '70-79', '80+', '80+']);
});
