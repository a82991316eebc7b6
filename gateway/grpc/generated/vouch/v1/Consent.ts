// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/consent.proto

import type { Long } from '@grpc/proto-loader';

export interface Consent {
  'consent_id'?: (string);
  'version'?: (number | string | Long);
  /**
   * active, revoked or expired.
   */
  'status'?: (string);
  'grantee'?: (string);
  'purposes'?: (string)[];
  /**
   * Empty with all_providers = true means every provider.
   */
  'providers'?: (string)[];
  'all_providers'?: (boolean);
  'valid_from'?: (string);
  'valid_until'?: (string);
  'max_queries_per_day'?: (number);
  'recorded_by_role'?: (string);
}

export interface Consent__Output {
  'consent_id': (string);
  'version': (number);
  /**
   * active, revoked or expired.
   */
  'status': (string);
  'grantee': (string);
  'purposes': (string)[];
  /**
   * Empty with all_providers = true means every provider.
   */
  'providers': (string)[];
  'all_providers': (boolean);
  'valid_from': (string);
  'valid_until': (string);
  'max_queries_per_day': (number);
  'recorded_by_role': (string);
}
