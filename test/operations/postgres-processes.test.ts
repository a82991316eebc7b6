import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { certno, sha256, spawnGateway, tempDir } from '../helpers.js';
import { scratchDatabase } from '../postgres.js';
import { HHB, SH, Y } from '../fixtures/world.js';
import { CHILD_ENV, CLI, SERVER, billA, billProton, call, patientTokens, run, sequences, token, until, verifyReceipts, type Answer } from './postgres-gateways.js';

/**
 * Issue 17's promises, kept by real processes: two gateways (each its own VOUCH_DATA_DIR) on one scratch
 * PostgreSQL database and one keys folder (VOUCH_KEYS_DIR), set up as an operator would (the CLI, then
 * the API through one of them) and asked through both at once. Settlements of different visits of one
 * patient race across the two processes; the same settlement is sent to both. A deductible and a cap
 * must be used exactly once; the log must come out as one log (leaf indexes 0..n-1, nothing twice) in
 * which every receipt either process handed out verifies. Then the keys rule (a process with no keys
 * beside a log refuses to start) and `vouch start --workers 2`.
 */
const P1 = certno(1701); // four visits under 沪惠保 特定住院自费: the deductible
const P2 = certno(1702); // three proton visits: the 质子重离子 cap
const P3 = certno(1703); // records pushed during the load

type Gateway = Awaited<ReturnType<typeof spawnGateway>>;

interface World {
  env: Record<string, string>;
  db: { url: string };
  a: Gateway;
  b: Gateway;
  tokens: { hosp: string; ins: string; bureau: string; patients: string[] };
}

/** A party registered with `vouch party add` and its bearer token from `vouch token`, on the shared database. */
async function partyWithToken(env: Record<string, string>, role: string, code: string, ...extra: string[]): Promise<string> {
  const added = await run(CLI, env, 'party', 'add', '--role', role, '--code', code, '--name', code, ...extra);
  if (added.code !== 0) throw new Error(`party add: ${added.out}`);
  return token(env, role, code);
}

/** Two gateways on a scratch database and one keys folder, with a hospital, an insurer and a bureau. */
async function world(t: Test): Promise<World> {
  const db = await scratchDatabase(t);
  const env = { ...CHILD_ENV, VOUCH_DATABASE_URL: db.url, VOUCH_KEYS_DIR: path.join(tempDir(), 'keys-secret') };
  // The first process on the empty database creates the keys folder (docs/operations.md "Several
  // processes"); the second starts on it while the operator registers the parties.
  const a = await spawnGateway(tempDir(), env);
  t.teardown(a.stop);
  const [b, hosp, ins, bureau] = await Promise.all([
    spawnGateway(tempDir(), env), partyWithToken(env, 'hospital', SH, '--level', '3'), partyWithToken(env, 'insurer', HHB), partyWithToken(env, 'bureau', 'BUR'),
  ]);
  t.teardown(b.stop);
  return { env, db, a, b, tokens: { hosp, ins, bureau, patients: patientTokens(env, [P1, P2, P3]) } };
}

