/**
 * The stores side by side (issue 17, item 6): the same population, the same answers over HTTP, real
 * server processes started with `vouch start`, on the same machine in the same run —
 *   (a) SQLite, one process; (b) PostgreSQL, one process; (c) PostgreSQL, N processes (`--workers N`,
 *   N = the cores, at least 2), all sharing the ports and one database.
 * Each store starts from the same seeded state: SQLite from its own bulk-loaded files, each PostgreSQL
 * run from its own copy of one seeded database (CREATE DATABASE … TEMPLATE). The three servers run
 * together, each warmed up for 2 s; then, scenario by scenario, the stores take turns: settlement quote
 * and eligibility (reads; each answer a leaf in the access log) and one-stop settlement (writes: each
 * request a visit no one settled before). Reported: requests/s, p50
 * and p99, and the ratios PG-1/SQLite-1 and PG-N/PG-1; for PostgreSQL also the log sequencer's batches
 * (leaves per batch). Scratch databases are made on BENCH_DATABASE_URL's server (default the local
 * postgres://postgres@localhost:5432/postgres) and dropped at the end, failed or interrupted runs too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { analyzeDatabase, createScratchDatabase, dropScratchDatabase, dropScratchDatabaseSync, watchLogBatches, type BatchCount } from '../gateway/storage/postgres/bench-admin.js';
import { CONNECTIONS, SECONDS, cannon, here, json, log, quick, results, round, seedInChild, shInpatient, table, type Load } from './harness.js';
import { HHB, SH, certnoOf, openBenchGateway, seedPostgres } from './population.js';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@localhost:5432/postgres';
/** Patients in this part's population (a third of them Shanghai inpatients: the visits settlements take). */
export const PG_PATIENTS = Number(process.env.BENCH_PG_PATIENTS ?? (quick ? 9000 : 30_000));
const WORKERS = Math.max(2, os.cpus().length);

/**
 * What a run leaves behind until it is cleared: server processes, scratch databases, data directories.
 * Cleared at the end of the part; if the process exits first (a failure, Ctrl-C, SIGTERM), synchronously
 * on the way out: the servers are sent SIGTERM (a `vouch start` primary passes it to its workers) and the
 * databases dropped with whatever sessions remain.
 */
