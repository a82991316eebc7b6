/**
 * `npm run bench` — how fast, measured against bare baselines in the same run on the same machine.
 * Not part of `npm test`. Prints a readable table and, as the last line, one JSON object.
 *
 * Environment: BENCH_PATIENTS (default 100000), BENCH_SECONDS per scenario (default 8),
 * BENCH_CONNECTIONS (default 64), BENCH_QUICK=1 for a short smoke run (small sizes, 3 s scenarios),
 * BENCH_ONLY=http|proofs|scaling|suites to re-measure one part.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import Database from 'better-sqlite3';
import { loadProtos } from '../gateway/grpc/protos.js';
import { AccessLog } from '../gateway/services/access-log/access-log.js';
import { WorkerLogWriter } from '../gateway/services/access-log/writer.js';
import { makeEvent } from '../gateway/domain/audit-events.js';
import { leafHash, nodeHash, verifyInclusion } from '../gateway/domain/merkle.js';
import { openLogStore } from '../gateway/storage/storage.js';
import { KeyStore } from '../keys/keystore.js';
import { BUREAU, GZ, HHB, SH, certnoOf, openBenchGateway, recordBodyOf, seed } from './population.js';
import { ECHO_PROTO } from './baselines.js';
import { suiteCosts } from './suites.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? (quick ? 3000 : 100_000));
const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 3 : 8));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const PROOF_SIZES = quick ? [10_000, 100_000] : [1_000_000, 10_000_000];
const SCALE_SIZES = quick ? [1000, 10_000] : [10_000, 1_000_000];

const results: Record<string, number> = {};
const table: [string, string, string][] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Child {
  proc: ChildProcess;
  port: number;
  grpcPort?: number;
  stop(): Promise<void>;
}

/** Starts a child and waits for its port line. */
function startChild(args: string[], env: NodeJS.ProcessEnv, portPattern: RegExp, grpcPattern?: RegExp, logFile?: string): Promise<Child> {
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

function startGateway(dataDir: string, logFile: string): Promise<Child> {
  return startChild(
    [path.join(here, '../gateway/server.js')],
    { VOUCH_DATA_DIR: dataDir, VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0', VOUCH_LOG_LEVEL: 'info' },
    /Server listening at http:\/\/127\.0\.0\.1:(\d+)/,
    /gRPC listening at 127\.0\.0\.1:(\d+)/,
    logFile,
  );
}

function peakRssMb(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

interface Load {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function cannon(name: string, url: string, request: autocannon.Request, seconds = SECONDS): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, requests: [request] });
  const out = { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
  table.push([name, `${Math.round(out.rps)} req/s`, `p99 ${out.p99} ms${out.non2xx ? `, ${out.non2xx} non-2xx` : ''}${out.errors ? `, ${out.errors} errors` : ''}`]);
  log(`  ${name}: ${Math.round(out.rps)} req/s, p99 ${out.p99} ms, non-2xx ${out.non2xx}`);
  return out;
}

function json(method: string, pathName: string, token: string, body: () => unknown): autocannon.Request {
  return {
    method: method as autocannon.Request['method'],
    path: pathName,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    setupRequest: (req) => ({ ...req, body: JSON.stringify(body()) }),
  };
}

/** A bounded gRPC load loop: `CONNECTIONS` calls in flight for `seconds`. */
async function grpcLoad(name: string, invoke: (done: (err: grpc.ServiceError | null) => void) => void, seconds = SECONDS): Promise<Load> {
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
  const out = { rps: ok / seconds, p99: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0), non2xx: failed, errors: 0 };
  table.push([name, `${Math.round(out.rps)} calls/s`, `p99 ${out.p99} ms${failed ? `, ${failed} failed` : ''}`]);
  log(`  ${name}: ${Math.round(out.rps)} calls/s, p99 ${out.p99} ms, failed ${failed}`);
  return out;
}

type UnaryCall = (req: unknown, cb: (err: grpc.ServiceError | null) => void) => void;
type UnaryCallWithMetadata = (req: unknown, md: grpc.Metadata, cb: (err: grpc.ServiceError | null) => void) => void;

const pick = (n: number) => crypto.randomInt(0, n);
/** Patients with inpatient Shanghai visits (i % 3 === 0): the quote path that does real work. */
const shInpatient = (n: number) => pick(Math.floor(n / 3)) * 3;

async function httpScenarios(dataDir: string): Promise<void> {
  const g = openBenchGateway(dataDir);
  const tok = {
    hhb: g.tokens.partyToken(HHB, 'insurer', 7200),
    sh: g.tokens.partyToken(SH, 'hospital', 7200),
    gz: g.tokens.partyToken(GZ, 'hospital', 7200),
    bureau: g.tokens.partyToken(BUREAU, 'bureau', 7200),
  };
  await g.close();
  const hello = await startChild([path.join(here, 'baselines.js'), 'http'], {}, /PORT (\d+)/);
  const gw = await startGateway(dataDir, path.join(dataDir, 'gateway.log'));
  const helloUrl = `http://127.0.0.1:${hello.port}`;
  const url = `http://127.0.0.1:${gw.port}`;
  try {
    log('HTTP scenarios (alternating with the bare Fastify baseline):');
    const hellos: number[] = [];
    hellos.push((await cannon('hello (bare Fastify)', helloUrl, { method: 'GET', path: '/' })).rps);
    const visit = (i: number) => ({ certno: certnoOf(i), policy_no: `POL${i}-${HHB}`, provider: SH, mdtrt_id: `V${i}` });
    const quoteRequest = json('POST', '/v1/settlements/quote', tok.hhb, () => visit(shInpatient(PATIENTS)));
    // The gateway has just started: 2 s of the same load, not counted, so the first scenario is not also
    // measuring the JIT and the first touch of the database file.
    await autocannon({ url, connections: CONNECTIONS, duration: 2, requests: [quoteRequest] });
    const quote = await cannon('settlement quote', url, quoteRequest);
    hellos.push((await cannon('hello (bare Fastify)', helloUrl, { method: 'GET', path: '/' })).rps);
    const elig = await cannon('eligibility', url, json('POST', '/v1/eligibility', tok.hhb, () => visit(shInpatient(PATIENTS))));
    const claims = await cannon('claim verification', url, json('POST', '/v1/claims/verify', tok.hhb, () => {
      const i = shInpatient(PATIENTS);
      return { certno: certnoOf(i), provider: SH, mdtrt_id: `V${i}`, claimed: { medfee_sumamt_fen: 1 + pick(1000) } };
    }));
    hellos.push((await cannon('hello (bare Fastify)', helloUrl, { method: 'GET', path: '/' })).rps);
    // Each settlement takes a visit no one settled before (Shanghai patients, both products at the cashier).
    let next = 0;
    const settle = await cannon('one-stop settlement (writes)', url, json('POST', '/v1/settlements', tok.sh, () => {
      const i = (next++ % Math.floor(PATIENTS / 3)) * 3;
      return { certno: certnoOf(i), mdtrt_id: `V${i}`, request_id: `bench-${i}` };
    }));
    let pushed = 0;
    const push = await cannon('record push (writes)', url, json('POST', '/v1/records', tok.sh, () => {
      const i = shInpatient(PATIENTS);
      return recordBodyOf(i, `NEW${pushed++}-${i}`);
    }));
    hellos.push((await cannon('hello (bare Fastify)', helloUrl, { method: 'GET', path: '/' })).rps);
    const helloRps = hellos.reduce((a, b) => a + b, 0) / hellos.length;
    Object.assign(results, {
      hello_rps: Math.round(helloRps),
      quote_rps: Math.round(quote.rps), quote_p99_ms: quote.p99,
      eligibility_rps: Math.round(elig.rps), eligibility_p99_ms: elig.p99,
      claim_rps: Math.round(claims.rps),
      settle_rps: Math.round(settle.rps), settle_p99_ms: settle.p99,
      push_rps: Math.round(push.rps), push_p99_ms: push.p99,
      quote_vs_hello: round(quote.rps / helloRps), settle_vs_hello: round(settle.rps / helloRps),
      non2xx_quote: quote.non2xx, non2xx_settle: settle.non2xx, non2xx_push: push.non2xx,
    });

    log('gRPC (alternating with a bare grpc-js echo server):');
    const echo = await startChild([path.join(here, 'baselines.js'), 'grpc'], {}, /PORT (\d+)/);
    try {
      const echoDef = grpc.loadPackageDefinition(protoLoader.loadSync(ECHO_PROTO, { keepCase: true })) as unknown as { bench: { Echo: new (a: string, c: grpc.ChannelCredentials) => grpc.Client & { Echo: UnaryCall } } };
      const echoClient = new echoDef.bench.Echo(`127.0.0.1:${echo.port}`, grpc.credentials.createInsecure());
      const { proto } = loadProtos();
      const Query = (proto.vouch.v1 as unknown as { QueryService: new (a: string, c: grpc.ChannelCredentials) => grpc.Client & { QuoteSettlement: UnaryCallWithMetadata } }).QueryService;
      const quoteClient = new Query(`127.0.0.1:${gw.grpcPort}`, grpc.credentials.createInsecure());
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${tok.hhb}`);
      const echoes: number[] = [];
      echoes.push((await grpcLoad('echo (bare grpc-js)', (done) => echoClient.Echo(visit(shInpatient(PATIENTS)), done))).rps);
      const gq = await grpcLoad('QuoteSettlement over gRPC', (done) => quoteClient.QuoteSettlement(visit(shInpatient(PATIENTS)), md, done));
      echoes.push((await grpcLoad('echo (bare grpc-js)', (done) => echoClient.Echo(visit(shInpatient(PATIENTS)), done))).rps);
      const echoRps = echoes.reduce((a, b) => a + b, 0) / echoes.length;
      Object.assign(results, { grpc_echo_rps: Math.round(echoRps), grpc_quote_rps: Math.round(gq.rps), grpc_quote_p99_ms: gq.p99, grpc_quote_vs_echo: round(gq.rps / echoRps) });
      echoClient.close();
      quoteClient.close();
    } finally {
      await echo.stop();
    }
    results.rss_mb = peakRssMb(gw.proc.pid);
  } finally {
    await gw.stop();
    await hello.stop();
  }
}

/** Throughput of the access log alone: events appended durably per second (group commit). */
async function logAppendThroughput(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vouch-bench-log-'));
  const keys = KeyStore.open(dir);
  const store = openLogStore({ storage: 'sqlite', dataDir: dir });
  // The writer the server uses: its own thread and connection.
  const audit = new AccessLog(store, keys, { maxDelayMs: 0, headIntervalMs: 0, writer: new WorkerLogWriter({ storage: 'sqlite', dataDir: dir }) });
  const n = quick ? 20_000 : 200_000;
  const subject = 'b'.repeat(64);
  const t0 = Date.now();
  for (let s = 0; s < n; s += 1000) {
    await Promise.all(Array.from({ length: 1000 }, (_, k) => audit.append(makeEvent({ kind: 'query.quote', time: t0 + s + k, actor: HHB, actor_role: 'insurer', outcome: 'allowed', subject, purpose: 'settlement' }))));
  }
  results.log_append_per_s = Math.round(n / ((Date.now() - t0) / 1000));
  table.push(['access-log append (durable, group commit)', `${results.log_append_per_s} leaves/s`, `${n} leaves`]);
  await audit.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Inclusion-proof latency at large sizes. The tree is bulk-built (leaf hashes and completed subtrees,
 * written exactly as the log stores them, without the search indexes) — building 10^7 real events
 * through the append path would take the whole budget; proofs read only leaf hashes and subtrees.
 */
interface ProofTree {
  dir: string;
  size: number;
  buildS: number;
}

function buildProofTree(size: number): ProofTree {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vouch-bench-proof-'));
  const file = path.join(dir, 'audit.db');
  openLogStore({ storage: 'sqlite', dataDir: dir }).close();
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF'); // bulk build only; the measured log is reopened with FULL below
  for (const idx of ['leaves_time', 'leaves_actor', 'leaves_action']) raw.exec(`DROP INDEX ${idx}`);
  const insLeaf = raw.prepare("INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, outcome) VALUES (?, ?, ?, ?, 0, 'b', 'insurer', 'query.quote', 'allowed')");
  const insNode = raw.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)');
  const frontier = new Map<number, Buffer>();
  const t0 = Date.now();
  const chunk = 200_000;
  for (let start = 0; start < size; start += chunk) {
    raw.transaction(() => {
      for (let i = start; i < Math.min(size, start + chunk); i++) {
        const bytes = Buffer.alloc(8);
        bytes.writeBigUInt64BE(BigInt(i));
        let h = leafHash(bytes);
        insLeaf.run(i, i.toString(36).padStart(8, '0'), bytes, h); // ids in index order, as the gateway's grow with time
        let idx = i;
        let level = 0;
        while (idx % 2 === 1) {
          h = nodeHash(frontier.get(level)!, h);
          frontier.delete(level);
          level++;
          idx = Math.floor(idx / 2);
          insNode.run(level, idx, h);
        }
        frontier.set(level, h);
      }
    })();
  }
  raw.close();
  return { dir, size, buildS: (Date.now() - t0) / 1000 };
}

async function proofLatency({ dir, size, buildS }: ProofTree): Promise<number> {
  const keys = KeyStore.open(dir);
  const store = openLogStore({ storage: 'sqlite', dataDir: dir });
  const audit = new AccessLog(store, keys, { maxDelayMs: 0, headIntervalMs: 0 });
  const head = await audit.treeHead();
  const root = Buffer.from(head.root_hash, 'hex');
  const samples = 2000;
  let bad = 0;
  const t1 = process.hrtime.bigint();
  for (let k = 0; k < samples; k++) {
    const i = pick(size);
    const p = audit.inclusionProof(i, size);
    if (!verifyInclusion(i, size, Buffer.from(p.leaf_hash, 'hex'), p.audit_path.map((x) => Buffer.from(x, 'hex')), root)) bad++;
  }
  const ms = Number(process.hrtime.bigint() - t1) / 1e6 / samples;
  if (bad) throw new Error(`${bad} proofs failed to verify at size ${size}`);
  table.push([`inclusion proof at ${size.toExponential(0)} leaves`, `${ms.toFixed(3)} ms`, `tree built in ${buildS.toFixed(0)} s`]);
  await audit.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return round(ms);
}

/**
 * Seeds a population in a child process, on the other core, while this process sets up the rest:
 * setting the stage is not measured, so it may run in parallel; every measurement waits for it.
 */
function seedInChild(dir: string, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, BENCH_SEED_DIR: dir, BENCH_SEED_N: String(n) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`seeding ${n} patients failed (exit ${code})`))));
  });
}

/** Quote throughput with few and many records on the same node (does the working set hurt?). */
async function scaling(dirs: string[]): Promise<void> {
  const rps: number[] = [];
  for (const [k, n] of SCALE_SIZES.entries()) {
    const dir = dirs[k]!;
    const g = openBenchGateway(dir);
    const token = g.tokens.partyToken(HHB, 'insurer', 3600);
    await g.close();
    const gw = await startGateway(dir, path.join(dir, 'gateway.log'));
    const request = json('POST', '/v1/settlements/quote', token, () => {
      const i = shInpatient(n);
      return { certno: certnoOf(i), policy_no: `POL${i}-${HHB}`, provider: SH, mdtrt_id: `V${i}` };
    });
    try {
      // Steady state, not the first touch of a freshly opened file: 2 s of the same load, not counted.
      await autocannon({ url: `http://127.0.0.1:${gw.port}`, connections: CONNECTIONS, duration: 2, requests: [request] });
      const r = await cannon(`settlement quote, ${n.toExponential(0)} records`, `http://127.0.0.1:${gw.port}`, request, Math.max(3, Math.round(SECONDS / 2)));
      rps.push(r.rps);
    } finally {
      await gw.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  Object.assign(results, { quote_rps_small: Math.round(rps[0]!), quote_rps_large: Math.round(rps[1]!), records_scaling_loss: round(1 - rps[1]! / rps[0]!) });
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vouch-bench-'));
  log(`Vouch benchmark: ${PATIENTS} patients, ${SECONDS} s per scenario, ${CONNECTIONS} connections, ${os.cpus().length} cores, node ${process.version}`);
  const only = process.env.BENCH_ONLY; // http | log | proofs | scaling | suites: one part, for re-measuring
  const part = (name: string) => !only || only === name;

  // Setting the stage, on both cores: the large scaling population in a child process, the rest here.
  log('setting the stage (not measured):');
  const scaleDirs = SCALE_SIZES.map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `vouch-bench-scale-${n}-`)));
  const bigSeed = part('scaling') ? seedInChild(scaleDirs[1]!, SCALE_SIZES[1]!) : Promise.resolve(0);
  bigSeed.catch(() => undefined); // awaited below; a failure is reported there
  if (part('http')) log(`  seeded ${PATIENTS} patients (consents, policies, sealed records) in ${(await seed(dir, PATIENTS)).toFixed(0)} s`);
  const trees: ProofTree[] = [];
  if (part('log') || part('proofs')) {
    for (const size of PROOF_SIZES) {
      trees.push(buildProofTree(size));
      log(`  built a tree of ${size} leaves in ${trees[trees.length - 1]!.buildS.toFixed(0)} s`);
    }
  }
  if (part('scaling')) {
    log(`  seeded ${SCALE_SIZES[0]} patients in ${(await seed(scaleDirs[0]!, SCALE_SIZES[0]!)).toFixed(0)} s`);
    log(`  seeded ${SCALE_SIZES[1]} patients in ${(await bigSeed).toFixed(0)} s (child process)`);
  }

  if (part('http')) await httpScenarios(dir);
  if (part('log') || part('proofs')) {
    log('access log and proofs:');
    await logAppendThroughput();
    results.proof_ms_1e6 = await proofLatency(trees[0]!);
    results.proof_ms_1e7 = await proofLatency(trees[1]!);
  }
  if (part('scaling')) {
    log('records scaling:');
    await scaling(scaleDirs);
  }
  if (part('suites')) {
    log('crypto suites (VOUCH_CRYPTO), in process:');
    for (const r of await suiteCosts(quick)) {
      table.push([`quote, one at a time (${r.suite})`, `${r.quote_ms.toFixed(2)} ms`, `32 in flight: ${Math.round(r.quote_per_s)} answers/s; receipt signature ${Math.round(r.sign_us)} µs`]);
      table.push([`record push (${r.suite})`, `${r.push_ms.toFixed(2)} ms`, `in the SM4/SM2 envelope: ${r.envelope_push_ms.toFixed(2)} ms`]);
      Object.assign(results, {
        [`suite_${r.suite}_quote_ms`]: round(r.quote_ms), [`suite_${r.suite}_quote_per_s`]: Math.round(r.quote_per_s),
        [`suite_${r.suite}_push_ms`]: round(r.push_ms), [`suite_${r.suite}_envelope_push_ms`]: round(r.envelope_push_ms), [`suite_${r.suite}_sign_us`]: Math.round(r.sign_us),
      });
    }
  }
  for (const d of scaleDirs) fs.rmSync(d, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  results.total_s = Math.round((Date.now() - started) / 1000);

  const w = Math.max(...table.map((r) => r[0].length));
  process.stdout.write('\n');
  for (const [a, b, c] of table) process.stdout.write(`${a.padEnd(w)}  ${b.padStart(16)}  ${c}\n`);
  if (results.quote_vs_hello !== undefined) {
    process.stdout.write(`\nquote/hello ${results.quote_vs_hello}   settle/hello ${results.settle_vs_hello}   grpc quote/echo ${results.grpc_quote_vs_echo}   peak RSS ${results.rss_mb} MB\n`);
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}


if (process.env.BENCH_SEED_DIR) {
  // A child started by seedInChild: seed, print the seconds taken, exit.
  seed(process.env.BENCH_SEED_DIR, Number(process.env.BENCH_SEED_N)).then(
    (seconds) => process.stdout.write(`${seconds}\n`),
    (err: unknown) => {
      process.stderr.write(`seeding failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
