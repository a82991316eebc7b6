// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ConsistencyProof as _vouch_v1_ConsistencyProof, ConsistencyProof__Output as _vouch_v1_ConsistencyProof__Output } from '../../vouch/v1/ConsistencyProof.js';
import type { GetConsistencyProofRequest as _vouch_v1_GetConsistencyProofRequest, GetConsistencyProofRequest__Output as _vouch_v1_GetConsistencyProofRequest__Output } from '../../vouch/v1/GetConsistencyProofRequest.js';
import type { GetInclusionProofRequest as _vouch_v1_GetInclusionProofRequest, GetInclusionProofRequest__Output as _vouch_v1_GetInclusionProofRequest__Output } from '../../vouch/v1/GetInclusionProofRequest.js';
import type { GetTreeHeadRequest as _vouch_v1_GetTreeHeadRequest, GetTreeHeadRequest__Output as _vouch_v1_GetTreeHeadRequest__Output } from '../../vouch/v1/GetTreeHeadRequest.js';
import type { InclusionProof as _vouch_v1_InclusionProof, InclusionProof__Output as _vouch_v1_InclusionProof__Output } from '../../vouch/v1/InclusionProof.js';
import type { ListEventsRequest as _vouch_v1_ListEventsRequest, ListEventsRequest__Output as _vouch_v1_ListEventsRequest__Output } from '../../vouch/v1/ListEventsRequest.js';
import type { ListEventsResponse as _vouch_v1_ListEventsResponse, ListEventsResponse__Output as _vouch_v1_ListEventsResponse__Output } from '../../vouch/v1/ListEventsResponse.js';
import type { ListMyAccessRequest as _vouch_v1_ListMyAccessRequest, ListMyAccessRequest__Output as _vouch_v1_ListMyAccessRequest__Output } from '../../vouch/v1/ListMyAccessRequest.js';
import type { TreeHead as _vouch_v1_TreeHead, TreeHead__Output as _vouch_v1_TreeHead__Output } from '../../vouch/v1/TreeHead.js';

/**
 * The transparency access log (RFC 6962 style). Hashes are lower-case hex.
 */
