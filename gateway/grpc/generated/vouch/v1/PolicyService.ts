// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/policy.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EnrollPolicyRequest as _vouch_v1_EnrollPolicyRequest, EnrollPolicyRequest__Output as _vouch_v1_EnrollPolicyRequest__Output } from '../../vouch/v1/EnrollPolicyRequest.js';
import type { GetPolicyRequest as _vouch_v1_GetPolicyRequest, GetPolicyRequest__Output as _vouch_v1_GetPolicyRequest__Output } from '../../vouch/v1/GetPolicyRequest.js';
import type { ListProductsRequest as _vouch_v1_ListProductsRequest, ListProductsRequest__Output as _vouch_v1_ListProductsRequest__Output } from '../../vouch/v1/ListProductsRequest.js';
import type { ListProductsResponse as _vouch_v1_ListProductsResponse, ListProductsResponse__Output as _vouch_v1_ListProductsResponse__Output } from '../../vouch/v1/ListProductsResponse.js';
import type { Policy as _vouch_v1_Policy, Policy__Output as _vouch_v1_Policy__Output } from '../../vouch/v1/Policy.js';
import type { PolicyDetails as _vouch_v1_PolicyDetails, PolicyDetails__Output as _vouch_v1_PolicyDetails__Output } from '../../vouch/v1/PolicyDetails.js';

/**
 * Products and insurers' policy enrollment.
 */
export interface PolicyServiceClient extends grpc.Client {
  /**
   * Roles: insurer. Only under the insurer's own products. A new period for the same policy_no adds a
   * renewal (it begins the day after the previous period ends); a period an answer used is frozen.
   */
  EnrollPolicy(argument: _vouch_v1_EnrollPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_Policy__Output>): grpc.ClientUnaryCall;
  EnrollPolicy(argument: _vouch_v1_EnrollPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_Policy__Output>): grpc.ClientUnaryCall;
  EnrollPolicy(argument: _vouch_v1_EnrollPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_Policy__Output>): grpc.ClientUnaryCall;
  EnrollPolicy(argument: _vouch_v1_EnrollPolicyRequest, callback: grpc.requestCallback<_vouch_v1_Policy__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: insurer. Only under the insurer's own products. A new period for the same policy_no adds a
   * renewal (it begins the day after the previous period ends); a period an answer used is frozen.
   */
  enrollPolicy(argument: _vouch_v1_EnrollPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_Policy__Output>): grpc.ClientUnaryCall;
  enrollPolicy(argument: _vouch_v1_EnrollPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_Policy__Output>): grpc.ClientUnaryCall;
  enrollPolicy(argument: _vouch_v1_EnrollPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_Policy__Output>): grpc.ClientUnaryCall;
  enrollPolicy(argument: _vouch_v1_EnrollPolicyRequest, callback: grpc.requestCallback<_vouch_v1_Policy__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: insurer (its own policies). Per period: what the product paid, cap left, deductible met.
   */
  GetPolicy(argument: _vouch_v1_GetPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_PolicyDetails__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _vouch_v1_GetPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_PolicyDetails__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _vouch_v1_GetPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_PolicyDetails__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _vouch_v1_GetPolicyRequest, callback: grpc.requestCallback<_vouch_v1_PolicyDetails__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: insurer (its own policies). Per period: what the product paid, cap left, deductible met.
   */
  getPolicy(argument: _vouch_v1_GetPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_PolicyDetails__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _vouch_v1_GetPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_PolicyDetails__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _vouch_v1_GetPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_PolicyDetails__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _vouch_v1_GetPolicyRequest, callback: grpc.requestCallback<_vouch_v1_PolicyDetails__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: any authenticated party or patient.
   */
  ListProducts(argument: _vouch_v1_ListProductsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListProductsResponse__Output>): grpc.ClientUnaryCall;
  ListProducts(argument: _vouch_v1_ListProductsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ListProductsResponse__Output>): grpc.ClientUnaryCall;
  ListProducts(argument: _vouch_v1_ListProductsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListProductsResponse__Output>): grpc.ClientUnaryCall;
  ListProducts(argument: _vouch_v1_ListProductsRequest, callback: grpc.requestCallback<_vouch_v1_ListProductsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: any authenticated party or patient.
   */
  listProducts(argument: _vouch_v1_ListProductsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListProductsResponse__Output>): grpc.ClientUnaryCall;
  listProducts(argument: _vouch_v1_ListProductsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ListProductsResponse__Output>): grpc.ClientUnaryCall;
  listProducts(argument: _vouch_v1_ListProductsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListProductsResponse__Output>): grpc.ClientUnaryCall;
  listProducts(argument: _vouch_v1_ListProductsRequest, callback: grpc.requestCallback<_vouch_v1_ListProductsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Products and insurers' policy enrollment.
 */
export interface PolicyServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Roles: insurer. Only under the insurer's own products. A new period for the same policy_no adds a
   * renewal (it begins the day after the previous period ends); a period an answer used is frozen.
   */
  EnrollPolicy: grpc.handleUnaryCall<_vouch_v1_EnrollPolicyRequest__Output, _vouch_v1_Policy>;
  
  /**
   * Roles: insurer (its own policies). Per period: what the product paid, cap left, deductible met.
   */
  GetPolicy: grpc.handleUnaryCall<_vouch_v1_GetPolicyRequest__Output, _vouch_v1_PolicyDetails>;
  
  /**
   * Roles: any authenticated party or patient.
   */
  ListProducts: grpc.handleUnaryCall<_vouch_v1_ListProductsRequest__Output, _vouch_v1_ListProductsResponse>;
  
}

export interface PolicyServiceDefinition extends grpc.ServiceDefinition {
  EnrollPolicy: MethodDefinition<_vouch_v1_EnrollPolicyRequest, _vouch_v1_Policy, _vouch_v1_EnrollPolicyRequest__Output, _vouch_v1_Policy__Output>
  GetPolicy: MethodDefinition<_vouch_v1_GetPolicyRequest, _vouch_v1_PolicyDetails, _vouch_v1_GetPolicyRequest__Output, _vouch_v1_PolicyDetails__Output>
  ListProducts: MethodDefinition<_vouch_v1_ListProductsRequest, _vouch_v1_ListProductsResponse, _vouch_v1_ListProductsRequest__Output, _vouch_v1_ListProductsResponse__Output>
}
