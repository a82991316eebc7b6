import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import protobuf from 'protobufjs';
import { loadProtos, PROTO_DIR } from '../../../gateway/grpc/protos.js';
import { startGrpcServer, type GrpcServer } from '../../../gateway/grpc/server.js';
import { REASON_CODES } from '../../../gateway/domain/reasons.js';
import { certno, grpcHarness, harness, testConfig, type Harness } from '../../helpers.js';
import { feeLine, recordBody } from '../../fixtures/records.js';

const SH = 'H31010100001';
type Client = grpc.Client & Record<string, (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: any) => void) => void>;

interface Stack {
  h: Harness;
  grpc: GrpcServer;
  clients: Record<string, Client>;
}

async function stack(env: Record<string, string> = {}, credentials = grpc.credentials.createInsecure()): Promise<Stack> {
  const { h, server } = await grpcHarness(env);
  const { proto } = loadProtos();
  const v1 = proto.vouch.v1 as unknown as Record<string, new (addr: string, c: grpc.ChannelCredentials) => Client>;
  const clients: Record<string, Client> = {};
  for (const s of ['ConsentService', 'RecordService', 'PolicyService', 'QueryService', 'SettlementService', 'AuditService']) {
    clients[s] = new v1[s]!(`localhost:${server.port}`, credentials);
  }
  return { h, grpc: server, clients };
}

async function closeStack(s: Stack) {
  for (const c of Object.values(s.clients)) c.close();
  await s.grpc.close();
  await s.h.close();
}

function call(c: Client, method: string, req: unknown, token?: string): Promise<{ res?: any; err?: grpc.ServiceError }> {
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => c[method]!(req, md, { deadline: Date.now() + 10_000 }, (err, res) => resolve(err ? { err } : { res })));
}

/** One transport-neutral scenario: consent → push → policy → eligibility → quote → settle → reverse → audit. */
interface Transport {
  consent(patient: string, body: Record<string, unknown>): Promise<unknown>;
  push(hosp: string, body: Record<string, unknown>): Promise<{ record_id: string; version: number }>;
  enroll(ins: string, policyNo: string, body: Record<string, unknown>): Promise<unknown>;
  eligibility(ins: string, q: Record<string, unknown>): Promise<{ eligible: boolean; reasons: string[]; receipt: { leaf_index: number } }>;
  quote(ins: string, q: Record<string, unknown>): Promise<{ payable_fen: number; deductible_applied_fen: number; liabilities: unknown[] }>;
  settle(hosp: string, q: Record<string, unknown>): Promise<{ settlement_id: string; lines: any[]; insurers_total_fen: number; patient_cash_fen: number }>;
  reverse(hosp: string, id: string): Promise<{ status: string }>;
  treeHead(bureau: string): Promise<{ tree_size: number; root_hash: string }>;
  inclusion(bureau: string, leaf: number, size: number): Promise<{ audit_path: string[] }>;
  events(bureau: string, certno: string): Promise<string[]>;
  error(kind: 'noToken' | 'wrongRole' | 'notAvailable', tokens: Record<string, string>): Promise<string>;
}

