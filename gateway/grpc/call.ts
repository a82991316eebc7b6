import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type pino from 'pino';
import type { Gateway } from '../context.js';
import { VouchError } from '../errors.js';
import { callerFields } from '../logger.js';
import type { AuthService, Principal } from '../services/identity/auth.js';
import { OPERATIONS, type Operation } from '../services/identity/operations.js';
import { authenticate, authorize, refuseNul } from '../transport/admission.js';
import { grpcError } from './status.js';

/** What every handler needs beside its own service: the gateway, who authenticates, where to log. */
export interface CallContext {
  gateway: Gateway;
  auth: AuthService;
  logger: pino.Logger;
  /** mTLS: the client certificate's CN must name the calling party. */
  bindClientCertificate: boolean;
}

/** Thrown when the caller's own deadline has passed before the call ran. */
class DeadlinePassed extends Error {}

/**
 * The caller of a call: the caller's deadline first, then the bearer token of the `authorization`
 * metadata and the operation's roles (transport/admission.ts, as over HTTP), then under mTLS the
 * certificate's CN. `seen` learns the principal once authenticated, so a refusal is logged with it.
 */
async function admitCall<Req, Res>(ctx: CallContext, op: Operation, call: grpc.ServerUnaryCall<Req, Res>, seen: (p: Principal) => void): Promise<Principal> {
  const deadline = call.getDeadline();
  if (deadline instanceof Date && deadline.getTime() <= Date.now()) throw new DeadlinePassed();
  const principal = await authenticate(ctx.auth, call.metadata.get('authorization')[0]);
  seen(principal);
  authorize(principal, OPERATIONS[op]);
  refuseNul({ request: call.request });
  if (ctx.bindClientCertificate && principal.role !== 'patient') {
    const cn = call.getAuthContext()?.sslPeerCertificate?.subject?.CN;
    if (cn !== principal.code) throw new VouchError('FORBIDDEN', 'The client certificate does not belong to this party.');
  }
  return principal;
}

/**
 * A unary handler over a service call: thin translators over the same services the HTTP routes call.
 * Every handler authenticates with the same AuthService, checks the same operation table, answers
 * exactly once (one promise chain ending in one callback), and respects the caller's deadline.
 */
export function unary<Req, Res>(ctx: CallContext, op: Operation, fn: (p: Principal, req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  const metrics = ctx.gateway.metrics;
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
      ctx.logger.info({ rpc: op, reqId: requestId, code, ...callerFields(principal), ms: Math.round(seconds * 100_000) / 100 }, code === 'OK' ? 'rpc completed' : 'rpc refused');
    };
    Promise.resolve()
      .then(() => admitCall(ctx, op, call, (p) => (principal = p)))
      .then((admitted) => fn(admitted, call.request))
      .then(
        (res) => {
          finished('OK', grpc.status.OK, 200);
          callback(null, res);
        },
        (err: unknown) => {
          if (err instanceof DeadlinePassed) {
            // The caller's own deadline had passed: refused, like a 4xx (408 Request Timeout).
            finished('DEADLINE_EXCEEDED', grpc.status.DEADLINE_EXCEEDED, 408);
            callback({ code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded.' });
            return;
          }
          const { vouchCode, httpStatus, ...status } = grpcError(err, requestId, ctx.logger);
          finished(vouchCode, status.code ?? grpc.status.UNKNOWN, httpStatus);
          callback(status);
        },
      );
  };
}
