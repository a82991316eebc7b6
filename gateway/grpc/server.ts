import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type pino from 'pino';
import type { Config } from '../config.js';
import type { Gateway } from '../context.js';
import { VouchError } from '../errors.js';
import { toVouchError } from '../http/error-handler.js';
import { callerFields } from '../logger.js';
import { describeFiles, standardProtos } from './descriptors.js';
import { encodeErrorDetail } from './status.js';
import type { AuthService, Principal } from '../services/identity/auth.js';
import { OPERATIONS, type Operation } from '../services/identity/operations.js';
import type { ProtoGrpcType as AuditProto } from './generated/audit.js';
import type { ProtoGrpcType as ConsentProto } from './generated/consent.js';
import type { ProtoGrpcType as PolicyProto } from './generated/policy.js';
import type { ProtoGrpcType as QueryProto } from './generated/query.js';
import type { ProtoGrpcType as RecordProto } from './generated/record.js';
import type { ProtoGrpcType as SettlementProto } from './generated/settlement.js';
import type { ConsentView } from '../services/consents/consents.js';
import type { GrantConsentRequest__Output as GrantConsentRequest } from './generated/vouch/v1/GrantConsentRequest.js';
import type { RevokeConsentRequest__Output as RevokeConsentRequest } from './generated/vouch/v1/RevokeConsentRequest.js';
import type { PushRecordRequest__Output as PushRecordRequest } from './generated/vouch/v1/PushRecordRequest.js';
import type { EnrollPolicyRequest__Output as EnrollPolicyRequest } from './generated/vouch/v1/EnrollPolicyRequest.js';
import type { GetPolicyRequest__Output as GetPolicyRequest } from './generated/vouch/v1/GetPolicyRequest.js';
import { productView, type ProductView } from '../services/answers/products.js';
import type { VisitQuery__Output as VisitQuery } from './generated/vouch/v1/VisitQuery.js';
import type { ClaimQuery__Output as ClaimQuery } from './generated/vouch/v1/ClaimQuery.js';
import type { SettleRequest__Output as SettleRequest } from './generated/vouch/v1/SettleRequest.js';
import type { ReverseRequest__Output as ReverseRequest } from './generated/vouch/v1/ReverseRequest.js';
import type { ListEventsRequest__Output as ListEventsRequest } from './generated/vouch/v1/ListEventsRequest.js';
import type { GetInclusionProofRequest__Output as GetInclusionProofRequest } from './generated/vouch/v1/GetInclusionProofRequest.js';
import type { GetConsistencyProofRequest__Output as GetConsistencyProofRequest } from './generated/vouch/v1/GetConsistencyProofRequest.js';
import type { ListMyAccessRequest__Output as ListMyAccessRequest } from './generated/vouch/v1/ListMyAccessRequest.js';

/** proto/ in the source tree (the server runs from dist/gateway/grpc). */
export const PROTO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../proto');
export const PROTO_FILES = fs.readdirSync(path.join(PROTO_DIR, 'vouch/v1')).filter((f) => f.endsWith('.proto')).sort().map((f) => `vouch/v1/${f}`);
export const SERVICES = ['ConsentService', 'RecordService', 'PolicyService', 'QueryService', 'SettlementService', 'AuditService'] as const;

type Proto = AuditProto & ConsentProto & PolicyProto & QueryProto & RecordProto & SettlementProto;

export function loadProtos(): { definition: protoLoader.PackageDefinition; proto: Proto } {
  const definition = protoLoader.loadSync(PROTO_FILES, {
    keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR],
  });
  return { definition, proto: grpc.loadPackageDefinition(definition) as unknown as Proto };
}

/**
 * Descriptors served by reflection: every file of proto/vouch/v1 and the standard health and reflection
 * services, each under its own name, with comments (grpc/descriptors.ts).
 */
export function reflectionDefinition(): protoLoader.PackageDefinition {
  const files = [...PROTO_FILES.map((name) => ({ name, file: path.join(PROTO_DIR, name) })), ...standardProtos()];
  // @grpc/reflection reads only `fileDescriptorProtos` from a package definition's entries.
  return { files: { fileDescriptorProtos: describeFiles(files) } } as unknown as protoLoader.PackageDefinition;
}

