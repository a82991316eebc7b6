import t from 'tap';
import path from 'node:path';
import pg from 'pg';
import { openGateway } from '../../gateway/context.js';
import { createLogger } from '../../gateway/logger.js';
import { ADMIN, certno, spawnGateway, tempDir, testConfig } from '../helpers.js';
import { TEST_SERVER_URL, scratchDatabase } from '../postgres.js';
import { HHB, SH } from '../fixtures/world.js';
import { CHILD_ENV, CLI, TcpProxy, billA, call, run, sequences, until, verifyReceipts, type Answer } from './postgres-gateways.js';

/**
 * Issue 17's fault promises, with real processes on a scratch PostgreSQL database and one keys folder:
 * the process that sequences the access log killed with SIGKILL under load (the other takes over, nothing
 * acknowledged is lost, the log verifies, the killed one rejoins), and one gateway's database unreachable
 * for a few seconds (a TCP proxy cut in front of it, not the shared server: prompt 503s, never 500 or a
 * hang, not ready; it recovers by itself when the database is back).
 */
const PATIENTS = 6;
const VISITS = 24;
/** The last visits of each patient are kept for the outage test: the load settles only those before. */
const RESERVED = 6;
const patient = (p: number) => certno(1900 + p);

type Gateway = Awaited<ReturnType<typeof spawnGateway>>;

interface World {
  env: Record<string, string>;
  db: { url: string };
  gateways: Gateway[];
  /** Each gateway's data directory (a restart finds it). */
  dirs: Map<Gateway, string>;
  tokens: { hosp: string; ins: string; bureau: string };
  start(dir: string, env?: Record<string, string>): Promise<Gateway>;
}

let shared: Promise<World> | undefined;

/**
 * Parties, consents, policies and visits written through the services on the database (as test/attacks/
 * crash.test.ts seeds), then two gateway processes on it, each with its own data directory. Shared by
 * the tests of this file; dropped when the file ends.
 */
