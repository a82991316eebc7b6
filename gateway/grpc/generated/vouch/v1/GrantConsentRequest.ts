// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/consent.proto


export interface GrantConsentRequest {
  /**
   * Only when a hospital records the consent; never sent back.
   */
  'certno'?: (string);
  'grantee'?: (string);
  /**
   * eligibility, settlement, claim_verification, proactive_claim.
   */
  'purposes'?: (string)[];
  /**
   * Institution codes; empty means every provider (a hospital may only cover itself).
   */
  'providers'?: (string)[];
  /**
   * ISO 8601 date or date-time with zone.
   */
  'valid_until'?: (string);
  'valid_from'?: (string);
  /**
   * 0 means no daily budget.
   */
  'max_queries_per_day'?: (number);
  /**
   * Only when a hospital records the consent; only its digest is kept.
   */
  'evidence'?: (string);
}

export interface GrantConsentRequest__Output {
  /**
   * Only when a hospital records the consent; never sent back.
   */
  'certno': (string);
  'grantee': (string);
  /**
   * eligibility, settlement, claim_verification, proactive_claim.
   */
  'purposes': (string)[];
  /**
   * Institution codes; empty means every provider (a hospital may only cover itself).
   */
  'providers': (string)[];
  /**
   * ISO 8601 date or date-time with zone.
   */
  'valid_until': (string);
  'valid_from': (string);
  /**
   * 0 means no daily budget.
   */
  'max_queries_per_day': (number);
  /**
   * Only when a hospital records the consent; only its digest is kept.
   */
  'evidence': (string);
}
