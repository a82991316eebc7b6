import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../../context.js';
import { OPERATIONS } from '../../services/operations.js';
import { principalOf } from '../auth.js';
import { RecordAnswer, RecordBody, withErrors } from '../schemas.js';

export default async function recordRoutes(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  app.post(
    '/v1/records',
    {
      config: { roles: OPERATIONS.pushRecord },
      schema: {
        tags: ['records'],
        description: 'Push a settlement record (national platform shapes, yuan). 403 CONSENT_REQUIRED without an active consent covering this hospital; 422 INVALID_RECORD naming the identity that failed.',
        body: RecordBody,
        response: withErrors({ 201: RecordAnswer }),
      },
    },
    async (req, reply) => {
      const r = await opts.gateway.records.push(principalOf(req), req.body);
      // 201 also for an identical re-push: the same record_id and version come back (idempotent create).
      return reply.code(201).send({ record_id: r.record_id, version: r.version });
    },
  );
}