function httpTransport(h: Harness): Transport {
  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const x = await r;
    if (x.status >= 300) throw new Error(JSON.stringify(x.body));
    return x.body;
  };
  return {
    consent: (token, payload) => ok(h.call({ method: 'POST', url: '/v1/consents', token, payload })),
    push: (token, payload) => ok(h.call({ method: 'POST', url: '/v1/records', token, payload })),
    enroll: (token, no, payload) => ok(h.call({ method: 'PUT', url: `/v1/policies/${no}`, token, payload })),
    eligibility: (token, payload) => ok(h.call({ method: 'POST', url: '/v1/eligibility', token, payload })),
    quote: (token, payload) => ok(h.call({ method: 'POST', url: '/v1/settlements/quote', token, payload })),
    settle: (token, payload) => ok(h.call({ method: 'POST', url: '/v1/settlements', token, payload })),
    reverse: (token, id) => ok(h.call({ method: 'POST', url: `/v1/settlements/${id}/reversal`, token })),
    treeHead: (token) => ok(h.call({ method: 'GET', url: '/v1/audit/tree-head', token })),
    inclusion: (token, i, n) => ok(h.call({ method: 'GET', url: `/v1/audit/proof/inclusion?leaf_index=${i}&tree_size=${n}`, token })),
    events: async (token, c) => (await ok(h.call({ method: 'GET', url: `/v1/audit/events?certno=${c}`, token }))).events.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`),
    async error(kind, tokens) {
      const r =
        kind === 'noToken' ? await h.call({ method: 'GET', url: '/v1/products' })
        : kind === 'wrongRole' ? await h.call({ method: 'GET', url: '/v1/audit/tree-head', token: tokens.patient })
        : await h.call({ method: 'POST', url: '/v1/eligibility', token: tokens.insurer, payload: { certno: certno(999), policy_no: 'X', provider: SH, mdtrt_id: 'NOPE' } });
      return `${r.status}:${r.body.error.code}`;
    },
  };
}

const HTTP_FOR_GRPC: Record<number, number> = { [grpc.status.UNAUTHENTICATED]: 401, [grpc.status.PERMISSION_DENIED]: 403, [grpc.status.NOT_FOUND]: 404, [grpc.status.RESOURCE_EXHAUSTED]: 429 };

function grpcTransport(s: Stack): Transport {
  const ok = async (r: Promise<{ res?: any; err?: grpc.ServiceError }>) => {
    const x = await r;
    if (x.err) throw new Error(`${x.err.code} ${x.err.details}`);
    return x.res;
  };
  const c = s.clients;
  return {
    consent: (token, b) => ok(call(c.ConsentService!, 'GrantConsent', b, token)),
    push: (token, b) => ok(call(c.RecordService!, 'PushRecord', { record_json: JSON.stringify(b) }, token)),
    enroll: (token, no, b) => ok(call(c.PolicyService!, 'EnrollPolicy', { ...b, policy_no: no }, token)),
    eligibility: (token, q) => ok(call(c.QueryService!, 'VerifyEligibility', q, token)),
    quote: (token, q) => ok(call(c.QueryService!, 'QuoteSettlement', q, token)),
    settle: (token, q) => ok(call(c.SettlementService!, 'Settle', q, token)),
    reverse: (token, id) => ok(call(c.SettlementService!, 'Reverse', { settlement_id: id }, token)),
    treeHead: (token) => ok(call(c.AuditService!, 'GetTreeHead', {}, token)),
    inclusion: (token, i, n) => ok(call(c.AuditService!, 'GetInclusionProof', { leaf_index: i, tree_size: n }, token)),
    events: async (token, cn) => (await ok(call(c.AuditService!, 'ListEvents', { certno: cn }, token))).events.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`),
    async error(kind, tokens) {
      const r =
        kind === 'noToken' ? await call(c.PolicyService!, 'ListProducts', {})
        : kind === 'wrongRole' ? await call(c.AuditService!, 'GetTreeHead', {}, tokens.patient)
        : await call(c.QueryService!, 'VerifyEligibility', { certno: certno(999), policy_no: 'X', provider: SH, mdtrt_id: 'NOPE' }, tokens.insurer);
      return `${HTTP_FOR_GRPC[r.err!.code]}:${r.err!.metadata.get('vouch-error-code')[0]}`;
    },
  };
}

