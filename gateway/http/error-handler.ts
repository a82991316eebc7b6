import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VouchError, errorBody, isStoreFailure, type ErrorCode } from '../errors.js';
// For the 'x-error-codes' member of route schemas (declared with the OpenAPI helpers).
import type {} from './openapi.js';

/** Fastify's own client errors, mapped onto the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Converts anything thrown into a catalogue error; nothing of the input or of internals gets through. */
export function toVouchError(err: unknown): VouchError {
  if (err instanceof VouchError) return err;
  if (isStoreFailure(err)) return new VouchError('STORAGE_UNAVAILABLE', undefined, { cause: err });
  const e = err as FastifyError & { validation?: { keyword?: string; instancePath?: string; message?: string; params?: Record<string, unknown> }[]; validationContext?: string; type?: string };
  if (e && Array.isArray(e.validation)) {
    const v = e.validation[0];
    const missing = typeof v?.params?.missingProperty === 'string' ? `/${v.params.missingProperty}` : '';
    const where = `${e.validationContext ?? 'body'}${v?.instancePath ?? ''}${missing}`.replace(/[^A-Za-z0-9_/[\].-]/g, '');
    // ajv's messages name rules ("must be integer"), never the offending value; a pattern is named as a
    // format (its text would read "must match pattern ." once quoted values are taken out).
    const rule = (v?.keyword === 'pattern' ? 'is not in the expected format' : (v?.message ?? 'is invalid').replace(/"[^"]*"/g, '')).slice(0, 100);
    return new VouchError('VALIDATION_FAILED', `Field ${where}: ${rule}.`);
  }
  const mapped = e && typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new VouchError(mapped, mapped === 'VALIDATION_FAILED' ? 'The body is not valid JSON.' : undefined);
  // JSON.parse failures and prototype-poisoning refusals from the body parser.
  if (e instanceof SyntaxError || (e && e.statusCode === 400)) return new VouchError('VALIDATION_FAILED', 'The body is not valid JSON.');
  if (e && e.statusCode === 413) return new VouchError('PAYLOAD_TOO_LARGE');
  if (e && e.statusCode === 415) return new VouchError('UNSUPPORTED_MEDIA_TYPE');
  return new VouchError('INTERNAL', undefined, { cause: err });
}

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
