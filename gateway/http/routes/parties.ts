import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Gateway } from '../../context.js';
import { partyView } from '../../services/parties.js';
import { verifyClientAssertion } from '../../services/auth.js';
import { makeEvent } from '../../domain/audit-events.js';
import { rotateKey } from '../../services/keys.js';
import { VouchError } from '../../errors.js';
import { OPERATIONS } from '../../services/operations.js';
import { principalOf } from '../auth.js';
import { KeysAnswer, NewPartyBody, PartyView, TokenAnswer, TokenBody, withErrors } from '../schemas.js';

const CodeParams = Type.Object({ code: Type.String({ minLength: 2, maxLength: 40 }) });

/** Party registry (admin) and the RFC 7523 token endpoint. */
export default async function partyRoutes(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  const g = opts.gateway;

  app.post<{ Body: Static<typeof NewPartyBody> }>(
    '/v1/parties',
    { config: { roles: OPERATIONS.manageParties }, schema: { tags: ['admin'], body: NewPartyBody, response: withErrors({ 201: PartyView }) } },
    async (req, reply) => reply.code(201).send(partyView(await g.parties.add(req.body, principalOf(req)))),
  );

  app.get(
    '/v1/parties',
    { config: { roles: OPERATIONS.manageParties }, schema: { tags: ['admin'], response: withErrors({ 200: Type.Object({ parties: Type.Array(PartyView) }) }) } },
    async () => ({ parties: g.parties.list().map(partyView) }),
  );

  for (const [action, status] of [['suspend', 'suspended'], ['activate', 'active']] as const) {
    app.post<{ Params: Static<typeof CodeParams> }>(
      `/v1/parties/:code/${action}`,
      { config: { roles: OPERATIONS.manageParties }, schema: { tags: ['admin'], params: CodeParams, response: withErrors({ 200: PartyView }) } },
      async (req) => partyView(await g.parties.setStatus(req.params.code, status, principalOf(req))),
    );
  }

  app.post<{ Body: Static<typeof TokenBody> }>(
    '/v1/token',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        description: 'RFC 7523 client authentication: a JWT signed with the party’s registered key buys a short-lived bearer token.',
        body: TokenBody,
        response: withErrors({ 200: TokenAnswer }),
      },
    },
    async (req) => {
      const now = Date.now();
      const who = verifyClientAssertion(req.body.client_assertion, g.storage.read, g.config, now);
      const fresh = await g.journal.change((tx) => {
        const first = tx.useAssertion(who.code, who.jti, who.exp, now);
        return {
          value: first,
          events: first
            ? [makeEvent({ kind: 'token.issued', time: now, actor: who.code, actor_role: who.role, outcome: 'allowed' })]
            : [],
        };
      });
      if (!fresh.value) throw new VouchError('ASSERTION_INVALID', 'The assertion was already used.');
      const ttl = g.config.auth.tokenTtlSeconds;
      return { access_token: g.tokens.partyToken(who.code, who.role, ttl), token_type: 'Bearer' as const, expires_in: ttl };
    },
  );

  app.post<{ Params: { which: 'signing' | 'kek' } }>(
    '/v1/keys/:which/rotate',
    {
      config: { roles: OPERATIONS.rotateKeys },
      schema: {
        tags: ['admin'],
        description: 'Rotate the receipt/tree-head signing key or the key-encryption key. Old public keys stay published.',
        params: Type.Object({ which: Type.Union([Type.Literal('signing'), Type.Literal('kek')]) }),
        response: withErrors({ 200: Type.Object({ key_id: Type.String(), kind: Type.String() }) }),
      },
    },
    async (req) => ({ key_id: await rotateKey(g.keys, g.journal, req.params.which, principalOf(req)), kind: req.params.which }),
  );

  app.get(
    '/v1/keys',
    {
      config: { public: true },
      schema: {
        tags: ['audit'],
        description: 'The gateway’s signing public keys (receipts and tree heads), old ones included after rotation.',
        response: withErrors({ 200: KeysAnswer }),
      },
    },
    async () => ({
      keys: [...g.keys.signingPublicKeys()].map(([kid, key]) => ({
        key_id: kid,
        alg: 'Ed25519' as const,
        public_key_pem: key.export({ type: 'spki', format: 'pem' }) as string,
        current: kid === g.keys.signing.kid,
      })),
    }),
  );
}
