import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Gateway } from '../../context.js';
import { OPERATIONS } from '../../services/operations.js';
import { directoryOf } from '../../services/parties.js';
import { DirectoryAnswer, SupervisionAnswer, SupervisionQuery, withErrors } from '../schemas.js';

/** What the web console needs beside the API it shares: party names, and the bureau's summary. */
export default async function supervisionRoutes(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  const g = opts.gateway;

  app.get(
    '/v1/directory',
    {
      config: { roles: OPERATIONS.directory },
      schema: { tags: ['parties'], description: 'Names of hospitals, insurers and bureaus by code (no keys, no admins).', response: withErrors({ 200: DirectoryAnswer }) },
    },
    async () => ({ parties: directoryOf(g.parties.list()) }),
  );

  app.get<{ Querystring: Static<typeof SupervisionQuery> }>(
    '/v1/supervision/summary',
    {
      config: { roles: OPERATIONS.supervisionSummary },
      schema: {
        tags: ['audit'],
        description: 'Exact counts over [from, to): per insurer queries, refusals by reason, budget exhaustion, probes, settlements and amounts; per hospital pushes, refusals, settlements.',
        querystring: SupervisionQuery,
        response: withErrors({ 200: SupervisionAnswer }),
      },
    },
    async (req) => g.supervision.summary(req.query),
  );
}
