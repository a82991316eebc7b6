import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type pino from 'pino';
import type { Config } from './config.js';
import { openGateway, type Gateway } from './context.js';
import { callerFields, createLogger } from './logger.js';
import { VouchError, errorBody } from './errors.js';
import authPlugin from './http/auth.js';
import { installErrorHandling } from './http/error-handler.js';
import { requireClientCertificate } from './http/client-cert.js';
import { installHttpMetrics } from './observability/http-metrics.js';
import { ErrorBody, Receipt } from './http/schemas/common.js';
import { documentRoutes } from './http/openapi.js';
import { API_DESCRIPTION, TAGS, documentSchema } from './http/openapi-docs.js';
import answerRoutes from './http/routes/answers.js';
import auditRoutes from './http/routes/audit.js';
import consentRoutes from './http/routes/consents.js';
import healthRoutes from './http/routes/health.js';
import partyRoutes from './http/routes/parties.js';
import recordRoutes from './http/routes/records.js';
import tokenRoutes from './http/routes/token.js';
import supervisionRoutes from './http/routes/supervision.js';
import statisticsRoutes from './http/routes/statistics.js';
import consolePlugin from './http/console.js';
import { refuseNul } from './transport/admission.js';

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway;
  }
}

/**
 * One log line per request instead of Fastify's two: route pattern (never the URL's values), status and
 * time, written when the answer is sent. Errors are logged by the error handler, by code.
 */
class OneLinePerRequest extends LogController {
  /**
   * The request line holds only what the req/res serializers pick (id, method, route pattern, status)
   * and a time, so it skips the redaction pass every other line gets — a deep copy per line, ~3 % of a
   * quote. The canary test reads these lines.
   */
  private readonly lines: pino.Logger;

  constructor(logger: pino.Logger) {
    super();
    this.lines = logger.child({}, { redact: { paths: [] } });
  }

  override incomingRequest(): void {}

  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    this.lines.info({ reqId: request.id, req: request, res: reply, ...callerFields(request.principal), responseTime: Math.round(reply.elapsedTime * 100) / 100 }, 'request completed');
  }
}

export interface AppOptions {
  logger?: pino.Logger;
  /** Services already opened (tests, the gRPC server sharing them); otherwise opened from config. */
  gateway?: Gateway;
}

/** HTTPS when TLS is configured: client certificates are asked for when required, and checked per route. */
function httpsOptions(tls: Config['tls']) {
  if (!tls) return {};
  assertTlsPair(tls.certFile, tls.keyFile);
  return {
    https: {
      cert: fs.readFileSync(tls.certFile),
      key: fs.readFileSync(tls.keyFile),
      ...(tls.caFile ? { ca: fs.readFileSync(tls.caFile) } : {}),
      requestCert: tls.requireClientCert,
      // Client certificates are verified here and required per route (http/client-cert.ts), so the
      // health probes answer without one.
      rejectUnauthorized: false,
    },
  };
}

/** The Fastify instance itself: ids, limits, validation, logging and closing as the gateway wants them. */
function createServer(config: Config, logger: pino.Logger): FastifyInstance {
  const app = Fastify({
    ...httpsOptions(config.tls),
    loggerInstance: logger as FastifyBaseLogger,
    // The caller's X-Request-Id is not trusted: request ids end up in logs.
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    bodyLimit: config.limits.bodyLimitBytes,
    // Money is never coerced from strings; unknown members are refused where a schema closes an object.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Closing is a drain (SIGTERM): requests already accepted are answered, new ones get the catalogue's
    // 503 SHUTTING_DOWN from the hook below, and connections close after their answer.
    return503OnClosing: false,
    logController: new OneLinePerRequest(logger),
    // Errors Fastify raises before routing (bad URL encoding, over-long path parameters) get the catalogue too.
    frameworkErrors: (_err, request, reply) => {
      const plain = reply as unknown as { code(status: number): { send(body: unknown): unknown } };
      void plain.code(400).send(errorBody(new VouchError('VALIDATION_FAILED', 'The request URL is malformed.'), request.id));
    },
    forceCloseConnections: false,
  });
  return app as unknown as FastifyInstance;
}

