// Generated from proto/ by scripts/proto.mjs — do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ErrorDetail as _vouch_v1_ErrorDetail, ErrorDetail__Output as _vouch_v1_ErrorDetail__Output } from './vouch/v1/ErrorDetail.js';
import type { Receipt as _vouch_v1_Receipt, Receipt__Output as _vouch_v1_Receipt__Output } from './vouch/v1/Receipt.js';
import type { Signature as _vouch_v1_Signature, Signature__Output as _vouch_v1_Signature__Output } from './vouch/v1/Signature.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vouch: {
    v1: {
      ErrorDetail: MessageTypeDefinition<_vouch_v1_ErrorDetail, _vouch_v1_ErrorDetail__Output>
      Receipt: MessageTypeDefinition<_vouch_v1_Receipt, _vouch_v1_Receipt__Output>
      Signature: MessageTypeDefinition<_vouch_v1_Signature, _vouch_v1_Signature__Output>
    }
  }
}

