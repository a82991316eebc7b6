import t from 'tap';
import fc from 'fast-check';
import * as grpc from '@grpc/grpc-js';
import { ERROR_CATALOGUE } from '../../gateway/errors.js';
import { loadProtos } from '../../gateway/grpc/protos.js';
import { certno, grpcHarness, harness, type Harness, storedValue } from '../helpers.js';
import { recordBody } from '../fixtures/records.js';

/**
 * Property-based fuzzing of every route with hostile bodies, headers and query strings: the answer is
 * always a 4xx with a catalogue code (never a 5xx), the process stays up, and nothing is stored.
 * FUZZ_RUNS sets the number of cases per property (default 400: ~10^4 requests in all); run longer with
 * FUZZ_RUNS=5000 npm test.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const CODES = new Set(Object.keys(ERROR_CATALOGUE));
const H = 'H31010100001';

/** Hostile JSON: the usual values plus what breaks parsers and money code. */
const hostileLeaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e308', '1e-7', '12345678901234567.89', '0x1F', '١٢٣', '１２３', '\u0000', '\u202e', '‮evil', '../../etc/passwd', "' OR 1=1 --", '__proto__', 'constructor', 'H31010100001', '110101199003077777', '99999999999999999'),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map((b) => Number(b)),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e21, 0.1 + 0.2),
  fc.boolean(),
  fc.constant(null),
);
const hostileKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'certno', 'setlinfo', 'medfee_sumamt', 'claimed', 'purposes', 'grantee', 'mdtrt_id', 'policy_no', 'provider'),
);
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, hostileLeaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(hostileKey, tie('value'), { maxKeys: 8 }),
})).value;

