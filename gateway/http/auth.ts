import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VouchError } from '../errors.js';
import type { Gateway } from '../context.js';
import type { AuthService, Principal, Role } from '../services/identity/auth.js';
import { authenticate, authorize } from '../transport/admission.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route. Every /v1 route declares either `roles` or `public`. */
    roles?: readonly Role[];
    public?: boolean;
    /**
     * A request without an Authorization header may authenticate by the national platform's SM2-signed
     * envelope in its body instead (POST /v1/records); the handler checks it. With a header, as usual.
     */
    envelope?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
  interface FastifyInstance {
    auth: AuthService;
    /** Every /v1 route with its access rule, as registered (the authorisation matrix test reads it). */
    accessRules: { method: string; url: string; roles: readonly Role[]; public: boolean }[];
  }
}

/**
 * Authentication and authorisation in one place. The gateway's AuthService (built in context.ts, the
 * same one gRPC uses) verifies tokens — the gateway's own (parties) and the identity provider's
 * (patients) — each with one explicit algorithm, exact issuer and audience, and required claims. Each
 * route declares its roles next to its definition; this hook enforces them before the body is even parsed.
 */
async function authPlugin(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  const auth = opts.gateway.auth;
  app.decorate('auth', auth);
  app.decorateRequest('principal', undefined);

  app.decorate('accessRules', []);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return;
    const c = route.config as { roles?: readonly Role[]; public?: boolean } | undefined;
    if (!c?.public && !(c?.roles && c.roles.length)) {
      throw new Error(`route ${route.method} ${route.url} declares neither roles nor public`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.accessRules.push({ method, url: route.url, roles: c?.roles ?? [], public: Boolean(c?.public) });
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const c = request.routeOptions.config;
    if (!request.routeOptions.url?.startsWith('/v1/') || c.public) return;
    if (c.envelope && request.headers.authorization === undefined) return;
    request.principal = authorize(await authenticate(auth, request.headers.authorization), c.roles);
  });
}

export default fp(authPlugin, { name: 'vouch-auth', fastify: '5.x' });

/** The authenticated caller of a protected route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new VouchError('UNAUTHENTICATED');
  return request.principal;
}
