/**
 * The one error catalogue. Every code the gateway can answer is declared here once, with its HTTP
 * status, its gRPC status and a fixed message. Messages never carry personal data: callers may add a
 * `detail` drawn from a closed vocabulary (an identity name, a field path), never a value.
 */

/** gRPC status codes (grpc/status.h); kept here so domain code never imports @grpc/grpc-js. */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

interface CatalogueEntry {
  readonly http: number;
  readonly grpc: number;
  readonly message: string;
}

export const ERROR_CATALOGUE = {
  UNAUTHENTICATED: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, message: 'A valid bearer token is required.' },
  TOKEN_INVALID: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, message: 'The bearer token is not valid.' },
  ASSERTION_INVALID: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, message: 'The client assertion is not valid.' },
  FORBIDDEN: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, message: 'This role may not call this operation.' },
  VALIDATION_FAILED: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, message: 'The request is not well formed.' },
  INVALID_CERTNO: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, message: 'The ID number is not a valid resident ID number.' },
  INVALID_AMOUNT: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, message: 'An amount is not a valid yuan amount with at most two decimals.' },
  INVALID_RECORD: { http: 422, grpc: GrpcStatus.INVALID_ARGUMENT, message: 'The record is not consistent.' },
  PROVIDER_MISMATCH: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, message: 'A hospital may only act for its own institution code.' },
  CONSENT_REQUIRED: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, message: 'No active consent covers this provider.' },
  NOT_AVAILABLE: { http: 404, grpc: GrpcStatus.NOT_FOUND, message: 'No answer is available for this request.' },
  NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND, message: 'Not found.' },
  ROUTE_NOT_FOUND: { http: 404, grpc: GrpcStatus.UNIMPLEMENTED, message: 'No such operation.' },
  PARTY_EXISTS: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, message: 'A party with this code is already registered.' },
  UNKNOWN_PRODUCT: { http: 422, grpc: GrpcStatus.INVALID_ARGUMENT, message: 'No such product.' },
  POLICY_CONFLICT: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, message: 'This policy number is enrolled for another insured person.' },
  PRODUCT_NOT_OFFERED: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, message: 'An insurer enrolls policies only under its own products.' },
  POLICY_OVERLAP: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION, message: 'The person already holds a policy of this product family for an overlapping period.' },
  POLICY_TERMS_FROZEN: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION, message: 'An answer already used this policy period: its product, dates and flags are frozen.' },
  POLICY_LIMIT_REACHED: { http: 409, grpc: GrpcStatus.RESOURCE_EXHAUSTED, message: 'No more policies or periods can be held here.' },
  SETTLEMENT_REVERSED: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION, message: 'The settlement made under this request_id has since been reversed.' },
  ALREADY_SETTLED: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION, message: 'This visit already has an active commercial settlement.' },
  IDEMPOTENCY_CONFLICT: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, message: 'This request_id was used for a different request.' },
  CONSENT_NOT_ACTIVE: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION, message: 'The consent is not active.' },
  QUERY_BUDGET_EXCEEDED: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, message: 'The query budget for this record or consent is used up.' },
  PRIVACY_BUDGET_EXHAUSTED: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, message: 'The privacy budget for statistics releases does not cover this release.' },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, grpc: GrpcStatus.INVALID_ARGUMENT, message: 'The request body must be JSON.' },
  ENVELOPE_INVALID: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, message: 'The national platform envelope is not well formed (appId, encType SM4, signType SM2, timestamp, version, encData, signData).' },
  ENVELOPE_UNKNOWN_APP: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, message: 'No active hospital is registered with this appId.' },
  ENVELOPE_SIGNATURE_INVALID: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, message: 'The envelope does not decrypt or its SM2 signature does not verify.' },
  ENVELOPE_STALE: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, message: 'The envelope timestamp is more than 5 minutes from the gateway clock.' },
  ENVELOPE_REPLAYED: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, message: 'This envelope was already received.' },
  SHUTTING_DOWN: { http: 503, grpc: GrpcStatus.UNAVAILABLE, message: 'The gateway is shutting down; nothing was done. Retry (another instance will answer).' },
  STORAGE_UNAVAILABLE: { http: 503, grpc: GrpcStatus.UNAVAILABLE, message: 'The store cannot take a write just now (disk full or database unreachable); nothing was changed. Retry later.' },
  LOG_UNAVAILABLE: { http: 503, grpc: GrpcStatus.UNAVAILABLE, message: 'The access log cannot be written; no answer is given.' },
  INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL, message: 'Internal error.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/**
 * A failure the caller may see. `detail` is appended to the catalogue message and must come from a
 * closed vocabulary (never a value from the request). `cause` stays inside the process.
 */
