import t from 'tap';
import crypto from 'node:crypto';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSigner } from 'fast-jwt';
import { tempDir } from '../helpers.js';

const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const SERVER = path.join(here, '../../gateway/server.js');
const CLI = path.join(here, '../../gateway/cli.js');

/** Starts the real server as a child process on free ports; resolves with its base URL. */
async function startServer(dataDir: string): Promise<{ url: string; stop: () => Promise<void>; output: () => string }> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, VOUCH_DATA_DIR: dataDir, VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0', VOUCH_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return {
    url,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function cli(dataDir: string, ...args: string[]): Promise<{ stdout: string; code: number; stderr: string }> {
  try {
    const r = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, VOUCH_DATA_DIR: dataDir } });
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
