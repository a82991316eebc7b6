import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VouchError, errorBody, toVouchError, type ErrorCode } from '../errors.js';
// For the 'x-error-codes' member of route schemas (declared with the OpenAPI helpers).
import type {} from './openapi.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The catalogue code the request was answered with, when it failed (metrics read it). */
    errorCode: ErrorCode | undefined;
  }
}

/**
 * Converts what was thrown, logs it by code and remembers the code on the request (metrics); the caller
 * sends the body. Shared by the catalogue handler and the token endpoint's RFC 6749 one.
 */
export function settleError(err: unknown, request: FastifyRequest): VouchError {
  const v = toVouchError(err);
  request.errorCode = v.code;
  // The OpenAPI document promises each operation's codes (x-error-codes): say so when one slips through.
  const documented = request.routeOptions.schema?.['x-error-codes'];
  if (documented && v.status < 500 && !documented.includes(v.code)) {
    request.log.warn({ code: v.code, route: request.routeOptions.url }, 'answered an error code the API document does not list for this operation');
  }
  if (v.status >= 500) {
    // Operators get the internal error (its stack names code, not request values); callers get the code.
    request.log.error({ err: v.cause ?? err, code: v.code }, 'request failed');
  } else {
    request.log.info({ code: v.code }, 'request refused');
  }
  return v;
}

/** The catalogue answer: the error's status and `{"error": {code, message, request_id}}`. */
export function sendCatalogueError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const v = settleError(err, request);
  // RFC 9110 §10.2.3: when to try again. The store and the log recover by themselves once space returns.
  if (v.status === 503) void reply.header('retry-after', '1');
  void reply.code(v.status).send(errorBody(v, request.id));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.decorateRequest('errorCode', undefined);
  app.setErrorHandler(sendCatalogueError);
  app.setNotFoundHandler((request, reply) => {
    request.errorCode = 'ROUTE_NOT_FOUND';
    void reply.code(404).send(errorBody(new VouchError('ROUTE_NOT_FOUND'), request.id));
  });
}
