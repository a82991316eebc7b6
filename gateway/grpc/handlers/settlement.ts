import type { SettleInput } from '../../services/answers/settlements.js';
import { unary, type CallContext } from '../call.js';
import type { ReverseRequest__Output as ReverseRequest } from '../generated/vouch/v1/ReverseRequest.js';
import type { SettleRequest__Output as SettleRequest } from '../generated/vouch/v1/SettleRequest.js';
import type { SettlementServiceHandlers } from '../generated/vouch/v1/SettlementService.js';

/** SettleRequest → the service's input. */
export const settleInput = (r: SettleRequest): SettleInput => ({ certno: r.certno, mdtrt_id: r.mdtrt_id, request_id: r.request_id });

/** SettlementService (proto/vouch/v1/settlement.proto) over the settlement service; its answers are the messages as they are. */
export function settlementHandlers(ctx: CallContext) {
  const settlements = ctx.gateway.settlements;
  return {
    Settle: unary(ctx, 'settle', (p, r: SettleRequest) => settlements.settle(p, settleInput(r))),
    Reverse: unary(ctx, 'reverse', (p, r: ReverseRequest) => settlements.reverse(p, r.settlement_id)),
  } satisfies SettlementServiceHandlers;
}
