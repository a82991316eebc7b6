/**
 * Bare baselines the benchmark compares against, each run as its own process:
 *   node dist/bench/baselines.js http   — Fastify hello world
 *   node dist/bench/baselines.js grpc   — grpc-js echo server
 * Each prints "PORT <n>" once listening.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ECHO_PROTO = path.resolve(here, '../../bench/echo.proto');

async function http(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
}

async function echo(): Promise<void> {
  const def = protoLoader.loadSync(ECHO_PROTO, { keepCase: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { bench: { Echo: { service: grpc.ServiceDefinition } } };
  const server = new grpc.Server();
  server.addService(pkg.bench.Echo.service, {
    Echo: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, call.request),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.stdout.write(`PORT ${port}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  (process.argv[2] === 'grpc' ? echo() : http()).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
