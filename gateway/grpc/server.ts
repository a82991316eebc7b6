import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type pino from 'pino';
import type { Config } from '../config.js';
import type { Gateway } from '../context.js';
import type { AuthService } from '../services/identity/auth.js';
import type { CallContext } from './call.js';
import { auditHandlers } from './handlers/audit.js';
import { consentHandlers } from './handlers/consent.js';
import { policyHandlers } from './handlers/policy.js';
import { queryHandlers } from './handlers/query.js';
import { recordHandlers } from './handlers/record.js';
import { settlementHandlers } from './handlers/settlement.js';
import { SERVICES, loadProtos, reflectionDefinition } from './protos.js';

export interface GrpcServer {
  port: number;
  server: grpc.Server;
  health: HealthImplementation;
  close(): Promise<void>;
}

/** Every service of proto/vouch/v1, each with its handlers (grpc/handlers/, typed by the generated types). */
function addServices(server: grpc.Server, ctx: CallContext): void {
  const v1 = loadProtos().proto.vouch.v1;
  server.addService(v1.ConsentService.service, consentHandlers(ctx));
  server.addService(v1.RecordService.service, recordHandlers(ctx));
  server.addService(v1.PolicyService.service, policyHandlers(ctx));
  server.addService(v1.QueryService.service, queryHandlers(ctx));
  server.addService(v1.SettlementService.service, settlementHandlers(ctx));
  server.addService(v1.AuditService.service, auditHandlers(ctx));
}

/**
 * The standard health service (every vouch service and '' follow the gateway's readiness, polled each
 * second) and server reflection. Returns the health service and the timer to stop at close.
 */
function addHealthAndReflection(server: grpc.Server, gateway: Gateway): { health: HealthImplementation; watch: NodeJS.Timeout } {
  const health = new HealthImplementation({ '': 'SERVING', ...Object.fromEntries(SERVICES.map((s) => [`vouch.v1.${s}`, 'SERVING' as const])) });
  health.addToServer(server);
  new ReflectionService(reflectionDefinition()).addToServer(server);
  const watch = setInterval(() => {
    const status = gateway.ready() ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', status);
    for (const s of SERVICES) health.setStatus(`vouch.v1.${s}`, status);
  }, 1000);
  watch.unref();
  return { health, watch };
}

/** TLS (with client certificates when required) as configured, or plaintext. */
function serverCredentials(config: Config): grpc.ServerCredentials {
  if (!config.tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(
    config.tls.caFile ? fs.readFileSync(config.tls.caFile) : null,
    [{ cert_chain: fs.readFileSync(config.tls.certFile), private_key: fs.readFileSync(config.tls.keyFile) }],
    config.tls.requireClientCert,
  );
}

/** Binds the configured address (an IPv6 host in brackets); resolves with the port bound (0 picks one). */
function bind(server: grpc.Server, config: Config): Promise<number> {
  const host = config.grpc.host.includes(':') && !config.grpc.host.startsWith('[') ? `[${config.grpc.host}]` : config.grpc.host;
  return new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${config.grpc.port}`, serverCredentials(config), (err, p) => (err ? reject(err) : resolve(p))),
  );
}

/** Waits for the calls in flight (up to 5 s, then cuts them). */
function shutdown(server: grpc.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 5000);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The same services as the HTTP API, over gRPC: started and stopped beside the HTTP server (gateway/server.ts). */
export async function startGrpcServer(config: Config, gateway: Gateway, auth: AuthService, logger: pino.Logger): Promise<GrpcServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.limits.bodyLimitBytes,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
  });
  addServices(server, { gateway, auth, logger, bindClientCertificate: Boolean(config.tls?.requireClientCert) });
  const { health, watch } = addHealthAndReflection(server, gateway);
  const port = await bind(server, config);
  logger.info({ port, tls: Boolean(config.tls) }, `gRPC listening at ${config.grpc.host}:${port}`);
  return {
    port,
    server,
    health,
    close: () => {
      clearInterval(watch);
      return shutdown(server);
    },
  };
}
