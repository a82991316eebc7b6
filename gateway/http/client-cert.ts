import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { VouchError } from '../errors.js';

/** What answers without a client certificate under mutual TLS: the two probes, nothing else. */
export const PROBES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/**
 * Mutual TLS for HTTP, enforced per request instead of in the handshake. The TLS layer asks every client
 * for a certificate and verifies it against `VOUCH_TLS_CA`, but lets the connection through either way;
 * this hook then refuses every route except the liveness and readiness probes unless the certificate
 * verified. Health checkers (Docker, Kubernetes, load balancers) carry no client certificate, and a
 * gateway that cannot be probed gets restarted in a loop. Everything else is refused before its body is
 * read, as the handshake would have done.
 */
export function requireClientCertificate(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (PROBES.has(request.routeOptions.url ?? '')) return;
    const socket = request.raw.socket as Partial<TLSSocket>;
    if (socket.authorized !== true) throw new VouchError('UNAUTHENTICATED', 'A client certificate issued by the configured CA is required.');
  });
}
