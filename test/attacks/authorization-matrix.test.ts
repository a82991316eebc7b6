import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../../gateway/grpc/protos.js';
import { certno, grpcHarness, harness, type Harness } from '../helpers.js';
import { recordBody } from '../fixtures/records.js';

/**
 * Every route and RPC × every role (and no token). The expected roles are written out here from
 * CONTRACT.md, independently of the gateway's own table, so a widened permission fails this test.
 */
type Who = 'none' | 'hospital' | 'insurer' | 'bureau' | 'admin' | 'patient';
const WHO: Who[] = ['none', 'hospital', 'insurer', 'bureau', 'admin', 'patient'];
const H = 'H31010100001';
const who = certno(7);

interface Row {
  method: string;
  url: string;
  allowed: Who[] | 'public';
  payload?: unknown;
  path?: string;
}

const ROWS: Row[] = [
  { method: 'POST', url: '/v1/parties', allowed: ['admin'], payload: { role: 'insurer', code: 'NEW-PARTY', name: 'n' } },
  { method: 'GET', url: '/v1/parties', allowed: ['admin'] },
  { method: 'POST', url: '/v1/parties/:code/suspend', path: '/v1/parties/NOPE/suspend', allowed: ['admin'] },
  { method: 'POST', url: '/v1/parties/:code/activate', path: '/v1/parties/NOPE/activate', allowed: ['admin'] },
  { method: 'POST', url: '/v1/keys/:which/rotate', path: '/v1/keys/kek/rotate', allowed: ['admin'] },
  { method: 'GET', url: '/v1/keys', allowed: 'public' },
  { method: 'POST', url: '/v1/token', allowed: 'public', payload: { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'a.b.c.d.e.f' } },
  { method: 'POST', url: '/v1/consents', allowed: ['patient', 'hospital'], payload: { grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2030-12-31' } },
  { method: 'POST', url: '/v1/consents/:consent_id/revoke', path: '/v1/consents/cns_000000000000000000000000/revoke', allowed: ['patient'] },
  { method: 'GET', url: '/v1/consents', allowed: ['patient', 'insurer'] },
  { method: 'POST', url: '/v1/records', allowed: ['hospital'], payload: recordBody({ certno: who, hospital: H, mdtrt_id: 'MX', inscp: 100, hifp: 50 }) },
  { method: 'PUT', url: '/v1/policies/:policy_no', path: '/v1/policies/P1', allowed: ['insurer'], payload: { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' } },
  { method: 'GET', url: '/v1/policies/:policy_no', path: '/v1/policies/P1', allowed: ['insurer'] },
  { method: 'GET', url: '/v1/products', allowed: ['hospital', 'insurer', 'bureau', 'admin', 'patient'] },
  { method: 'POST', url: '/v1/eligibility', allowed: ['insurer'], payload: { certno: who, policy_no: 'P1', provider: H, mdtrt_id: 'MX' } },
  { method: 'POST', url: '/v1/settlements/quote', allowed: ['insurer'], payload: { certno: who, policy_no: 'P1', provider: H, mdtrt_id: 'MX' } },
  { method: 'POST', url: '/v1/claims/verify', allowed: ['insurer'], payload: { certno: who, provider: H, mdtrt_id: 'MX', claimed: { medfee_sumamt_fen: 1 } } },
  { method: 'POST', url: '/v1/settlements', allowed: ['hospital'], payload: { certno: who, mdtrt_id: 'MX', request_id: 'r1' } },
  { method: 'POST', url: '/v1/settlements/:settlement_id/reversal', path: '/v1/settlements/stl_000000000000000000000000/reversal', allowed: ['hospital'] },
  { method: 'GET', url: '/v1/audit/events', allowed: ['bureau'] },
  { method: 'GET', url: '/v1/audit/tree-head', allowed: ['bureau', 'insurer', 'hospital'] },
  { method: 'GET', url: '/v1/audit/leaves', path: '/v1/audit/leaves?start=0&end=1', allowed: ['bureau'] },
  { method: 'GET', url: '/v1/audit/proof/inclusion', path: '/v1/audit/proof/inclusion?leaf_index=0&tree_size=1', allowed: ['bureau', 'insurer', 'hospital'] },
  { method: 'GET', url: '/v1/audit/proof/consistency', path: '/v1/audit/proof/consistency?first=0&second=1', allowed: ['bureau'] },
  { method: 'GET', url: '/v1/me/access-log', allowed: ['patient'] },
  { method: 'GET', url: '/v1/directory', allowed: ['hospital', 'insurer', 'bureau', 'admin', 'patient'] },
  { method: 'GET', url: '/v1/supervision/summary', allowed: ['bureau'] },
  { method: 'PUT', url: '/v1/stats/budgets/:insurer', path: '/v1/stats/budgets/huhuibao', allowed: ['bureau'], payload: { rho: 1, period_end: '2099-12-31' } },
  { method: 'GET', url: '/v1/stats/budget', allowed: ['insurer', 'bureau'] },
  { method: 'POST', url: '/v1/stats/queries', allowed: ['insurer', 'bureau'], payload: { metric: 'count', group_by: ['gender'], rho: 0.01 } },
  { method: 'GET', url: '/v1/stats/releases', allowed: ['bureau'] },
  { method: 'POST', url: '/v1/stats/preview', allowed: ['insurer', 'bureau'], payload: { metric: 'count', group_by: ['gender'], rho: 0.01 } },
];

const DENIED_CODES = new Set(['UNAUTHENTICATED', 'TOKEN_INVALID', 'FORBIDDEN']);

/** One registered party of each role, a patient, and no token at all. */
async function tokensForEveryone(h: Harness): Promise<Record<Who, string | undefined>> {
  return {
    none: undefined,
    hospital: await h.party('hospital', H),
    insurer: await h.party('insurer', 'huhuibao'),
    bureau: await h.party('bureau', 'BUR'),
    admin: await h.party('admin', 'ADM'),
    patient: h.patientToken(who),
  };
}

t.test('HTTP: every route × every role', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const tokens = await tokensForEveryone(h);
  // Something in the log so proofs have a tree.
  await h.call({ method: 'GET', url: '/v1/consents', token: tokens.patient });
  await h.g.accessLog.treeHead();

  const registered = h.app.accessRules.map((r) => `${r.method} ${r.url}`).sort();
  t.same(registered, ROWS.map((r) => `${r.method} ${r.url}`).sort(), 'the matrix covers every registered /v1 route, and only those');
  for (const rule of h.app.accessRules) {
    const row = ROWS.find((r) => r.method === rule.method && r.url === rule.url)!;
    if (row.allowed === 'public') t.ok(rule.public, `${rule.url} is public`);
    else t.same([...rule.roles].sort(), [...row.allowed].sort(), `${rule.method} ${rule.url} declares exactly the contract's roles`);
  }

  for (const row of ROWS) {
    for (const w of WHO) {
      const r = await h.call({ method: row.method as 'GET', url: row.path ?? row.url, token: tokens[w], ...(row.payload ? { payload: row.payload } : {}) });
      const code: string | undefined = r.body?.error?.code;
      const label = `${row.method} ${row.url} as ${w} → ${r.status} ${code ?? ''}`;
      t.ok(r.status < 500, `${label}: never a 5xx`);
      if (row.allowed === 'public' || (row.allowed as Who[]).includes(w)) {
        t.notOk(code !== undefined && DENIED_CODES.has(code), `${label}: allowed`);
      } else if (w === 'none') {
        t.same([r.status, code], [401, 'UNAUTHENTICATED'], label);
      } else {
        t.same([r.status, code], [403, 'FORBIDDEN'], label);
      }
    }
  }
});

t.test('object-level authorisation (OWASP API1: BOLA)', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const hA = await h.party('hospital', H);
  const hB = await h.party('hospital', 'H31010100002');
  const insA = await h.party('insurer', 'baiwan');
  const insB = await h.party('insurer', 'huhuibao');
  const alice = certno(11);
  const bob = certno(12);
  const aliceT = h.patientToken(alice);
  const consent = await h.call({ method: 'POST', url: '/v1/consents', token: aliceT, payload: { grantee: 'baiwan', purposes: ['eligibility', 'settlement', 'claim_verification'], valid_until: '2030-12-31' } });
  await h.call({ method: 'POST', url: '/v1/records', token: hA, payload: recordBody({ certno: alice, hospital: H, mdtrt_id: 'A1', inscp: 100_00, hifp: 50_00 }) });
  await h.call({ method: 'PUT', url: '/v1/policies/PA', token: insA, payload: { certno: alice, product: 'baiwan-medical', start_date: '2025-01-01', end_date: '2025-12-31' } });
  const settled = await h.call({ method: 'POST', url: '/v1/settlements', token: hA, payload: { certno: alice, mdtrt_id: 'A1', request_id: 'x' } });
  t.equal(settled.status, 201);

  const visit = { certno: alice, provider: H, mdtrt_id: 'A1' };
  t.equal((await h.call({ method: 'POST', url: '/v1/eligibility', token: insB, payload: { ...visit, policy_no: 'PA' } })).body.error.code, 'NOT_AVAILABLE', "another insurer cannot use A's consent or policy");
  t.equal((await h.call({ method: 'POST', url: '/v1/claims/verify', token: insB, payload: { ...visit, claimed: { medfee_sumamt_fen: 1 } } })).body.error.code, 'NOT_AVAILABLE');
  t.equal((await h.call({ method: 'POST', url: '/v1/records', token: hB, payload: recordBody({ certno: alice, hospital: H, mdtrt_id: 'A2', inscp: 100, hifp: 50 }) })).body.error.code, 'PROVIDER_MISMATCH', "a hospital cannot push for another hospital's code");
  t.equal((await h.call({ method: 'POST', url: `/v1/settlements/${settled.body.settlement_id}/reversal`, token: hB })).status, 404, "a hospital cannot reverse another's settlement");
  t.equal((await h.call({ method: 'POST', url: '/v1/settlements', token: hB, payload: { certno: alice, mdtrt_id: 'A1', request_id: 'y' } })).status, 404, "nor settle another hospital's visit");
  t.equal((await h.call({ method: 'POST', url: `/v1/consents/${consent.body.consent_id}/revoke`, token: h.patientToken(bob) })).status, 404, "a patient cannot revoke someone else's consent");
  const bobsLog = await h.call({ method: 'GET', url: '/v1/me/access-log', token: h.patientToken(bob) });
  t.same(bobsLog.body.events, [], "nor read someone else's access log");
  const insBConsents = await h.call({ method: 'GET', url: '/v1/consents', token: insB });
  t.same(insBConsents.body.consents, [], 'an insurer sees only consents granted to it');
  // Property-level (API3): answers carry exactly the contract's members.
  const q = await h.call({ method: 'POST', url: '/v1/settlements/quote', token: insA, payload: { ...visit, policy_no: 'PA' } });
  t.same(Object.keys(q.body).sort(), ['deductible_applied_fen', 'liabilities', 'payable_fen', 'product', 'product_version', 'reasons', 'receipt', 'receipt_salt']);
  const extra = await h.call({ method: 'PUT', url: '/v1/policies/PB', token: insA, payload: { certno: alice, product: 'baiwan-medical', start_date: '2025-01-01', end_date: '2025-12-31', insurer: 'huhuibao' } });
  t.equal((await h.call({ method: 'GET', url: '/v1/policies/PA', token: insB })).status, 404, "an insurer cannot read another insurer's policy");
  t.equal(extra.status, 400, 'no mass assignment: unknown members are refused');
});

t.test('gRPC: every RPC × every role', async (t) => {
  const { h, server, close } = await grpcHarness();
  t.teardown(close);
  const tokens = await tokensForEveryone(h);
  await h.g.accessLog.treeHead();
  const { proto } = loadProtos();
  const v1 = proto.vouch.v1 as unknown as Record<string, new (a: string, c: grpc.ChannelCredentials) => grpc.Client>;
  const clients = new Map<string, grpc.Client>();
  const RPCS: [string, string, unknown, Who[]][] = [
    ['ConsentService', 'GrantConsent', { grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2030-12-31' }, ['patient', 'hospital']],
    ['ConsentService', 'RevokeConsent', { consent_id: 'cns_000000000000000000000000' }, ['patient']],
    ['ConsentService', 'ListConsents', {}, ['patient', 'insurer']],
    ['RecordService', 'PushRecord', { record_json: JSON.stringify(recordBody({ certno: who, hospital: H, mdtrt_id: 'MX', inscp: 100, hifp: 50 })) }, ['hospital']],
    ['PolicyService', 'EnrollPolicy', { policy_no: 'P1', certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' }, ['insurer']],
    ['PolicyService', 'GetPolicy', { policy_no: 'P1' }, ['insurer']],
    ['PolicyService', 'ListProducts', {}, ['hospital', 'insurer', 'bureau', 'admin', 'patient']],
    ['QueryService', 'VerifyEligibility', { certno: who, policy_no: 'P1', provider: H, mdtrt_id: 'MX' }, ['insurer']],
    ['QueryService', 'QuoteSettlement', { certno: who, policy_no: 'P1', provider: H, mdtrt_id: 'MX' }, ['insurer']],
    ['QueryService', 'VerifyClaim', { certno: who, provider: H, mdtrt_id: 'MX', claimed: { medfee_sumamt_fen: 1 } }, ['insurer']],
    ['SettlementService', 'Settle', { certno: who, mdtrt_id: 'MX', request_id: 'r1' }, ['hospital']],
    ['SettlementService', 'Reverse', { settlement_id: 'stl_000000000000000000000000' }, ['hospital']],
    ['AuditService', 'ListEvents', {}, ['bureau']],
    ['AuditService', 'GetTreeHead', {}, ['bureau', 'insurer', 'hospital']],
    ['AuditService', 'GetInclusionProof', { leaf_index: 0, tree_size: 1 }, ['bureau', 'insurer', 'hospital']],
    ['AuditService', 'GetConsistencyProof', { first: 0, second: 1 }, ['bureau']],
    ['AuditService', 'ListMyAccess', {}, ['patient']],
  ];
  const services = new Set<string>();
  for (const svc of ['ConsentService', 'RecordService', 'PolicyService', 'QueryService', 'SettlementService', 'AuditService']) {
    const Ctor = v1[svc]!;
    clients.set(svc, new Ctor(`localhost:${server.port}`, grpc.credentials.createInsecure()));
    for (const m of Object.keys((Ctor as unknown as { service: Record<string, unknown> }).service)) services.add(`${svc}/${m}`);
  }
  t.same([...services].sort(), RPCS.map(([s, m]) => `${s}/${m}`).sort(), 'the matrix covers every RPC');
  for (const [svc, method, req, allowed] of RPCS) {
    for (const w of WHO) {
      const md = new grpc.Metadata();
      if (tokens[w]) md.set('authorization', `Bearer ${tokens[w]}`);
      const err = await new Promise<grpc.ServiceError | null>((resolve) =>
        (clients.get(svc) as unknown as Record<string, (r: unknown, m: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => void>)[method]!(req, md, (e) => resolve(e)),
      );
      const code = err?.metadata.get('vouch-error-code')[0];
      const label = `${svc}/${method} as ${w} → ${err ? grpc.status[err.code] : 'OK'} ${code ?? ''}`;
      t.not(err?.code, grpc.status.INTERNAL, `${label}: never INTERNAL`);
      if (allowed.includes(w)) t.notOk(code !== undefined && DENIED_CODES.has(String(code)), `${label}: allowed`);
      else if (w === 'none') t.same([err?.code, code], [grpc.status.UNAUTHENTICATED, 'UNAUTHENTICATED'], label);
      else t.same([err?.code, code], [grpc.status.PERMISSION_DENIED, 'FORBIDDEN'], label);
    }
  }
  for (const c of clients.values()) c.close();
});
