import type { FastifyReply, FastifyRequest } from 'fastify';
import { makeEvent } from '../../domain/audit-events.js';
import { VouchError } from '../../errors.js';
import { verifyClientAssertion } from '../../services/identity/auth.js';
import { sendCatalogueError, settleError } from '../error-handler.js';
import { op } from '../openapi.js';
import { TokenAnswer, TokenBody, TokenErrorBody } from '../schemas/token.js';
import type { RoutePlugin } from '../typed.js';

const FORM = 'application/x-www-form-urlencoded';

/** RFC 6749 §5.2 error codes this endpoint answers with. */
export type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'server_error' | 'temporarily_unavailable';

/**
 * Parses an `application/x-www-form-urlencoded` body (RFC 6749 appendix B) into an object of strings.
 * RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
 */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(body)) {
    if (key in out) throw new VouchError('VALIDATION_FAILED', 'A form parameter is repeated.');
    out[key] = value;
  }
  return { ...out };
}

/** The RFC 6749 §5.2 error for a catalogue error at the token endpoint. */
export function oauthError(code: string, status: number, body: unknown): OAuthError {
  if (status >= 500) return status === 503 ? 'temporarily_unavailable' : 'server_error';
  if (code === 'ASSERTION_INVALID') return 'invalid_client';
  const grant = (body as { grant_type?: unknown } | undefined)?.grant_type;
  if (typeof grant === 'string' && grant !== 'client_credentials') return 'unsupported_grant_type';
  return 'invalid_request';
}

const isForm = (request: FastifyRequest): boolean => (request.headers['content-type'] ?? '').toLowerCase().split(';')[0]!.trim() === FORM;

/**
 * The token endpoint: RFC 6749 §4.4 client credentials, the client authenticating with an RFC 7523 JWT
 * assertion signed with its registered key (RFC 7521 §4.2). It takes the form encoding every OAuth client
 * sends, and JSON as before; only this route parses forms (everywhere else a form answers 415).
 *
 * Errors follow the request: a form request is answered as RFC 6749 §5.2 says — `{"error":
 * "invalid_client", "error_description": …}` — with the catalogue code and request id beside
 * (`code`, `request_id`); a JSON request gets the catalogue body every other route gives.
 */
const tokenRoutes: RoutePlugin = async (app, opts) => {
  const g = opts.gateway;
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.setErrorHandler((err, request, reply: FastifyReply) => {
    if (!isForm(request)) return sendCatalogueError(err, request, reply);
    const v = settleError(err, request);
    void reply
      .code(v.status)
      .header('pragma', 'no-cache')
      .send({ error: oauthError(v.code, v.status, request.body), error_description: v.message, code: v.code, request_id: request.id });
  });

  app.post(
    '/v1/token',
    {
      config: { public: true },
      schema: {
        ...op({
          id: 'issueToken', summary: 'Obtain a bearer token (client credentials)', tags: ['auth'], answer: 'A bearer token for the party and its lifetime in seconds (RFC 6749 §5.1).',
          description:
            'RFC 6749 §4.4 client credentials; the client authenticates with an RFC 7523 JWT assertion signed with its registered key (iss = sub = its party code, aud = `<VOUCH_TOKEN_ISSUER>/v1/token`, exp at most 5 minutes ahead, jti used once). ' +
            'Form-encoded (as OAuth clients send it) or JSON. A form request’s errors are in RFC 6749 §5.2 form (`error`, `error_description`) with the catalogue code in `code`; a JSON request’s are the catalogue body.',
          errors: ['ASSERTION_INVALID', 'LOG_UNAVAILABLE'],
          errorSchema: TokenErrorBody,
        }),
        consumes: [FORM, 'application/json'],
        body: TokenBody,
        response: { 200: TokenAnswer },
      },
    },
    async (req, reply) => {
      const now = Date.now();
      const who = await verifyClientAssertion(req.body.client_assertion, g.storage.read, g.config, now);
      // RFC 7521 §4.2: a client_id, when sent, must name the client the assertion authenticates.
      if (req.body.client_id !== undefined && req.body.client_id !== who.code) throw new VouchError('ASSERTION_INVALID');
      const fresh = await g.journal.change(async (tx) => {
        const first = await tx.parties.useAssertion(who.code, who.jti, who.exp, now);
        return {
          value: first,
          events: first
            ? [makeEvent({ kind: 'token.issued', time: now, actor: who.code, actor_role: who.role, outcome: 'allowed' })]
            : [],
        };
      });
      if (!fresh.value) throw new VouchError('ASSERTION_INVALID', 'The assertion was already used.');
      const ttl = g.config.auth.tokenTtlSeconds;
      // RFC 6749 §5.1: no-store (set for every answer) and Pragma: no-cache.
      void reply.header('pragma', 'no-cache');
      return { access_token: g.tokens.partyToken(who.code, who.role, ttl), token_type: 'Bearer' as const, expires_in: ttl };
    },
  );
};
export default tokenRoutes;
