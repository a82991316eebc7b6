// Generated from proto/ by scripts/proto.mjs — do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { DeductibleTier as _vouch_v1_DeductibleTier, DeductibleTier__Output as _vouch_v1_DeductibleTier__Output } from './vouch/v1/DeductibleTier.js';
import type { EnrollPolicyRequest as _vouch_v1_EnrollPolicyRequest, EnrollPolicyRequest__Output as _vouch_v1_EnrollPolicyRequest__Output } from './vouch/v1/EnrollPolicyRequest.js';
import type { GetPolicyRequest as _vouch_v1_GetPolicyRequest, GetPolicyRequest__Output as _vouch_v1_GetPolicyRequest__Output } from './vouch/v1/GetPolicyRequest.js';
import type { Liability as _vouch_v1_Liability, Liability__Output as _vouch_v1_Liability__Output } from './vouch/v1/Liability.js';
import type { LiabilityUse as _vouch_v1_LiabilityUse, LiabilityUse__Output as _vouch_v1_LiabilityUse__Output } from './vouch/v1/LiabilityUse.js';
import type { ListProductsRequest as _vouch_v1_ListProductsRequest, ListProductsRequest__Output as _vouch_v1_ListProductsRequest__Output } from './vouch/v1/ListProductsRequest.js';
import type { ListProductsResponse as _vouch_v1_ListProductsResponse, ListProductsResponse__Output as _vouch_v1_ListProductsResponse__Output } from './vouch/v1/ListProductsResponse.js';
import type { PeriodUse as _vouch_v1_PeriodUse, PeriodUse__Output as _vouch_v1_PeriodUse__Output } from './vouch/v1/PeriodUse.js';
import type { Policy as _vouch_v1_Policy, Policy__Output as _vouch_v1_Policy__Output } from './vouch/v1/Policy.js';
import type { PolicyDetails as _vouch_v1_PolicyDetails, PolicyDetails__Output as _vouch_v1_PolicyDetails__Output } from './vouch/v1/PolicyDetails.js';
import type { PolicyPeriod as _vouch_v1_PolicyPeriod, PolicyPeriod__Output as _vouch_v1_PolicyPeriod__Output } from './vouch/v1/PolicyPeriod.js';
import type { PolicyServiceClient as _vouch_v1_PolicyServiceClient, PolicyServiceDefinition as _vouch_v1_PolicyServiceDefinition } from './vouch/v1/PolicyService.js';
import type { Product as _vouch_v1_Product, Product__Output as _vouch_v1_Product__Output } from './vouch/v1/Product.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vouch: {
    v1: {
      DeductibleTier: MessageTypeDefinition<_vouch_v1_DeductibleTier, _vouch_v1_DeductibleTier__Output>
      EnrollPolicyRequest: MessageTypeDefinition<_vouch_v1_EnrollPolicyRequest, _vouch_v1_EnrollPolicyRequest__Output>
      GetPolicyRequest: MessageTypeDefinition<_vouch_v1_GetPolicyRequest, _vouch_v1_GetPolicyRequest__Output>
      Liability: MessageTypeDefinition<_vouch_v1_Liability, _vouch_v1_Liability__Output>
      LiabilityUse: MessageTypeDefinition<_vouch_v1_LiabilityUse, _vouch_v1_LiabilityUse__Output>
      ListProductsRequest: MessageTypeDefinition<_vouch_v1_ListProductsRequest, _vouch_v1_ListProductsRequest__Output>
      ListProductsResponse: MessageTypeDefinition<_vouch_v1_ListProductsResponse, _vouch_v1_ListProductsResponse__Output>
      PeriodUse: MessageTypeDefinition<_vouch_v1_PeriodUse, _vouch_v1_PeriodUse__Output>
      Policy: MessageTypeDefinition<_vouch_v1_Policy, _vouch_v1_Policy__Output>
      PolicyDetails: MessageTypeDefinition<_vouch_v1_PolicyDetails, _vouch_v1_PolicyDetails__Output>
      PolicyPeriod: MessageTypeDefinition<_vouch_v1_PolicyPeriod, _vouch_v1_PolicyPeriod__Output>
      /**
       * Products and insurers' policy enrollment.
       */
      PolicyService: SubtypeConstructor<typeof grpc.Client, _vouch_v1_PolicyServiceClient> & { service: _vouch_v1_PolicyServiceDefinition }
      Product: MessageTypeDefinition<_vouch_v1_Product, _vouch_v1_Product__Output>
    }
  }
}

