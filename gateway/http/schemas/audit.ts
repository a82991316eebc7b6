/** The access log: the bureau's search, the transparency-log endpoints (RFC 6962 style), the patient's own view. */

import { Type } from 'typebox';
import { Certno, Cosignatures, SignatureAlgSchema } from './common.js';

const UInt = Type.String({ pattern: '^\\d{1,15}$' });
export const AuditEventsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40 })),
    to: Type.Optional(Type.String({ maxLength: 40 })),
    actor: Type.Optional(Type.String({ maxLength: 40 })),
    certno: Type.Optional(Certno),
    action: Type.Optional(Type.String({ maxLength: 40 })),
    outcome: Type.Optional(Type.Union([Type.Literal('allowed'), Type.Literal('denied')])),
    limit: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
    cursor: Type.Optional(UInt),
  },
  { additionalProperties: false },
);
const AuditEvent = Type.Object({
  leaf_index: Type.Integer(),
  time: Type.String(),
  actor: Type.String(),
  actor_role: Type.String(),
  action: Type.String(),
  purpose: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  reason: Type.Optional(Type.String()),
});
export const AuditEventsAnswer = Type.Object({ events: Type.Array(AuditEvent), next_cursor: Type.Union([Type.String(), Type.Null()]) });

export const TreeHeadAnswer = Type.Object({
  tree_size: Type.Integer(),
  root_hash: Type.String(),
  timestamp: Type.Integer(),
  key_id: Type.String(),
  signature: Type.String({ description: 'Ed25519: base64; SM2: the 64-byte r ‖ s in hex.' }),
  alg: SignatureAlgSchema,
  cosignatures: Type.Optional(Cosignatures),
});
export const LeavesQuery = Type.Object({ start: UInt, end: UInt }, { additionalProperties: false });
export const LeavesAnswer = Type.Object({ leaves: Type.Array(Type.Object({ leaf_index: Type.Integer(), leaf: Type.String() })) });
export const InclusionQuery = Type.Object({ leaf_index: UInt, tree_size: UInt }, { additionalProperties: false });
export const InclusionAnswer = Type.Object({
  leaf_index: Type.Integer(),
  tree_size: Type.Integer(),
  leaf_hash: Type.String(),
  audit_path: Type.Array(Type.String()),
});
export const ConsistencyQuery = Type.Object({ first: UInt, second: UInt }, { additionalProperties: false });
export const ConsistencyAnswer = Type.Object({ first: Type.Integer(), second: Type.Integer(), proof: Type.Array(Type.String()) });

export const AccessLogAnswer = Type.Object({
  events: Type.Array(
    Type.Object({
      leaf_index: Type.Integer(),
      time: Type.String(),
      actor: Type.String(),
      actor_role: Type.String(),
      action: Type.String(),
      purpose: Type.Union([Type.String(), Type.Null()]),
      outcome: Type.String(),
      reason: Type.Optional(Type.String()),
    }),
  ),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export const AccessLogQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })), cursor: Type.Optional(UInt) }, { additionalProperties: false });
