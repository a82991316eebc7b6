import t from 'tap';
import crypto from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { harness, type Harness } from '../helpers.js';

/**
 * POST /v1/token as an OAuth 2.0 client library calls it: RFC 6749 §4.4 client credentials in
 * application/x-www-form-urlencoded, the client authenticated by an RFC 7523 JWT assertion; errors in
 * RFC 6749 §5.2 form. Over a real socket, with the bodies URLSearchParams produces.
 */
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function setup(t: { teardown(fn: () => unknown): void }): Promise<{ h: Harness; url: string; assertion: (claims?: Record<string, unknown>) => string }> {
  const h = await harness();
  t.teardown(h.close);
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  await h.party('insurer', 'huhuibao', { public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }) as string });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(h.app.server.address() as { port: number }).port}/v1/token`;
  const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'EdDSA' });
  const assertion = (claims: Record<string, unknown> = {}) =>
    sign({ iss: 'huhuibao', sub: 'huhuibao', aud: 'urn:vouch:gateway/v1/token', jti: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) + 60, ...claims });
  return { h, url, assertion };
}

/** URLSearchParams bodies get their media type from fetch, as from any client; raw strings are labelled here. */
const form = (url: string, params: Record<string, string> | string) =>
  fetch(url, {
    method: 'POST',
    ...(typeof params === 'string' ? { body: params, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : { body: new URLSearchParams(params) }),
  }).then(async (r) => ({ status: r.status, headers: r.headers, body: (await r.json()) as any }));

t.test('client credentials in a form body buy a token that works', async (t) => {
  const { h, url, assertion } = await setup(t);
  const r = await form(url, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(), client_id: 'huhuibao', scope: 'ignored' });
  t.equal(r.status, 200);
  t.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  t.equal(r.headers.get('cache-control'), 'no-store', 'RFC 6749 §5.1');
  t.equal(r.headers.get('pragma'), 'no-cache', 'RFC 6749 §5.1');
  t.same(Object.keys(r.body).sort(), ['access_token', 'expires_in', 'token_type']);
  t.equal(r.body.token_type, 'Bearer');
  const products = await h.call({ method: 'GET', url: '/v1/products', token: r.body.access_token });
  t.equal(products.status, 200, 'the issued token is accepted');
});

t.test('errors in RFC 6749 §5.2 form, with the catalogue code beside', async (t) => {
  const { url, assertion } = await setup(t);
  const valid = { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE };
  const once = assertion();
  t.equal((await form(url, { ...valid, client_assertion: once })).status, 200);
  const replay = await form(url, { ...valid, client_assertion: once });
  t.equal(replay.status, 401);
  t.equal(replay.body.error, 'invalid_client', 'a used assertion: invalid_client');
  t.equal(replay.body.code, 'ASSERTION_INVALID');
  t.type(replay.body.error_description, 'string');
  t.match(replay.body.request_id, /^[0-9a-f-]{36}$/);

  const cases: [string, Record<string, string> | string, number, string][] = [
    ['wrong audience', { ...valid, client_assertion: assertion({ aud: 'elsewhere' }) }, 401, 'invalid_client'],
    ['another client_id than the assertion names', { ...valid, client_assertion: assertion(), client_id: 'baiwan' }, 401, 'invalid_client'],
    ['a grant type other than client_credentials', { ...valid, grant_type: 'password', client_assertion: assertion() }, 400, 'unsupported_grant_type'],
    ['no assertion', valid, 400, 'invalid_request'],
    ['another assertion type', { ...valid, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: assertion() }, 400, 'invalid_request'],
    ['a parameter twice (RFC 6749 §3.2)', `grant_type=client_credentials&grant_type=client_credentials&client_assertion_type=${encodeURIComponent(ASSERTION_TYPE)}&client_assertion=${assertion()}`, 400, 'invalid_request'],
    ['an empty body', '', 400, 'invalid_request'],
  ];
  for (const [label, body, status, error] of cases) {
    const r = await form(url, body);
    t.same([r.status, r.body.error], [status, error], label);
    t.ok(typeof r.body.code === 'string' && typeof r.body.error_description === 'string', `${label}: code and description beside`);
  }
});

t.test('JSON keeps the catalogue body; other routes still refuse forms with 415', async (t) => {
  const { h, url, assertion } = await setup(t);
  const json = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion({ aud: 'elsewhere' }) }),
  });
  t.equal(json.status, 401);
  t.same(Object.keys(((await json.json()) as any).error).sort(), ['code', 'message', 'request_id'], 'CONTRACT.md error body');
  const token = await h.party('hospital', 'H31010100001');
  const consent = await h.call({ method: 'POST', url: '/v1/consents', token, payload: 'grantee=huhuibao', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.same([consent.status, consent.body.error.code], [415, 'UNSUPPORTED_MEDIA_TYPE'], 'the form parser is the token endpoint’s alone');
});
