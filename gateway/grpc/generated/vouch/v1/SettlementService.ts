// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/settlement.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ReverseRequest as _vouch_v1_ReverseRequest, ReverseRequest__Output as _vouch_v1_ReverseRequest__Output } from '../../vouch/v1/ReverseRequest.js';
import type { ReverseResponse as _vouch_v1_ReverseResponse, ReverseResponse__Output as _vouch_v1_ReverseResponse__Output } from '../../vouch/v1/ReverseResponse.js';
import type { SettleRequest as _vouch_v1_SettleRequest, SettleRequest__Output as _vouch_v1_SettleRequest__Output } from '../../vouch/v1/SettleRequest.js';
import type { SettleResponse as _vouch_v1_SettleResponse, SettleResponse__Output as _vouch_v1_SettleResponse__Output } from '../../vouch/v1/SettleResponse.js';

/**
 * One-stop settlement at the cashier (一站式结算 / 直赔).
 */
export interface SettlementServiceClient extends grpc.Client {
  /**
   * Roles: hospital (its own settlements). Idempotent.
   */
  Reverse(argument: _vouch_v1_ReverseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  Reverse(argument: _vouch_v1_ReverseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  Reverse(argument: _vouch_v1_ReverseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  Reverse(argument: _vouch_v1_ReverseRequest, callback: grpc.requestCallback<_vouch_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: hospital (its own settlements). Idempotent.
   */
  reverse(argument: _vouch_v1_ReverseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  reverse(argument: _vouch_v1_ReverseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  reverse(argument: _vouch_v1_ReverseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  reverse(argument: _vouch_v1_ReverseRequest, callback: grpc.requestCallback<_vouch_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: hospital. The same request_id again gives the same answer; nothing is settled twice.
   */
  Settle(argument: _vouch_v1_SettleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Settle(argument: _vouch_v1_SettleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Settle(argument: _vouch_v1_SettleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Settle(argument: _vouch_v1_SettleRequest, callback: grpc.requestCallback<_vouch_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: hospital. The same request_id again gives the same answer; nothing is settled twice.
   */
  settle(argument: _vouch_v1_SettleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  settle(argument: _vouch_v1_SettleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  settle(argument: _vouch_v1_SettleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  settle(argument: _vouch_v1_SettleRequest, callback: grpc.requestCallback<_vouch_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * One-stop settlement at the cashier (一站式结算 / 直赔).
 */
export interface SettlementServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Roles: hospital (its own settlements). Idempotent.
   */
  Reverse: grpc.handleUnaryCall<_vouch_v1_ReverseRequest__Output, _vouch_v1_ReverseResponse>;
  
  /**
   * Roles: hospital. The same request_id again gives the same answer; nothing is settled twice.
   */
  Settle: grpc.handleUnaryCall<_vouch_v1_SettleRequest__Output, _vouch_v1_SettleResponse>;
  
}

export interface SettlementServiceDefinition extends grpc.ServiceDefinition {
  Reverse: MethodDefinition<_vouch_v1_ReverseRequest, _vouch_v1_ReverseResponse, _vouch_v1_ReverseRequest__Output, _vouch_v1_ReverseResponse__Output>
  Settle: MethodDefinition<_vouch_v1_SettleRequest, _vouch_v1_SettleResponse, _vouch_v1_SettleRequest__Output, _vouch_v1_SettleResponse__Output>
}
