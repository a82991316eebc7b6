import { Type, type TSchema } from 'typebox';
import { ERROR_CATALOGUE } from '../errors.js';
import { PURPOSES } from '../domain/consent.js';
import { REASON_CODES, REASON_MEANINGS } from '../domain/reasons.js';
import { ASSERTION_TYPE } from '../services/identity/auth.js';

/**
 * Route schemas. Request schemas reject what is malformed before any service runs; response schemas
 * are the privacy filter — a member they do not declare never leaves the gateway.
 */
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

/** Error responses every protected route can give. */
export function withErrors<T extends Record<number, TSchema>>(ok: T) {
  const ref = Type.Ref('ErrorBody');
  return { ...ok, 400: ref, 401: ref, 403: ref, 404: ref, 409: ref, 413: ref, 415: ref, 422: ref, 429: ref, 500: ref, 503: ref };
}

const Certno = Type.String({ minLength: 1, maxLength: 32, description: 'Resident ID number (GB 11643); turned into a blind index at once.' });
const InstitutionCode = Type.String({ pattern: '^[HP]\\d{11}$', description: 'Institution code: H or P + 11 digits.' });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Fen = Type.Integer({ minimum: -9_007_199_254_740_991, maximum: 9_007_199_254_740_991 });

const SignatureAlgSchema = Type.Union([Type.Literal('Ed25519'), Type.Literal('SM2')], { description: 'Ed25519 (RFC 8032) or SM2 over SM3 (GM/T 0003, GM/T 0009).' });
const Cosignatures = Type.Array(
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
const ReceiptRef = Type.Ref('Receipt');
/** The per-receipt salt of the answer's digests: the holder reveals it (with the answer) to prove what was answered. */
const ReceiptSalt = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'Salt of receipt.result_digest and receipt.question_digest; keep it with the answer, do not pass it on with a bare receipt.' });
/** A reason code, each alternative with its meaning. */
const ReasonCode = Type.Union(REASON_CODES.map((r) => Type.Literal(r, { description: REASON_MEANINGS[r] })));
const Reasons = Type.Array(ReasonCode, {
  description: `Why nothing is payable (empty when something is), in vocabulary order: ${REASON_CODES.map((r) => `${r}: ${REASON_MEANINGS[r]}`).join(' ')}`,
});

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

export const TokenBody = Type.Object({
  grant_type: Type.Literal('client_credentials'),
  client_assertion_type: Type.Literal(ASSERTION_TYPE),
  client_assertion: Type.String({ minLength: 10, maxLength: 8192 }),
  client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Optional (RFC 7521 §4.2): when sent, the party code the assertion is for.' })),
  scope: Type.Optional(Type.String({ maxLength: 1024, description: 'Ignored: a token carries the role the party is registered with.' })),
});
export const TokenAnswer = Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() });
/** RFC 6749 §5.2 error (answers to form requests at /v1/token), the catalogue code beside. */
export const OAuthErrorBody = Type.Object(
  {
    error: Type.Union([Type.Literal('invalid_request'), Type.Literal('invalid_client'), Type.Literal('unsupported_grant_type'), Type.Literal('server_error'), Type.Literal('temporarily_unavailable')]),
    error_description: Type.String(),
    code: Type.Union(Object.keys(ERROR_CATALOGUE).map((c) => Type.Literal(c))),
    request_id: Type.String(),
  },
  { title: 'OAuth error (RFC 6749 §5.2)' },
);
/** The token endpoint's errors: RFC 6749 form for form requests, the catalogue body for JSON ones. */
export const TokenErrorBody = Type.Union([OAuthErrorBody, Type.Ref('ErrorBody')]);

const Purpose = Type.Union(PURPOSES.map((p) => Type.Literal(p)));

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

/** Records are national-platform JSON: checked field by field in adapters/nhsa, not by a schema here. */
export const RecordBody = Type.Object({}, { additionalProperties: true, description: '{certno, setlinfo, setldetail?, feedetail?, diseinfo?} (national platform field names, yuan) or the platform envelope around them.' });
export const RecordAnswer = Type.Object({ record_id: Type.String(), version: Type.Integer() });

