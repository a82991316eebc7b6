import t from 'tap';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSigner } from 'fast-jwt';
import { spawnGateway, storeEnv, tempDir } from '../helpers.js';

const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '../../gateway/cli.js');

const startServer = (dataDir: string) => spawnGateway(dataDir);

async function cli(dataDir: string, ...args: string[]): Promise<{ stdout: string; code: number; stderr: string }> {
  try {
    const r = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, VOUCH_DATA_DIR: dataDir, ...storeEnv(dataDir) } });
    return { stdout: r.stdout.trim(), stderr: r.stderr, code: 0 };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { stdout: err.stdout?.trim() ?? '', stderr: err.stderr ?? '', code: err.code };
  }
}

t.test('the real server, the CLI and token auth work together', async (t) => {
  const dir = tempDir();
  const server = await startServer(dir);
  t.teardown(server.stop);
  const get = async (p: string, token?: string) => {
    const res = await fetch(server.url + p, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };

  t.equal((await get('/healthz')).status, 200);
  t.equal((await get('/readyz')).status, 200);

  const anon = await get('/v1/products');
  t.equal(anon.status, 401);
  t.equal(anon.body.error.code, 'UNAUTHENTICATED');
  t.type(anon.body.error.request_id, 'string');

  t.equal((await cli(dir, 'party', 'add', '--role', 'insurer', '--code', 'INS-A', '--name', 'Insurer A')).code, 0);
  t.equal((await cli(dir, 'party', 'add', '--role', 'hospital', '--code', 'H31010100001', '--name', 'Ruijin', '--level', '3')).code, 0);
  const insurer = (await cli(dir, 'token', '--role', 'insurer', '--sub', 'INS-A')).stdout;
  const products = await get('/v1/products', insurer);
  t.equal(products.status, 200, 'a token from vouch party add + vouch token is accepted');
  t.ok(products.body.products.some((p: { code: string }) => p.code === 'huhuibao-2025'));

  const bureauOnly = await get('/v1/audit/events', insurer);
  t.equal(bureauOnly.status, 403, 'a token of the wrong role is refused');
  t.equal(bureauOnly.body.error.code, 'FORBIDDEN');

  t.equal((await cli(dir, 'token', '--role', 'bureau', '--sub', 'INS-A')).code, 2, 'the CLI will not mint a token for the wrong role');

  t.equal((await cli(dir, 'party', 'suspend', '--code', 'INS-A')).code, 0);
  const suspended = await get('/v1/products', insurer);
  t.equal(suspended.status, 401, "a suspended party's token is refused");
  t.equal(suspended.body.error.code, 'TOKEN_INVALID');

  // The CLI's admin events reach the log through the outbox the server drains.
  await new Promise((r) => setTimeout(r, 1500));
  t.equal((await cli(dir, 'audit', 'verify')).code, 0);
  t.notMatch(server.output(), /Bearer|eyJ/, 'no token in the server log');
});

t.test('client assertions (RFC 7523) at /v1/token', async (t) => {
  const dir = tempDir();
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const pubFile = path.join(dir, 'ins.pub.pem');
  fs.writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
  t.equal((await cli(dir, 'party', 'add', '--role', 'insurer', '--code', 'INS-K', '--name', 'K', '--public-key', pubFile)).code, 0);
  const server = await startServer(dir);
  t.teardown(server.stop);
  const aud = 'urn:vouch:gateway/v1/token';
  const assertion = (key: crypto.KeyObject, claims: Record<string, unknown> = {}) =>
    createSigner({ key: key.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'EdDSA' })({
      iss: 'INS-K', sub: 'INS-K', aud, jti: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) + 60, ...claims,
    });
  const exchange = async (a: string) => {
    const res = await fetch(`${server.url}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  const good = assertion(privateKey);
  const ok = await exchange(good);
  t.equal(ok.status, 200);
  t.equal(ok.body.token_type, 'Bearer');
  const products = await fetch(`${server.url}/v1/products`, { headers: { authorization: `Bearer ${ok.body.access_token}` } });
  t.equal(products.status, 200, 'the issued token works');

  const replay = await exchange(good);
  t.equal(replay.status, 401, 'an assertion is single-use');
  t.equal(replay.body.error.code, 'ASSERTION_INVALID');

  const wrongKey = await exchange(assertion(crypto.generateKeyPairSync('ed25519').privateKey));
  t.equal(wrongKey.status, 401, 'an assertion signed with the wrong key is refused');
  t.equal(wrongKey.body.error.code, 'ASSERTION_INVALID');

  t.equal((await exchange(assertion(privateKey, { aud: 'somewhere-else' }))).status, 401, 'wrong audience');
  t.equal((await exchange(assertion(privateKey, { exp: Math.floor(Date.now() / 1000) + 3600 }))).status, 401, 'too long-lived');
  t.equal((await exchange(assertion(privateKey, { exp: Math.floor(Date.now() / 1000) - 60 }))).status, 401, 'expired');
});

t.test('npm run demo walks the story against a running gateway; the CLI verifies a receipt and witnesses the log', async (t) => {
  const dir = tempDir();
  const server = await startServer(dir);
  t.teardown(server.stop);
  const port = new URL(server.url).port;
  const demo = await exec(process.execPath, [path.join(here, '../../gateway/demo.js')], { env: { ...process.env, VOUCH_DATA_DIR: dir, VOUCH_HTTP_PORT: port, ...storeEnv(dir) } });
  t.match(demo.stdout, /一站式结算/);
  t.match(demo.stdout, /huhuibao huhuibao-2025: 6300\.00/);
  // 百万医疗 sees 32,000 − 6,300 = 25,700 and 沪惠保's 6,300 meets that much of its 10,000 deductible: 22,000.00.
  t.match(demo.stdout, /baiwan baiwan-medical: 22000\.00/);
  t.match(demo.stdout, /"code": "NOT_AVAILABLE"/);
  t.match(demo.stdout, /Done\./);

  // A receipt from a live answer, saved to a file as an insurer would, checked offline.
  const bureau = (await cli(dir, 'party', 'add', '--role', 'bureau', '--code', 'BUR', '--name', 'B')).code === 0 ? (await cli(dir, 'token', '--role', 'bureau', '--sub', 'BUR')).stdout : '';
  const events = (await (await fetch(`${server.url}/v1/audit/events?action=query.quote`, { headers: { authorization: `Bearer ${bureau}` } })).json()) as { events: { leaf_index: number }[] };
  t.equal(events.events.length, 1);
  const insurer = (await cli(dir, 'token', '--role', 'insurer', '--sub', 'huhuibao')).stdout;
  const products = await fetch(`${server.url}/v1/products`, { headers: { authorization: `Bearer ${insurer}` } });
  t.equal(products.status, 200);
  const leaves = (await (await fetch(`${server.url}/v1/audit/leaves?start=${events.events[0]!.leaf_index}&end=${events.events[0]!.leaf_index + 1}`, { headers: { authorization: `Bearer ${bureau}` } })).json()) as { leaves: { leaf: string }[] };
  t.equal(leaves.leaves.length, 1);
  const demoReceipt = /"receipt": (\{[^}]+\})/s.exec(demo.stdout);
  t.ok(demoReceipt, 'the demo prints a receipt');
  const file = path.join(dir, 'receipt.json');
  fs.writeFileSync(file, demoReceipt![1]!);
  t.equal((await cli(dir, 'receipt', 'verify', file)).code, 0, 'vouch receipt verify: genuine');
  const forged = JSON.parse(demoReceipt![1]!) as Record<string, unknown>;
  forged.result_digest = 'f'.repeat(64);
  fs.writeFileSync(file, JSON.stringify(forged));
  t.not((await cli(dir, 'receipt', 'verify', file)).code, 0, 'a changed receipt is not genuine');

  const state = path.join(dir, 'witness.json');
  const w1 = await cli(dir, 'audit', 'witness', '--state', state, '--url', server.url, '--token', bureau);
  t.equal(w1.code, 0, w1.stderr);
  await fetch(`${server.url}/v1/products`, { headers: { authorization: `Bearer ${insurer}` } });
  const w2 = await cli(dir, 'audit', 'witness', '--state', state, '--url', server.url, '--token', bureau);
  t.equal(w2.code, 0, w2.stderr);
  t.equal((await cli(dir, 'audit', 'verify')).code, 0);

  const docs = await fetch(`${server.url}/docs/json`);
  t.equal(docs.status, 200);
  const openapi = (await docs.json()) as { openapi: string; paths: Record<string, unknown> };
  t.match(openapi.openapi, /^3\./);
  for (const p of ['/v1/records', '/v1/settlements', '/v1/settlements/quote', '/v1/audit/proof/inclusion', '/v1/consents/{consent_id}/revoke']) t.ok(openapi.paths[p], `OpenAPI documents ${p}`);
  t.equal((await fetch(`${server.url}/docs`)).status < 400, true, 'the documentation UI is served');
});
