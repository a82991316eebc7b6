import { Type } from 'typebox';
import { PURPOSES } from '../../domain/consent.js';
import { Certno, InstitutionCode, literalUnion } from './common.js';

const Purpose = literalUnion(PURPOSES);

export const GrantBody = Type.Object(
  {
    certno: Type.Optional(Certno),
    grantee: Type.String({ minLength: 1, maxLength: 40 }),
    purposes: Type.Array(Purpose, { minItems: 1, maxItems: PURPOSES.length }),
    providers: Type.Optional(Type.Union([Type.Array(InstitutionCode, { minItems: 1, maxItems: 100 }), Type.Null()])),
    valid_from: Type.Optional(Type.String({ maxLength: 40 })),
    valid_until: Type.String({ maxLength: 40 }),
    max_queries_per_day: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Type.Null()])),
    evidence: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
  },
  { additionalProperties: false },
);

export const ConsentView = Type.Object({
  consent_id: Type.String(),
  version: Type.Integer(),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
  grantee: Type.String(),
  purposes: Type.Array(Type.String()),
  providers: Type.Union([Type.Array(Type.String()), Type.Null()]),
  valid_from: Type.String(),
  valid_until: Type.String(),
  max_queries_per_day: Type.Union([Type.Integer(), Type.Null()]),
  recorded_by_role: Type.String(),
});

export const ConsentIdParams = Type.Object({ consent_id: Type.String({ pattern: '^cns_[0-9a-f]{24}$' }) });
export const RevokedAnswer = Type.Object({ consent_id: Type.String(), version: Type.Integer(), status: Type.String() });
export const ConsentsAnswer = Type.Object({ consents: Type.Array(ConsentView) });