/** Mutates one valid body: the likeliest way to reach deep code paths. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (o: unknown, p: string[]) => {
    if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) { paths.push([...p, k]); walk(v, [...p, k]); }
  };
  walk(valid, []);
  return fc.tuple(fc.constantFrom(...paths), hostileJson).map(([path, value]) => {
    const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
    let cur: Record<string, unknown> = copy;
    for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
    cur[path[path.length - 1]!] = value;
    return copy;
  });
}

async function setup(): Promise<{ h: Harness; tok: Record<string, string>; counts: () => Promise<unknown[]> }> {
  const h = await harness();
  const tok = {
    hospital: await h.party('hospital', H),
    insurer: await h.party('insurer', 'huhuibao'),
    bureau: await h.party('bureau', 'BUR'),
    admin: await h.party('admin', 'ADM'),
    patient: h.patientToken(certno(1)),
  };
  const counts = () => Promise.all(['records', 'consents', 'policies', 'settlements', 'parties'].map((tb) => storedValue(h.dir, `SELECT COUNT(*) AS n FROM ${tb}`)));
  return { h, tok, counts };
}

function checkAnswer(t: { fail: (m: string) => void }, status: number, body: string, label: string): boolean {
  if (status >= 500) {
    t.fail(`${label}: ${status} ${body.slice(0, 200)}`);
    return false;
  }
  if (status >= 400) {
    const parsed = JSON.parse(body) as { error?: { code?: string } | string; code?: string };
    // The token endpoint answers form requests in RFC 6749 §5.2 form, the catalogue code beside `error`.
    const code = typeof parsed.error === 'string' ? parsed.code : parsed.error?.code;
    if (!code || !CODES.has(code)) {
      t.fail(`${label}: no catalogue code in ${body.slice(0, 200)}`);
      return false;
    }
  }
  return true;
}

const who = certno(1);
const BODY_ROUTES: { method: 'POST' | 'PUT'; url: string; token: string; valid: Record<string, unknown> }[] = [
  { method: 'POST', url: '/v1/records', token: 'hospital', valid: recordBody({ certno: who, hospital: H, mdtrt_id: 'F1', ful: 10_000, inscp: 90_000, hifp: 60_000, acct: 5_000 }) },
  { method: 'POST', url: '/v1/consents', token: 'patient', valid: { grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2031-01-01', max_queries_per_day: 5 } },
  { method: 'POST', url: '/v1/consents', token: 'hospital', valid: { certno: who, grantee: 'huhuibao', purposes: ['settlement'], valid_until: '2031-01-01', evidence: 'e' } },
  { method: 'PUT', url: '/v1/policies/FUZZ-1', token: 'insurer', valid: { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31', pre_existing: true, claim_free_years: 2 } },
  { method: 'POST', url: '/v1/eligibility', token: 'insurer', valid: { certno: who, policy_no: 'P1', provider: H, mdtrt_id: 'F1' } },
  { method: 'POST', url: '/v1/settlements/quote', token: 'insurer', valid: { certno: who, policy_no: 'P1', provider: H, mdtrt_id: 'F1' } },
  { method: 'POST', url: '/v1/claims/verify', token: 'insurer', valid: { certno: who, provider: H, mdtrt_id: 'F1', claimed: { medfee_sumamt_fen: 1, psn_cash_pay_fen: 2 } } },
  { method: 'POST', url: '/v1/settlements', token: 'hospital', valid: { certno: who, mdtrt_id: 'F1', request_id: 'r1' } },
  { method: 'POST', url: '/v1/parties', token: 'admin', valid: { role: 'insurer', code: 'NEW-ONE', name: 'n', level: 2 } },
  { method: 'POST', url: '/v1/token', token: 'none', valid: { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'a.b.c' } },
  { method: 'POST', url: '/v1/stats/queries', token: 'insurer', valid: { metric: 'sum', value: 'medfee_fen', group_by: ['age_band'], filters: { year: 2025, region: ['31'] }, clamp_fen: 100_000, contributions: 2, rho: 0.1 } },
  { method: 'POST', url: '/v1/stats/preview', token: 'insurer', valid: { metric: 'count', group_by: ['gender', 'product'], filters: { product: 'huhuibao-2025' }, rho: 0.05 } },
  { method: 'PUT', url: '/v1/stats/budgets/huhuibao', token: 'bureau', valid: { rho: 1, period_end: '2099-12-31' } },
];

t.test('hostile bodies on every route: 4xx with a catalogue code, nothing stored', async (t) => {
  const { h, tok, counts } = await setup();
  t.teardown(h.close);
  const send = async (route: (typeof BODY_ROUTES)[number], payload: string, label: string) => {
    const r = await h.app.inject({
      method: route.method, url: route.url, payload,
      headers: { 'content-type': 'application/json', ...(tok[route.token] ? { authorization: `Bearer ${tok[route.token]}` } : {}) },
    });
    return { ok: checkAnswer(t, r.statusCode, r.body, label), status: r.statusCode };
  };
  // Random hostile bodies: never valid, so always refused, and nothing may be stored.
  const before = await counts();
  for (const route of BODY_ROUTES) {
    await fc.assert(
      fc.asyncProperty(hostileJson, async (body) => {
        const r = await send(route, JSON.stringify(body), `${route.url} random`);
        if (r.status < 300 && route.url !== '/v1/token') t.fail(`${route.url}: a random body was accepted`);
        return r.ok;
      }),
      { numRuns: RUNS },
    );
  }
  t.same(await counts(), before, 'nothing was stored from hostile bodies');
  // One field of a valid body replaced by something hostile: sometimes still valid (then accepted as it
  // should be), otherwise a catalogue 4xx — never a 5xx.
  for (const route of BODY_ROUTES) {
    await fc.assert(fc.asyncProperty(mutated(route.valid), async (body) => (await send(route, JSON.stringify(body), `${route.url} mutated`)).ok), { numRuns: RUNS });
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  const up = await h.call({ method: 'GET', url: '/healthz' });
  t.equal(up.status, 200, 'the process is up');
});

t.test('raw hostile payloads: broken JSON, pollution keys, depth, size, media types', async (t) => {
  const { h, tok, counts } = await setup();
  t.teardown(h.close);
  const before = await counts();
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const deepObj = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const raws: [string, string, number?][] = [
    ['{', 'application/json'], ['', 'application/json'], ['null', 'application/json'], ['[]', 'application/json'], ['"x"', 'application/json'],
    ['NaN', 'application/json'], ['{"certno": NaN}', 'application/json'], ['{"a":1e999999}', 'application/json'],
    ['{"__proto__":{"polluted":1},"certno":"x"}', 'application/json'], ['{"constructor":{"prototype":{"polluted":1}}}', 'application/json'],
    [deep(5000), 'application/json'], [deepObj(5000), 'application/json'], [deep(100_000), 'application/json'],
    [`{"s":"${'x'.repeat(2 * 1024 * 1024)}"}`, 'application/json', 413], ['certno=1', 'application/x-www-form-urlencoded', 415],
    ['<xml/>', 'text/xml', 415], ['{"certno":"1"}', 'text/plain', 415], ['\u0000\u0001\u0002', 'application/json'],
    ['{"setlinfo":{"medfee_sumamt":"1e5"}}', 'application/json'], ['{"setlinfo":{"medfee_sumamt":12345678901234567.89}}', 'application/json'],
  ];
  for (const route of BODY_ROUTES) {
    for (const [payload, type, expected] of raws) {
      const r = await h.app.inject({ method: route.method, url: route.url, payload, headers: { 'content-type': type, ...(tok[route.token] ? { authorization: `Bearer ${tok[route.token]}` } : {}) } });
      const label = `${route.url} ${payload.slice(0, 24)}… (${type})`;
      checkAnswer(t, r.statusCode, r.body, label);
      if (r.statusCode < 300 && route.url !== '/v1/token') t.fail(`${label} accepted`);
      if (expected && route.token !== 'none') t.equal(r.statusCode, expected, label);
    }
  }
  t.same(await counts(), before, 'nothing was stored');
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
});

t.test('hostile headers and query strings', async (t) => {
  const { h, tok } = await setup();
  t.teardown(h.close);
  const headerValue = fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('Bearer ', 'Bearer \u0000', `Bearer ${tok.bureau}\r\nX-Injected: 1`, 'Bearer ' + 'A'.repeat(9000)));
  await fc.assert(
    fc.asyncProperty(headerValue, headerValue, async (auth, ct) => {
      const safe = (v: string) => v.replace(/[^\t\x20-\x7e]/g, '');
      const r = await h.app.inject({ method: 'POST', url: '/v1/eligibility', payload: '{}', headers: { authorization: safe(auth), 'content-type': safe(ct) || 'application/json' } });
      return checkAnswer(t, r.statusCode, r.body, `headers ${JSON.stringify(auth).slice(0, 30)}`);
    }),
    { numRuns: RUNS },
  );
  const q = fc.dictionary(fc.constantFrom('from', 'to', 'actor', 'certno', 'action', 'outcome', 'limit', 'cursor', 'start', 'end', 'leaf_index', 'tree_size', 'first', 'second', 'x', '__proto__'), fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constantFrom('-1', '1e3', '99999999999999999999', 'NaN', "' OR 1=1", '%00', '0x10')), { maxKeys: 5 });
  for (const url of ['/v1/audit/events', '/v1/audit/leaves', '/v1/audit/proof/inclusion', '/v1/audit/proof/consistency', '/v1/me/access-log']) {
    await fc.assert(
      fc.asyncProperty(q, async (params) => {
        const qs = new URLSearchParams(params as Record<string, string>).toString();
        const token = url.startsWith('/v1/me') ? tok.patient : tok.bureau;
        const r = await h.app.inject({ method: 'GET', url: `${url}?${qs}`, headers: { authorization: `Bearer ${token}` } });
        return checkAnswer(t, r.statusCode, r.body, `${url}?${qs}`);
      }),
      { numRuns: RUNS },
    );
  }
  for (const url of ['/v1/policies/%00', '/v1/policies/' + 'x'.repeat(5000), '/v1/consents/..%2F..%2Fetc/revoke', '/v1/settlements/%27%20OR%201=1/reversal', '/v1/parties/%F0%9F%98%80/suspend']) {
    for (const method of ['POST', 'PUT'] as const) {
      const r = await h.app.inject({ method, url, payload: '{}', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok.admin}` } });
      checkAnswer(t, r.statusCode, r.body, `${method} ${url.slice(0, 40)}`);
    }
  }
});

t.test('gRPC: hostile messages never produce INTERNAL', async (t) => {
  const { h, server, close } = await grpcHarness();
  t.teardown(close);
  const tok = { hospital: await h.party('hospital', H), insurer: await h.party('insurer', 'huhuibao'), bureau: await h.party('bureau', 'BUR') };
  const { proto } = loadProtos();
  const v1 = proto.vouch.v1 as unknown as Record<string, new (a: string, c: grpc.ChannelCredentials) => grpc.Client>;
  const client = (svc: string) => new v1[svc]!(`localhost:${server.port}`, grpc.credentials.createInsecure()) as unknown as Record<string, (r: unknown, m: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => void> & grpc.Client;
  const records = client('RecordService');
  const queries = client('QueryService');
  const audit = client('AuditService');
  t.teardown(() => [records, queries, audit].forEach((c) => c.close()));
  const md = (token: string) => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${token}`);
    return m;
  };
  const rpc = (c: typeof records, method: string, req: unknown, token: string) => new Promise<grpc.ServiceError | null>((resolve) => c[method]!(req, md(token), resolve));
  const str = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '\u0000', "' OR 1=1", '1e5', 'NaN'));
  await fc.assert(
    fc.asyncProperty(fc.oneof(hostileJson.map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 })), async (json) => {
      const err = await rpc(records, 'PushRecord', { record_json: json }, tok.hospital);
      return err?.code !== grpc.status.INTERNAL && err?.code !== grpc.status.UNKNOWN;
    }),
    { numRuns: Math.ceil(RUNS / 2) },
  );
  await fc.assert(
    fc.asyncProperty(str, str, str, str, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), async (certnoValue, policy, provider, mdtrt, fen) => {
      const a = await rpc(queries, 'QuoteSettlement', { certno: certnoValue, policy_no: policy, provider, mdtrt_id: mdtrt }, tok.insurer);
      const b = await rpc(queries, 'VerifyClaim', { certno: certnoValue, provider, mdtrt_id: mdtrt, claimed: { medfee_sumamt_fen: fen } }, tok.insurer);
      const c = await rpc(audit, 'GetInclusionProof', { leaf_index: fen, tree_size: Math.abs(fen) }, tok.bureau);
      return [a, b, c].every((e) => e !== null && e.code !== grpc.status.INTERNAL && e.code !== grpc.status.UNKNOWN);
    }),
    { numRuns: Math.ceil(RUNS / 2) },
  );
  t.pass('no INTERNAL or UNKNOWN status under hostile messages');
});
