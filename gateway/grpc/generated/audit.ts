// Generated from proto/ by scripts/proto.mjs — do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuditServiceClient as _vouch_v1_AuditServiceClient, AuditServiceDefinition as _vouch_v1_AuditServiceDefinition } from './vouch/v1/AuditService.js';
import type { ConsistencyProof as _vouch_v1_ConsistencyProof, ConsistencyProof__Output as _vouch_v1_ConsistencyProof__Output } from './vouch/v1/ConsistencyProof.js';
import type { ErrorDetail as _vouch_v1_ErrorDetail, ErrorDetail__Output as _vouch_v1_ErrorDetail__Output } from './vouch/v1/ErrorDetail.js';
import type { Event as _vouch_v1_Event, Event__Output as _vouch_v1_Event__Output } from './vouch/v1/Event.js';
import type { GetConsistencyProofRequest as _vouch_v1_GetConsistencyProofRequest, GetConsistencyProofRequest__Output as _vouch_v1_GetConsistencyProofRequest__Output } from './vouch/v1/GetConsistencyProofRequest.js';
import type { GetInclusionProofRequest as _vouch_v1_GetInclusionProofRequest, GetInclusionProofRequest__Output as _vouch_v1_GetInclusionProofRequest__Output } from './vouch/v1/GetInclusionProofRequest.js';
import type { GetTreeHeadRequest as _vouch_v1_GetTreeHeadRequest, GetTreeHeadRequest__Output as _vouch_v1_GetTreeHeadRequest__Output } from './vouch/v1/GetTreeHeadRequest.js';
import type { InclusionProof as _vouch_v1_InclusionProof, InclusionProof__Output as _vouch_v1_InclusionProof__Output } from './vouch/v1/InclusionProof.js';
import type { ListEventsRequest as _vouch_v1_ListEventsRequest, ListEventsRequest__Output as _vouch_v1_ListEventsRequest__Output } from './vouch/v1/ListEventsRequest.js';
import type { ListEventsResponse as _vouch_v1_ListEventsResponse, ListEventsResponse__Output as _vouch_v1_ListEventsResponse__Output } from './vouch/v1/ListEventsResponse.js';
import type { ListMyAccessRequest as _vouch_v1_ListMyAccessRequest, ListMyAccessRequest__Output as _vouch_v1_ListMyAccessRequest__Output } from './vouch/v1/ListMyAccessRequest.js';
import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from './vouch/v1/Receipt.js';
import type { Signature as _vouch_v1_Signature, Signature__Output as _vouch_v1_Signature__Output } from './vouch/v1/Signature.js';
import type { TreeHead as _vouch_v1_TreeHead, TreeHead__Output as _vouch_v1_TreeHead__Output } from './vouch/v1/TreeHead.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vouch: {
    v1: {
      /**
       * The transparency access log (RFC 6962 style). Hashes are lower-case hex.
       */
      AuditService: SubtypeConstructor<typeof grpc.Client, _vouch_v1_AuditServiceClient> & { service: _vouch_v1_AuditServiceDefinition }
      ConsistencyProof: MessageTypeDefinition<_vouch_v1_ConsistencyProof, _vouch_v1_ConsistencyProof__Output>
      ErrorDetail: MessageTypeDefinition<_vouch_v1_ErrorDetail, _vouch_v1_ErrorDetail__Output>
      Event: MessageTypeDefinition<_vouch_v1_Event, _vouch_v1_Event__Output>
      GetConsistencyProofRequest: MessageTypeDefinition<_vouch_v1_GetConsistencyProofRequest, _vouch_v1_GetConsistencyProofRequest__Output>
      GetInclusionProofRequest: MessageTypeDefinition<_vouch_v1_GetInclusionProofRequest, _vouch_v1_GetInclusionProofRequest__Output>
      GetTreeHeadRequest: MessageTypeDefinition<_vouch_v1_GetTreeHeadRequest, _vouch_v1_GetTreeHeadRequest__Output>
      InclusionProof: MessageTypeDefinition<_vouch_v1_InclusionProof, _vouch_v1_InclusionProof__Output>
      ListEventsRequest: MessageTypeDefinition<_vouch_v1_ListEventsRequest, _vouch_v1_ListEventsRequest__Output>
      ListEventsResponse: MessageTypeDefinition<_vouch_v1_ListEventsResponse, _vouch_v1_ListEventsResponse__Output>
      ListMyAccessRequest: MessageTypeDefinition<_vouch_v1_ListMyAccessRequest, _vouch_v1_ListMyAccessRequest__Output>
      Receipt: MessageTypeDefinition<_vouch_v1_Receipt, _vouch_v1_Receipt__Output>
      Signature: MessageTypeDefinition<_vouch_v1_Signature, _vouch_v1_Signature__Output>
      TreeHead: MessageTypeDefinition<_vouch_v1_TreeHead, _vouch_v1_TreeHead__Output>
    }
  }
}

