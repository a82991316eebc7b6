/**
 * Route schemas, one file per route file, and here what they share. Request schemas reject what is
 * malformed before any service runs; response schemas are the privacy filter — a member they do not
 * declare never leaves the gateway. Routes are typed from them (the TypeBox type provider, http/typed.ts).
 */

import { Type, type Static, type TLiteral, type TSchema, type TSchemaOptions, type TUnion, type TUnsafe } from 'typebox';
import { ERROR_CATALOGUE, type ErrorBody as ErrorBodyOf } from '../../errors.js';
import { REASON_CODES, REASON_MEANINGS } from '../../domain/reasons.js';

/** One literal type per member of a list, as a tuple (see literalUnion). */
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * A union of the string literals of a fixed list (a vocabulary declared `as const`), each with its own
 * options when `each` gives them. TypeBox types a union from a tuple of members: the same union built
 * with a bare `map` would be typed `never`, and the routes that take or answer it typed wrong.
 */
export function literalUnion<const T extends readonly string[]>(values: T, options?: TSchemaOptions, each?: (value: T[number]) => TSchemaOptions): TUnion<Literals<T>> {
  return Type.Union(values.map((v) => Type.Literal(v, each?.(v))), options) as TUnion<TSchema[]> as TUnion<Literals<T>>;
}

/** The error body every route answers with (errors.ts `errorBody`), registered once and referenced by id. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.Union(Object.keys(ERROR_CATALOGUE).map((c) => Type.Literal(c)), { description: 'Catalogue code (stable).' }),
      message: Type.String({ description: 'Fixed text for the code; never a value from the request.' }),
      request_id: Type.String({ description: 'The id of this request in the gateway’s logs (also the x-request-id header).' }),
    }),
  },
  { $id: 'ErrorBody', title: 'Error', description: 'Every error the API answers (CONTRACT.md).' },
);

/**
 * A `$ref` to a schema registered with `addSchema`, typed as what it refers to: the type provider cannot
 * follow a reference (it would type it `unknown`, and with it every answer of the route would go unchecked).
 * The schema is the plain `{ $ref }`; only its static type is added.
 */
function typedRef<T>(id: 'ErrorBody' | 'Receipt'): TUnsafe<T> {
  return Type.Unsafe<T>(Type.Ref(id));
}

/** Error responses every protected route can give. */
export function withErrors<T extends Record<number, TSchema>>(ok: T) {
  const ref = typedRef<ErrorBodyOf>('ErrorBody');
  return { ...ok, 400: ref, 401: ref, 403: ref, 404: ref, 409: ref, 413: ref, 415: ref, 422: ref, 429: ref, 500: ref, 503: ref };
}

export const Certno = Type.String({ minLength: 1, maxLength: 32, description: 'Resident ID number (GB 11643); turned into a blind index at once.' });
export const InstitutionCode = Type.String({ pattern: '^[HP]\\d{11}$', description: 'Institution code: H or P + 11 digits.' });
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const Fen = Type.Integer({ minimum: -9_007_199_254_740_991, maximum: 9_007_199_254_740_991 });

export const SignatureAlgSchema = Type.Union([Type.Literal('Ed25519'), Type.Literal('SM2')], { description: 'Ed25519 (RFC 8032) or SM2 over SM3 (GM/T 0003, GM/T 0009).' });
export const Cosignatures = Type.Array(
  Type.Object({ alg: SignatureAlgSchema, key_id: Type.String(), signature: Type.String() }),
  { description: 'VOUCH_CRYPTO=dual: further signatures (SM2, hex r ‖ s) over exactly the bytes the primary signature covers.' },
);

export const Receipt = Type.Object(
  {
    receipt_id: Type.String(),
    leaf_index: Type.Integer({ description: 'Index of the access-log leaf that records the answer.' }),
    leaf_hash: Type.String({ description: 'Hex RFC 6962 leaf hash SHA-256(0x00 ‖ leaf) of that leaf, to tie an inclusion proof to the receipt.' }),
    issued_at: Type.String(),
    result_digest: Type.String({ description: 'HMAC-SHA256 keyed with receipt_salt over the answer’s canonical JSON without receipt and receipt_salt.' }),
    question_digest: Type.Optional(Type.String({ description: 'HMAC-SHA256 keyed with receipt_salt over the question (operation, ids and amounts as asked).' })),
    consent_id: Type.Optional(Type.String()),
    consent_version: Type.Optional(Type.Integer()),
    record_digest: Type.Optional(Type.String({ description: 'Keyed digest of the record version (only the gateway recomputes it).' })),
    product_version: Type.Optional(Type.String()),
    alg: SignatureAlgSchema,
    key_id: Type.String(),
    signature: Type.String({ description: 'Ed25519: base64; SM2: the 64-byte r ‖ s in hex.' }),
    cosignatures: Type.Optional(Cosignatures),
  },
  {
    $id: 'Receipt',
    description:
      'Signed over the canonical JSON of the other members (without signature and cosignatures) plus "type":"vouch.receipt.v1" (docs/audit-log.md "Receipts"): ' +
      'Ed25519 under VOUCH_CRYPTO=intl, SM2 (SM3, user id 1234567812345678) under gm; under dual Ed25519 with an SM2 cosignature over the same bytes.',
  },
);
export const ReceiptRef = typedRef<Static<typeof Receipt>>('Receipt');
/** The per-receipt salt of the answer's digests: the holder reveals it (with the answer) to prove what was answered. */
export const ReceiptSalt = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'Salt of receipt.result_digest and receipt.question_digest; keep it with the answer, do not pass it on with a bare receipt.' });
/** A reason code, each alternative with its meaning. */
const ReasonCode = literalUnion(REASON_CODES, undefined, (r) => ({ description: REASON_MEANINGS[r] }));
export const Reasons = Type.Array(ReasonCode, {
  description: `Why nothing is payable (empty when something is), in vocabulary order: ${REASON_CODES.map((r) => `${r}: ${REASON_MEANINGS[r]}`).join(' ')}`,
});
