// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/query.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClaimAnswer as _vouch_v1_ClaimAnswer, ClaimAnswer__Output as _vouch_v1_ClaimAnswer__Output } from '../../vouch/v1/ClaimAnswer.js';
import type { ClaimQuery as _vouch_v1_ClaimQuery, ClaimQuery__Output as _vouch_v1_ClaimQuery__Output } from '../../vouch/v1/ClaimQuery.js';
import type { EligibilityAnswer as _vouch_v1_EligibilityAnswer, EligibilityAnswer__Output as _vouch_v1_EligibilityAnswer__Output } from '../../vouch/v1/EligibilityAnswer.js';
import type { QuoteAnswer as _vouch_v1_QuoteAnswer, QuoteAnswer__Output as _vouch_v1_QuoteAnswer__Output } from '../../vouch/v1/QuoteAnswer.js';
import type { VisitQuery as _vouch_v1_VisitQuery, VisitQuery__Output as _vouch_v1_VisitQuery__Output } from '../../vouch/v1/VisitQuery.js';

/**
 * Insurers' questions. No consent, no such policy and no such visit all fail with NOT_AVAILABLE
 * (NOT_FOUND), identically.
 */
export interface QueryServiceClient extends grpc.Client {
  /**
   * Roles: insurer. Purpose: settlement. Commits nothing.
   */
  QuoteSettlement(argument: _vouch_v1_VisitQuery, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_QuoteAnswer__Output>): grpc.ClientUnaryCall;
  QuoteSettlement(argument: _vouch_v1_VisitQuery, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_QuoteAnswer__Output>): grpc.ClientUnaryCall;
  QuoteSettlement(argument: _vouch_v1_VisitQuery, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_QuoteAnswer__Output>): grpc.ClientUnaryCall;
  QuoteSettlement(argument: _vouch_v1_VisitQuery, callback: grpc.requestCallback<_vouch_v1_QuoteAnswer__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: insurer. Purpose: settlement. Commits nothing.
   */
  quoteSettlement(argument: _vouch_v1_VisitQuery, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_QuoteAnswer__Output>): grpc.ClientUnaryCall;
  quoteSettlement(argument: _vouch_v1_VisitQuery, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_QuoteAnswer__Output>): grpc.ClientUnaryCall;
  quoteSettlement(argument: _vouch_v1_VisitQuery, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_QuoteAnswer__Output>): grpc.ClientUnaryCall;
  quoteSettlement(argument: _vouch_v1_VisitQuery, callback: grpc.requestCallback<_vouch_v1_QuoteAnswer__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: insurer. Purpose: claim_verification. Equality only; RESOURCE_EXHAUSTED past the budget.
   */
  VerifyClaim(argument: _vouch_v1_ClaimQuery, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ClaimAnswer__Output>): grpc.ClientUnaryCall;
  VerifyClaim(argument: _vouch_v1_ClaimQuery, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ClaimAnswer__Output>): grpc.ClientUnaryCall;
  VerifyClaim(argument: _vouch_v1_ClaimQuery, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ClaimAnswer__Output>): grpc.ClientUnaryCall;
  VerifyClaim(argument: _vouch_v1_ClaimQuery, callback: grpc.requestCallback<_vouch_v1_ClaimAnswer__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: insurer. Purpose: claim_verification. Equality only; RESOURCE_EXHAUSTED past the budget.
   */
  verifyClaim(argument: _vouch_v1_ClaimQuery, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ClaimAnswer__Output>): grpc.ClientUnaryCall;
  verifyClaim(argument: _vouch_v1_ClaimQuery, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ClaimAnswer__Output>): grpc.ClientUnaryCall;
  verifyClaim(argument: _vouch_v1_ClaimQuery, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ClaimAnswer__Output>): grpc.ClientUnaryCall;
  verifyClaim(argument: _vouch_v1_ClaimQuery, callback: grpc.requestCallback<_vouch_v1_ClaimAnswer__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: insurer. Purpose: eligibility.
   */
  VerifyEligibility(argument: _vouch_v1_VisitQuery, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_EligibilityAnswer__Output>): grpc.ClientUnaryCall;
  VerifyEligibility(argument: _vouch_v1_VisitQuery, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_EligibilityAnswer__Output>): grpc.ClientUnaryCall;
  VerifyEligibility(argument: _vouch_v1_VisitQuery, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_EligibilityAnswer__Output>): grpc.ClientUnaryCall;
  VerifyEligibility(argument: _vouch_v1_VisitQuery, callback: grpc.requestCallback<_vouch_v1_EligibilityAnswer__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: insurer. Purpose: eligibility.
   */
  verifyEligibility(argument: _vouch_v1_VisitQuery, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_EligibilityAnswer__Output>): grpc.ClientUnaryCall;
  verifyEligibility(argument: _vouch_v1_VisitQuery, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_EligibilityAnswer__Output>): grpc.ClientUnaryCall;
  verifyEligibility(argument: _vouch_v1_VisitQuery, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_EligibilityAnswer__Output>): grpc.ClientUnaryCall;
  verifyEligibility(argument: _vouch_v1_VisitQuery, callback: grpc.requestCallback<_vouch_v1_EligibilityAnswer__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Insurers' questions. No consent, no such policy and no such visit all fail with NOT_AVAILABLE
 * (NOT_FOUND), identically.
 */
export interface QueryServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Roles: insurer. Purpose: settlement. Commits nothing.
   */
  QuoteSettlement: grpc.handleUnaryCall<_vouch_v1_VisitQuery__Output, _vouch_v1_QuoteAnswer>;
  
  /**
   * Roles: insurer. Purpose: claim_verification. Equality only; RESOURCE_EXHAUSTED past the budget.
   */
  VerifyClaim: grpc.handleUnaryCall<_vouch_v1_ClaimQuery__Output, _vouch_v1_ClaimAnswer>;
  
  /**
   * Roles: insurer. Purpose: eligibility.
   */
  VerifyEligibility: grpc.handleUnaryCall<_vouch_v1_VisitQuery__Output, _vouch_v1_EligibilityAnswer>;
  
}

export interface QueryServiceDefinition extends grpc.ServiceDefinition {
  QuoteSettlement: MethodDefinition<_vouch_v1_VisitQuery, _vouch_v1_QuoteAnswer, _vouch_v1_VisitQuery__Output, _vouch_v1_QuoteAnswer__Output>
  VerifyClaim: MethodDefinition<_vouch_v1_ClaimQuery, _vouch_v1_ClaimAnswer, _vouch_v1_ClaimQuery__Output, _vouch_v1_ClaimAnswer__Output>
  VerifyEligibility: MethodDefinition<_vouch_v1_VisitQuery, _vouch_v1_EligibilityAnswer, _vouch_v1_VisitQuery__Output, _vouch_v1_EligibilityAnswer__Output>
}
