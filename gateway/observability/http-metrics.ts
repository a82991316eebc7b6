import type { FastifyInstance } from 'fastify';
import { METRICS_CONTENT_TYPE, startProcessMetrics, type Metrics } from './metrics.js';

/**
 * HTTP side of the metrics: one hook that counts every answer by route pattern and status (and, for
 * operations, by outcome and catalogue code), and `GET /metrics`.
 *
 * `/metrics` answers without a token, as Prometheus scrapes: it holds counts by closed labels and
 * nothing about any person (see metrics.ts), the same for anyone who asks. Under mutual TLS it needs a
 * client certificate like every route but the probes. An operator who does not want even the volumes
 * seen keeps the port unreachable or blocks the path at the proxy (docs/metrics.md).
 */
export function installHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  startProcessMetrics();
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    // The operation id of a documented route (gateway/http/openapi.ts) names the operation in metrics,
    // the same name the gRPC side reports.
    const operation = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId;
    if (operation) metrics.answer(operation, 'http', reply.statusCode, request.errorCode ?? 'OK');
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    void reply.type(METRICS_CONTENT_TYPE);
    return metrics.text();
  });
}
