import t from 'tap';
import crypto from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { certno, harness } from '../helpers.js';
import { ed25519Sign } from '../../gateway/crypto/ed25519.js';

/**
 * Token attacks from the fast-jwt / @fastify/jwt advisories and the JWT literature. Every forged token is
 * refused with 401 and a catalogue code; none reaches a route.
 */
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

t.test('forged and malformed tokens are refused with 401', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  await h.party('insurer', 'INS-A');
  const good = h.token('insurer', 'INS-A');
  const cfg = h.g.config.auth;
  const now = Math.floor(Date.now() / 1000);
  const claims = { role: 'insurer', sub: 'INS-A', iss: cfg.issuer, aud: cfg.audience, iat: now, exp: now + 600, jti: crypto.randomUUID() };
  const hs256 = (secret: string | Buffer, payload: unknown = claims, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }) => {
    const head = `${b64(header)}.${b64(payload)}`;
    return `${head}.${crypto.createHmac('sha256', secret).update(head).digest('base64url')}`;
  };
  const attacker = crypto.generateKeyPairSync('ed25519');
  const attackerPem = attacker.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const signWith = (payload: Record<string, unknown>, header: Record<string, unknown> = {}, key = h.g.keys.token.privatePem) =>
    createSigner({ key, algorithm: 'EdDSA', header: { alg: 'EdDSA', ...header } })(payload);
  const publicPem = h.g.keys.token.publicPem;
  /** Signs whatever payload, bypassing the signer's own claim checks (an attacker holding no checks). */
  const rawEdDSA = (payload: unknown, header: Record<string, unknown> = { alg: 'EdDSA', typ: 'JWT' }) => {
    const head = `${b64(header)}.${b64(payload)}`;
    return `${head}.${ed25519Sign(Buffer.from(head), crypto.createPrivateKey(h.g.keys.token.privatePem)).toString('base64url')}`;
  };
  const jwkOfPublic = JSON.stringify(crypto.createPublicKey(publicPem).export({ format: 'jwk' }));
  const [gh, gp, gs] = good.split('.') as [string, string, string];
  const tampered = `${gh}.${b64({ ...JSON.parse(Buffer.from(gp, 'base64url').toString()), role: 'admin', sub: 'INS-A' })}.${gs}`;

  const cases: [string, string][] = [
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    ['alg none, upper case', `${b64({ alg: 'NONE' })}.${b64(claims)}.`],
    ['HS256 signed with the public key (algorithm confusion)', hs256(publicPem)],
    ['HS256 with leading whitespace before the PEM', hs256(`\n  ${publicPem}`)],
    ['HS256 with the public key as JWK JSON', hs256(jwkOfPublic)],
    ['HS256 with an empty key', hs256('')],
    ['wrong issuer', signWith({ ...claims, iss: 'urn:evil' })],
    ['issuer as an array', signWith({ ...claims, iss: [cfg.issuer, 'urn:evil'] })],
    ['wrong audience', signWith({ ...claims, aud: 'urn:other-api' })],
    ['audience as an array with ours', signWith({ ...claims, aud: ['urn:other', 'x'] })],
    ['payload is a JSON array (even correctly signed)', rawEdDSA([claims])],
    ['expired', signWith({ ...claims, iat: now - 7200, exp: now - 3600 })],
    ['not yet valid (nbf in the future)', signWith({ ...claims, nbf: now + 3600 })],
    ['missing iat', (() => { const c: Record<string, unknown> = { ...claims }; delete c.iat; return createSigner({ key: h.g.keys.token.privatePem, algorithm: 'EdDSA', noTimestamp: true })(c); })()],
    ['missing exp', (() => { const c: Record<string, unknown> = { ...claims }; delete c.exp; return signWith(c); })()],
    ['missing jti', (() => { const c: Record<string, unknown> = { ...claims }; delete c.jti; return signWith(c); })()],
    ['exp as a string duration (must not mean "no expiry")', rawEdDSA({ ...claims, exp: '10y' })],
    ['exp as a float far ahead', rawEdDSA({ ...claims, exp: 1e21 })],
    ['kid with path traversal, signed by an attacker', signWith(claims, { kid: '../../../../dev/null' }, attackerPem)],
    ['kid with SQL, signed by an attacker', signWith(claims, { kid: "x' OR '1'='1" }, attackerPem)],
    ['jku header pointing at the attacker', signWith(claims, { jku: 'https://evil.example/jwks.json' }, attackerPem)],
    ['jku header even with our own signature', signWith(claims, { jku: 'https://evil.example/jwks.json' })],
    ['x5u header', signWith(claims, { x5u: 'https://evil.example/cert.pem' })],
    ['embedded jwk header', signWith(claims, { jwk: crypto.createPublicKey(attackerPem).export({ format: 'jwk' }) }, attackerPem)],
    ['crit header', signWith(claims, { crit: ['exp'] })],
    ['tampered payload', tampered],
    ['signed by another key', signWith(claims, {}, attackerPem)],
    ['signed with the identity provider key under the gateway issuer', signWith({ ...claims, role: 'insurer' }, {}, h.g.keys.idp.privatePem!)],
    ['garbage', 'not-a-token'],
    ['three dots', 'a.b.c.d'],
    ['huge', `${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`],
  ];
  for (const [name, token] of cases) {
    const r = await h.call({ method: 'GET', url: '/v1/products', token });
    t.equal(r.status, 401, name);
    t.ok(['TOKEN_INVALID', 'UNAUTHENTICATED'].includes(r.body?.error?.code), `${name}: catalogue code`);
  }
  t.equal((await h.call({ method: 'GET', url: '/v1/products', token: good })).status, 200, 'the genuine token still works');

  // Cached verified tokens never outlive their expiry (fast-jwt's cache is bounded by exp).
  const shortLived = signWith({ ...claims, jti: crypto.randomUUID(), exp: now + 2 });
  t.equal((await h.call({ method: 'GET', url: '/v1/products', token: shortLived })).status, 200);
  await new Promise((r) => setTimeout(r, 3100 + 5000)); // past exp and the 5 s clock tolerance
  t.equal((await h.call({ method: 'GET', url: '/v1/products', token: shortLived })).status, 401, 'a cached token stops working at exp');

  // Authorization header shapes.
  for (const header of ['Basic abc', 'Bearer', 'Bearer  two  spaces', `bearer ${good} extra`, `Token ${good}`]) {
    const r = await h.app.inject({ method: 'GET', url: '/v1/products', headers: { authorization: header } });
    t.equal(r.statusCode, 401, header.slice(0, 20));
  }
});