export const PolicyParams = Type.Object({ policy_no: Type.String({ minLength: 1, maxLength: 64 }) });
export const PolicyBody = Type.Object(
  {
    certno: Certno,
    product: Type.String({ minLength: 1, maxLength: 64 }),
    start_date: Type.String({ maxLength: 10 }),
    end_date: Type.String({ maxLength: 10 }),
    pre_existing: Type.Optional(Type.Boolean()),
    claim_free_years: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
    correction: Type.Optional(Type.Boolean({ description: 'An explicit, logged correction of the latest period after an answer used it (at most 2 per period).' })),
  },
  { additionalProperties: false },
);
const PeriodStatus = Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('upcoming')]);
const PeriodView = Type.Object({
  period_no: Type.Integer(),
  product: Type.String(),
  start_date: Type.String(),
  end_date: Type.String(),
  status: PeriodStatus,
  pre_existing: Type.Boolean(),
  claim_free_years: Type.Integer(),
  terms_frozen: Type.Boolean({ description: 'An answer used this period: its product, dates and flags are frozen.' }),
  corrections: Type.Integer(),
});
export const PolicyAnswer = Type.Object({
  policy_no: Type.String(),
  product: Type.String(),
  product_version: Type.String(),
  start_date: Type.String(),
  end_date: Type.String(),
  pre_existing: Type.Boolean(),
  claim_free_years: Type.Integer(),
  status: Type.Literal('enrolled'),
  periods: Type.Array(PeriodView),
});
export const PolicyDetailsAnswer = Type.Object({
  policy_no: Type.String(),
  product: Type.String(),
  periods: Type.Array(
    Type.Object({
      ...PeriodView.properties,
      deductible_met: Type.Boolean(),
      liabilities: Type.Array(Type.Object({ liability: Type.String(), paid_fen: Type.Integer(), cap_left_fen: Type.Integer() })),
    }),
  ),
});

const Codes = Type.Array(Type.String());
export const ProductsAnswer = Type.Object({
  products: Type.Array(
    Type.Object({
      code: Type.String(),
      insurer: Type.String({ description: 'The party code of the payer; only it may enroll policies under the product.' }),
      name: Type.String(),
      version: Type.String(),
      cob_order: Type.Integer(),
      family: Type.String(),
      term_years: Type.Integer(),
      local_region: Type.Optional(Type.String()),
      deductible_offset_by: Type.Optional(Type.Literal('commercial')),
      source: Type.Optional(Type.String()),
      shared_caps: Type.Optional(Type.Record(Type.String(), Type.Integer())),
      liabilities: Type.Array(
        Type.Object({
          code: Type.String(),
          name: Type.String(),
          bucket: Type.String(),
          visit_types: Codes,
          deductible_fen: Type.Integer(),
          deductible_tiers: Type.Optional(Type.Array(Type.Object({ min_claim_free_years: Type.Integer(), deductible_fen: Type.Integer() }))),
          shared_deductible: Type.Optional(Type.String()),
          ratio_bp: Type.Integer(),
          pre_existing_ratio_bp: Type.Integer(),
          non_local_ratio_bp: Type.Optional(Type.Integer()),
          non_local_pre_existing_ratio_bp: Type.Optional(Type.Integer()),
          requires_local_settlement: Type.Boolean(),
          cap_fen: Type.Integer(),
          shared_cap: Type.Optional(Type.String()),
          items: Type.Optional(Type.Object({ med_chrgitm_types: Type.Optional(Codes), chrgitm_lv: Type.Optional(Codes), med_list_codes: Type.Optional(Codes) })),
          facility_levels: Type.Optional(Type.Array(Type.Integer())),
          excluded_diagnoses: Type.Optional(Codes),
          covered_diagnoses: Type.Optional(Codes),
          waiting_days: Type.Optional(Type.Integer()),
        }),
      ),
    }),
  ),
});