class Leftovers {
  readonly procs = new Set<ChildProcess>();
  readonly databases = new Set<string>();
  readonly dirs = new Set<string>();
  private readonly onExit = () => this.clearSync();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.clearSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  constructor() {
    process.once('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** A process to stop with the rest. */
  track(p: ChildProcess): void {
    this.procs.add(p);
    p.once('exit', () => this.procs.delete(p));
  }

  dir(prefix: string): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.add(d);
    return d;
  }

  async database(name: string, template?: string): Promise<string> {
    this.databases.add(name);
    return createScratchDatabase(SERVER_URL, name, template);
  }

  async drop(name: string): Promise<void> {
    await dropScratchDatabase(SERVER_URL, name);
    this.databases.delete(name);
  }

  /** Stops the servers, drops the databases, removes the directories: each step tried whatever the others did. */
  async clear(): Promise<void> {
    await Promise.all([...this.procs].map((p) => stopProcess(p)));
    for (const name of [...this.databases]) {
      try {
        await dropScratchDatabase(SERVER_URL, name);
        this.databases.delete(name);
      } catch (err) {
        log(`bench: could not drop scratch database ${name}: ${(err as Error).message}`);
      }
    }
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
    this.dirs.clear();
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  private clearSync(): void {
    for (const p of this.procs) p.kill('SIGTERM');
    for (const name of this.databases) {
      try {
        dropScratchDatabaseSync(SERVER_URL, name);
      } catch (err) {
        process.stderr.write(`bench: could not drop scratch database ${name}: ${(err as Error).message}\n`);
      }
    }
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** SIGTERM, then SIGKILL if the process has not ended within 20 s; resolves when it has ended. */
function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

const LISTENING = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/g;

/**
 * `vouch start [--workers N]` on ephemeral ports (node:cluster gives every worker the same one); resolves
 * with the HTTP port once all `workers` processes listen. Its output goes to `logFile`.
 */
function startVouch(left: Leftovers, env: NodeJS.ProcessEnv, workers: number, logFile: string): Promise<{ port: number; proc: ChildProcess }> {
  const args = [path.join(here, '../gateway/cli.js'), 'start', ...(workers > 1 ? ['--workers', String(workers)] : [])];
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, VOUCH_DATABASE_URL: undefined, VOUCH_STORAGE: undefined, VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0', VOUCH_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  left.track(proc);
  const sink = fs.createWriteStream(logFile);
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vouch start did not listen in time: ${seen.slice(-500)}`)), 90_000);
    const onData = (d: Buffer) => {
      sink.write(d);
      if (seen.length > 1_000_000) return;
      seen += d.toString();
      const ports = [...seen.matchAll(LISTENING)].map((m) => Number(m[1]));
      if (ports.length < workers) return;
      clearTimeout(timer);
      if (new Set(ports).size !== 1) reject(new Error(`workers listen on different ports: ${ports.join(', ')}`));
      else resolve({ port: ports[0]!, proc });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      sink.end();
      clearTimeout(timer);
      reject(new Error(`vouch start exited ${code}: ${seen.slice(-500)}`));
    });
  });
}

interface Tokens {
  hhb: string;
  sh: string;
}

/** Tokens from the keys in dataDir (and the parties of the store there). */
async function tokensOf(dataDir: string, databaseUrl?: string): Promise<Tokens> {
  const g = await openBenchGateway(dataDir, databaseUrl);
  try {
    return { hhb: g.tokens.partyToken(HHB, 'insurer', 7200), sh: g.tokens.partyToken(SH, 'hospital', 7200) };
  } finally {
    await g.close();
  }
}

/** The stores to measure, each with the environment of its server and its tokens. */
interface Store {
  key: 'sqlite1' | 'pg1' | 'pgn';
  label: string;
  workers: number;
  dataDir: string;
  databaseUrl?: string;
  tokens: Tokens;
}

/** Seeds the population once per store kind (SQLite in a child process, PostgreSQL here, in parallel) and copies the database per PostgreSQL run. */
async function setStage(left: Leftovers): Promise<Store[]> {
  log(`setting the stage for the stores (not measured): ${PG_PATIENTS} patients each`);
  const tag = `vouch_bench_${crypto.randomBytes(4).toString('hex')}`;
  const sqliteDir = left.dir('vouch-bench-sqlite1-');
  const pgDir = left.dir('vouch-bench-pg-');
  const sqliteSeed = seedInChild(sqliteDir, PG_PATIENTS, (child) => left.track(child));
  sqliteSeed.catch(() => undefined); // awaited below; a failure is reported there
  const seedUrl = await left.database(`${tag}_seed`);
  log(`  PostgreSQL: seeded in ${(await seedPostgres(pgDir, seedUrl, PG_PATIENTS)).toFixed(0)} s (its repositories, 4 transactions at a time)`);
  await analyzeDatabase(seedUrl);
  const pgTokens = await tokensOf(pgDir, seedUrl);
  const oneUrl = await left.database(`${tag}_1`, `${tag}_seed`);
  const manyUrl = await left.database(`${tag}_n`, `${tag}_seed`);
  await left.drop(`${tag}_seed`);
  log(`  SQLite: seeded in ${(await sqliteSeed).toFixed(0)} s (bulk load, child process)`);
  return [
    { key: 'sqlite1', label: 'SQLite, 1 process', workers: 1, dataDir: sqliteDir, tokens: await tokensOf(sqliteDir) },
    { key: 'pg1', label: 'PostgreSQL, 1 process', workers: 1, dataDir: pgDir, databaseUrl: oneUrl, tokens: pgTokens },
    { key: 'pgn', label: `PostgreSQL, ${WORKERS} processes`, workers: WORKERS, dataDir: pgDir, databaseUrl: manyUrl, tokens: pgTokens },
  ];
}

interface Figures {
  quote: Load;
  eligibility: Load;
  settle: Load;
  /** The log sequencer's batches per scenario (PostgreSQL only). */
  batches?: { quote: BatchCount; eligibility: BatchCount; settle: BatchCount };
}

const SCENARIOS = ['quote', 'eligibility', 'settle'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** A store's server, running. */
interface Running {
  store: Store;
  url: string;
  proc: ChildProcess;
  logFile: string;
  /** The sequencer's batches on its database (PostgreSQL). */
  watch?: { take(): Promise<BatchCount>; close(): Promise<void> };
  /** Settlements asked for so far: each takes the next fresh visit. */
  settled: number;
}

const visit = (i: number) => ({ certno: certnoOf(i), policy_no: `POL${i}-${HHB}`, provider: SH, mdtrt_id: `V${i}` });

/** Starts the store's server and warms it up with 2 s of quotes, not counted (the JIT, first touches of the data, the sequencer's election, the pools filling). */
async function start(left: Leftovers, s: Store): Promise<Running> {
  const env = { VOUCH_DATA_DIR: s.dataDir, ...(s.databaseUrl ? { VOUCH_DATABASE_URL: s.databaseUrl } : {}) };
  const logFile = path.join(s.dataDir, `${s.key}.log`);
  const { port, proc } = await startVouch(left, env, s.workers, logFile);
  const url = `http://127.0.0.1:${port}`;
  await autocannon({ url, connections: CONNECTIONS, duration: 2, requests: [request(s, 'quote', () => 0)] });
  const watch = s.databaseUrl ? await watchLogBatches(s.databaseUrl) : undefined;
  return { store: s, url, proc, logFile, ...(watch ? { watch } : {}), settled: 0 };
}

/** The request of a scenario: quote and eligibility on random Shanghai inpatient visits, settlement on the next fresh one. */
function request(s: Store, scn: Scenario, nextSettlement: () => number): autocannon.Request {
  switch (scn) {
    case 'quote':
      return json('POST', '/v1/settlements/quote', s.tokens.hhb, () => visit(shInpatient(PG_PATIENTS)));
    case 'eligibility':
      return json('POST', '/v1/eligibility', s.tokens.hhb, () => visit(shInpatient(PG_PATIENTS)));
    case 'settle':
      return json('POST', '/v1/settlements', s.tokens.sh, () => {
        const i = (nextSettlement() % Math.floor(PG_PATIENTS / 3)) * 3;
        return { certno: certnoOf(i), mdtrt_id: `V${i}`, request_id: `bench-${i}` };
      });
  }
}

const SCENARIO_NAMES: Record<Scenario, string> = { quote: 'settlement quote', eligibility: 'eligibility', settle: 'one-stop settlement (writes)' };

/**
 * Every store under every scenario, the stores taking turns within each scenario (SQLite, PG-1, PG-N,
 * seconds apart): a machine whose load drifts during the run disturbs the three alike, not one store.
 */
async function measureAll(running: Running[]): Promise<Record<Store['key'], Figures>> {
  const loads = new Map<Running, Partial<Figures>>(running.map((r) => [r, {}]));
  for (const scn of SCENARIOS) {
    log(`  ${SCENARIO_NAMES[scn]}:`);
    for (const r of running) {
      await r.watch?.take();
      const load = await cannon(`${r.store.label}: ${SCENARIO_NAMES[scn]}`, r.url, request(r.store, scn, () => r.settled++));
      const f = loads.get(r)!;
      f[scn] = load;
      const batches = await r.watch?.take();
      if (batches) f.batches = { ...f.batches, [scn]: batches } as Figures['batches'];
      if (load.non2xx || load.errors) log(`  non-2xx answers or errors: the server's last lines other than requests:\n${tail(r.logFile)}`);
    }
  }
  const visits = Math.floor(PG_PATIENTS / 3);
  for (const r of running) if (r.settled > visits) log(`  (${r.store.label}: ${r.settled} settlements for ${visits} fresh visits, some repeated; raise BENCH_PG_PATIENTS)`);
  return Object.fromEntries(running.map((r) => [r.store.key, loads.get(r) as Figures])) as Record<Store['key'], Figures>;
}

/** The last lines of the server's log that are not request lines (errors, warnings), for a failed scenario. */
function tail(file: string): string {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.includes('"request completed"') && !l.includes('"incoming request"'));
  return lines.slice(-8).map((l) => `    ${l.slice(0, 300)}`).join('\n');
}

/** Figures into the JSON line and the ratios into the table. */
function report(figures: Record<Store['key'], Figures>): void {
  results.pg_workers = WORKERS;
  results.pg_patients = PG_PATIENTS;
  for (const [key, f] of Object.entries(figures)) {
    for (const scn of SCENARIOS) {
      const l = f[scn];
      Object.assign(results, { [`${key}_${scn}_rps`]: Math.round(l.rps), [`${key}_${scn}_p50_ms`]: l.p50, [`${key}_${scn}_p99_ms`]: l.p99, [`${key}_${scn}_non2xx`]: l.non2xx });
      const b = f.batches?.[scn];
      if (b && b.batches > 0) results[`${key}_${scn}_leaves_per_batch`] = round(b.leaves / b.batches);
    }
  }
  for (const scn of SCENARIOS) {
    const pg1 = round(figures.pg1[scn].rps / figures.sqlite1[scn].rps);
    const pgn = round(figures.pgn[scn].rps / figures.pg1[scn].rps);
    results[`pg1_vs_sqlite1_${scn}`] = pg1;
    results[`pgn_vs_pg1_${scn}`] = pgn;
    const batches = (k: 'pg1' | 'pgn') => {
      const b = figures[k].batches?.[scn];
      return b && b.batches ? `${round(b.leaves / b.batches)}` : '—';
    };
    table.push([`PG-1 / SQLite-1, ${scn}`, `${pg1}×`, `PG-${WORKERS} / PG-1: ${pgn}×; leaves per sequencer batch: PG-1 ${batches('pg1')}, PG-${WORKERS} ${batches('pgn')}`]);
  }
}

/** The PostgreSQL part: stage, the three stores' servers, the figures; everything it made is removed, whatever happens. */
export async function postgresStores(): Promise<void> {
  const left = new Leftovers();
  results.pg_load1_start = round(os.loadavg()[0]!);
  const running: Running[] = [];
  try {
    const stores = await setStage(left);
    log('starting the three servers (vouch start), each warmed up with 2 s of quotes, not counted');
    for (const s of stores) running.push(await start(left, s));
    report(await measureAll(running));
    results.pg_load1_end = round(os.loadavg()[0]!);
    log(`stores: ${SECONDS} s per scenario, ${CONNECTIONS} connections, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    for (const r of running) await r.watch?.close();
    await left.clear();
  }
}