/** What every request goes through: the shared schemas, errors, metrics, client certificates, headers, drain. */
function installRequestHandling(app: FastifyInstance, config: Config, gateway: Gateway): void {
  app.decorate('gateway', gateway);
  app.addSchema(ErrorBody);
  app.addSchema(Receipt);
  installErrorHandling(app);
  installHttpMetrics(app, gateway.metrics);
  if (config.tls?.requireClientCert) requireClientCertificate(app);
  // The API speaks JSON only: without Fastify's default text/plain parser other media types answer 415.
  app.removeContentTypeParser('text/plain');
  // Before any route's own validation: a NUL character in any string is refused alike everywhere.
  app.addHook('preValidation', async (request) => {
    refuseNul({ body: request.body, query: request.query, params: request.params });
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('cache-control', 'no-store');
  });
  installDrain(app);
}

/** The OpenAPI 3.1 document (/docs/json) and its UI (/docs), built from the route schemas. */
async function registerDocs(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Vouch', version: '0.1.0', description: API_DESCRIPTION },
      tags: TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: documentSchema,
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  documentRoutes(app, { clientCertificates: Boolean(config.tls?.requireClientCert) });
}

/** Authentication first (its hook guards every /v1 route registered after it), then the routes per capability. */
async function registerRoutes(app: FastifyInstance, gateway: Gateway): Promise<void> {
  await app.register(authPlugin, { gateway });
  const opts = { gateway };
  for (const routes of [healthRoutes, partyRoutes, tokenRoutes, consentRoutes, recordRoutes, answerRoutes, auditRoutes, supervisionRoutes, statisticsRoutes]) {
    await app.register(routes, opts);
  }
  await app.register(consolePlugin);
}

/**
 * Builds the HTTP application; never listens (gateway/server.ts does). Tests build it the same way and
 * drive it with `inject`.
 */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger(config.log.level);
  const gateway = options.gateway ?? (await openGateway(config, logger));
  const app = createServer(config, logger);
  installRequestHandling(app, config, gateway);
  app.addHook('onClose', async () => {
    if (!options.gateway) await gateway.close();
  });
  await registerDocs(app, config);
  await registerRoutes(app, gateway);
  return app;
}

/**
 * SIGTERM drains instead of cutting (issue 14: a cut left consents committed that nobody was answered
 * for). From `close()` on: a request that reaches routing is refused with `503 SHUTTING_DOWN` (nothing of
 * it runs), every answer — those in flight included — says `Connection: close` so keep-alive clients
 * leave, and idle keep-alive sockets are closed as they appear; `server.close()` then completes when the
 * last answer has gone out, and only after that the gateway flushes and closes the log (onClose).
 */
function installDrain(app: FastifyInstance): void {
  let draining = false;
  let reaper: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    draining = true;
    app.server.closeIdleConnections();
    reaper = setInterval(() => app.server.closeIdleConnections(), 20);
    reaper.unref();
  });
  app.addHook('onRequest', async () => {
    if (draining) throw new VouchError('SHUTTING_DOWN');
  });
  app.addHook('onSend', async (_request, reply) => {
    if (draining) void reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => {
    if (reaper) clearInterval(reaper);
  });
}

/**
 * A certificate and a key that do not belong together start a server no client can talk to (every
 * handshake fails): refuse to start instead, naming the variables.
 */
function assertTlsPair(certFile: string, keyFile: string): void {
  try {
    tls.createSecureContext({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) });
  } catch (err) {
    throw new Error(`VOUCH_TLS_CERT and VOUCH_TLS_KEY cannot serve TLS together (${(err as { code?: string }).code ?? (err as Error).message}): the key must be the certificate's`);
  }
}
