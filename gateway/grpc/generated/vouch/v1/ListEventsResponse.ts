// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/audit.proto

import type { Event as _vouch_v1_Event, Event__Output as _vouch_v1_Event__Output } from '../../vouch/v1/Event.js';

export interface ListEventsResponse {
  'events'?: (_vouch_v1_Event)[];
  'next_cursor'?: (string);
}

export interface ListEventsResponse__Output {
  'events': (_vouch_v1_Event__Output)[];
  'next_cursor': (string);
}
