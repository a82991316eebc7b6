import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Gateway } from '../../context.js';
import { makeEvent } from '../../domain/audit-events.js';
import { AGE_BANDS, GENDERS, GROUP_KEYS, REGIONS, VALUES, VISIT_TYPES } from '../../domain/statistics/query.js';
import { OPERATIONS } from '../../services/identity/operations.js';
import { principalOf } from '../auth.js';
import { op } from '../openapi.js';
import { withErrors } from '../schemas.js';

/**
 * The pricing statistics lab (大数据实验室, CONTRACT.md "Statistics for pricing", docs/statistics.md):
 * aggregate counts and sums under zero-concentrated differential privacy, budgets set by the bureau.
 * Answers carry noisy cell values, their noise scale and the budget — never a row.
 */
const Rho = Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'zCDP ρ, at most six decimals (charged exactly, in micro-ρ).' });
const Values = (values: readonly string[]) => {
  const one = Type.Union(values.map((v) => Type.Literal(v)));
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
const QuestionBody = Type.Object(
  {
    metric: Type.Union([Type.Literal('count'), Type.Literal('sum')]),
    value: Type.Optional(Type.Union(VALUES.map((v) => Type.Literal(v)), { description: 'What a sum adds (fen); product_payable_fen needs a product filter or grouping.' })),
    group_by: Type.Array(Type.Union(GROUP_KEYS.map((k) => Type.Literal(k))), { maxItems: GROUP_KEYS.length, description: 'Pre-declared keys only; every cell of their domain is released, empty or not.' }),
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
const BudgetAnswer = Type.Object(BudgetFields);
const SetBudgetAnswer = Type.Object({ party: Type.String(), ...BudgetFields });
const Shape = {
  metric: Type.String(),
  value: Type.Optional(Type.String()),
  clamp_fen: Type.Optional(Type.Integer()),
  contributions: Type.Integer(),
};
const ReleaseAnswer = Type.Object({
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
const PreviewAnswer = Type.Object({
  cells: Type.Integer(),
  stddev: Type.Number(),
  sensitivity: Type.Number(),
  rho: Type.Number(),
  rho_left: Type.Number(),
  affordable: Type.Boolean(),
  ...Shape,
  ci95_halfwidth: Type.Number({ description: '1.96 σ: half-width of a 95 % interval around each released value.' }),
});
const ReleasesQuery = Type.Object(
  {
    party: Type.Optional(Type.String({ maxLength: 40, description: 'One party’s releases (default: every party’s).' })),
    from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 time or epoch ms, inclusive.' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 time or epoch ms, exclusive.' })),
    limit: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
  },
  { additionalProperties: false },
);
const ReleasesAnswer = Type.Object({
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
const BudgetParams = Type.Object({ insurer: Type.String({ minLength: 1, maxLength: 40 }) });
const BudgetBody = Type.Object(
  { rho: Rho, period_end: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Last day of the period, inclusive.' }) },
  { additionalProperties: false },
);

export default async function statisticsRoutes(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  const g = opts.gateway;

  app.put<{ Params: Static<typeof BudgetParams>; Body: Static<typeof BudgetBody> }>(
    '/v1/stats/budgets/:insurer',
    {
      config: { roles: OPERATIONS.setStatsBudget },
      schema: {
        ...op({
          id: 'setStatsBudget', summary: 'Set a party’s privacy budget', tags: ['statistics'],
          description: 'Sets an insurer’s (or a bureau’s) zero-concentrated DP budget ρ for the period ending on period_end. The same period keeps what was spent; a new period starts from nothing spent. Leaves a leaf.',
          answer: 'The budget as it now stands.', errors: ['NOT_FOUND', 'LOG_UNAVAILABLE'],
        }),
        params: BudgetParams,
        body: BudgetBody,
        response: withErrors({ 200: SetBudgetAnswer }),
      },
    },
    async (req) => g.statistics.setBudget(principalOf(req), req.params.insurer, req.body),
  );

  app.get(
    '/v1/stats/budget',
    {
      config: { roles: OPERATIONS.statsBudget },
      schema: {
        ...op({ id: 'statsBudget', summary: 'My privacy budget', tags: ['statistics'], answer: 'The caller’s budget: total, spent and left in this period, and its end.', errors: [] }),
        response: withErrors({ 200: BudgetAnswer }),
      },
    },
    async (req) => g.statistics.budget(principalOf(req)),
  );

  app.post<{ Body: Static<typeof QuestionBody> }>(
    '/v1/stats/queries',
    {
      config: { roles: OPERATIONS.statsQuery },
      schema: {
        ...op({
          id: 'statsQuery', summary: 'Release aggregate statistics', tags: ['statistics'],
          description: 'Counts or sums of visits grouped by declared keys, each cell with discrete Gaussian noise calibrated to the person-level sensitivity and the ρ asked for; charges ρ to the caller’s budget and leaves a leaf with the ρ spent.',
          answer: 'Every cell of the declared grouping with its noisy value and noise σ, the ρ spent and left, and the leaf index.',
          errors: ['PRIVACY_BUDGET_EXHAUSTED', 'LOG_UNAVAILABLE'],
        }),
        body: QuestionBody,
        response: withErrors({ 200: ReleaseAnswer }),
      },
    },
    async (req) => g.statistics.release(principalOf(req), req.body),
  );

  app.get<{ Querystring: Static<typeof ReleasesQuery> }>(
    '/v1/stats/releases',
    {
      config: { roles: OPERATIONS.statsReleases },
      schema: {
        ...op({
          id: 'statsReleases', summary: 'Statistics releases, with their questions (bureau)', tags: ['statistics'],
          description: 'Every release in [from, to), oldest first: who asked which question at which ρ. The access log holds a leaf per release (same release_id); this adds the questions, so a differencing pattern is visible.',
          answer: 'The releases with party, time, ρ, period and question.', errors: ['LOG_UNAVAILABLE'],
        }),
        querystring: ReleasesQuery,
        response: withErrors({ 200: ReleasesAnswer }),
      },
    },
    async (req) => {
      const answer = g.statistics.releases(req.query);
      // A bureau read of what the lab released: a leaf, committed before the answer (as every bureau read).
      const who = principalOf(req);
      await g.journal.record(makeEvent({ kind: 'stats.releases_read', time: Date.now(), actor: who.code, actor_role: who.role, outcome: 'allowed' }));
      return answer;
    },
  );

  app.post<{ Body: Static<typeof QuestionBody> }>(
    '/v1/stats/preview',
    {
      config: { roles: OPERATIONS.statsPreview },
      schema: {
        ...op({
          id: 'statsPreview', summary: 'Preview a release’s error bars (free)', tags: ['statistics'],
          description: 'What a release would cost and how noisy it would be, from the question alone: no data is read, no budget spent, nothing logged.',
          answer: 'The number of cells, the noise σ and 95 % half-width per cell, the sensitivity, and whether the budget covers it.', errors: [],
        }),
        body: QuestionBody,
        response: withErrors({ 200: PreviewAnswer }),
      },
    },
    async (req) => g.statistics.preview(principalOf(req), req.body),
  );
}
