/**
 * What every part of the benchmark shares: its settings (from the environment, see bench/run.ts), the
 * results and table it fills, child processes that print their port, and the two load generators
 * (autocannon for HTTP, a bounded loop for gRPC).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type * as grpc from '@grpc/grpc-js';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const quick = process.env.BENCH_QUICK === '1';
export const PATIENTS = Number(process.env.BENCH_PATIENTS ?? (quick ? 3000 : 100_000));
export const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 3 : 8));
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
export const PROOF_SIZES = quick ? [10_000, 100_000] : [1_000_000, 10_000_000];
export const SCALE_SIZES = quick ? [1000, 10_000] : [10_000, 1_000_000];

/** The figures of the run (the last line's JSON) and the rows of the readable table. */
export const results: Record<string, number> = {};
export const table: [string, string, string][] = [];
export const log = (s: string) => process.stderr.write(`${s}\n`);
export const round = (x: number) => Math.round(x * 1000) / 1000;

export const pick = (n: number) => crypto.randomInt(0, n);
/** Patients with inpatient Shanghai visits (i % 3 === 0): the quote path that does real work. */
export const shInpatient = (n: number) => pick(Math.floor(n / 3)) * 3;

export interface Child {
  proc: ChildProcess;
  port: number;
  grpcPort?: number;
  stop(): Promise<void>;
}

/**
 * Seeds a population in a child process (bench/run.ts, with BENCH_SEED_DIR and BENCH_SEED_N), on the
 * other core, while this process sets up the rest: setting the stage is not measured, so it may run in
 * parallel; every measurement waits for it. Resolves with the seconds the seeding took; `track` is
 * handed the child (to stop it if the run fails first).
 */
export function seedInChild(dir: string, n: number, track?: (child: ChildProcess) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'run.js')], { env: { ...process.env, BENCH_SEED_DIR: dir, BENCH_SEED_N: String(n) }, stdio: ['ignore', 'pipe', 'inherit'] });
    track?.(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`seeding ${n} patients failed (exit ${code})`))));
  });
}

/** Starts a child and waits for its port line. */
export function startChild(args: string[], env: NodeJS.ProcessEnv, portPattern: RegExp, grpcPattern?: RegExp, logFile?: string): Promise<Child> {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const sink = logFile ? fs.createWriteStream(logFile) : undefined;
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start: ${seen.slice(-500)}`)), 60_000);
    let port: number | undefined;
    let grpcPort: number | undefined;
    const onData = (d: Buffer) => {
      sink?.write(d);
      if (port !== undefined && (!grpcPattern || grpcPort !== undefined)) return;
      seen += d.toString();
      port ??= Number(portPattern.exec(seen)?.[1]) || undefined;
      if (grpcPattern) grpcPort ??= Number(grpcPattern.exec(seen)?.[1]) || undefined;
      if (port !== undefined && (!grpcPattern || grpcPort !== undefined)) {
        clearTimeout(timer);
        resolve({
          proc, port, ...(grpcPort ? { grpcPort } : {}),
          stop: () => new Promise((r) => { proc.once('exit', () => { sink?.end(); r(); }); proc.kill('SIGTERM'); }),
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`child exited ${code}: ${seen.slice(-500)}`)));
  });
}

export function startGateway(dataDir: string, logFile: string): Promise<Child> {
  return startChild(
    [path.join(here, '../gateway/server.js')],
    { VOUCH_DATA_DIR: dataDir, VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0', VOUCH_LOG_LEVEL: 'info' },
    /Server listening at http:\/\/127\.0\.0\.1:(\d+)/,
    /gRPC listening at 127\.0\.0\.1:(\d+)/,
    logFile,
  );
}

export function peakRssMb(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

export interface Load {
  rps: number;
  /** Median latency, ms (autocannon's; the gRPC loop's own). */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export async function cannon(name: string, url: string, request: autocannon.Request, seconds = SECONDS): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, requests: [request] });
  const out = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
  table.push([name, `${Math.round(out.rps)} req/s`, `p50 ${out.p50} ms, p99 ${out.p99} ms${out.non2xx ? `, ${out.non2xx} non-2xx` : ''}${out.errors ? `, ${out.errors} errors` : ''}`]);
  log(`  ${name}: ${Math.round(out.rps)} req/s, p50 ${out.p50} ms, p99 ${out.p99} ms, non-2xx ${out.non2xx}`);
  return out;
}

export function json(method: string, pathName: string, token: string, body: () => unknown): autocannon.Request {
  return {
    method: method as autocannon.Request['method'],
    path: pathName,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    setupRequest: (req) => ({ ...req, body: JSON.stringify(body()) }),
  };
}

/** A bounded gRPC load loop: `CONNECTIONS` calls in flight for `seconds`. */
export async function grpcLoad(name: string, invoke: (done: (err: grpc.ServiceError | null) => void) => void, seconds = SECONDS): Promise<Load> {
  const deadline = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        const t0 = process.hrtime.bigint();
        await new Promise<void>((resolve) =>
          invoke((err) => {
            if (err) failed++;
            else ok++;
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            resolve();
          }),
        );
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const out = { rps: ok / seconds, p50: Math.round(latencies[Math.floor(latencies.length * 0.5)] ?? 0), p99: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0), non2xx: failed, errors: 0 };
  table.push([name, `${Math.round(out.rps)} calls/s`, `p99 ${out.p99} ms${failed ? `, ${failed} failed` : ''}`]);
  log(`  ${name}: ${Math.round(out.rps)} calls/s, p99 ${out.p99} ms, failed ${failed}`);
  return out;
}
