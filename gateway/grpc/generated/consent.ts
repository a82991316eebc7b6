// Generated from proto/ by scripts/proto.mjs — do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Consent as _vouch_v1_Consent, Consent__Output as _vouch_v1_Consent__Output } from './vouch/v1/Consent.js';
import type { ConsentServiceClient as _vouch_v1_ConsentServiceClient, ConsentServiceDefinition as _vouch_v1_ConsentServiceDefinition } from './vouch/v1/ConsentService.js';
import type { GrantConsentRequest as _vouch_v1_GrantConsentRequest, GrantConsentRequest__Output as _vouch_v1_GrantConsentRequest__Output } from './vouch/v1/GrantConsentRequest.js';
import type { ListConsentsRequest as _vouch_v1_ListConsentsRequest, ListConsentsRequest__Output as _vouch_v1_ListConsentsRequest__Output } from './vouch/v1/ListConsentsRequest.js';
import type { ListConsentsResponse as _vouch_v1_ListConsentsResponse, ListConsentsResponse__Output as _vouch_v1_ListConsentsResponse__Output } from './vouch/v1/ListConsentsResponse.js';
import type { RevokeConsentRequest as _vouch_v1_RevokeConsentRequest, RevokeConsentRequest__Output as _vouch_v1_RevokeConsentRequest__Output } from './vouch/v1/RevokeConsentRequest.js';
import type { RevokeConsentResponse as _vouch_v1_RevokeConsentResponse, RevokeConsentResponse__Output as _vouch_v1_RevokeConsentResponse__Output } from './vouch/v1/RevokeConsentResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vouch: {
    v1: {
      Consent: MessageTypeDefinition<_vouch_v1_Consent, _vouch_v1_Consent__Output>
      /**
       * Consents (个人授权): granted by the patient, or recorded by a hospital at the counter with evidence.
       */
      ConsentService: SubtypeConstructor<typeof grpc.Client, _vouch_v1_ConsentServiceClient> & { service: _vouch_v1_ConsentServiceDefinition }
      GrantConsentRequest: MessageTypeDefinition<_vouch_v1_GrantConsentRequest, _vouch_v1_GrantConsentRequest__Output>
      ListConsentsRequest: MessageTypeDefinition<_vouch_v1_ListConsentsRequest, _vouch_v1_ListConsentsRequest__Output>
      ListConsentsResponse: MessageTypeDefinition<_vouch_v1_ListConsentsResponse, _vouch_v1_ListConsentsResponse__Output>
      RevokeConsentRequest: MessageTypeDefinition<_vouch_v1_RevokeConsentRequest, _vouch_v1_RevokeConsentRequest__Output>
      RevokeConsentResponse: MessageTypeDefinition<_vouch_v1_RevokeConsentResponse, _vouch_v1_RevokeConsentResponse__Output>
    }
  }
}

