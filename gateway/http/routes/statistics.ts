import type { Static } from 'typebox';
import type { Gateway } from '../../context.js';
import { makeEvent } from '../../domain/audit-events.js';
import { OPERATIONS } from '../../services/identity/operations.js';
import { principalOf } from '../auth.js';
import { op } from '../openapi.js';
import { withErrors } from '../schemas/common.js';
import {
  BudgetAnswer, BudgetBody, BudgetParams, PreviewAnswer, QuestionBody, ReleaseAnswer, ReleasesAnswer, ReleasesQuery, SetBudgetAnswer,
} from '../schemas/statistics.js';
import type { RoutePlugin, TypedApp } from '../typed.js';

function setStatsBudget(app: TypedApp, g: Gateway): void {
  app.put(
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
}

function statsBudget(app: TypedApp, g: Gateway): void {
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
}

function statsQuery(app: TypedApp, g: Gateway): void {
  app.post(
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
}

function statsReleases(app: TypedApp, g: Gateway): void {
  app.get(
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
      const answer = await g.statistics.releases(req.query);
      // A bureau read of what the lab released: a leaf, committed before the answer (as every bureau read).
      const who = principalOf(req);
      await g.journal.record(makeEvent({ kind: 'stats.releases_read', time: Date.now(), actor: who.code, actor_role: who.role, outcome: 'allowed' }));
      // The lab types each stored question as a plain record; it holds the question as validated, which
      // is what ReleasesAnswer describes (and, as every response schema, filters).
      return answer as Static<typeof ReleasesAnswer>;
    },
  );
}

function statsPreview(app: TypedApp, g: Gateway): void {
  app.post(
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

/**
 * The pricing statistics lab (大数据实验室, CONTRACT.md "Statistics for pricing", docs/statistics.md):
 * the bureau sets privacy budgets; insurers and the bureau preview and release noisy aggregates.
 */
const statisticsRoutes: RoutePlugin = async (app, { gateway }) => {
  for (const route of [setStatsBudget, statsBudget, statsQuery, statsReleases, statsPreview]) route(app, gateway);
};
export default statisticsRoutes;