/**
 * The catalogue error as a gRPC status: code mapped; in the trailers the standard google.rpc.Status
 * (`grpc-status-details-bin`, its details an ErrorDetail), the ErrorDetail alone (`vouch-error-bin`),
 * and the catalogue code and request id as plain keys.
 */
export function grpcError(err: unknown, requestId: string, logger: pino.Logger): Partial<grpc.StatusObject> & { vouchCode: string; httpStatus: number } {
  const v = toVouchError(err);
  if (v.status >= 500) logger.error({ err: v.cause ?? err, code: v.code, reqId: requestId }, 'rpc failed');
  const encoded = encodeErrorDetail(PROTO_DIR, v.grpcStatus, { code: v.code, message: v.message, request_id: requestId });
  const metadata = new grpc.Metadata();
  metadata.set('vouch-error-code', v.code);
  metadata.set('vouch-request-id', requestId);
  metadata.set('vouch-error-bin', encoded.detail);
  metadata.set('grpc-status-details-bin', encoded.status);
  return { code: v.grpcStatus, details: v.message, metadata, vouchCode: v.code, httpStatus: v.status };
}

/** A product's published terms as the proto's flat Liability message carries them. */
function productMessage(v: ProductView) {
  return {
    ...v,
    liabilities: v.liabilities.map(({ items, ...l }) => ({
      ...l,
      med_chrgitm_types: items?.med_chrgitm_types ?? [], chrgitm_lv: items?.chrgitm_lv ?? [], med_list_codes: items?.med_list_codes ?? [],
    })),
  };
}

/** Optional proto3 strings arrive as '' when unset. */
const opt = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

function consentMessage(c: ConsentView) {
  return { ...c, providers: c.providers ?? [], all_providers: c.providers === null, max_queries_per_day: c.max_queries_per_day ?? 0 };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new VouchError('VALIDATION_FAILED', 'Field record_json is not valid JSON.');
  }
}

interface Deps {
  gateway: Gateway;
  auth: AuthService;
  logger: pino.Logger;
  /** mTLS: the client certificate's CN must name the calling party. */
  bindClientCertificate: boolean;
}

/**
 * Thin translators over the same services the HTTP routes call. Every handler authenticates from the
 * `authorization` metadata with the same AuthService, checks the same operation table, answers exactly
 * once (one promise chain ending in one callback), and respects the caller's deadline.
 */