function world(): Promise<World> {
  shared ??= (async () => {
    const db = await scratchDatabase(t);
    const env = { ...CHILD_ENV, VOUCH_DATABASE_URL: db.url, VOUCH_KEYS_DIR: path.join(tempDir(), 'keys-secret') };
    const g = await openGateway(testConfig(tempDir(), env), createLogger('silent'));
    await g.parties.add({ role: 'hospital', code: SH, name: 'H', level: 3 }, ADMIN);
    await g.parties.add({ role: 'insurer', code: HHB, name: 'I' }, ADMIN);
    await g.parties.add({ role: 'bureau', code: 'BUR', name: 'B' }, ADMIN);
    const tokens = { hosp: g.tokens.partyToken(SH, 'hospital', 7200), ins: g.tokens.partyToken(HHB, 'insurer', 7200), bureau: g.tokens.partyToken('BUR', 'bureau', 7200) };
    const hospital = { role: 'hospital' as const, code: SH, jti: 'x' };
    for (let p = 0; p < PATIENTS; p++) {
      const who = patient(p);
      await g.consents.grant({ role: 'patient', code: 'patient', subject: g.vault.blindIndex(who), jti: 'x' }, { grantee: HHB, purposes: ['eligibility', 'settlement'], valid_until: '2031-01-01' });
      await g.policies.enroll({ role: 'insurer', code: HHB, jti: 'x' }, `HHB-${p}`, { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' });
      await Promise.all(Array.from({ length: VISITS }, (_, v) => g.records.push(hospital, billA(who, `V${p}-${v}`))));
    }
    await g.close();
    const gateways: Gateway[] = [];
    const dirs = new Map<Gateway, string>();
    const start = async (dir: string, extra: Record<string, string> = {}) => {
      const gw = await spawnGateway(dir, { ...env, ...extra });
      gateways.push(gw);
      dirs.set(gw, dir);
      t.teardown(gw.stop);
      return gw;
    };
    await Promise.all([start(tempDir()), start(tempDir())]);
    return { env, db, gateways, dirs, tokens, start };
  })();
  return shared;
}

interface Sent {
  url: string;
  at: number;
  status: number;
  code: string | undefined;
}

/**
 * Clients asking two processes (quotes, settlements of fresh visits, pushes) until stopped; what was
 * acknowledged is kept to be checked against the log and the state afterwards.
 */
class Load {
  readonly sent: Sent[] = [];
  readonly receipts: { receipt_id: string; leaf_index: number; leaf_hash: string }[] = [];
  readonly settlements = new Map<string, { payload: unknown; body: unknown }>();
  readonly pushes: { payload: unknown; body: { record_id: string; version: number } }[] = [];
  private stopped = false;
  private running: Promise<void>[] = [];
  private next = 0;

  constructor(
    private readonly w: World,
    private readonly urls: () => string[],
  ) {}

  start(clients: number): void {
    this.stopped = false;
    this.running = Array.from({ length: clients }, (_, k) => this.client(k));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  private async client(k: number): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      const urls = this.urls();
      const url = urls[(k + i) % urls.length]!;
      const n = this.next++;
      const p = n % PATIENTS;
      let r: Answer;
      if (n % 3 === 0 && n / 3 < PATIENTS * (VISITS - RESERVED)) {
        // Each visit settled once, visits of one patient spread over both processes.
        const v = Math.floor(n / 3);
        const payload = { certno: patient(v % PATIENTS), mdtrt_id: `V${v % PATIENTS}-${Math.floor(v / PATIENTS)}`, request_id: `load-${v}` };
        r = await call('POST', `${url}/v1/settlements`, this.w.tokens.hosp, payload);
        if (r.status === 201) {
          this.settlements.set(payload.request_id, { payload, body: r.body });
          this.receipts.push(r.body.receipt);
        }
      } else if (n % 3 === 1) {
        const payload = billA(patient(p), `N-${n}`);
        r = await call('POST', `${url}/v1/records`, this.w.tokens.hosp, payload);
        if (r.status === 201) this.pushes.push({ payload, body: r.body });
      } else {
        r = await call('POST', `${url}/v1/settlements/quote`, this.w.tokens.ins, { certno: patient(p), policy_no: `HHB-${p}`, provider: SH, mdtrt_id: `V${p}-${n % VISITS}` });
        if (r.status === 200) this.receipts.push(r.body.receipt);
      }
      this.sent.push({ url, at: Date.now(), status: r.status, code: r.body?.error?.code });
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `work` over `items`, eight at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

t.test('kill -9 of the sequencer under load: the other takes over, nothing acknowledged is lost, the killed one rejoins', async (t) => {
  const w = await world();
  const live = () => w.gateways.filter((g) => g.proc.exitCode === null && g.proc.signalCode === null);
  const load = new Load(w, () => live().map((g) => g.url));
  for (let round = 1; round <= 2; round++) {
    t.ok(await until(() => live().filter((g) => sequences(g.output())).length === 1, 10_000), `round ${round}: one process says it sequences the log`);
    const victim = live().find((g) => sequences(g.output()))!;
    const survivor = live().find((g) => g !== victim)!;
    load.start(8);
    await sleep(1500);
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');
    await new Promise((r) => victim.proc.once('exit', r));
    await sleep(3000);
    await load.stop();

    const before = load.sent.filter((s) => s.at < killedAt - 200);
    t.same(before.filter((s) => s.status >= 300).map((s) => s.status), [], `round ${round}: before the kill every answer succeeded (${before.length})`);
    const after = load.sent.filter((s) => s.url === survivor.url && s.at > killedAt);
    const failed = after.filter((s) => s.status >= 300);
    t.same(failed.filter((s) => s.status !== 503 || !['STORAGE_UNAVAILABLE', 'LOG_UNAVAILABLE'].includes(s.code ?? '')), [], `round ${round}: the survivor's failures, if any, are 503 STORAGE_UNAVAILABLE or LOG_UNAVAILABLE`);
    const lastFailure = Math.max(killedAt, ...failed.map((s) => s.at));
    t.ok(lastFailure - killedAt <= 5000, `round ${round}: the survivor is back to answering within 5 s of the kill (${failed.length} refused, last ${lastFailure - killedAt} ms after)`);
    t.ok(after.filter((s) => s.status < 300 && s.at > lastFailure).length > 0, `round ${round}: the survivor goes on answering (${after.length} answers after the kill)`);
    t.ok(await until(() => sequences(survivor.output()), 5000), `round ${round}: the survivor now sequences the log`);

    // The killed one is started again on its data directory and the same database: it joins (and in the
    // next round, when the one that took over is killed, it takes over in turn).
    w.gateways.splice(w.gateways.indexOf(victim), 1);
    if (round === 2) break;
    const back = await w.start(w.dirs.get(victim)!);
    const q = await call('POST', `${back.url}/v1/settlements/quote`, w.tokens.ins, { certno: patient(0), policy_no: 'HHB-0', provider: SH, mdtrt_id: 'V0-1' });
    t.equal(q.status, 200, `round ${round}: the restarted process answers`);
    if (q.status === 200) load.receipts.push(q.body.receipt);
  }
  t.ok(load.receipts.length > 20 && load.settlements.size > 5 && load.pushes.length > 5, `load ran: ${load.receipts.length} receipts, ${load.settlements.size} settlements, ${load.pushes.length} pushes acknowledged`);

  // Every acknowledged answer is there: settlements answer the same, pushes are known, receipts' leaves are in the log.
  const url = live()[0]!.url;
  const mismatched: string[] = [];
  await inParallel([...load.settlements], async ([id, ack]) => {
    const again = await call('POST', `${url}/v1/settlements`, w.tokens.hosp, ack.payload);
    if (again.status !== 201 || JSON.stringify(again.body) !== JSON.stringify(ack.body)) mismatched.push(id);
  });
  t.same(mismatched, [], 'every acknowledged settlement answers the same, receipt included');
  const lost: string[] = [];
  await inParallel(load.pushes, async (ack) => {
    const again = await call('POST', `${url}/v1/records`, w.tokens.hosp, ack.payload);
    if (again.body?.record_id !== ack.body.record_id || again.body?.version !== ack.body.version) lost.push(ack.body.record_id);
  });
  t.same(lost, [], 'every acknowledged push is stored');
  const sql = new pg.Client({ connectionString: w.db.url });
  await sql.connect();
  t.teardown(() => sql.end());
  t.ok(await until(async () => (await sql.query('SELECT 1 FROM audit_outbox LIMIT 1')).rowCount === 0, 10_000), 'the outbox drains: every queued event got its leaf');
  const { rows } = await sql.query<{ leaf_index: number; hash: string; leaf: string }>(
    "SELECT leaf_index, encode(leaf_hash, 'hex') AS hash, convert_from(leaf, 'UTF8') AS leaf FROM leaves WHERE leaf_index = ANY($1::bigint[])",
    [load.receipts.map((r) => r.leaf_index)],
  );
  const byIndex = new Map(rows.map((r) => [r.leaf_index, r]));
  const missing = load.receipts.filter((r) => byIndex.get(r.leaf_index)?.hash !== r.leaf_hash || !byIndex.get(r.leaf_index)!.leaf.includes(r.receipt_id));
  t.same(missing, [], `each of the ${load.receipts.length} acknowledged receipts names a leaf in the log that is its own`);
  const shape = (await sql.query<{ n: number; top: number }>('SELECT COUNT(*)::int AS n, MAX(leaf_index)::int AS top FROM leaves')).rows[0]!;
  t.equal(shape.n, shape.top + 1, `leaf indexes 0..${shape.top}: no gap, none twice`);
  const accumulators = await sql.query(`
    SELECT a.policy_no, a.acc_key, a.used_fen, COALESCE(SUM(d.delta_fen) FILTER (WHERE s.status = 'settled'), 0) AS taken
    FROM period_accumulators a
    LEFT JOIN settlement_deltas d ON d.insurer = a.insurer AND d.policy_no = a.policy_no AND d.period_no = a.period_no AND d.acc_key = a.acc_key
    LEFT JOIN settlements s ON s.settlement_id = d.settlement_id
    GROUP BY a.insurer, a.policy_no, a.period_no, a.acc_key, a.used_fen
    HAVING a.used_fen <> COALESCE(SUM(d.delta_fen) FILTER (WHERE s.status = 'settled'), 0)`);
  t.same(accumulators.rows, [], 'accumulators equal the sum of what the committed settlements took');
  const sample = load.receipts.filter((_, i) => i % Math.ceil(load.receipts.length / 40) === 0).map((receipt) => ({ receipt }));
  t.same(await verifyReceipts(url, w.tokens.bureau, sample), [], `a spread of ${sample.length} receipts verify under a signed head (as receipt verify --url)`);
  const verified = await run(CLI, w.env, 'audit', 'verify');
  t.equal(verified.code, 0, `vouch audit verify over the database: ${verified.out.trim()}`);
});

/** A TCP proxy in front of the test server, closed with the test, and the database URL through it. */
async function proxied(t: { teardown(fn: () => unknown): void }, databaseUrl: string): Promise<{ proxy: TcpProxy; url: URL }> {
  const server = new URL(TEST_SERVER_URL);
  const proxy = new TcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  await proxy.open();
  t.teardown(() => proxy.close());
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return { proxy, url };
}

t.test('the database unreachable for a few seconds: prompt 503s, not ready, then answers again by itself', async (t) => {
  const w = await world();
  const { proxy, url: viaProxy } = await proxied(t, w.db.url);
  const c = await w.start(tempDir(), { VOUCH_DATABASE_URL: viaProxy.toString() });
  const direct = w.gateways.find((g) => g !== c && g.proc.exitCode === null && g.proc.signalCode === null)!;
  const quote = (url: string) => call('POST', `${url}/v1/settlements/quote`, w.tokens.ins, { certno: patient(1), policy_no: 'HHB-1', provider: SH, mdtrt_id: 'V1-2' });
  t.equal((await quote(c.url)).status, 200, 'through the proxy the gateway answers');

  // An idle gateway: a load balancer asks only /readyz. Cut off from its database, it must say so.
  proxy.cut();
  const readyz = async () => (await call('GET', `${c.url}/readyz`)).status;
  t.ok(await until(async () => (await readyz()) === 503, 3000), 'idle and cut off: /readyz says not ready within 3 s (no request needed to find out)');
  await proxy.mend();
  t.ok(await until(async () => (await readyz()) === 200, 5000), 'database back: /readyz ready again');

  type Asked = { what: string; status: number; code: string | undefined; ms: number };
  const asked: Asked[] = [];
  const caught: Asked[] = [];
  const ask = async (what: string, send: () => Promise<Answer>, into = asked) => {
    const t0 = Date.now();
    const r = await send();
    into.push({ what, status: r.status, code: r.body?.error?.code, ms: Date.now() - t0 });
  };
  // Requests already under way when the database goes: answered either way, but answered.
  const caughtSettlements = Array.from({ length: 4 }, (_, i) => ({ certno: patient(4), mdtrt_id: `V4-${VISITS - 5 + i}`, request_id: `caught-${i}` }));
  const underWay = [
    ...caughtSettlements.map((body) => ask('settlement under way', () => call('POST', `${c.url}/v1/settlements`, w.tokens.hosp, body), caught)),
    ...[0, 1, 2, 3].map(() => ask('quote under way', () => quote(c.url), caught)),
  ];
  await sleep(10);
  // Cut: the proxy stops listening and drops every connection, for about 3 s.
  proxy.cut();
  const cutAt = Date.now();
  const outageSettlement = { certno: patient(2), mdtrt_id: `V2-${VISITS - 1}`, request_id: 'during-the-outage' };
  let ready: number | undefined;
  while (Date.now() - cutAt < 3000) {
    await Promise.all([
      ask('quote', () => quote(c.url)),
      ask('eligibility', () => call('POST', `${c.url}/v1/eligibility`, w.tokens.ins, { certno: patient(1), policy_no: 'HHB-1', provider: SH, mdtrt_id: 'V1-3' })),
      ask('settlement', () => call('POST', `${c.url}/v1/settlements`, w.tokens.hosp, outageSettlement)),
      ask('push', () => call('POST', `${c.url}/v1/records`, w.tokens.hosp, billA(patient(3), 'OUTAGE-1'))),
      ask('tree head', () => call('GET', `${c.url}/v1/audit/tree-head`, w.tokens.bureau)),
    ]);
    ready = (await call('GET', `${c.url}/readyz`)).status;
    await sleep(200);
  }
  const control = await quote(direct.url);
  t.equal(control.status, 200, 'control: a gateway connected directly answers meanwhile (the database itself is up)');
  t.ok(asked.length >= 5, `${asked.length} requests during the outage`);
  t.same(asked.filter((a) => a.status !== 503 || !['STORAGE_UNAVAILABLE', 'LOG_UNAVAILABLE'].includes(a.code ?? '')), [], 'every answer during the outage is 503 STORAGE_UNAVAILABLE or LOG_UNAVAILABLE (never 500, never a hang)');
  t.ok(Math.max(...asked.map((a) => a.ms)) < 15_000, `each answered within 15 s (slowest ${Math.max(...asked.map((a) => a.ms))} ms)`);
  t.equal(ready, 503, '/readyz says not ready');

  // Mend: the same process, not restarted, answers again within a few seconds.
  await proxy.mend();
  const mendedAt = Date.now();
  t.ok(await until(async () => (await quote(c.url)).status === 200, 10_000), `answers 200 again, ${Date.now() - mendedAt} ms after the database came back`);
  t.ok(await until(async () => (await call('GET', `${c.url}/readyz`)).status === 200, 5_000), '/readyz ready again');
  t.equal(c.proc.exitCode, null, 'without a restart');
  await Promise.all(underWay);
  t.same(caught.filter((a) => a.status !== 200 && a.status !== 201 && !(a.status === 503 && ['STORAGE_UNAVAILABLE', 'LOG_UNAVAILABLE'].includes(a.code ?? ''))), [], `requests under way at the cut: answered or 503, none 500 or hung (${caught.map((a) => `${a.status} in ${a.ms} ms`).join(', ')})`);
  const retried = await Promise.all(caughtSettlements.map((body) => call('POST', `${direct.url}/v1/settlements`, w.tokens.hosp, body)));
  t.same(retried.map((r) => r.status), retried.map(() => 201), 'each settlement under way at the cut settles on retry');
  const settled = await call('POST', `${c.url}/v1/settlements`, w.tokens.hosp, outageSettlement);
  t.equal(settled.status, 201, 'the settlement refused during the outage goes through now');
  const again = await call('POST', `${direct.url}/v1/settlements`, w.tokens.hosp, outageSettlement);
  t.same(again.body, settled.body, 'once: the same answer from the other process');
  t.same(await verifyReceipts(direct.url, w.tokens.bureau, [settled.body]), [], 'its receipt verifies under a signed head');
});

t.test('a database that goes silent (a frozen network): 503 within VOUCH_DATABASE_TIMEOUT_MS, not ready, back by itself', async (t) => {
  const w = await world();
  const { proxy, url: viaProxy } = await proxied(t, w.db.url);
  const c = await w.start(tempDir(), { VOUCH_DATABASE_URL: viaProxy.toString(), VOUCH_DATABASE_TIMEOUT_MS: '1500' });
  const quote = () => call('POST', `${c.url}/v1/settlements/quote`, w.tokens.ins, { certno: patient(1), policy_no: 'HHB-1', provider: SH, mdtrt_id: 'V1-4' });
  t.equal((await quote()).status, 200, 'through the proxy the gateway answers');

  proxy.freeze();
  const frozenAt = Date.now();
  const answers = await Promise.all([quote(), quote(), call('POST', `${c.url}/v1/records`, w.tokens.hosp, billA(patient(3), 'FROZEN-1'))]);
  const slowest = Date.now() - frozenAt;
  // The log's wait (10 s) may be what fails first for an answer whose leaf the silent database cannot take.
  t.same(answers.map((a) => [a.status, ['STORAGE_UNAVAILABLE', 'LOG_UNAVAILABLE'].includes(a.body?.error?.code)]), answers.map(() => [503, true]), 'answers are 503, not a hang');
  t.ok(slowest < 12_000, `answered within about the timeouts (${slowest} ms)`);
  t.ok(await until(async () => (await call('GET', `${c.url}/readyz`)).status === 503, 6_000), '/readyz says not ready while the database is silent');

  proxy.thaw();
  t.ok(await until(async () => (await quote()).status === 200, 15_000), 'answers again by itself once the database speaks');
  t.ok(await until(async () => (await call('GET', `${c.url}/readyz`)).status === 200, 5_000), '/readyz ready again');
  t.equal(c.proc.exitCode, null, 'without a restart');
});