export class VouchError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly grpcStatus: number;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const entry = ERROR_CATALOGUE[code];
    super(detail ? `${entry.message} ${detail}` : entry.message, options);
    this.name = 'VouchError';
    this.code = code;
    this.status = entry.http;
    this.grpcStatus = entry.grpc;
    this.detail = detail;
  }
}

/** The error body of CONTRACT.md: `{"error": {"code", "message", "request_id"}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string };
}

export function errorBody(err: VouchError, requestId: string): ErrorBody {
  return { error: { code: err.code, message: err.message, request_id: requestId } };
}

/**
 * SQLite result codes (https://www.sqlite.org/rescode.html) that mean the store itself failed, not the
 * request: the disk is full, the file cannot be read or written, the database went away. Extended codes
 * (SQLITE_IOERR_FSYNC, SQLITE_READONLY_DBMOVED, …) share their primary code's prefix.
 */
const STORE_FAILURES = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL', 'SQLITE_CORRUPT', 'SQLITE_NOTADB'];
/**
 * A store across the network (PostgreSQL) could not be reached or could not write: the storage layer
 * raises this with the driver's error as cause, so every transport answers 503, never 500.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(cause: unknown) {
    super('the database is unavailable', { cause });
  }
}

/** The same from the file system itself (Node's errno codes). */
const FS_FAILURES = ['ENOSPC', 'EIO', 'EDQUOT', 'EROFS'];

/** True when `err` (or its cause) is the store failing: answered 503 STORAGE_UNAVAILABLE, never 500. */
export function isStoreFailure(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (code === 'STORE_UNAVAILABLE' || FS_FAILURES.includes(code) || STORE_FAILURES.some((c) => code === c || code.startsWith(`${c}_`))) return true;
  }
  return false;
}

/** Fastify's own client errors, mapped onto the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/** What the mapping reads of a thrown value: Fastify's errors carry `code` and `statusCode`, ajv's `validation`. */
interface Thrown {
  code?: unknown;
  statusCode?: number;
  validation?: { keyword?: string; instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}

/**
 * Converts anything thrown into a catalogue error; nothing of the input or of internals gets through.
 * The one mapping both transports use: HTTP answers the result's status and `errorBody`, gRPC its
 * `grpcStatus` and the same code, message and request id in its trailers (grpc/status.ts).
 */
export function toVouchError(err: unknown): VouchError {
  if (err instanceof VouchError) return err;
  if (isStoreFailure(err)) return new VouchError('STORAGE_UNAVAILABLE', undefined, { cause: err });
  const e = err as Thrown | null | undefined;
  if (e && Array.isArray(e.validation)) {
    const v = e.validation[0];
    const missing = typeof v?.params?.missingProperty === 'string' ? `/${v.params.missingProperty}` : '';
    const where = `${e.validationContext ?? 'body'}${v?.instancePath ?? ''}${missing}`.replace(/[^A-Za-z0-9_/[\].-]/g, '');
    // ajv's messages name rules ("must be integer"), never the offending value; a pattern is named as a
    // format (its text would read "must match pattern ." once quoted values are taken out).
    const rule = (v?.keyword === 'pattern' ? 'is not in the expected format' : (v?.message ?? 'is invalid').replace(/"[^"]*"/g, '')).slice(0, 100);
    return new VouchError('VALIDATION_FAILED', `Field ${where}: ${rule}.`);
  }
  const mapped = e && typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new VouchError(mapped, mapped === 'VALIDATION_FAILED' ? 'The body is not valid JSON.' : undefined);
  // JSON.parse failures and prototype-poisoning refusals from the body parser.
  if (err instanceof SyntaxError || (e && e.statusCode === 400)) return new VouchError('VALIDATION_FAILED', 'The body is not valid JSON.');
  if (e && e.statusCode === 413) return new VouchError('PAYLOAD_TOO_LARGE');
  if (e && e.statusCode === 415) return new VouchError('UNSUPPORTED_MEDIA_TYPE');
  return new VouchError('INTERNAL', undefined, { cause: err });
}
