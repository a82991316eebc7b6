// Generated from proto/ by scripts/proto.mjs — do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { PushRecordRequest as _vouch_v1_PushRecordRequest, PushRecordRequest__Output as _vouch_v1_PushRecordRequest__Output } from './vouch/v1/PushRecordRequest.js';
import type { PushRecordResponse as _vouch_v1_PushRecordResponse, PushRecordResponse__Output as _vouch_v1_PushRecordResponse__Output } from './vouch/v1/PushRecordResponse.js';
import type { RecordServiceClient as _vouch_v1_RecordServiceClient, RecordServiceDefinition as _vouch_v1_RecordServiceDefinition } from './vouch/v1/RecordService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vouch: {
    v1: {
      PushRecordRequest: MessageTypeDefinition<_vouch_v1_PushRecordRequest, _vouch_v1_PushRecordRequest__Output>
      PushRecordResponse: MessageTypeDefinition<_vouch_v1_PushRecordResponse, _vouch_v1_PushRecordResponse__Output>
      /**
       * Record pushes from hospitals' HIS, in the national platform's JSON shapes.
       */
      RecordService: SubtypeConstructor<typeof grpc.Client, _vouch_v1_RecordServiceClient> & { service: _vouch_v1_RecordServiceDefinition }
    }
  }
}

