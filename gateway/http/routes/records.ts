import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../../context.js';
import { OPERATIONS } from '../../services/operations.js';
import { principalOf } from '../auth.js';
import { op } from '../openapi.js';
import { RecordAnswer, RecordBody, withErrors } from '../schemas.js';

export default async function recordRoutes(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  app.post(
    '/v1/records',
    {
      config: { roles: OPERATIONS.pushRecord },
      schema: {
        ...op({
          id: 'pushRecord', summary: 'Push a treatment-and-settlement record', tags: ['records'], answer: 'The record id and version; pushing the same content again answers the same.',
          description:
            'National platform shapes and field names, amounts in yuan; bare or in the platform’s request or response envelope. Accepted only while an active consent covers this hospital ' +
            '(403 CONSENT_REQUIRED, nothing stored); 422 INVALID_RECORD names the amount identity that failed.',
          errors: ['INVALID_CERTNO', 'INVALID_AMOUNT', 'INVALID_RECORD', 'PROVIDER_MISMATCH', 'CONSENT_REQUIRED', 'LOG_UNAVAILABLE'],
        }),
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
