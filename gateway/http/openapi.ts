import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors.js';

/**
 * The OpenAPI document is generated from the routes (@fastify/swagger); this module makes it complete.
 *
 * Each route states, next to its definition (`op()`): an operationId (the operation's name in
 * services/identity/operations.ts where there is one — also its name in metrics), a summary, tags, what its 2xx
 * answer is, and the catalogue codes only it can answer. When the route is registered, the codes its
 * shape implies are added — a token is required (UNAUTHENTICATED, TOKEN_INVALID, FORBIDDEN), it may carry
 * a body (VALIDATION_FAILED, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE), query or path parameters
 * (VALIDATION_FAILED) — and the error responses are built from the result: one per HTTP status, whose
 * description lists each code with its meaning, the full list in the operation's `x-error-codes`.
 * test/gateway/openapi.test.ts fails when a registered route has none of this.
 */
declare module 'fastify' {
  interface FastifySchema {
    /** Catalogue codes the operation can answer (finished at registration, see documentRoutes). */
    'x-error-codes'?: readonly ErrorCode[];
    /** What the 2xx answer is (consumed at registration). */
    answerDescription?: string;
    /** The error body schema, when it is not the catalogue's (consumed at registration). */
    errorSchema?: TSchema;
  }
}

export interface OperationDoc {
  /** Unique; the operation's name in services/identity/operations.ts where one fits. */
  id: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** What the success answer holds. */
  answer: string;
  /** Codes this operation can answer beyond those implied by its shape (token, body, parameters). */
  errors: readonly ErrorCode[];
  /** An error body other than the catalogue's (the token endpoint's RFC 6749 form). */
  errorSchema?: TSchema;
}

/** The documentation members of a route schema. */
export function op(d: OperationDoc): FastifySchema {
  return {
    operationId: d.id,
    summary: d.summary,
    ...(d.description ? { description: d.description } : {}),
    tags: d.tags,
    answerDescription: d.answer,
    'x-error-codes': d.errors,
    ...(d.errorSchema ? { errorSchema: d.errorSchema } : {}),
  };
}

/** Every code a route can answer: the declared ones and those its shape implies. */
export function errorCodesOf(route: Pick<RouteOptions, 'config' | 'schema' | 'method'>, options: { clientCertificates: boolean }): ErrorCode[] {
  const schema = route.schema ?? {};
  const config = (route.config ?? {}) as { public?: boolean };
  const codes = new Set<ErrorCode>(schema['x-error-codes'] ?? []);
  if (!config.public || options.clientCertificates) codes.add('UNAUTHENTICATED');
  if (!config.public) for (const c of ['TOKEN_INVALID', 'FORBIDDEN'] as const) codes.add(c);
  // Any method that may carry a body has it parsed (a schema or not): malformed JSON, too large, not JSON.
  const methods = [route.method].flat();
  if (schema.body || methods.some((m) => m !== 'GET' && m !== 'HEAD')) for (const c of ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) codes.add(c);
  if (schema.querystring || schema.params) codes.add('VALIDATION_FAILED');
  // Every operation reads or writes the store; a full disk or a lost database answers 503, never 500.
  codes.add('STORAGE_UNAVAILABLE');
  // A request that arrives while the gateway drains (SIGTERM) is refused before anything of it runs.
  codes.add('SHUTTING_DOWN');
  const order = Object.keys(ERROR_CATALOGUE);
  return [...codes].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** One response per status, its description listing each code and what it means. */
export function errorResponses(codes: readonly ErrorCode[], body: () => TSchema): Record<number, TSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(ERROR_CATALOGUE[c].http, [...(byStatus.get(ERROR_CATALOGUE[c].http) ?? []), c]);
  const out: Record<number, TSchema> = {};
  for (const [status, list] of byStatus) {
    const description = list.map((c) => `\`${c}\`: ${ERROR_CATALOGUE[c].message}`).join('\n\n');
    out[status] = { ...body(), description };
  }
  return out;
}

/**
 * Finishes the documentation of every /v1 route that states it (see {@link op}) as it is registered:
 * the full `x-error-codes`, the error responses built from them, the 2xx answer's description.
 * Routes that state nothing are left as they are — and fail test/gateway/openapi.test.ts.
 */
export function documentRoutes(app: FastifyInstance, options: { clientCertificates: boolean }): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema;
    if (!route.url.startsWith('/v1/') || !schema?.['x-error-codes']) return;
    const codes = errorCodesOf(route, options);
    const errorSchema = schema.errorSchema;
    const answer = schema.answerDescription;
    delete schema.errorSchema;
    delete schema.answerDescription;
    const response: Record<string, unknown> = {};
    for (const [status, s] of Object.entries((schema.response ?? {}) as Record<string, TSchema>)) {
      // Success answers keep their schema; the error statuses come from the codes alone.
      if (Number(status) < 400) response[status] = answer && !(s as { description?: string }).description ? { ...s, description: answer } : s;
    }
    Object.assign(response, errorResponses(codes, () => errorSchema ?? Type.Ref('ErrorBody')));
    schema.response = response;
    schema['x-error-codes'] = codes;
    // No token: the document says so instead of inheriting the bearer requirement.
    if ((route.config as { public?: boolean } | undefined)?.public) schema.security = [];
  });
}
