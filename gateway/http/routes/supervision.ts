import type { Static } from 'typebox';
import { OPERATIONS } from '../../services/identity/operations.js';
import { directoryOf } from '../../services/identity/parties.js';
import { op } from '../openapi.js';
import { principalOf } from '../auth.js';
import { makeEvent } from '../../domain/audit-events.js';
import { withErrors } from '../schemas/common.js';
import { DirectoryAnswer, SupervisionAnswer, SupervisionQuery } from '../schemas/supervision.js';
import type { RoutePlugin } from '../typed.js';

/** What the web console needs beside the API it shares: party names, and the bureau's summary. */
const supervisionRoutes: RoutePlugin = async (app, opts) => {
  const g = opts.gateway;

  app.get(
    '/v1/directory',
    {
      config: { roles: OPERATIONS.directory },
      schema: {
        ...op({
          id: 'directory', summary: 'Party names by code', tags: ['parties'],
          description: 'Names of hospitals, insurers and bureaus by code (no keys, no admins), for showing names instead of codes.',
          answer: 'Every hospital, insurer and bureau with its code, role, name and status.', errors: [],
        }),
        response: withErrors({ 200: DirectoryAnswer }),
      },
    },
    // directoryOf leaves the admins out; its role type (PartyRole) does not say so.
    async () => ({ parties: directoryOf(await g.parties.list()) as Static<typeof DirectoryAnswer>['parties'] }),
  );

  app.get(
    '/v1/supervision/summary',
    {
      config: { roles: OPERATIONS.supervisionSummary },
      schema: {
        ...op({
          id: 'supervisionSummary', summary: 'Supervision summary for the bureau', tags: ['audit'],
          description: 'Exact counts over [from, to): per insurer queries, refusals by reason, budget exhaustion, probes, settlements and amounts; per hospital pushes, refusals, settlements.',
          answer: 'Per insurer and per hospital, the counts and amounts of the period.', errors: ['LOG_UNAVAILABLE'],
        }),
        querystring: SupervisionQuery,
        response: withErrors({ 200: SupervisionAnswer }),
      },
    },
    async (req) => {
      const answer = await g.supervision.summary(req.query);
      // A read of what the log and the settlements sum up: a leaf, committed before the answer.
      const who = principalOf(req);
      await g.journal.record(makeEvent({ kind: 'supervision.read', time: Date.now(), actor: who.code, actor_role: who.role, outcome: 'allowed' }));
      return answer;
    },
  );
};
export default supervisionRoutes;
