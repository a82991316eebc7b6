import { ConfigError, loadConfig, type Config } from './config.js';
import { buildApp } from './app.js';
import { createLogger } from './logger.js';
import { startGrpcServer } from './grpc/server.js';
import { logStartup } from './startup-log.js';

/**
 * Entry point: loads the configuration once, builds the app, listens (HTTP and gRPC), drains the
 * outbox, and closes gracefully on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vouch: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.log.level);
  const app = await buildApp(config, { logger });
  const g = app.gateway;
  logStartup(logger, config, g.keys.dir);
  await g.journal.drainOutbox();
  // The CLI writes admin events to the outbox; the server moves them into the log.
  const drain = setInterval(() => {
    g.journal.drainOutbox().catch((err: unknown) => logger.error({ err }, 'outbox drain failed'));
  }, 1000);
  drain.unref();

  if (config.tls) logger.info('TLS is on');
  await app.listen({ host: config.http.host, port: config.http.port });
  // The same services over gRPC, started and stopped with the HTTP server.
  const grpcServer = await startGrpcServer(config, g, g.auth, logger);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(drain);
    // gRPC first, then HTTP: each waits for its calls in flight; the log is closed last (app onClose).
    grpcServer.close().then(() => app.close()).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`vouch: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
