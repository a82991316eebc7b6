import { OPERATIONS } from '../../services/identity/operations.js';
import { principalOf } from '../auth.js';
import { op } from '../openapi.js';
import { withErrors } from '../schemas/common.js';
import { ConsentIdParams, ConsentView, ConsentsAnswer, GrantBody, RevokedAnswer } from '../schemas/consents.js';
import type { RoutePlugin } from '../typed.js';

/** Consents (个人授权): granted by the patient or recorded by a hospital, revoked, listed. */
const consentRoutes: RoutePlugin = async (app, opts) => {
  const g = opts.gateway;
  app.post(
    '/v1/consents',
    {
      config: { roles: OPERATIONS.grantConsent },
      schema: {
        ...op({
          id: 'grantConsent', summary: 'Grant a consent', tags: ['consents'], answer: 'The consent as recorded.',
          description: 'By the patient (their identity provider’s token), or by a hospital recording a consent given at its counter (with certno and evidence; it must cover the hospital).',
          errors: ['INVALID_CERTNO', 'LOG_UNAVAILABLE'],
        }),
        body: GrantBody,
        response: withErrors({ 201: ConsentView }),
      },
    },
    async (req, reply) => reply.code(201).send(await g.consents.grant(principalOf(req), req.body)),
  );
  app.post(
    '/v1/consents/:consent_id/revoke',
    {
      config: { roles: OPERATIONS.revokeConsent },
      schema: {
        ...op({ id: 'revokeConsent', summary: 'Revoke a consent', tags: ['consents'], answer: 'The consent, revoked (revoking twice changes nothing).', errors: ['NOT_FOUND', 'LOG_UNAVAILABLE'] }),
        params: ConsentIdParams,
        response: withErrors({ 200: RevokedAnswer }),
      },
    },
    async (req) => {
      const c = await g.consents.revoke(principalOf(req), req.params.consent_id);
      return { consent_id: c.consent_id, version: c.version, status: c.status };
    },
  );
  app.get(
    '/v1/consents',
    {
      config: { roles: OPERATIONS.listConsents },
      schema: {
        ...op({ id: 'listConsents', summary: 'List consents', tags: ['consents'], answer: 'A patient’s own consents; for an insurer, those granted to it, without identity.', errors: [] }),
        response: withErrors({ 200: ConsentsAnswer }),
      },
    },
    async (req) => ({ consents: await g.consents.list(principalOf(req)) }),
  );
};
export default consentRoutes;
