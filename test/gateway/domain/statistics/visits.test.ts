import t from 'tap';
import type { RecordFacts } from '../../../../gateway/domain/facts.js';
import type { Product } from '../../../../gateway/domain/product.js';
import { rational, stddevOf } from '../../../../gateway/domain/statistics/discrete-gaussian.js';
import { productPayables, statAmounts, statKeys } from '../../../../gateway/domain/statistics/facts.js';
import { aggregateGroupedCounts, keyOfCell, needsAmounts, parseQuery, type StatsQuery } from '../../../../gateway/domain/statistics/query.js';

/** The lab's per-visit view and the parts of a question test/gateway/statistics/ reaches only through storage. */
const Y = 100;
const ctx = { products: ['half-burden'], year: 2025 };
const facts: RecordFacts = {
  visit_type: 'inpatient', med_type: '21', visit_date: '2025-03-10', settled_region: '310115', medfee_fen: 10_000 * Y, personal_burden_fen: 4_000 * Y,
  cash_fen: 3_000 * Y, atoms: { OOL: 1_200 * Y, PRE: 500 * Y, DED: 800 * Y, COP: 1_500 * Y }, has_lines: false, lines: [], diag_codes: ['I10.x00'],
};
const liability = {
  code: 'burden', name: 'burden', visit_types: ['inpatient' as const], base: 'personal_burden' as const, ratio_bp: { normal: 5000, pre_existing: 5000 },
  requires_local_settlement: false, cap_fen: 100_000 * Y,
};
const half: Product = { code: 'half-burden', version: '1.0.0', name: 'half', insurer: 'tester', cob_order: 50, liabilities: [liability] };
// Terms no loader would accept (a shared deductible that is not defined): evaluating them throws.
const broken: Product = { ...half, code: 'broken', liabilities: [{ ...liability, deductible: { shared: 'missing' } }] };
const outpatientOnly: Product = { ...half, code: 'outpatient-only', liabilities: [{ ...liability, visit_types: ['outpatient'] }] };

t.test('clear keys: age band on the visit day, sex, visit type, province, year', async (t) => {
  // Born 1990-03-07 (digits 7–14), digit 17 is 7 (odd: male); 35 on 2025-03-10.
  t.same(statKeys('110101199003077777', facts), { age_band: '30-39', gender: 'M', visit_type: 'inpatient', region: '31', year: '2025' });
  t.same(statKeys('110101199003077777', { ...facts, settled_region: null }).region, 'unknown');
  t.same(statKeys('110101203003077767', facts).age_band, '0-17', 'a birth date after the visit reads as age 0');
});

t.test('what each product would pay alone; terms that cannot evaluate pay nothing, never fail the push', async (t) => {
  // half-burden: the 4,000 personal burden × 50 % = 2,000 (no deductible, limited by the burden as a quote is).
  t.same(productPayables(facts, [half, broken, outpatientOnly], 3), { 'half-burden': 2_000 * Y }, 'zero payables are left out');
  t.same(statAmounts(facts, [half], 3), { medfee_fen: 10_000 * Y, personal_burden_fen: 4_000 * Y, out_of_list_fen: 1_200 * Y, products: { 'half-burden': 2_000 * Y } });
});

t.test('grouped counts, cell keys and which questions need the sealed amounts', async (t) => {
  const count: StatsQuery = { metric: 'count', group_by: ['gender'], filters: {}, contributions: 1, rho_micro: 100_000 };
  t.notOk(needsAmounts(count));
  t.ok(needsAmounts({ ...count, filters: { product: ['half-burden'] } }));
  t.ok(needsAmounts({ ...count, metric: 'sum', value: 'medfee_fen', clamp_fen: 100 }));
  const out = aggregateGroupedCounts(count, ctx, [{ gender: 'F', n: 3 }, { gender: 'M', n: 2 }, { gender: 'F', n: 1 }, { gender: 'X', n: 9 }]);
  t.same([...out], [['F', 4n], ['M', 2n]], 'groups outside the declared cells are dropped');
  t.equal(keyOfCell({ ...count, group_by: ['gender', 'year'] }, { year: '2025', gender: 'F' }), 'F\u00002025');
  t.throws(() => aggregateGroupedCounts({ ...count, group_by: ['product'] }, ctx, []), /only counts without products/);
  t.throws(() => aggregateGroupedCounts({ ...count, metric: 'sum' }, ctx, []), /only counts without products/);
  t.throws(() => parseQuery({ metric: 'count', group_by: [], clamp_fen: 100, rho: 0.1 }, ctx), { name: 'QueryRefusal', message: 'A count takes no clamp.' });
});

t.test('the stated noise scale is σ', async (t) => {
  t.equal(stddevOf(rational(4n, 1n)), 2);
  t.equal(stddevOf(rational(9n, 4n)), 1.5);
});