export const VisitQueryBody = Type.Object(
  { certno: Certno, policy_no: Type.String({ minLength: 1, maxLength: 64 }), provider: InstitutionCode, mdtrt_id: Id },
  { additionalProperties: false },
);
export const EligibilityAnswer = Type.Object({
  eligible: Type.Boolean({ description: 'True when the product would pay something for this visit.' }),
  reasons: Reasons,
  receipt_salt: ReceiptSalt,
  receipt: ReceiptRef,
});
export const QuoteAnswer = Type.Object({
  payable_fen: Fen,
  liabilities: Type.Array(Type.Object({ liability: Type.String(), payable_fen: Fen })),
  deductible_applied_fen: Type.Integer({ description: 'Deductible met by this visit on liabilities that pay; 0 when nothing is payable.' }),
  reasons: Reasons,
  product: Type.String(),
  product_version: Type.String(),
  receipt_salt: ReceiptSalt,
  receipt: ReceiptRef,
});

export const ClaimBody = Type.Object(
  {
    certno: Certno,
    provider: InstitutionCode,
    mdtrt_id: Id,
    claimed: Type.Object(
      { medfee_sumamt_fen: Type.Integer({ minimum: 0, maximum: 9_999_999_999_999_999 }), psn_cash_pay_fen: Type.Optional(Type.Integer({ minimum: 0, maximum: 9_999_999_999_999_999 })) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const ClaimAnswer = Type.Object({ match: Type.Boolean(), receipt_salt: ReceiptSalt, receipt: ReceiptRef });

export const SettleBody = Type.Object(
  { certno: Certno, mdtrt_id: Id, request_id: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export const SettleAnswer = Type.Object({
  settlement_id: Type.String(),
  status: Type.Literal('settled'),
  lines: Type.Array(
    Type.Object({
      insurer: Type.String(),
      policy_no: Type.String(),
      product: Type.String(),
      payable_fen: Fen,
      owed_fen: Type.Integer({ description: 'What the product owes before the cash limit; above payable_fen the rest may be claimed after the fact.' }),
      reasons: Reasons,
      liabilities: Type.Array(Type.Object({ liability: Type.String(), payable_fen: Fen, owed_fen: Fen })),
    }),
  ),
  insurers_total_fen: Fen,
  patient_cash_fen: Fen,
  // Optional only for settlements stored before receipts were salted (their digests are unsalted).
  receipt_salt: Type.Optional(ReceiptSalt),
  receipt: ReceiptRef,
});
export const SettlementParams = Type.Object({ settlement_id: Type.String({ minLength: 1, maxLength: 64 }) });
export const ReversalAnswer = Type.Object({ settlement_id: Type.String(), status: Type.Literal('reversed'), receipt_salt: ReceiptSalt, receipt: ReceiptRef });

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

export const DirectoryAnswer = Type.Object({
  parties: Type.Array(
    Type.Object({
      code: Type.String(),
      role: Type.Union([Type.Literal('hospital'), Type.Literal('insurer'), Type.Literal('bureau')]),
      name: Type.String(),
      status: Type.String(),
    }),
  ),
});

export const SupervisionQuery = Type.Object(
  { from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })) },
  { additionalProperties: false },
);
const Count = Type.Integer({ minimum: 0 });
export const SupervisionAnswer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  insurers: Type.Array(
    Type.Object({
      insurer: Type.String(),
      queries: Count,
      denied: Count,
      by_reason: Type.Record(Type.String(), Count),
      budget_exhausted: Count,
      probes: Count,
      settlements: Count,
      settled_fen: Fen,
      reversals: Count,
      reversed_fen: Fen,
      stats_releases: Count,
      stats_refused: Count,
    }),
  ),
  hospitals: Type.Array(
    Type.Object({ provider: Type.String(), pushes: Count, refused: Count, settlements: Count, reversals: Count, settlements_refused: Count }),
  ),
});