function unary<Req, Res>(deps: Deps, op: Operation, fn: (p: Principal, req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  const metrics = deps.gateway.metrics;
  return (call, callback) => {
    const requestId = crypto.randomUUID();
    const started = performance.now();
    // The full method name ("vouch.v1.QueryService/QuoteSettlement"): only registered methods get here.
    const method = call.getPath().replace(/^\//, '');
    let principal: Principal | undefined;
    const finished = (code: string, grpcCode: number, httpStatus: number) => {
      const seconds = (performance.now() - started) / 1000;
      metrics.grpcCall(method, grpc.status[grpcCode] ?? String(grpcCode), seconds);
      metrics.answer(op, 'grpc', httpStatus, code);
      deps.logger.info({ rpc: op, reqId: requestId, code, ...callerFields(principal), ms: Math.round(seconds * 100_000) / 100 }, code === 'OK' ? 'rpc completed' : 'rpc refused');
    };
    Promise.resolve()
      .then(() => {
        const deadline = call.getDeadline();
        if (deadline instanceof Date && deadline.getTime() <= Date.now()) throw Object.assign(new Error('deadline'), { deadline: true });
        const raw = call.metadata.get('authorization')[0];
        const m = typeof raw === 'string' ? /^Bearer ([^\s]+)$/i.exec(raw.trim()) : null;
        principal = deps.auth.authenticate(m ? m[1] : undefined);
        if (!(OPERATIONS[op] as readonly string[]).includes(principal.role)) throw new VouchError('FORBIDDEN');
        if (deps.bindClientCertificate && principal.role !== 'patient') {
          const cn = call.getAuthContext()?.sslPeerCertificate?.subject?.CN;
          if (cn !== principal.code) throw new VouchError('FORBIDDEN', 'The client certificate does not belong to this party.');
        }
        return fn(principal, call.request);
      })
      .then(
        (res) => {
          finished('OK', grpc.status.OK, 200);
          callback(null, res);
        },
        (err: unknown) => {
          if (err && typeof err === 'object' && 'deadline' in err) {
            // The caller's own deadline had passed: refused, like a 4xx (408 Request Timeout).
            finished('DEADLINE_EXCEEDED', grpc.status.DEADLINE_EXCEEDED, 408);
            callback({ code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded.' });
            return;
          }
          const { vouchCode, httpStatus, ...status } = grpcError(err, requestId, deps.logger);
          finished(vouchCode, status.code ?? grpc.status.UNKNOWN, httpStatus);
          callback(status);
        },
      );
  };
}

export interface GrpcServer {
  port: number;
  server: grpc.Server;
  health: HealthImplementation;
  close(): Promise<void>;
}

export async function startGrpcServer(config: Config, gateway: Gateway, auth: AuthService, logger: pino.Logger): Promise<GrpcServer> {
  const { proto } = loadProtos();
  const v1 = proto.vouch.v1;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.limits.bodyLimitBytes,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
  });
  const deps: Deps = { gateway, auth, logger, bindClientCertificate: Boolean(config.tls?.requireClientCert) };
  const g = gateway;

  server.addService(v1.ConsentService.service, {
    GrantConsent: unary(deps, 'grantConsent', async (p, r: GrantConsentRequest) =>
      consentMessage(
        await g.consents.grant(p, {
          certno: opt(r.certno), grantee: r.grantee, purposes: r.purposes, providers: r.providers.length ? r.providers : undefined,
          valid_until: r.valid_until, valid_from: opt(r.valid_from), max_queries_per_day: r.max_queries_per_day || undefined, evidence: opt(r.evidence),
        }),
      ),
    ),
    RevokeConsent: unary(deps, 'revokeConsent', async (p, r: RevokeConsentRequest) => {
      if (!/^cns_[0-9a-f]{24}$/.test(r.consent_id)) throw new VouchError('NOT_FOUND');
      const c = await g.consents.revoke(p, r.consent_id);
      return { consent_id: c.consent_id, version: c.version, status: c.status };
    }),
    ListConsents: unary(deps, 'listConsents', (p) => ({ consents: g.consents.list(p).map(consentMessage) })),
  });
  server.addService(v1.RecordService.service, {
    PushRecord: unary(deps, 'pushRecord', async (p, r: PushRecordRequest) => {
      const res = await g.records.push(p, parseJson(r.record_json));
      return { record_id: res.record_id, version: res.version };
    }),
  });
  server.addService(v1.PolicyService.service, {
    EnrollPolicy: unary(deps, 'enrollPolicy', (p, r: EnrollPolicyRequest) =>
      g.policies.enroll(p, r.policy_no, {
        certno: r.certno, product: r.product, start_date: r.start_date, end_date: r.end_date, pre_existing: r.pre_existing,
        claim_free_years: r.claim_free_years, correction: r.correction,
      }),
    ),
    GetPolicy: unary(deps, 'viewPolicy', async (p, r: GetPolicyRequest) => {
      const v = await g.policies.view(p, r.policy_no);
      return {
        policy_no: v.policy_no, product: v.product,
        periods: v.periods.map(({ deductible_met, liabilities, ...period }) => ({ period, deductible_met, liabilities })),
      };
    }),
    ListProducts: unary(deps, 'listProducts', () => ({ products: g.payers.list().map((x) => productMessage(productView(x))) })),
  });
  const visit = (r: VisitQuery) => ({ certno: r.certno, policy_no: r.policy_no, provider: r.provider, mdtrt_id: r.mdtrt_id });
  server.addService(v1.QueryService.service, {
    VerifyEligibility: unary(deps, 'eligibility', (p, r: VisitQuery) => g.queries.eligibility(p, visit(r))),
    QuoteSettlement: unary(deps, 'quote', (p, r: VisitQuery) => g.queries.quote(p, visit(r))),
    VerifyClaim: unary(deps, 'verifyClaim', (p, r: ClaimQuery) => {
      const c = r.claimed;
      // The same validation as HTTP: a missing `claimed` or a negative amount is refused, never compared.
      return g.queries.verifyClaim(p, {
        certno: r.certno, provider: r.provider, mdtrt_id: r.mdtrt_id,
        claimed: c
          ? {
            ...(c._medfee_sumamt_fen === 'medfee_sumamt_fen' ? { medfee_sumamt_fen: c.medfee_sumamt_fen } : {}),
            ...(c._psn_cash_pay_fen === 'psn_cash_pay_fen' ? { psn_cash_pay_fen: c.psn_cash_pay_fen } : {}),
          }
          : undefined,
      });
    }),
  });
  server.addService(v1.SettlementService.service, {
    Settle: unary(deps, 'settle', (p, r: SettleRequest) => g.settlements.settle(p, { certno: r.certno, mdtrt_id: r.mdtrt_id, request_id: r.request_id })),
    Reverse: unary(deps, 'reverse', (p, r: ReverseRequest) => g.settlements.reverse(p, r.settlement_id)),
  });
  const eventMessage = (e: { purpose: string | null; subject?: string | null; reason?: string }) => ({ ...e, purpose: e.purpose ?? '', subject: e.subject ?? '', reason: e.reason ?? '' });
  server.addService(v1.AuditService.service, {
    ListEvents: unary(deps, 'listEvents', async (p, r: ListEventsRequest) => {
      const res = await g.accessLogQueries.events({ ...r, limit: r.limit || undefined }, p);
      return { events: res.events.map(eventMessage), next_cursor: res.next_cursor ?? '' };
    }),
    GetTreeHead: unary(deps, 'treeHead', () => g.accessLog.treeHead()),
    GetInclusionProof: unary(deps, 'inclusionProof', (_p, r: GetInclusionProofRequest) => g.accessLogQueries.inclusion(r.leaf_index, r.tree_size)),
    GetConsistencyProof: unary(deps, 'consistencyProof', (_p, r: GetConsistencyProofRequest) => g.accessLogQueries.consistency(r.first, r.second)),
    ListMyAccess: unary(deps, 'myAccess', async (p, r: ListMyAccessRequest) => {
      const res = await g.accessLogQueries.myAccess(p.subject!, { limit: r.limit || undefined, cursor: r.cursor });
      return { events: res.events.map(eventMessage), next_cursor: res.next_cursor ?? '' };
    }),
  });

  const health = new HealthImplementation({ '': 'SERVING', ...Object.fromEntries(SERVICES.map((s) => [`vouch.v1.${s}`, 'SERVING' as const])) });
  health.addToServer(server);
  new ReflectionService(reflectionDefinition()).addToServer(server);
  const watch = setInterval(() => {
    const status = gateway.ready() ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', status);
    for (const s of SERVICES) health.setStatus(`vouch.v1.${s}`, status);
  }, 1000);
  watch.unref();

  const credentials = config.tls
    ? grpc.ServerCredentials.createSsl(
        config.tls.caFile ? fs.readFileSync(config.tls.caFile) : null,
        [{ cert_chain: fs.readFileSync(config.tls.certFile), private_key: fs.readFileSync(config.tls.keyFile) }],
        config.tls.requireClientCert,
      )
    : grpc.ServerCredentials.createInsecure();
  const host = config.grpc.host.includes(':') && !config.grpc.host.startsWith('[') ? `[${config.grpc.host}]` : config.grpc.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${config.grpc.port}`, credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );
  logger.info({ port, tls: Boolean(config.tls) }, `gRPC listening at ${config.grpc.host}:${port}`);
  return {
    port,
    server,
    health,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(watch);
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 5000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

