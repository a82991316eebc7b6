import type { ClaimQuery as ClaimInput, VisitQuery as VisitInput } from '../../services/answers/queries.js';
import { unary, type CallContext } from '../call.js';
import type { ClaimQuery__Output as ClaimQuery } from '../generated/vouch/v1/ClaimQuery.js';
import type { QueryServiceHandlers } from '../generated/vouch/v1/QueryService.js';
import type { VisitQuery__Output as VisitQuery } from '../generated/vouch/v1/VisitQuery.js';

/** VisitQuery → the service's question. */
export const visitInput = (r: VisitQuery): VisitInput => ({ certno: r.certno, policy_no: r.policy_no, provider: r.provider, mdtrt_id: r.mdtrt_id });

/**
 * ClaimQuery → the service's question. The same validation as HTTP follows: a missing `claimed` or an
 * amount not set (proto3 `optional`, told apart by its oneof) is absent, so it is refused, never compared as 0.
 */
export function claimInput(r: ClaimQuery): ClaimInput {
  const c = r.claimed;
  return {
    certno: r.certno, provider: r.provider, mdtrt_id: r.mdtrt_id,
    claimed: c
      ? {
        ...(c._medfee_sumamt_fen === 'medfee_sumamt_fen' ? { medfee_sumamt_fen: c.medfee_sumamt_fen } : {}),
        ...(c._psn_cash_pay_fen === 'psn_cash_pay_fen' ? { psn_cash_pay_fen: c.psn_cash_pay_fen } : {}),
      }
      : undefined,
  };
}

/** QueryService (proto/vouch/v1/query.proto) over the query service; its answers are the messages as they are. */
export function queryHandlers(ctx: CallContext) {
  const queries = ctx.gateway.queries;
  return {
    VerifyEligibility: unary(ctx, 'eligibility', (p, r: VisitQuery) => queries.eligibility(p, visitInput(r))),
    QuoteSettlement: unary(ctx, 'quote', (p, r: VisitQuery) => queries.quote(p, visitInput(r))),
    VerifyClaim: unary(ctx, 'verifyClaim', (p, r: ClaimQuery) => queries.verifyClaim(p, claimInput(r))),
  } satisfies QueryServiceHandlers;
}
