/**
 * The pricing statistics lab (大数据实验室, CONTRACT.md "Statistics for pricing", docs/statistics.md):
 * aggregate counts and sums under zero-concentrated differential privacy, budgets set by the bureau.
 * Answers carry noisy cell values, their noise scale and the budget — never a row.
 */

import { Type } from 'typebox';
import { AGE_BANDS, GENDERS, GROUP_KEYS, REGIONS, VALUES, VISIT_TYPES } from '../../domain/statistics/query.js';
import { literalUnion } from './common.js';

const Rho = Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'zCDP ρ, at most six decimals (charged exactly, in micro-ρ).' });
const Values = <const T extends readonly string[]>(values: T) => {
  const one = literalUnion(values);
  return Type.Optional(Type.Union([one, Type.Array(one, { minItems: 1, maxItems: 64 })]));
};
const Year = Type.Union([Type.String({ pattern: '^\\d{4}$' }), Type.Integer({ minimum: 2000, maximum: 2100 })]);
const Filters = Type.Object(
  {
    age_band: Values(AGE_BANDS),
    gender: Values(GENDERS),
    visit_type: Values(VISIT_TYPES),
    region: Values(REGIONS),
    year: Type.Optional(Type.Union([Year, Type.Array(Year, { minItems: 1, maxItems: 64 })])),
    product: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 64 })])),
  },
  { additionalProperties: false, description: 'Allowed values per key (one value or a list); only the declared keys.' },
);
export const QuestionBody = Type.Object(
  {
    metric: Type.Union([Type.Literal('count'), Type.Literal('sum')]),
    value: Type.Optional(literalUnion(VALUES, { description: 'What a sum adds (fen); product_payable_fen needs a product filter or grouping.' })),
    group_by: Type.Array(literalUnion(GROUP_KEYS), { maxItems: GROUP_KEYS.length, description: 'Pre-declared keys only; every cell of their domain is released, empty or not.' }),
    filters: Type.Optional(Filters),
    clamp_fen: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Each visit’s value is clamped to [0, clamp_fen] (sums; default 5,000,000 fen).' })),
    contributions: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'Most visits one person contributes (default 1); the noise grows with it.' })),
    rho: Rho,
  },
  { additionalProperties: false },
);
const BudgetFields = {
  rho_total: Type.Number(),
  rho_spent: Type.Number(),
  rho_left: Type.Number(),
  period_end: Type.Union([Type.String(), Type.Null()], { description: 'Last day of the period (inclusive, Asia/Shanghai); null when no budget was set.' }),
  rho_total_micro: Type.Integer({ description: 'The same figures exactly, in micro-ρ (10^-6).' }),
  rho_spent_micro: Type.Integer(),
  rho_left_micro: Type.Integer(),
  rho_spent_all_periods: Type.Number({ description: 'Every ρ charged to this party over all periods (zCDP composes across periods too).' }),
};
export const BudgetAnswer = Type.Object(BudgetFields);
export const SetBudgetAnswer = Type.Object({ party: Type.String(), ...BudgetFields });
const Shape = {
  metric: Type.String(),
  value: Type.Optional(Type.String()),
  clamp_fen: Type.Optional(Type.Integer()),
  contributions: Type.Integer(),
};
export const ReleaseAnswer = Type.Object({
  release_id: Type.String(),
  cells: Type.Array(
    Type.Object({
      key: Type.Object(Object.fromEntries(GROUP_KEYS.map((k) => [k, Type.Optional(Type.String())])), { additionalProperties: false }),
      value: Type.Integer({ description: 'Exact value plus discrete Gaussian noise (may be negative).' }),
      stddev: Type.Number({ description: 'σ of the noise added to this cell (an upper bound on its standard deviation).' }),
    }),
  ),
  rho_spent: Type.Number(),
  rho_left: Type.Number(),
  leaf_index: Type.Integer({ description: 'The access-log leaf recording this release.' }),
  ...Shape,
  sensitivity: Type.Number({ description: 'L2 sensitivity of the release to one person (visits, or fen for sums).' }),
  stddev: Type.Number(),
  period_end: Type.String(),
});
export const PreviewAnswer = Type.Object({
  cells: Type.Integer(),
  stddev: Type.Number(),
  sensitivity: Type.Number(),
  rho: Type.Number(),
  rho_left: Type.Number(),
  affordable: Type.Boolean(),
  ...Shape,
  ci95_halfwidth: Type.Number({ description: '1.96 σ: half-width of a 95 % interval around each released value.' }),
});
export const ReleasesQuery = Type.Object(
  {
    party: Type.Optional(Type.String({ maxLength: 40, description: 'One party’s releases (default: every party’s).' })),
    from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 time or epoch ms, inclusive.' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 time or epoch ms, exclusive.' })),
    limit: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
  },
  { additionalProperties: false },
);
export const ReleasesAnswer = Type.Object({
  releases: Type.Array(
    Type.Object({
      release_id: Type.String(),
      party: Type.String(),
      time: Type.String(),
      rho: Type.Number(),
      rho_micro: Type.Integer(),
      period_end: Type.String(),
      question: Type.Object(
        {
          metric: Type.String(),
          value: Type.Optional(Type.String()),
          group_by: Type.Array(Type.String()),
          filters: Type.Record(Type.String(), Type.Array(Type.String())),
          clamp_fen: Type.Optional(Type.Integer()),
          contributions: Type.Integer(),
          rho_micro: Type.Integer(),
        },
        { description: 'The question as validated (declared keys and categories only: nothing personal).' },
      ),
    }),
  ),
});
export const BudgetParams = Type.Object({ insurer: Type.String({ minLength: 1, maxLength: 40 }) });
export const BudgetBody = Type.Object(
  { rho: Rho, period_end: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Last day of the period, inclusive.' }) },
  { additionalProperties: false },
);