/** Consents, policies and visits, all through one process. */
async function seed(url: string, w: World): Promise<void> {
  const ok = (r: Answer, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  for (const p of w.tokens.patients) ok(await call('POST', `${url}/v1/consents`, p, { grantee: HHB, purposes: ['eligibility', 'settlement'], valid_until: '2031-01-01' }), 'consent');
  for (const [no, who] of [['HHB-D', P1], ['HHB-C', P2]] as const) {
    ok(await call('PUT', `${url}/v1/policies/${no}`, w.tokens.ins, { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' }), 'policy');
  }
  for (let v = 1; v <= 4; v++) ok(await call('POST', `${url}/v1/records`, w.tokens.hosp, billA(P1, `D${v}`)), 'record');
  for (let v = 1; v <= 3; v++) ok(await call('POST', `${url}/v1/records`, w.tokens.hosp, billProton(P2, `C${v}`)), 'record');
}

t.test('two processes on one database: accumulators used once, one settlement per request, one log', async (t) => {
  const w = await world(t);
  const { a, b, env, tokens } = w;
  await seed(a.url, w);
  t.notOk(sequences(a.output()) && sequences(b.output()), 'at most one process says it sequences the log');

  // Everything at once, alternating between the two processes: every settlement is sent to BOTH with the
  // same request_id; quotes and eligibility on the same visits and pushes of another patient in between.
  const visits = [...['D1', 'D2', 'D3', 'D4'].map((v) => [P1, v] as const), ...['C1', 'C2', 'C3'].map((v) => [P2, v] as const)];
  const urls = [a.url, b.url];
  const settled = visits.map(([who, v]) => Promise.all(urls.map((u) => call('POST', `${u}/v1/settlements`, tokens.hosp, { certno: who, mdtrt_id: v, request_id: `req-${v}` }))));
  const questions = visits.flatMap(([who, v], i) => [
    call('POST', `${urls[i % 2]}/v1/settlements/quote`, tokens.ins, { certno: who, policy_no: who === P1 ? 'HHB-D' : 'HHB-C', provider: SH, mdtrt_id: v }),
    call('POST', `${urls[(i + 1) % 2]}/v1/eligibility`, tokens.ins, { certno: who, policy_no: who === P1 ? 'HHB-D' : 'HHB-C', provider: SH, mdtrt_id: v }),
  ]);
  const pushes = Array.from({ length: 6 }, (_, i) => call('POST', `${urls[i % 2]}/v1/records`, tokens.hosp, billA(P3, `N${i}`)));
  const settlements = await Promise.all(settled);
  const answers = await Promise.all(questions);
  const pushed = await Promise.all(pushes);

  t.same(settlements.flat().map((r) => r.status), settlements.flat().map(() => 201), 'every settlement answered 201 by both processes');
  t.same(answers.map((r) => r.status), answers.map(() => 200), 'every quote and eligibility answered 200');
  t.same(pushed.map((r) => r.status), pushed.map(() => 201), 'every push answered 201');
  for (const [i, [viaA, viaB]] of settlements.entries()) t.same(viaB!.body, viaA!.body, `${visits[i]![1]}: the same request_id through both processes gives the same answer, receipt included`);

  // Figures by hand from 沪惠保 2025 (adapters/payers/huhuibao), one 沪惠保 policy each:
  // P1, 特定住院自费: each visit's base is 21,000.00; deductible 12,000.00 once a policy year; 70 %.
  //   The first visit settled pays (21,000 − 12,000) × 70 % = 6,300.00; each of the other three 21,000 × 70 %
  //   = 14,700.00; total 6,300 + 3 × 14,700 = 50,400.00 = (4 × 21,000 − 12,000) × 70 %, whatever the order.
  //   A deductible taken twice would pay 2 × 6,300 + 2 × 14,700 = 42,000.00; never taken 58,800.00.
  // P2, 质子重离子: 250,000 × 70 % = 175,000.00 a visit, cap 300,000.00 a year: 175,000 + 125,000 + 0.
  const payables = (visitIds: string[]) =>
    settlements.filter((_, i) => visitIds.includes(visits[i]![1])).map(([r]) => r!.body.insurers_total_fen as number).sort((x, y) => x - y);
  t.same(payables(['D1', 'D2', 'D3', 'D4']), [6_300 * Y, 14_700 * Y, 14_700 * Y, 14_700 * Y], 'the deductible is used by exactly one visit');
  t.same(payables(['C1', 'C2', 'C3']), [0, 125_000 * Y, 175_000 * Y], 'the cap is reached exactly once');
  const d = await call('GET', `${b.url}/v1/policies/HHB-D`, tokens.ins);
  const c = await call('GET', `${a.url}/v1/policies/HHB-C`, tokens.ins);
  const paid = (r: Answer, code: string) => r.body.periods[0].liabilities.find((l: { liability: string }) => l.liability === code);
  t.equal(d.body.periods[0].deductible_met, true);
  t.equal(paid(d, 'inpatient_selfpay').paid_fen, 50_400 * Y, 'the policy has paid 50,400.00 under 特定住院自费');
  t.same([paid(c, 'proton_heavy_ion').paid_fen, paid(c, 'proton_heavy_ion').cap_left_fen], [300_000 * Y, 0], 'the proton cap is used up, not exceeded');

  const sql = new pg.Client({ connectionString: w.db.url });
  await sql.connect();
  t.teardown(() => sql.end());
  const rows = (await sql.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM settlements WHERE status = 'settled'")).rows;
  t.equal(rows[0]!.n, visits.length, 'one settlement per visit: the requests sent twice settled once');

  // The log: leaf indexes 0..n-1, each once, through the API of the process that did not write most of it.
  const head = await call('GET', `${b.url}/v1/audit/tree-head`, tokens.bureau);
  t.equal(head.status, 200);
  const size = head.body.tree_size as number;
  const indexes: number[] = [];
  const leafOf = new Map<number, Buffer>();
  for (let start = 0; start < size; start += 1000) {
    const page = await call('GET', `${a.url}/v1/audit/leaves?start=${start}&end=${Math.min(size, start + 1000)}`, tokens.bureau);
    for (const l of page.body.leaves as { leaf_index: number; leaf: string }[]) {
      indexes.push(l.leaf_index);
      leafOf.set(l.leaf_index, Buffer.from(l.leaf, 'base64'));
    }
  }
  t.same(indexes, Array.from({ length: size }, (_, i) => i), `the log's ${size} leaves are numbered 0..${size - 1}, no gap, none twice`);
  const stored = (await sql.query<{ n: number; distinct_events: number; top: number }>('SELECT COUNT(*)::int AS n, COUNT(DISTINCT event_id)::int AS distinct_events, MAX(leaf_index)::int AS top FROM leaves')).rows[0]!;
  t.same(stored, { n: stored.top + 1, distinct_events: stored.top + 1, top: stored.top }, 'in the database too: as many leaves as the top index + 1, each event once');

  // Every receipt handed out, by either process, verifies under a signed head; its leaf is the one it names.
  const withReceipts = [...settlements.flat(), ...answers].map((r) => r.body);
  t.same(await verifyReceipts(b.url, tokens.bureau, withReceipts), [], `all ${withReceipts.length} receipts verify with their inclusion proofs (as receipt verify --url)`);
  const namesItsLeaf = withReceipts.filter((body) => {
    const leaf = leafOf.get(body.receipt.leaf_index as number);
    return leaf !== undefined && sha256(Buffer.concat([Buffer.from([0]), leaf])) === body.receipt.leaf_hash && leaf.toString().includes(body.receipt.receipt_id as string);
  });
  t.equal(namesItsLeaf.length, withReceipts.length, 'each receipt’s leaf is in the served leaves, hashing to its leaf_hash (RFC 6962 §2.1) and naming its receipt');
  // The operator's tools: receipt verify on a file, audit verify over the database.
  const file = path.join(tempDir(), 'settlement.json');
  fs.writeFileSync(file, JSON.stringify(settlements[0]![1]!.body));
  const receipt = await run(CLI, {}, 'receipt', 'verify', file, '--url', a.url, '--token', tokens.bureau);
  t.equal(receipt.code, 0, `vouch receipt verify --url: ${receipt.out.trim()}`);
  const first = settlements[0]![1]!.body;
  const forged = { ...first, receipt: { ...first.receipt, leaf_index: (first.receipt.leaf_index as number) + 1 } };
  t.equal((await verifyReceipts(a.url, tokens.bureau, [forged])).length, 1, 'control: the same receipt naming another leaf fails');
  const verified = await run(CLI, env, 'audit', 'verify');
  t.equal(verified.code, 0, `vouch audit verify over the database: ${verified.out.trim()}`);

  // Issue 17: a process that finds no keys beside a database already holding a log refuses to start.
  const emptyKeys = path.join(tempDir(), 'forgotten-mount');
  fs.mkdirSync(emptyKeys);
  const dataDir = tempDir();
  const refused = await run(SERVER, { ...env, VOUCH_KEYS_DIR: emptyKeys, VOUCH_DATA_DIR: dataDir, VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0' });
  t.not(refused.code, 0, 'the start with an empty keys folder is refused');
  t.match(refused.out, /keys/i, 'and says it is about the keys');
  t.same(fs.readdirSync(emptyKeys), [], 'no key was created in the empty folder');
  t.notOk(fs.existsSync(path.join(dataDir, 'keys')), 'nor under its data directory');
  t.equal((await call('GET', `${a.url}/readyz`)).status, 200, 'the running processes are untouched');
  await Promise.all([a.stop(), b.stop()]);
});

/** A GET on a new TCP connection, closed after the answer (fetch would reuse one). */
function getOnNewConnection(url: string, token: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { authorization: `Bearer ${token}` }, timeout: 15_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', reject);
  });
}

t.test('vouch start --workers 2: one set of keys, both workers answer, SIGTERM drains and exits 0; refused without PostgreSQL', async (t) => {
  const db = await scratchDatabase(t);
  // As an operator's very first start: an empty database and no keys folder yet.
  const env = { ...CHILD_ENV, VOUCH_DATABASE_URL: db.url, VOUCH_KEYS_DIR: path.join(tempDir(), 'keys-secret') };
  const primary = spawn(process.execPath, [CLI, 'start', '--workers', '2'], {
    env: { ...process.env, ...env, VOUCH_DATA_DIR: tempDir(), VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0', VOUCH_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  primary.stdout.on('data', (d: Buffer) => (out += d.toString()));
  primary.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGKILL');
  });
  const listening = () => [...out.matchAll(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
  t.ok(await until(() => listening().length >= 2 || primary.exitCode !== null, 120_000), 'both workers listen');
  t.equal(new Set(listening()).size, 1, `the workers share one port: ${listening().join(', ')}`);
  const pids = new Set([...out.matchAll(/"pid":(\d+)[^\n]*state and access log in PostgreSQL/g)].map((m) => m[1]));
  t.equal(pids.size, 2, `the start-up log names two worker processes (${[...pids].join(', ')})`);
  const url = listening()[0]!;

  // Tokens signed with the keys folder's identity-provider key, answered by whichever worker gets them:
  // both must hold the same keys (token key, blind-index key) — a consent granted through one worker is
  // listed through the other.
  const added = await run(CLI, env, 'party', 'add', '--role', 'insurer', '--code', HHB, '--name', 'Huhuibao');
  t.equal(added.code, 0, `vouch party add beside the running workers: ${added.out.trim()}`);
  const people = Array.from({ length: 12 }, (_, i) => certno(1800 + i));
  const tokens = patientTokens(env, people);
  const granted = await Promise.all(tokens.map((tok) => call('POST', `${url}/v1/consents`, tok, { grantee: HHB, purposes: ['eligibility'], valid_until: '2031-01-01' })));
  t.same(granted.map((r) => r.status), granted.map(() => 201), 'every grant answered 201');
  // Each list on a connection of its own, one after the other: the primary hands connections to the
  // workers in turn (node:cluster round-robin), so the lists are spread over both.
  const listed: Answer[] = [];
  for (const tok of tokens) for (let i = 0; i < 2; i++) listed.push(await getOnNewConnection(`${url}/v1/consents`, tok));
  t.same(listed.map((r) => [r.status, r.body?.consents?.length]), listed.map(() => [200, 1]), 'each patient sees their consent on every new connection, whichever worker the primary hands it to');

  // SIGTERM to the primary with requests in flight: each is answered (201, or 503 SHUTTING_DOWN before
  // anything is done), then every worker and the primary exit 0.
  const inflight = tokens.map((tok) => call('POST', `${url}/v1/consents`, tok, { grantee: HHB, purposes: ['settlement'], valid_until: '2031-01-01' }));
  await new Promise((r) => setTimeout(r, 20));
  primary.kill('SIGTERM');
  const late = await Promise.all(inflight);
  t.same(late.filter((r) => !(r.status === 201 || (r.status === 503 && r.body?.error?.code === 'SHUTTING_DOWN') || r.status === 0)), [], `requests in flight: answered, refused with SHUTTING_DOWN, or never accepted (statuses ${late.map((r) => r.status).join(' ')})`);
  t.equal(await exited, 0, 'the primary exits 0 after its workers drained');

  // More than one worker needs PostgreSQL.
  const refused = await run(CLI, { VOUCH_DATABASE_URL: undefined, VOUCH_DATA_DIR: tempDir() }, 'start', '--workers', '2');
  t.equal(refused.code, 2, 'refused as a usage error');
  t.match(refused.out, /VOUCH_DATABASE_URL/, `and names VOUCH_DATABASE_URL: ${refused.out.trim()}`);
});