t.test('patient tokens: only from the identity provider, only for a valid ID number', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const cfg = h.g.config.auth;
  const now = Math.floor(Date.now() / 1000);
  const idp = (payload: Record<string, unknown>) => createSigner({ key: h.g.keys.idp.privatePem!, algorithm: 'EdDSA' })({ iss: cfg.idp.issuer, aud: cfg.audience, jti: crypto.randomUUID(), exp: now + 600, ...payload });
  t.equal((await h.call({ method: 'GET', url: '/v1/consents', token: idp({ sub: certno(1) }) })).status, 200);
  t.equal((await h.call({ method: 'GET', url: '/v1/consents', token: idp({ sub: '110105194912310021' }) })).status, 401, 'invalid ID number');
  t.equal((await h.call({ method: 'GET', url: '/v1/audit/events', token: idp({ sub: certno(1), role: 'bureau' }) })).status, 401, 'the IdP cannot mint other roles');
  const partyKeyAsIdp = createSigner({ key: h.g.keys.token.privatePem, algorithm: 'EdDSA' })({ iss: cfg.idp.issuer, aud: cfg.audience, sub: certno(1), jti: 'x', exp: now + 600 });
  t.equal((await h.call({ method: 'GET', url: '/v1/consents', token: partyKeyAsIdp })).status, 401, 'issuer and key go together');
});

t.test('tokens of suspended or unknown parties, and role mismatches', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const token = await h.party('insurer', 'INS-S');
  await h.g.parties.setStatus('INS-S', 'suspended', { role: 'admin', code: 'a', jti: 'a' });
  t.equal((await h.call({ method: 'GET', url: '/v1/products', token })).status, 401, 'suspended');
  t.equal((await h.call({ method: 'GET', url: '/v1/products', token: h.token('insurer', 'NEVER-REGISTERED') })).status, 401, 'unknown');
  await h.party('hospital', 'H31010100009');
  t.equal((await h.call({ method: 'GET', url: '/v1/products', token: h.token('admin', 'H31010100009') })).status, 401, 'a role the party does not have');
});
