// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/record.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { PushRecordRequest as _vouch_v1_PushRecordRequest, PushRecordRequest__Output as _vouch_v1_PushRecordRequest__Output } from '../../vouch/v1/PushRecordRequest.js';
import type { PushRecordResponse as _vouch_v1_PushRecordResponse, PushRecordResponse__Output as _vouch_v1_PushRecordResponse__Output } from '../../vouch/v1/PushRecordResponse.js';

/**
 * Record pushes from hospitals' HIS, in the national platform's JSON shapes.
 */
export interface RecordServiceClient extends grpc.Client {
  /**
   * Roles: hospital. FAILED: CONSENT_REQUIRED (PERMISSION_DENIED), INVALID_RECORD (INVALID_ARGUMENT).
   */
  PushRecord(argument: _vouch_v1_PushRecordRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_PushRecordResponse__Output>): grpc.ClientUnaryCall;
  PushRecord(argument: _vouch_v1_PushRecordRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_PushRecordResponse__Output>): grpc.ClientUnaryCall;
  PushRecord(argument: _vouch_v1_PushRecordRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_PushRecordResponse__Output>): grpc.ClientUnaryCall;
  PushRecord(argument: _vouch_v1_PushRecordRequest, callback: grpc.requestCallback<_vouch_v1_PushRecordResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: hospital. FAILED: CONSENT_REQUIRED (PERMISSION_DENIED), INVALID_RECORD (INVALID_ARGUMENT).
   */
  pushRecord(argument: _vouch_v1_PushRecordRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_PushRecordResponse__Output>): grpc.ClientUnaryCall;
  pushRecord(argument: _vouch_v1_PushRecordRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_PushRecordResponse__Output>): grpc.ClientUnaryCall;
  pushRecord(argument: _vouch_v1_PushRecordRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_PushRecordResponse__Output>): grpc.ClientUnaryCall;
  pushRecord(argument: _vouch_v1_PushRecordRequest, callback: grpc.requestCallback<_vouch_v1_PushRecordResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Record pushes from hospitals' HIS, in the national platform's JSON shapes.
 */
export interface RecordServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Roles: hospital. FAILED: CONSENT_REQUIRED (PERMISSION_DENIED), INVALID_RECORD (INVALID_ARGUMENT).
   */
  PushRecord: grpc.handleUnaryCall<_vouch_v1_PushRecordRequest__Output, _vouch_v1_PushRecordResponse>;
  
}

export interface RecordServiceDefinition extends grpc.ServiceDefinition {
  PushRecord: MethodDefinition<_vouch_v1_PushRecordRequest, _vouch_v1_PushRecordResponse, _vouch_v1_PushRecordRequest__Output, _vouch_v1_PushRecordResponse__Output>
}
