import t from 'tap';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { harness, tempDir, type Harness } from '../helpers.js';

/**
 * TLS as an operator deploys it: the gateway's CA issues the server and client certificates, the real
 * health-check script (the Dockerfile's HEALTHCHECK) probes the listening server with the same
 * environment, and under mutual TLS only the probes answer without a client certificate.
 */
const healthcheck = fileURLToPath(new URL('../../gateway/healthcheck.js', import.meta.url));

function runHealthcheck(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [healthcheck], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, _stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
    );
  });
}

interface Pki {
  dir: string;
  env: Record<string, string>;
  client: { certPem: string; keyPem: string };
  caPem: string;
  other: { certPem: string; keyPem: string };
}

/** Server and client certificates from the gateway CA of a fresh data directory. */
async function pki(): Promise<Pki> {
  const h0 = await harness();
  const ca = h0.g.keys.ca;
  const server = ca.issueServerCertificate(['vouch.example.org']);
  const client = ca.issueClientCertificate('huhuibao', 'insurer');
  const other = ca.issueServerCertificate(['vouch.example.org']);
  const files = { cert: path.join(h0.dir, 'srv.pem'), key: path.join(h0.dir, 'srv.key'), ca: path.join(h0.dir, 'ca.pem') };
  fs.writeFileSync(files.cert, server.certPem);
  fs.writeFileSync(files.key, server.keyPem);
  fs.writeFileSync(files.ca, ca.certPem);
  await h0.close();
  return { dir: h0.dir, env: { VOUCH_TLS_CERT: files.cert, VOUCH_TLS_KEY: files.key }, client, caPem: ca.certPem, other };
}

async function listening(env: Record<string, string>, dir: string): Promise<{ h: Harness; port: number }> {
  const h = await harness(env, dir);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  return { h, port: (h.app.server.address() as { port: number }).port };
}

function get(port: number, url: string, opts: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: url, servername: 'vouch.example.org', ...opts }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

t.test('the health check over plain HTTP', async (t) => {
  const dir = tempDir();
  const { h, port } = await listening({}, dir);
  const env = { VOUCH_DATA_DIR: dir, VOUCH_HTTP_PORT: String(port) };
  t.equal((await runHealthcheck(env)).code, 0, 'a running gateway is healthy');
  await h.close();
  t.equal((await runHealthcheck(env)).code, 1, 'a stopped one is not');
});

t.test('the health check under TLS pins the server certificate', async (t) => {
  const p = await pki();
  const { h, port } = await listening(p.env, p.dir);
  t.teardown(h.close);
  const env = { VOUCH_DATA_DIR: p.dir, VOUCH_HTTP_PORT: String(port), ...p.env };
  const ok = await runHealthcheck(env);
  t.equal(ok.code, 0, `healthy over https (${ok.stderr})`);
  const elsewhere = path.join(p.dir, 'other.pem');
  fs.writeFileSync(elsewhere, p.other.certPem);
  const wrong = await runHealthcheck({ ...env, VOUCH_TLS_CERT: elsewhere });
  t.equal(wrong.code, 1, 'a server presenting another certificate is not taken for this gateway');
  t.match(wrong.stderr, /does not present VOUCH_TLS_CERT/);
  t.equal((await runHealthcheck({ ...env, VOUCH_TLS_REQUIRE_CLIENT_CERT: 'true' })).code, 2, 'a half-configured environment is refused, not probed');
});

t.test('mutual TLS: only the probes answer without a client certificate', async (t) => {
  const p = await pki();
  const env = { ...p.env, VOUCH_TLS_CA: path.join(p.dir, 'ca.pem'), VOUCH_TLS_REQUIRE_CLIENT_CERT: 'true' };
  const { h, port } = await listening(env, p.dir);
  t.teardown(h.close);
  const token = await h.party('insurer', 'huhuibao');
  const trust = { ca: p.caPem };
  t.equal((await runHealthcheck({ VOUCH_DATA_DIR: p.dir, VOUCH_HTTP_PORT: String(port), ...env })).code, 0, 'the Docker health check works under mTLS');
  t.equal((await get(port, '/healthz', trust)).status, 200);
  t.equal((await get(port, '/readyz', trust)).status, 200);
  const bare = await get(port, '/v1/products', { ...trust, headers: { authorization: `Bearer ${token}` } });
  t.equal(bare.status, 401, 'no client certificate: refused even with a valid token');
  t.equal(JSON.parse(bare.body).error.code, 'UNAUTHENTICATED');
  t.equal((await get(port, '/docs/json', trust)).status, 401, 'nor anything else');
  const stranger = p.other; // a certificate for a server, not for a client: not a client certificate
  const wrongPurpose = await get(port, '/v1/products', { ...trust, cert: stranger.certPem, key: stranger.keyPem, headers: { authorization: `Bearer ${token}` } });
  t.equal(wrongPurpose.status, 401, 'a certificate that is not a client certificate does not count');
  const mine = await get(port, '/v1/products', { ...trust, cert: p.client.certPem, key: p.client.keyPem, headers: { authorization: `Bearer ${token}` } });
  t.equal(mine.status, 200, 'with the party’s client certificate the API answers');
});