async function runScenario(h: Harness, tr: Transport) {
  const hosp = await h.party('hospital', SH, { level: 3 });
  const insurer = await h.party('insurer', 'huhuibao');
  const bureau = await h.party('bureau', 'SH-YBJ');
  const who = certno(42);
  const patient = h.patientToken(who);
  const out: Record<string, unknown> = {};
  const c = (await tr.consent(patient, { grantee: 'huhuibao', purposes: ['eligibility', 'settlement'], valid_until: '2030-12-31' })) as { status: string; version: number };
  out.consent = [c.status, c.version];
  const record = recordBody({
    certno: who, hospital: SH, mdtrt_id: 'SC1', med_type: '21', clr_optins: '310100', ful: 2_300_000, inscp: 3_000_000, hifp: 2_100_000, ded: 150_000,
    feedetail: [feeLine(1, 'XA02BCA211A012010100154', '09', '03', 2_300_000)],
  });
  out.push = (await tr.push(hosp, record)).version;
  await tr.enroll(insurer, 'POL-1', { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' });
  const visit = { certno: who, policy_no: 'POL-1', provider: SH, mdtrt_id: 'SC1' };
  const e = await tr.eligibility(insurer, visit);
  out.eligibility = [e.eligible, e.reasons];
  const q = await tr.quote(insurer, visit);
  out.quote = [q.payable_fen, q.deductible_applied_fen, q.liabilities];
  const s = await tr.settle(hosp, { certno: who, mdtrt_id: 'SC1', request_id: 'r-1' });
  out.settle = [s.lines.map((l) => [l.insurer, l.policy_no, l.product, l.payable_fen]), s.insurers_total_fen, s.patient_cash_fen];
  const again = await tr.settle(hosp, { certno: who, mdtrt_id: 'SC1', request_id: 'r-1' });
  out.idempotent = again.settlement_id === s.settlement_id;
  out.reverse = (await tr.reverse(hosp, s.settlement_id)).status;
  const head = await tr.treeHead(bureau);
  out.proofLength = (await tr.inclusion(bureau, e.receipt.leaf_index, head.tree_size)).audit_path.length;
  out.treeSize = head.tree_size;
  out.events = await tr.events(bureau, who);
  const tokens = { patient, insurer };
  out.errors = [await tr.error('noToken', tokens), await tr.error('wrongRole', tokens), await tr.error('notAvailable', tokens)];
  return out;
}

t.test('the same scenario over HTTP and gRPC gives the same results', async (t) => {
  const viaHttp = await harness();
  t.teardown(viaHttp.close);
  const httpResult = await runScenario(viaHttp, httpTransport(viaHttp));
  const s = await stack();
  t.teardown(() => closeStack(s));
  const grpcResult = await runScenario(s.h, grpcTransport(s));
  t.same(grpcResult, httpResult);
  // One covered drug line of 23,000: (23,000 − 12,000) × 70 % = 7,700.00.
  t.same((httpResult.quote as unknown[]).slice(0, 2), [770_000, 1_200_000]);
  t.same(httpResult.errors, ['401:UNAUTHENTICATED', '403:FORBIDDEN', '404:NOT_AVAILABLE']);
  t.ok(httpResult.idempotent);
});

t.test('gRPC status mapping, details and bounds', async (t) => {
  const s = await stack();
  t.teardown(() => closeStack(s));
  const insurer = await s.h.party('insurer', 'huhuibao');
  await s.h.party('hospital', SH);
  const who = certno(43);
  await call(s.clients.ConsentService!, 'GrantConsent', { grantee: 'huhuibao', purposes: ['claim_verification'], valid_until: '2030-12-31' }, s.h.patientToken(who));
  await call(s.clients.RecordService!, 'PushRecord', { record_json: JSON.stringify(recordBody({ certno: who, hospital: SH, mdtrt_id: 'B1', inscp: 10_000, hifp: 5_000 })) }, s.h.token('hospital', SH));
  const verify = () => call(s.clients.QueryService!, 'VerifyClaim', { certno: who, provider: SH, mdtrt_id: 'B1', claimed: { medfee_sumamt_fen: 1 } }, insurer);
  for (let i = 0; i < 5; i++) t.equal((await verify()).res?.match, false);
  const over = await verify();
  t.equal(over.err?.code, grpc.status.RESOURCE_EXHAUSTED);
  t.equal(over.err?.metadata.get('vouch-error-code')[0], 'QUERY_BUDGET_EXCEEDED');
  t.ok((over.err?.metadata.get('vouch-error-bin')[0] as Buffer).length > 10, 'ErrorDetail in binary trailing metadata');
  const match = await call(s.clients.QueryService!, 'VerifyClaim', { certno: who, provider: SH, mdtrt_id: 'B1', claimed: { medfee_sumamt_fen: 10_000, psn_cash_pay_fen: 5_000 } }, s.h.token('insurer', 'huhuibao'));
  t.equal(match.err?.code, grpc.status.RESOURCE_EXHAUSTED, 'the budget holds whatever the transport');

  const consentNeeded = await call(s.clients.RecordService!, 'PushRecord', { record_json: JSON.stringify(recordBody({ certno: certno(44), hospital: SH, mdtrt_id: 'B2', inscp: 100, hifp: 50 })) }, s.h.token('hospital', SH));
  t.equal(consentNeeded.err?.code, grpc.status.PERMISSION_DENIED);
  t.equal(consentNeeded.err?.metadata.get('vouch-error-code')[0], 'CONSENT_REQUIRED');
  const badJson = await call(s.clients.RecordService!, 'PushRecord', { record_json: '{not json' }, s.h.token('hospital', SH));
  t.equal(badJson.err?.code, grpc.status.INVALID_ARGUMENT);
  const badToken = await call(s.clients.PolicyService!, 'ListProducts', {}, 'x.y.z');
  t.equal(badToken.err?.code, grpc.status.UNAUTHENTICATED);
  const huge = await call(s.clients.RecordService!, 'PushRecord', { record_json: 'x'.repeat(2 * 1024 * 1024) }, s.h.token('hospital', SH));
  t.equal(huge.err?.code, grpc.status.RESOURCE_EXHAUSTED, 'oversized messages are refused');
  const expired = await new Promise<grpc.ServiceError | null>((resolve) => {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${insurer}`);
    s.clients.PolicyService!.ListProducts!({}, md, { deadline: Date.now() - 1 }, (err) => resolve(err));
  });
  t.equal(expired?.code, grpc.status.DEADLINE_EXCEEDED, 'a passed deadline is respected');
});

t.test('the standard health service and server reflection answer', async (t) => {
  const s = await stack();
  t.teardown(() => closeStack(s));
  const healthDef = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
  const Health = (grpc.loadPackageDefinition(healthDef) as any).grpc.health.v1.Health;
  const health = new Health(`localhost:${s.grpc.port}`, grpc.credentials.createInsecure());
  t.teardown(() => health.close());
  const check = (service: string) => new Promise<any>((resolve, reject) => health.Check({ service }, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res))));
  t.equal((await check('')).status, 'SERVING');
  t.equal((await check('vouch.v1.QueryService')).status, 'SERVING');

  const require = createRequire(import.meta.url);
  const reflectionProto = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection/v1/reflection.proto');
  const reflDef = protoLoader.loadSync(reflectionProto, { keepCase: true });
  const Reflection = (grpc.loadPackageDefinition(reflDef) as any).grpc.reflection.v1.ServerReflection;
  const reflection = new Reflection(`localhost:${s.grpc.port}`, grpc.credentials.createInsecure());
  t.teardown(() => reflection.close());
  const services = await new Promise<string[]>((resolve, reject) => {
    const stream = reflection.ServerReflectionInfo();
    stream.on('data', (msg: any) => {
      resolve(msg.list_services_response.service.map((x: { name: string }) => x.name));
      stream.end();
    });
    stream.on('error', reject);
    stream.write({ list_services: '' });
  });
  for (const name of ['vouch.v1.QueryService', 'vouch.v1.SettlementService', 'vouch.v1.AuditService']) t.ok(services.includes(name), `${name} is listed`);
});

t.test('TLS with a client certificate issued by keys/', async (t) => {
  const h0 = await harness();
  const dir = h0.dir;
  const ca = h0.g.keys.ca;
  const serverPair = ca.issueServerCertificate(['localhost', '127.0.0.1']);
  const clientPair = ca.issueClientCertificate('huhuibao', 'insurer');
  const otherPair = ca.issueClientCertificate('INS-B', 'insurer');
  const files = { cert: path.join(dir, 'srv.pem'), key: path.join(dir, 'srv.key'), ca: path.join(dir, 'ca.pem') };
  fs.writeFileSync(files.cert, serverPair.certPem);
  fs.writeFileSync(files.key, serverPair.keyPem);
  fs.writeFileSync(files.ca, ca.certPem);
  await h0.close();
  const env = { VOUCH_TLS_CERT: files.cert, VOUCH_TLS_KEY: files.key, VOUCH_TLS_CA: files.ca, VOUCH_TLS_REQUIRE_CLIENT_CERT: 'true' };
  const creds = (pair?: { certPem: string; keyPem: string }) =>
    grpc.credentials.createSsl(Buffer.from(ca.certPem), pair ? Buffer.from(pair.keyPem) : null, pair ? Buffer.from(pair.certPem) : null);
  const h = await harness(env, dir);
  const server = await startGrpcServer(testConfig(dir, { ...env, VOUCH_GRPC_PORT: '0' }), h.g, h.app.auth, h.app.log as never);
  t.teardown(async () => {
    await server.close();
    await h.close();
  });
  const token = await h.party('insurer', 'huhuibao');
  const { proto } = loadProtos();
  const Policy = (proto.vouch.v1 as any).PolicyService;
  const ask = async (c: grpc.ChannelCredentials) => {
    const client = new Policy(`localhost:${server.port}`, c);
    const r = await call(client, 'ListProducts', {}, token);
    client.close();
    return r;
  };
  const mine = await ask(creds(clientPair));
  t.equal(mine.err, undefined, 'mutual TLS with the party’s certificate works');
  t.ok(mine.res.products.length >= 5);
  const noCert = await ask(creds());
  t.equal(noCert.err?.code, grpc.status.UNAVAILABLE, 'no client certificate, no connection');
  const otherCert = await ask(creds(otherPair));
  t.equal(otherCert.err?.code, grpc.status.PERMISSION_DENIED, "another party's certificate does not go with this token");
});

/** descriptor.proto's FileDescriptorProto, as any client decodes reflection answers with it. */
const require = createRequire(import.meta.url);
const descriptorExt = require('protobufjs/ext/descriptor') as { FileDescriptorProto: protobuf.Type };

/** google.rpc.Status and Any, written out here from google/rpc/status.proto (independent of the gateway's copy). */
const statusRoot = protobuf.parse(
  `syntax = "proto3"; package google.rpc;
   message Any { string type_url = 1; bytes value = 2; }
   message Status { int32 code = 1; string message = 2; repeated Any details = 3; }`,
  { keepCase: true },
).root;
const errorDetailType = new protobuf.Root().loadSync(path.join(PROTO_DIR, 'vouch/v1/common.proto'), { keepCase: true }).lookupType('vouch.v1.ErrorDetail');

t.test('a failed call carries the request id and a standard google.rpc.Status', async (t) => {
  const s = await stack();
  t.teardown(() => closeStack(s));
  const insurer = await s.h.party('insurer', 'huhuibao');
  const r = await call(s.clients.QueryService!, 'VerifyEligibility', { certno: certno(999), policy_no: 'X', provider: SH, mdtrt_id: 'NOPE' }, insurer);
  const err = r.err!;
  t.equal(err.code, grpc.status.NOT_FOUND);
  const requestId = String(err.metadata.get('vouch-request-id')[0]);
  t.match(requestId, /^[0-9a-f-]{36}$/, 'the request id is in the trailers');
  const detail = errorDetailType.toObject(errorDetailType.decode(err.metadata.get('vouch-error-bin')[0] as Buffer)) as Record<string, string>;
  t.same(detail, { code: 'NOT_AVAILABLE', message: err.details, request_id: requestId }, 'vouch-error-bin carries the request id');

  const statusBytes = err.metadata.get('grpc-status-details-bin')[0] as Buffer;
  t.ok(Buffer.isBuffer(statusBytes), 'grpc-status-details-bin is present');
  const Status = statusRoot.lookupType('google.rpc.Status');
  const status = Status.toObject(Status.decode(statusBytes), { bytes: Buffer }) as { code: number; message: string; details: { type_url: string; value: Buffer }[] };
  t.equal(status.code, grpc.status.NOT_FOUND, 'Status.code is the call status');
  t.equal(status.message, err.details);
  t.equal(status.details.length, 1);
  t.equal(status.details[0]!.type_url, 'type.googleapis.com/vouch.v1.ErrorDetail');
  t.same(errorDetailType.toObject(errorDetailType.decode(status.details[0]!.value)), detail, 'details[0] is the ErrorDetail');

  const unauthenticated = await call(s.clients.PolicyService!, 'ListProducts', {});
  const bare = Status.decode(unauthenticated.err!.metadata.get('grpc-status-details-bin')[0] as Buffer) as unknown as { code: number };
  t.equal(bare.code, grpc.status.UNAUTHENTICATED, 'on every failure, authentication included');
});

t.test('reasons are an enum on the wire, named as the HTTP codes', async (t) => {
  const s = await stack();
  t.teardown(() => closeStack(s));
  const hosp = await s.h.party('hospital', SH, { level: 3 });
  const insurer = await s.h.party('insurer', 'huhuibao');
  const who = certno(45);
  await s.h.call({ method: 'POST', url: '/v1/consents', token: s.h.patientToken(who), payload: { grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2030-12-31' } });
  await s.h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: recordBody({ certno: who, hospital: SH, mdtrt_id: 'R1', med_type: '11', inscp: 10_000, hifp: 5_000 }) });
  // A policy year that ended before the visit (2025-03-15): not active.
  await s.h.call({ method: 'PUT', url: '/v1/policies/P-OLD', token: insurer, payload: { certno: who, product: 'huhuibao-2025', start_date: '2024-01-01', end_date: '2024-12-31' } });
  const visit = { certno: who, policy_no: 'P-OLD', provider: SH, mdtrt_id: 'R1' };
  const viaHttp = await s.h.call({ method: 'POST', url: '/v1/eligibility', token: insurer, payload: visit });
  const viaGrpc = await call(s.clients.QueryService!, 'VerifyEligibility', visit, insurer);
  t.equal(viaHttp.body.eligible, false);
  t.ok(viaHttp.body.reasons.includes('POLICY_NOT_ACTIVE'));
  t.same(viaGrpc.res.reasons, viaHttp.body.reasons, 'a client decoding enums as names sees the HTTP codes');

  // The same answer decoded with enums as numbers: the wire holds enum values, not strings.
  const numeric = grpc.loadPackageDefinition(protoLoader.loadSync(path.join(PROTO_DIR, 'vouch/v1/query.proto'), { keepCase: true, enums: Number, includeDirs: [PROTO_DIR] })) as any;
  const client = new numeric.vouch.v1.QueryService(`localhost:${s.grpc.port}`, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const raw = await call(client, 'VerifyEligibility', visit, insurer);
  t.same(raw.res.reasons, viaHttp.body.reasons.map((r: string) => REASON_CODES.indexOf(r as never) + 1), 'enum numbers: 1 + the position in the vocabulary');

  const query = new protobuf.Root();
  query.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
  query.loadSync('vouch/v1/query.proto', { keepCase: true });
  t.same(Object.keys(query.lookupEnum('vouch.v1.Reason').values), ['REASON_UNSPECIFIED', ...REASON_CODES], 'the proto enum is the domain vocabulary, in order');
});

/** One request on a fresh reflection stream (grpc.reflection.v1), as grpcurl sends it. */
async function reflect(port: number, request: Record<string, unknown>): Promise<any> {
  const reflectionProto = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection/v1/reflection.proto');
  const def = protoLoader.loadSync(reflectionProto, { keepCase: true });
  const Reflection = (grpc.loadPackageDefinition(def) as any).grpc.reflection.v1.ServerReflection;
  const client = new Reflection(`localhost:${port}`, grpc.credentials.createInsecure());
  try {
    return await new Promise<any>((resolve, reject) => {
      const stream = client.ServerReflectionInfo();
      stream.on('data', (msg: unknown) => {
        resolve(msg);
        stream.end();
      });
      stream.on('error', reject);
      stream.write(request);
    });
  } finally {
    client.close();
  }
}

t.test('reflection serves the real descriptors, with comments, and the standard health service', async (t) => {
  const s = await stack();
  t.teardown(() => closeStack(s));
  const services = (await reflect(s.grpc.port, { list_services: '*' })).list_services_response.service.map((x: { name: string }) => x.name);
  for (const name of ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'vouch.v1.QueryService']) t.ok(services.includes(name), `${name} is listed`);

  const answer = await reflect(s.grpc.port, { file_containing_symbol: 'vouch.v1.QueryService' });
  const files = answer.file_descriptor_response.file_descriptor_proto.map((b: Buffer) => descriptorExt.FileDescriptorProto.toObject(descriptorExt.FileDescriptorProto.decode(b))) as any[];
  t.same(files.map((f) => f.name).sort(), ['vouch/v1/common.proto', 'vouch/v1/query.proto'], 'the file itself, under its own name, and what it imports');
  const query = files.find((f) => f.name === 'vouch/v1/query.proto');
  t.same(query.dependency, ['vouch/v1/common.proto']);
  const comment = (p: number[]) => query.sourceCodeInfo.location.find((l: { path: number[] }) => JSON.stringify(l.path) === JSON.stringify(p))?.leadingComments;
  const svc = query.service.findIndex((x: { name: string }) => x.name === 'QueryService');
  const quote = query.service[svc].method.findIndex((m: { name: string }) => m.name === 'QuoteSettlement');
  t.equal(comment([6, svc, 2, quote]), ' Roles: insurer. Purpose: settlement. Commits nothing.\n', 'a method keeps its comment');
  t.match(comment([6, svc]), /No consent, no such policy and no such visit all fail with NOT_AVAILABLE/, 'a service keeps its comment');
  const reason = query.enumType.findIndex((e: { name: string }) => e.name === 'Reason');
  const capValue = query.enumType[reason].value.findIndex((v: { name: string }) => v.name === 'CAP_EXHAUSTED');
  t.match(comment([5, reason, 2, capValue]), /cap .* is used up/, 'an enum value keeps its comment');
  const visitQuery = query.messageType.findIndex((m: { name: string }) => m.name === 'VisitQuery');
  t.equal(comment([4, visitQuery, 2, 2]), ' Institution code of the hospital.\n', 'a field keeps its comment');

  const health = await reflect(s.grpc.port, { file_containing_symbol: 'grpc.health.v1.Health' });
  const healthFile = descriptorExt.FileDescriptorProto.decode(health.file_descriptor_response.file_descriptor_proto[0]) as any;
  t.equal(healthFile.name, 'grpc/health/v1/health.proto');
  t.ok(healthFile.sourceCodeInfo.location.some((l: { leadingComments?: string }) => /Check gets the health of the specified service/.test(l.leadingComments ?? '')));

  // A client built from nothing but reflection (as grpcurl and grpcui do) calls the service.
  const set = { file: [...files, descriptorExt.FileDescriptorProto.toObject(healthFile)] };
  const dynamic = grpc.loadPackageDefinition(protoLoader.loadFileDescriptorSetFromObject(set as never, { keepCase: true, enums: String })) as any;
  const client = new dynamic.vouch.v1.QueryService(`localhost:${s.grpc.port}`, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const insurer = await s.h.party('insurer', 'huhuibao');
  const r = await call(client, 'VerifyEligibility', { certno: certno(5), policy_no: 'X', provider: SH, mdtrt_id: 'NONE' }, insurer);
  t.equal(r.err?.metadata.get('vouch-error-code')[0], 'NOT_AVAILABLE', 'the reflected descriptors make a working client');
});