export interface AuditServiceClient extends grpc.Client {
  /**
   * Roles: bureau.
   */
  GetConsistencyProof(argument: _vouch_v1_GetConsistencyProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _vouch_v1_GetConsistencyProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _vouch_v1_GetConsistencyProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _vouch_v1_GetConsistencyProofRequest, callback: grpc.requestCallback<_vouch_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: bureau.
   */
  getConsistencyProof(argument: _vouch_v1_GetConsistencyProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _vouch_v1_GetConsistencyProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _vouch_v1_GetConsistencyProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _vouch_v1_GetConsistencyProofRequest, callback: grpc.requestCallback<_vouch_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: bureau, insurer, hospital.
   */
  GetInclusionProof(argument: _vouch_v1_GetInclusionProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _vouch_v1_GetInclusionProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _vouch_v1_GetInclusionProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _vouch_v1_GetInclusionProofRequest, callback: grpc.requestCallback<_vouch_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: bureau, insurer, hospital.
   */
  getInclusionProof(argument: _vouch_v1_GetInclusionProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _vouch_v1_GetInclusionProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _vouch_v1_GetInclusionProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _vouch_v1_GetInclusionProofRequest, callback: grpc.requestCallback<_vouch_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: bureau, insurer, hospital.
   */
  GetTreeHead(argument: _vouch_v1_GetTreeHeadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_TreeHead__Output>): grpc.ClientUnaryCall;
  GetTreeHead(argument: _vouch_v1_GetTreeHeadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_TreeHead__Output>): grpc.ClientUnaryCall;
  GetTreeHead(argument: _vouch_v1_GetTreeHeadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_TreeHead__Output>): grpc.ClientUnaryCall;
  GetTreeHead(argument: _vouch_v1_GetTreeHeadRequest, callback: grpc.requestCallback<_vouch_v1_TreeHead__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: bureau, insurer, hospital.
   */
  getTreeHead(argument: _vouch_v1_GetTreeHeadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_TreeHead__Output>): grpc.ClientUnaryCall;
  getTreeHead(argument: _vouch_v1_GetTreeHeadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_TreeHead__Output>): grpc.ClientUnaryCall;
  getTreeHead(argument: _vouch_v1_GetTreeHeadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_TreeHead__Output>): grpc.ClientUnaryCall;
  getTreeHead(argument: _vouch_v1_GetTreeHeadRequest, callback: grpc.requestCallback<_vouch_v1_TreeHead__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: bureau.
   */
  ListEvents(argument: _vouch_v1_ListEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _vouch_v1_ListEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _vouch_v1_ListEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _vouch_v1_ListEventsRequest, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: bureau.
   */
  listEvents(argument: _vouch_v1_ListEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _vouch_v1_ListEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _vouch_v1_ListEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _vouch_v1_ListEventsRequest, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: patient. Every access to the caller's data.
   */
  ListMyAccess(argument: _vouch_v1_ListMyAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListMyAccess(argument: _vouch_v1_ListMyAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListMyAccess(argument: _vouch_v1_ListMyAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListMyAccess(argument: _vouch_v1_ListMyAccessRequest, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: patient. Every access to the caller's data.
   */
  listMyAccess(argument: _vouch_v1_ListMyAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listMyAccess(argument: _vouch_v1_ListMyAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listMyAccess(argument: _vouch_v1_ListMyAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listMyAccess(argument: _vouch_v1_ListMyAccessRequest, callback: grpc.requestCallback<_vouch_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * The transparency access log (RFC 6962 style). Hashes are lower-case hex.
 */
export interface AuditServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Roles: bureau.
   */
  GetConsistencyProof: grpc.handleUnaryCall<_vouch_v1_GetConsistencyProofRequest__Output, _vouch_v1_ConsistencyProof>;
  
  /**
   * Roles: bureau, insurer, hospital.
   */
  GetInclusionProof: grpc.handleUnaryCall<_vouch_v1_GetInclusionProofRequest__Output, _vouch_v1_InclusionProof>;
  
  /**
   * Roles: bureau, insurer, hospital.
   */
  GetTreeHead: grpc.handleUnaryCall<_vouch_v1_GetTreeHeadRequest__Output, _vouch_v1_TreeHead>;
  
  /**
   * Roles: bureau.
   */
  ListEvents: grpc.handleUnaryCall<_vouch_v1_ListEventsRequest__Output, _vouch_v1_ListEventsResponse>;
  
  /**
   * Roles: patient. Every access to the caller's data.
   */
  ListMyAccess: grpc.handleUnaryCall<_vouch_v1_ListMyAccessRequest__Output, _vouch_v1_ListEventsResponse>;
  
}

export interface AuditServiceDefinition extends grpc.ServiceDefinition {
  GetConsistencyProof: MethodDefinition<_vouch_v1_GetConsistencyProofRequest, _vouch_v1_ConsistencyProof, _vouch_v1_GetConsistencyProofRequest__Output, _vouch_v1_ConsistencyProof__Output>
  GetInclusionProof: MethodDefinition<_vouch_v1_GetInclusionProofRequest, _vouch_v1_InclusionProof, _vouch_v1_GetInclusionProofRequest__Output, _vouch_v1_InclusionProof__Output>
  GetTreeHead: MethodDefinition<_vouch_v1_GetTreeHeadRequest, _vouch_v1_TreeHead, _vouch_v1_GetTreeHeadRequest__Output, _vouch_v1_TreeHead__Output>
  ListEvents: MethodDefinition<_vouch_v1_ListEventsRequest, _vouch_v1_ListEventsResponse, _vouch_v1_ListEventsRequest__Output, _vouch_v1_ListEventsResponse__Output>
  ListMyAccess: MethodDefinition<_vouch_v1_ListMyAccessRequest, _vouch_v1_ListEventsResponse, _vouch_v1_ListMyAccessRequest__Output, _vouch_v1_ListEventsResponse__Output>
}
