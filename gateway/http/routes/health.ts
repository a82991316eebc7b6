import { Type } from 'typebox';
import type { RoutePlugin } from '../typed.js';

/** Liveness and readiness; public, and they say nothing but up/ready. */
const healthRoutes: RoutePlugin = async (app, opts) => {
  const Status = Type.Object({ status: Type.String() });
  app.get('/healthz', { schema: { hide: true, response: { 200: Status } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true, response: { 200: Status, 503: Status } } }, async (_req, reply) => {
    if (!opts.gateway.ready()) return reply.code(503).send({ status: 'unavailable' });
    return { status: 'ready' };
  });
};
export default healthRoutes;
