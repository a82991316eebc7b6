import t from 'tap';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openGateway } from '../../gateway/context.js';
import { createLogger } from '../../gateway/logger.js';
import { ADMIN, certno, spawnGateway, storeEnv, tempDir, testConfig } from '../helpers.js';
import { sqliteOnly } from '../postgres.js';
import { recordBody } from '../fixtures/records.js';

/**
 * A bureau (or an insurer) verifying from its own machine with nothing of the gateway's: an empty folder
 * and the API. The witness, `audit verify --url` and `receipt verify --url` must work there and leave
 * nothing behind but the witness's own state; reads of the log and issued tokens must be leaves; and a
 * backup restored on another machine must start, verify, and be caught by the witness when it is older
 * than what the witness has seen.
 */
const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '../../gateway/cli.js');
const SH = 'H31010100001';

async function cli(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return exec(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, VOUCH_DATA_DIR: dir, ...storeEnv(dir) } }).then(
    (r) => ({ code: 0, out: `${r.stdout}${r.stderr}` }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
  );
}

const who = certno(4242);

async function world(): Promise<{ dir: string; tokens: { hosp: string; ins: string; bureau: string } }> {
  const dir = tempDir();
  const g = await openGateway(testConfig(dir), createLogger('silent'));
  await g.parties.add({ role: 'hospital', code: SH, name: 'H', level: 3 }, ADMIN);
  await g.parties.add({ role: 'insurer', code: 'huhuibao', name: 'I' }, ADMIN);
  await g.parties.add({ role: 'bureau', code: 'BUR', name: 'B' }, ADMIN);
  const patient = { role: 'patient' as const, code: 'patient', subject: g.vault.blindIndex(who), jti: 'x' };
  await g.consents.grant(patient, { grantee: 'huhuibao', purposes: ['eligibility', 'settlement'], valid_until: '2031-01-01' });
  await g.policies.enroll({ role: 'insurer', code: 'huhuibao', jti: 'x' }, 'HHB-1', { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' });
  for (let v = 0; v < 5; v++) {
    await g.records.push({ role: 'hospital', code: SH, jti: 'x' }, recordBody({ certno: who, hospital: SH, mdtrt_id: `V${v}`, med_type: '21', inscp: 30_000_00, hifp: 15_000_00, ded: 1_500_00 }));
  }
  const tokens = { hosp: g.tokens.partyToken(SH, 'hospital', 7200), ins: g.tokens.partyToken('huhuibao', 'insurer', 7200), bureau: g.tokens.partyToken('BUR', 'bureau', 7200) };
  await g.close();
  return { dir, tokens };
}

const post = async (url: string, token: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const get = async (url: string, token: string) => (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;

t.test('the witness, audit verify --url and receipt verify --url work from an empty folder and create no secret', async (t) => {
  const { dir, tokens } = await world();
  const server = await spawnGateway(dir, { VOUCH_TREE_HEAD_INTERVAL_MS: '200' });
  t.teardown(server.stop);
  const quote = await post(`${server.url}/v1/settlements/quote`, tokens.ins, { certno: who, policy_no: 'HHB-1', provider: SH, mdtrt_id: 'V1' });
  t.equal(quote.status, 200);

  const bureauDir = tempDir('vouch-bureau-');
  const state = path.join(bureauDir, 'witness.json');
  const w1 = await cli(bureauDir, 'audit', 'witness', '--state', state, '--url', server.url, '--token', tokens.bureau);
  t.equal(w1.code, 0, `witness: ${w1.out.trim()}`);
  const v = await cli(bureauDir, 'audit', 'verify', '--url', server.url, '--token', tokens.bureau);
  t.equal(v.code, 0, `audit verify --url: ${v.out.trim()}`);

  // The insurer keeps the whole answer and checks it later, from its own machine.
  const saved = path.join(bureauDir, 'answer.json');
  fs.writeFileSync(saved, JSON.stringify(quote.body));
  await new Promise((r) => setTimeout(r, 500)); // a head covering the answer's leaf (signed every 200 ms)
  const r1 = await cli(bureauDir, 'receipt', 'verify', saved, '--url', server.url, '--token', tokens.ins);
  t.equal(r1.code, 0, r1.out.trim());
  t.match(r1.out, /covers exactly this answer/);
  t.match(r1.out, new RegExp(`leaf ${quote.body.receipt.leaf_index as number} is in the log`));
  const bare = path.join(bureauDir, 'receipt.json');
  fs.writeFileSync(bare, JSON.stringify(quote.body.receipt));
  t.equal((await cli(bureauDir, 'receipt', 'verify', bare, '--url', server.url, '--token', tokens.ins)).code, 0, 'a bare receipt verifies too');
  const forged = path.join(bureauDir, 'forged.json');
  fs.writeFileSync(forged, JSON.stringify({ ...quote.body, payable_fen: (quote.body.payable_fen as number) + 100 }));
  const r2 = await cli(bureauDir, 'receipt', 'verify', forged, '--url', server.url, '--token', tokens.ins);
  t.not(r2.code, 0, 'an answer changed after the fact is caught');
  t.match(r2.out, /NOT this answer/);

  t.same(fs.readdirSync(bureauDir).sort(), ['answer.json', 'forged.json', 'receipt.json', 'witness.json'], 'nothing of the gateway’s was created in the bureau’s folder');
  t.notOk(fs.existsSync(path.join(bureauDir, 'keys')));
});

t.test('a bureau search and a CLI-minted token are leaves; the search names the blind index, not the ID number', async (t) => {
  const { dir, tokens } = await world();
  const server = await spawnGateway(dir);
  t.teardown(server.stop);
  const minted = await cli(dir, 'token', '--role', 'insurer', '--sub', 'huhuibao');
  t.equal(minted.code, 0);
  const found = await get(`${server.url}/v1/audit/events?certno=${who}`, tokens.bureau);
  t.ok(found.events.length > 0, 'the search finds the patient’s events');
  const subject = found.events[0].subject as string;
  const searches = await get(`${server.url}/v1/audit/events?action=audit.searched`, tokens.bureau);
  t.equal(searches.events.length, 1, 'the search left one leaf');
  t.equal(searches.events[0].actor, 'BUR');
  t.equal(searches.events[0].subject, subject, 'with the searched person’s blind index');
  // The CLI's token waits in the outbox until the server appends it (within a second).
  let issued: any[] = [];
  for (let i = 0; i < 50 && !issued.length; i++) {
    issued = (await get(`${server.url}/v1/audit/events?action=token.issued`, tokens.bureau)).events;
    if (!issued.length) await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(issued.length, 1, 'the CLI-minted token is a leaf');
  const raw = (await get(`${server.url}/v1/audit/leaves?start=0&end=1000`, tokens.bureau)).leaves.map((l: { leaf: string }) => Buffer.from(l.leaf, 'base64').toString()).join('\n');
  t.notMatch(raw, new RegExp(who), 'no leaf holds the ID number');
  // The patient sees that the bureau looked them up.
  const patientToken = (await cli(dir, 'token', '--role', 'patient', '--sub', who)).out.trim();
  const mine = await get(`${server.url}/v1/me/access-log`, patientToken);
  t.ok(mine.events.some((e: { action: string; actor: string }) => e.action === 'audit.searched' && e.actor === 'BUR'), 'the patient’s own log shows the bureau’s search');
});

t.test('backup under load, restore on an empty folder: it starts and verifies; the witness catches the older copy', sqliteOnly, async (t) => {
  const { dir, tokens } = await world();
  const server = await spawnGateway(dir, { VOUCH_TREE_HEAD_INTERVAL_MS: '200' });
  t.teardown(server.stop);
  let stop = false;
  let answered = 0;
  const load = (async () => {
    while (!stop) {
      const r = await post(`${server.url}/v1/settlements/quote`, tokens.ins, { certno: who, policy_no: 'HHB-1', provider: SH, mdtrt_id: `V${answered % 5}` });
      if (r.status === 200) answered++;
    }
  })();
  while (answered < 20) await new Promise((r) => setTimeout(r, 20));
  const file = path.join(tempDir('vouch-backups-'), 'vouch.tar');
  const b = await cli(dir, 'backup', '--out', file);
  t.equal(b.code, 0, b.out.trim());
  // The gateway goes on; the witness sees a newer head than the backup holds.
  const more = answered + 20;
  while (answered < more) await new Promise((r) => setTimeout(r, 20));
  stop = true;
  await load;
  await new Promise((r) => setTimeout(r, 500));
  const bureauDir = tempDir('vouch-bureau-');
  const state = path.join(bureauDir, 'witness.json');
  t.equal((await cli(bureauDir, 'audit', 'witness', '--state', state, '--url', server.url, '--token', tokens.bureau)).code, 0);
  await server.stop();

  const target = path.join(tempDir('vouch-restored-'), 'data');
  const r = await cli(dir, 'restore', file);
  t.not(r.code, 0, 'restore refuses the live data directory (it holds data)');
  t.match(r.out, /not empty/);
  const restored = await exec(process.execPath, [CLI, 'restore', file], { env: { ...process.env, VOUCH_DATA_DIR: target } }).then((x) => ({ code: 0, out: x.stdout }), (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }));
  t.equal(restored.code, 0, restored.out.trim());
  const again = await exec(process.execPath, [CLI, 'restore', file], { env: { ...process.env, VOUCH_DATA_DIR: target } }).then(() => 0, (e: { code: number }) => e.code);
  t.not(again, 0, 'restore never writes over a data directory that holds something');
  const verify = await exec(process.execPath, [CLI, 'audit', 'verify'], { env: { ...process.env, VOUCH_DATA_DIR: target } }).then((x) => ({ code: 0, out: x.stdout }), (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }));
  t.equal(verify.code, 0, `the restored log verifies: ${verify.out.trim()}`);
  const back = await spawnGateway(target);
  t.teardown(back.stop);
  t.equal((await fetch(`${back.url}/readyz`)).status, 200, 'the restored gateway starts');
  const q = await post(`${back.url}/v1/settlements/quote`, tokens.ins, { certno: who, policy_no: 'HHB-1', provider: SH, mdtrt_id: 'V2' });
  t.equal(q.status, 200, 'and answers from the restored records (keys came with them)');
  const w = await cli(bureauDir, 'audit', 'witness', '--state', state, '--url', back.url, '--token', tokens.bureau);
  t.not(w.code, 0, 'the witness raises the alarm on the older copy');
  t.match(w.out, /ALERT: the log shrank|not consistent/);
  // A damaged backup is refused before anything is written.
  const damaged = path.join(path.dirname(file), 'damaged.tar');
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 2048] = bytes[bytes.length - 2048]! ^ 0xff;
  bytes[4096] = bytes[4096]! ^ 0xff;
  fs.writeFileSync(damaged, bytes);
  const empty = path.join(tempDir('vouch-restored-'), 'data');
  const bad = await exec(process.execPath, [CLI, 'restore', damaged], { env: { ...process.env, VOUCH_DATA_DIR: empty } }).then(() => 0, (e: { code: number }) => e.code);
  t.not(bad, 0, 'a damaged backup is refused');
  t.notOk(fs.existsSync(path.join(empty, 'vouch.db')), 'and nothing of it was put in place');
  const retry = await exec(process.execPath, [CLI, 'restore', file], { env: { ...process.env, VOUCH_DATA_DIR: empty } }).then(() => 0, (e: { code: number }) => e.code);
  t.equal(retry, 0, 'the same folder takes a good backup afterwards (the refused one left nothing behind)');
});

t.test('under VOUCH_CRYPTO=dual (Ed25519 and an SM2 cosignature) the remote verifications pass too', async (t) => {
  const dir = tempDir();
  const g = await openGateway(testConfig(dir, { VOUCH_CRYPTO: 'dual' }), createLogger('silent'));
  await g.parties.add({ role: 'bureau', code: 'BUR', name: 'B' }, ADMIN);
  const bureau = g.tokens.partyToken('BUR', 'bureau', 3600);
  await g.close();
  const server = await spawnGateway(dir, { VOUCH_CRYPTO: 'dual', VOUCH_TREE_HEAD_INTERVAL_MS: '200' });
  t.teardown(server.stop);
  await get(`${server.url}/v1/audit/events?limit=5`, bureau);
  await new Promise((r) => setTimeout(r, 500));
  const bureauDir = tempDir('vouch-bureau-');
  const v = await cli(bureauDir, 'audit', 'verify', '--url', server.url, '--token', bureau);
  t.equal(v.code, 0, `audit verify --url under dual: ${v.out.trim()}`);
  const w = await cli(bureauDir, 'audit', 'witness', '--state', path.join(bureauDir, 'w.json'), '--url', server.url, '--token', bureau);
  t.equal(w.code, 0, `witness under dual: ${w.out.trim()}`);
});
