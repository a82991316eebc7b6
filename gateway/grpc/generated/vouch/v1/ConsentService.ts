// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/consent.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Consent as _vouch_v1_Consent, Consent__Output as _vouch_v1_Consent__Output } from '../../vouch/v1/Consent.js';
import type { GrantConsentRequest as _vouch_v1_GrantConsentRequest, GrantConsentRequest__Output as _vouch_v1_GrantConsentRequest__Output } from '../../vouch/v1/GrantConsentRequest.js';
import type { ListConsentsRequest as _vouch_v1_ListConsentsRequest, ListConsentsRequest__Output as _vouch_v1_ListConsentsRequest__Output } from '../../vouch/v1/ListConsentsRequest.js';
import type { ListConsentsResponse as _vouch_v1_ListConsentsResponse, ListConsentsResponse__Output as _vouch_v1_ListConsentsResponse__Output } from '../../vouch/v1/ListConsentsResponse.js';
import type { RevokeConsentRequest as _vouch_v1_RevokeConsentRequest, RevokeConsentRequest__Output as _vouch_v1_RevokeConsentRequest__Output } from '../../vouch/v1/RevokeConsentRequest.js';
import type { RevokeConsentResponse as _vouch_v1_RevokeConsentResponse, RevokeConsentResponse__Output as _vouch_v1_RevokeConsentResponse__Output } from '../../vouch/v1/RevokeConsentResponse.js';

/**
 * Consents (个人授权): granted by the patient, or recorded by a hospital at the counter with evidence.
 */
export interface ConsentServiceClient extends grpc.Client {
  /**
   * Roles: patient, hospital.
   */
  GrantConsent(argument: _vouch_v1_GrantConsentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_Consent__Output>): grpc.ClientUnaryCall;
  GrantConsent(argument: _vouch_v1_GrantConsentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_Consent__Output>): grpc.ClientUnaryCall;
  GrantConsent(argument: _vouch_v1_GrantConsentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_Consent__Output>): grpc.ClientUnaryCall;
  GrantConsent(argument: _vouch_v1_GrantConsentRequest, callback: grpc.requestCallback<_vouch_v1_Consent__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: patient, hospital.
   */
  grantConsent(argument: _vouch_v1_GrantConsentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_Consent__Output>): grpc.ClientUnaryCall;
  grantConsent(argument: _vouch_v1_GrantConsentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_Consent__Output>): grpc.ClientUnaryCall;
  grantConsent(argument: _vouch_v1_GrantConsentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_Consent__Output>): grpc.ClientUnaryCall;
  grantConsent(argument: _vouch_v1_GrantConsentRequest, callback: grpc.requestCallback<_vouch_v1_Consent__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: patient (own), insurer (granted to it, without identity).
   */
  ListConsents(argument: _vouch_v1_ListConsentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListConsentsResponse__Output>): grpc.ClientUnaryCall;
  ListConsents(argument: _vouch_v1_ListConsentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ListConsentsResponse__Output>): grpc.ClientUnaryCall;
  ListConsents(argument: _vouch_v1_ListConsentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListConsentsResponse__Output>): grpc.ClientUnaryCall;
  ListConsents(argument: _vouch_v1_ListConsentsRequest, callback: grpc.requestCallback<_vouch_v1_ListConsentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: patient (own), insurer (granted to it, without identity).
   */
  listConsents(argument: _vouch_v1_ListConsentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListConsentsResponse__Output>): grpc.ClientUnaryCall;
  listConsents(argument: _vouch_v1_ListConsentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_ListConsentsResponse__Output>): grpc.ClientUnaryCall;
  listConsents(argument: _vouch_v1_ListConsentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_ListConsentsResponse__Output>): grpc.ClientUnaryCall;
  listConsents(argument: _vouch_v1_ListConsentsRequest, callback: grpc.requestCallback<_vouch_v1_ListConsentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Roles: patient (own consents only).
   */
  RevokeConsent(argument: _vouch_v1_RevokeConsentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_RevokeConsentResponse__Output>): grpc.ClientUnaryCall;
  RevokeConsent(argument: _vouch_v1_RevokeConsentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_RevokeConsentResponse__Output>): grpc.ClientUnaryCall;
  RevokeConsent(argument: _vouch_v1_RevokeConsentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_RevokeConsentResponse__Output>): grpc.ClientUnaryCall;
  RevokeConsent(argument: _vouch_v1_RevokeConsentRequest, callback: grpc.requestCallback<_vouch_v1_RevokeConsentResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Roles: patient (own consents only).
   */
  revokeConsent(argument: _vouch_v1_RevokeConsentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_RevokeConsentResponse__Output>): grpc.ClientUnaryCall;
  revokeConsent(argument: _vouch_v1_RevokeConsentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vouch_v1_RevokeConsentResponse__Output>): grpc.ClientUnaryCall;
  revokeConsent(argument: _vouch_v1_RevokeConsentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vouch_v1_RevokeConsentResponse__Output>): grpc.ClientUnaryCall;
  revokeConsent(argument: _vouch_v1_RevokeConsentRequest, callback: grpc.requestCallback<_vouch_v1_RevokeConsentResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Consents (个人授权): granted by the patient, or recorded by a hospital at the counter with evidence.
 */
export interface ConsentServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Roles: patient, hospital.
   */
  GrantConsent: grpc.handleUnaryCall<_vouch_v1_GrantConsentRequest__Output, _vouch_v1_Consent>;
  
  /**
   * Roles: patient (own), insurer (granted to it, without identity).
   */
  ListConsents: grpc.handleUnaryCall<_vouch_v1_ListConsentsRequest__Output, _vouch_v1_ListConsentsResponse>;
  
  /**
   * Roles: patient (own consents only).
   */
  RevokeConsent: grpc.handleUnaryCall<_vouch_v1_RevokeConsentRequest__Output, _vouch_v1_RevokeConsentResponse>;
  
}

export interface ConsentServiceDefinition extends grpc.ServiceDefinition {
  GrantConsent: MethodDefinition<_vouch_v1_GrantConsentRequest, _vouch_v1_Consent, _vouch_v1_GrantConsentRequest__Output, _vouch_v1_Consent__Output>
  ListConsents: MethodDefinition<_vouch_v1_ListConsentsRequest, _vouch_v1_ListConsentsResponse, _vouch_v1_ListConsentsRequest__Output, _vouch_v1_ListConsentsResponse__Output>
  RevokeConsent: MethodDefinition<_vouch_v1_RevokeConsentRequest, _vouch_v1_RevokeConsentResponse, _vouch_v1_RevokeConsentRequest__Output, _vouch_v1_RevokeConsentResponse__Output>
}
