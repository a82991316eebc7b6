// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto


export interface ListEventsRequest {
  /**
   * ISO 8601 or epoch milliseconds; empty for no bound.
   */
  'from'?: (string);
  'to'?: (string);
  'actor'?: (string);
  /**
   * Turned into the blind index at once.
   */
  'certno'?: (string);
  'action'?: (string);
  'outcome'?: (string);
  'limit'?: (number);
  'cursor'?: (string);
}

export interface ListEventsRequest__Output {
  /**
   * ISO 8601 or epoch milliseconds; empty for no bound.
   */
  'from': (string);
  'to': (string);
  'actor': (string);
  /**
   * Turned into the blind index at once.
   */
  'certno': (string);
  'action': (string);
  'outcome': (string);
  'limit': (number);
  'cursor': (string);
}
