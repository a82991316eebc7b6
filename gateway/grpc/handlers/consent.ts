import { VouchError } from '../../errors.js';
import type { ConsentView, GrantInput } from '../../services/consents/consents.js';
import { unary, type CallContext } from '../call.js';
import type { Consent } from '../generated/vouch/v1/Consent.js';
import type { ConsentServiceHandlers } from '../generated/vouch/v1/ConsentService.js';
import type { GrantConsentRequest__Output as GrantConsentRequest } from '../generated/vouch/v1/GrantConsentRequest.js';
import type { RevokeConsentRequest__Output as RevokeConsentRequest } from '../generated/vouch/v1/RevokeConsentRequest.js';
import type { RevokeConsentResponse } from '../generated/vouch/v1/RevokeConsentResponse.js';
import { optional } from './proto3.js';

/** GrantConsentRequest → the service's input: unset proto3 fields ('' , 0, no providers) are absent. */
export function grantInput(r: GrantConsentRequest): GrantInput {
  return {
    certno: optional(r.certno), grantee: r.grantee, purposes: r.purposes, providers: r.providers.length ? r.providers : undefined,
    valid_until: r.valid_until, valid_from: optional(r.valid_from), max_queries_per_day: r.max_queries_per_day || undefined, evidence: optional(r.evidence),
  };
}

/** A consent as the Consent message carries it: "every provider" is all_providers, no daily budget is 0. */
export function consentMessage(c: ConsentView): Consent {
  return {
    consent_id: c.consent_id, version: c.version, status: c.status, grantee: c.grantee, purposes: c.purposes,
    providers: c.providers ?? [], all_providers: c.providers === null, valid_from: c.valid_from, valid_until: c.valid_until,
    max_queries_per_day: c.max_queries_per_day ?? 0, recorded_by_role: c.recorded_by_role,
  };
}

const revokedMessage = (c: ConsentView): RevokeConsentResponse => ({ consent_id: c.consent_id, version: c.version, status: c.status });

/** ConsentService (proto/vouch/v1/consent.proto) over the consent service. */
export function consentHandlers(ctx: CallContext) {
  const consents = ctx.gateway.consents;
  return {
    GrantConsent: unary(ctx, 'grantConsent', async (p, r: GrantConsentRequest) => consentMessage(await consents.grant(p, grantInput(r)))),
    RevokeConsent: unary(ctx, 'revokeConsent', async (p, r: RevokeConsentRequest) => {
      if (!/^cns_[0-9a-f]{24}$/.test(r.consent_id)) throw new VouchError('NOT_FOUND');
      return revokedMessage(await consents.revoke(p, r.consent_id));
    }),
    ListConsents: unary(ctx, 'listConsents', async (p) => ({ consents: (await consents.list(p)).map(consentMessage) })),
  } satisfies ConsentServiceHandlers;
}
