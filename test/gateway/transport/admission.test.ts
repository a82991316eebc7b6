import t from 'tap';
import type { AuthService, Principal } from '../../../gateway/services/identity/auth.js';
import { authenticate, authorize, bearerToken, nulAt, refuseNul } from '../../../gateway/transport/admission.js';

t.test('the bearer token of an Authorization value (RFC 6750 §2.1), the same for HTTP headers and gRPC metadata', async (t) => {
  t.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
  t.equal(bearerToken('bearer abc'), 'abc', 'the scheme is case-insensitive');
  t.equal(bearerToken('  Bearer abc  '), 'abc', 'surrounding blanks are ignored');
  for (const malformed of [undefined, '', 'Bearer', 'Bearer ', 'Bearer  two  spaces', 'Bearer a b', 'Basic abc', 'Token abc', Buffer.from('Bearer abc'), 42]) {
    t.equal(bearerToken(malformed), undefined, `${JSON.stringify(malformed)} counts as no token`);
  }
});

t.test('authenticate hands the token to the one AuthService; authorize checks the operation’s roles', async (t) => {
  const seen: (string | undefined)[] = [];
  const insurer: Principal = { role: 'insurer', code: 'INS1', jti: 'j' };
  const auth = { authenticate: async (token: string | undefined) => (seen.push(token), insurer) } as unknown as AuthService;
  t.equal(await authenticate(auth, 'Bearer tok'), insurer);
  t.equal(await authenticate(auth, 'Basic tok'), insurer);
  t.same(seen, ['tok', undefined], 'a malformed value reaches the service as no token (it answers UNAUTHENTICATED)');
  t.equal(authorize(insurer, ['insurer', 'bureau']), insurer);
  for (const roles of [['hospital'] as const, [] as const, undefined]) {
    t.throws(() => authorize(insurer, roles), { name: 'VouchError', code: 'FORBIDDEN' }, `roles ${JSON.stringify(roles)}`);
  }
});

t.test('a NUL character anywhere in a request is found, with a path that echoes no odd key', async (t) => {
  t.equal(nulAt({ a: 'x', b: ['y', { c: 'z\u0000' }] }, 'body'), 'body/b/1/c');
  t.equal(nulAt({ 'we\u0000ird': 1 }, 'body'), 'body/?', 'a NUL in a key; the key is not echoed');
  t.equal(nulAt({ a: 'fine', n: 3, b: null, buf: Buffer.from([0]) }, 'body'), undefined, 'bytes are not text');
  t.equal(nulAt('\u0000', 'query'), 'query');
  t.throws(() => refuseNul({ body: { grantee: '\u0000' } }), { name: 'VouchError', code: 'VALIDATION_FAILED', message: 'Field body/grantee must not contain the NUL character.' });
  t.doesNotThrow(() => refuseNul({ body: { grantee: 'huhuibao' }, query: {}, params: undefined }));
});
