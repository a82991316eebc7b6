// Generated from proto/ by scripts/proto.mjs — do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { EnrollPolicyRequest as _vouch_v1_EnrollPolicyRequest, EnrollPolicyRequest__Output as _vouch_v1_EnrollPolicyRequest__Output } from './vouch/v1/EnrollPolicyRequest.js';
import type { Liability as _vouch_v1_Liability, Liability__Output as _vouch_v1_Liability__Output } from './vouch/v1/Liability.js';
import type { ListProductsRequest as _vouch_v1_ListProductsRequest, ListProductsRequest__Output as _vouch_v1_ListProductsRequest__Output } from './vouch/v1/ListProductsRequest.js';
import type { ListProductsResponse as _vouch_v1_ListProductsResponse, ListProductsResponse__Output as _vouch_v1_ListProductsResponse__Output } from './vouch/v1/ListProductsResponse.js';
import type { Policy as _vouch_v1_Policy, Policy__Output as _vouch_v1_Policy__Output } from './vouch/v1/Policy.js';
import type { PolicyServiceClient as _vouch_v1_PolicyServiceClient, PolicyServiceDefinition as _vouch_v1_PolicyServiceDefinition } from './vouch/v1/PolicyService.js';
import type { Product as _vouch_v1_Product, Product__Output as _vouch_v1_Product__Output } from './vouch/v1/Product.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vouch: {
    v1: {
      EnrollPolicyRequest: MessageTypeDefinition<_vouch_v1_EnrollPolicyRequest, _vouch_v1_EnrollPolicyRequest__Output>
      Liability: MessageTypeDefinition<_vouch_v1_Liability, _vouch_v1_Liability__Output>
      ListProductsRequest: MessageTypeDefinition<_vouch_v1_ListProductsRequest, _vouch_v1_ListProductsRequest__Output>
      ListProductsResponse: MessageTypeDefinition<_vouch_v1_ListProductsResponse, _vouch_v1_ListProductsResponse__Output>
      Policy: MessageTypeDefinition<_vouch_v1_Policy, _vouch_v1_Policy__Output>
      /**
       * Products and insurers' policy enrollment.
       */
      PolicyService: SubtypeConstructor<typeof grpc.Client, _vouch_v1_PolicyServiceClient> & { service: _vouch_v1_PolicyServiceDefinition }
      Product: MessageTypeDefinition<_vouch_v1_Product, _vouch_v1_Product__Output>
    }
  }
}

