// Generated from proto/ by scripts/proto.mjs — do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClaimAnswer as _vouch_v1_ClaimAnswer, ClaimAnswer__Output as _vouch_v1_ClaimAnswer__Output } from './vouch/v1/ClaimAnswer.js';
import type { ClaimQuery as _vouch_v1_ClaimQuery, ClaimQuery__Output as _vouch_v1_ClaimQuery__Output } from './vouch/v1/ClaimQuery.js';
import type { ClaimedAmounts as _vouch_v1_ClaimedAmounts, ClaimedAmounts__Output as _vouch_v1_ClaimedAmounts__Output } from './vouch/v1/ClaimedAmounts.js';
import type { EligibilityAnswer as _vouch_v1_EligibilityAnswer, EligibilityAnswer__Output as _vouch_v1_EligibilityAnswer__Output } from './vouch/v1/EligibilityAnswer.js';
import type { ErrorDetail as _vouch_v1_ErrorDetail, ErrorDetail__Output as _vouch_v1_ErrorDetail__Output } from './vouch/v1/ErrorDetail.js';
import type { LiabilityAmount as _vouch_v1_LiabilityAmount, LiabilityAmount__Output as _vouch_v1_LiabilityAmount__Output } from './vouch/v1/LiabilityAmount.js';
import type { LineLiability as _vouch_v1_LineLiability, LineLiability__Output as _vouch_v1_LineLiability__Output } from './vouch/v1/LineLiability.js';
import type { QueryServiceClient as _vouch_v1_QueryServiceClient, QueryServiceDefinition as _vouch_v1_QueryServiceDefinition } from './vouch/v1/QueryService.js';
import type { QuoteAnswer as _vouch_v1_QuoteAnswer, QuoteAnswer__Output as _vouch_v1_QuoteAnswer__Output } from './vouch/v1/QuoteAnswer.js';
import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from './vouch/v1/Receipt.js';
import type { ReverseRequest as _vouch_v1_ReverseRequest, ReverseRequest__Output as _vouch_v1_ReverseRequest__Output } from './vouch/v1/ReverseRequest.js';
import type { ReverseResponse as _vouch_v1_ReverseResponse, ReverseResponse__Output as _vouch_v1_ReverseResponse__Output } from './vouch/v1/ReverseResponse.js';
import type { SettleRequest as _vouch_v1_SettleRequest, SettleRequest__Output as _vouch_v1_SettleRequest__Output } from './vouch/v1/SettleRequest.js';
import type { SettleResponse as _vouch_v1_SettleResponse, SettleResponse__Output as _vouch_v1_SettleResponse__Output } from './vouch/v1/SettleResponse.js';
import type { SettlementLine as _vouch_v1_SettlementLine, SettlementLine__Output as _vouch_v1_SettlementLine__Output } from './vouch/v1/SettlementLine.js';
import type { SettlementServiceClient as _vouch_v1_SettlementServiceClient, SettlementServiceDefinition as _vouch_v1_SettlementServiceDefinition } from './vouch/v1/SettlementService.js';
import type { Signature as _vouch_v1_Signature, Signature__Output as _vouch_v1_Signature__Output } from './vouch/v1/Signature.js';
import type { VisitQuery as _vouch_v1_VisitQuery, VisitQuery__Output as _vouch_v1_VisitQuery__Output } from './vouch/v1/VisitQuery.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vouch: {
    v1: {
      ClaimAnswer: MessageTypeDefinition<_vouch_v1_ClaimAnswer, _vouch_v1_ClaimAnswer__Output>
      ClaimQuery: MessageTypeDefinition<_vouch_v1_ClaimQuery, _vouch_v1_ClaimQuery__Output>
      ClaimedAmounts: MessageTypeDefinition<_vouch_v1_ClaimedAmounts, _vouch_v1_ClaimedAmounts__Output>
      EligibilityAnswer: MessageTypeDefinition<_vouch_v1_EligibilityAnswer, _vouch_v1_EligibilityAnswer__Output>
      ErrorDetail: MessageTypeDefinition<_vouch_v1_ErrorDetail, _vouch_v1_ErrorDetail__Output>
      LiabilityAmount: MessageTypeDefinition<_vouch_v1_LiabilityAmount, _vouch_v1_LiabilityAmount__Output>
      LineLiability: MessageTypeDefinition<_vouch_v1_LineLiability, _vouch_v1_LineLiability__Output>
      /**
       * Insurers' questions. No consent, no such policy and no such visit all fail with NOT_AVAILABLE
       * (NOT_FOUND), identically.
       */
      QueryService: SubtypeConstructor<typeof grpc.Client, _vouch_v1_QueryServiceClient> & { service: _vouch_v1_QueryServiceDefinition }
      QuoteAnswer: MessageTypeDefinition<_vouch_v1_QuoteAnswer, _vouch_v1_QuoteAnswer__Output>
      Reason: EnumTypeDefinition
      Receipt: MessageTypeDefinition<_vouch_v1_Receipt, _vouch_v1_Receipt__Output>
      ReverseRequest: MessageTypeDefinition<_vouch_v1_ReverseRequest, _vouch_v1_ReverseRequest__Output>
      ReverseResponse: MessageTypeDefinition<_vouch_v1_ReverseResponse, _vouch_v1_ReverseResponse__Output>
      SettleRequest: MessageTypeDefinition<_vouch_v1_SettleRequest, _vouch_v1_SettleRequest__Output>
      SettleResponse: MessageTypeDefinition<_vouch_v1_SettleResponse, _vouch_v1_SettleResponse__Output>
      SettlementLine: MessageTypeDefinition<_vouch_v1_SettlementLine, _vouch_v1_SettlementLine__Output>
      /**
       * One-stop settlement at the cashier (一站式结算 / 直赔).
       */
      SettlementService: SubtypeConstructor<typeof grpc.Client, _vouch_v1_SettlementServiceClient> & { service: _vouch_v1_SettlementServiceDefinition }
      Signature: MessageTypeDefinition<_vouch_v1_Signature, _vouch_v1_Signature__Output>
      VisitQuery: MessageTypeDefinition<_vouch_v1_VisitQuery, _vouch_v1_VisitQuery__Output>
    }
  }
}

