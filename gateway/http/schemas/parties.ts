/** The party registry (admin) and the gateway's signing keys. */

import { Type } from 'typebox';

export const PartyView = Type.Object({
  code: Type.String(),
  role: Type.String(),
  name: Type.String(),
  level: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.String(),
  has_public_key: Type.Boolean(),
  certificate_pem: Type.Union([Type.String(), Type.Null()]),
});

export const NewPartyBody = Type.Object(
  {
    code: Type.String({ minLength: 2, maxLength: 40 }),
    role: Type.Union([Type.Literal('hospital'), Type.Literal('insurer'), Type.Literal('bureau'), Type.Literal('admin')]),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
    public_key_pem: Type.Optional(Type.String({ maxLength: 8192 })),
    sm2_public_key: Type.Optional(Type.String({ maxLength: 130, description: 'National envelope (hospitals): the HIS’s SM2 public key, uncompressed point 04… in hex.' })),
    app_id: Type.Optional(Type.String({ maxLength: 64, description: 'National envelope: the appId the national service platform assigned.' })),
    app_secret: Type.Optional(Type.String({ maxLength: 128, description: 'National envelope: the app secret (kept sealed; never shown again).' })),
  },
  { additionalProperties: false },
);


export const KeysAnswer = Type.Object({
  keys: Type.Array(
    Type.Union([
      Type.Object({ key_id: Type.String(), alg: Type.Literal('Ed25519'), public_key_pem: Type.String(), current: Type.Boolean() }),
      Type.Object({
        key_id: Type.String(), alg: Type.Literal('SM2'), public_key_hex: Type.String({ description: 'Uncompressed point 04 ‖ x ‖ y, hex.' }), current: Type.Boolean(),
      }),
    ]),
  ),
});
export const PartiesAnswer = Type.Object({ parties: Type.Array(PartyView) });
export const CodeParams = Type.Object({ code: Type.String({ minLength: 2, maxLength: 40 }) });
export const KeyKindParams = Type.Object({ which: Type.Union([Type.Literal('signing'), Type.Literal('kek')]) });
export const RotatedAnswer = Type.Object({ key_id: Type.String(), kind: Type.String() });
