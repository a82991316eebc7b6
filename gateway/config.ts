import path from 'node:path';
import { CRYPTO_SUITES, type CryptoSuite } from './crypto/signatures.js';

/**
 * Configuration, read and validated once from `VOUCH_*` variables and passed into the app.
 * Nothing else in the gateway reads `process.env`.
 */
export interface Config {
  dataDir: string;
  /**
   * `VOUCH_KEYS_DIR` (default `<dataDir>/keys`): signing keys, KEKs, the blind-index key, the CA. Several
   * processes on one database mount the same folder (a secret); keys are never created beside data.
   */
  keysDir: string;
  http: { host: string; port: number };
  grpc: { host: string; port: number };
  tls: { certFile: string; keyFile: string; caFile?: string; requireClientCert: boolean } | undefined;
  /** Loudly named escape hatch for development behind a TLS-terminating proxy. */
  allowInsecureNonLoopback: boolean;
  auth: {
    /** `iss` of tokens the gateway issues (party tokens). Exact match. */
    issuer: string;
    /** `aud` every token must carry. Exact match. */
    audience: string;
    /** Lifetime of tokens issued at /v1/token, seconds. */
    tokenTtlSeconds: number;
    /** The external identity provider that vouches for patients. */
    idp: { issuer: string; publicKeyFile: string | undefined };
  };
  log: { level: string };
  audit: { groupCommitMaxDelayMs: number; treeHeadIntervalMs: number };
  limits: { bodyLimitBytes: number; claimAttemptsPerRecord: number };
  /** Extra declarative payer definitions (JSON files), beside the built-in adapters. */
  productsDir: string | undefined;
  /** Storage backend: `sqlite` (embedded, files under dataDir) unless `VOUCH_DATABASE_URL` names PostgreSQL. */
  storage: 'sqlite' | 'postgres';
  /** `VOUCH_DATABASE_URL` (postgres://…): state and access log in PostgreSQL, shared by every process. */
  databaseUrl: string | undefined;
  /** `VOUCH_DATABASE_TIMEOUT_MS`: how long a PostgreSQL statement may go unanswered before the store counts as down (503). */
  databaseTimeoutMs: number;
  /** `VOUCH_CRYPTO` (CONTRACT.md "国密"): intl (Ed25519, AES-GCM), gm (SM2, SM4, HMAC-SM3) or dual. */
  crypto: CryptoSuite;
  /** The national envelope at POST /v1/records: how far its `timestamp` may be from now (ms). */
  envelopeSkewMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** True for addresses that cannot be reached from another machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The store: PostgreSQL when `VOUCH_DATABASE_URL` is set, else SQLite. `VOUCH_STORAGE` (kept from before)
 * may name either, but must agree with the URL. The URL is never repeated in an error: it may hold a password.
 */
function storageOf(rawKind: string | undefined, rawUrl: string | undefined): { storage: 'sqlite' | 'postgres'; databaseUrl: string | undefined } {
  const url = rawUrl?.trim() || undefined;
  const kind = rawKind === undefined || rawKind === '' ? undefined : rawKind.replace(/:$/, '');
  if (kind !== undefined && kind !== 'sqlite' && kind !== 'postgres') {
    throw new ConfigError(`VOUCH_STORAGE must be sqlite or postgres, got "${rawKind}"`);
  }
  if (url === undefined) {
    if (kind === 'postgres') throw new ConfigError('VOUCH_STORAGE is postgres but VOUCH_DATABASE_URL is not set');
    return { storage: 'sqlite', databaseUrl: undefined };
  }
  if (kind === 'sqlite') throw new ConfigError('VOUCH_STORAGE is sqlite but VOUCH_DATABASE_URL is set: choose one');
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('VOUCH_DATABASE_URL must start with postgres:// or postgresql://');
  return { storage: 'postgres', databaseUrl: url };
}

function cryptoSuite(raw: string | undefined): CryptoSuite {
  if (raw === undefined || raw === '') return 'intl';
  if ((CRYPTO_SUITES as readonly string[]).includes(raw)) return raw as CryptoSuite;
  throw new ConfigError(`VOUCH_CRYPTO must be intl, gm or dual, got "${raw}"`);
}

/**
 * TLS is all or nothing: a CA or a client-certificate requirement without a server certificate would be
 * ignored, and a requirement without a CA would leave nothing to check client certificates against. The
 * gateway refuses to start rather than guess (an operator who asked for mutual TLS must not get less).
 */
function checkTlsComplete(certFile: string | undefined, caFile: string | undefined, requireClientCert: boolean, keysDir: string): void {
  if (!certFile && (caFile || requireClientCert)) {
    const set = caFile ? 'VOUCH_TLS_CA' : 'VOUCH_TLS_REQUIRE_CLIENT_CERT';
    throw new ConfigError(`${set} is set but TLS is off: set VOUCH_TLS_CERT and VOUCH_TLS_KEY as well`);
  }
  if (requireClientCert && !caFile) {
    throw new ConfigError(
      'VOUCH_TLS_REQUIRE_CLIENT_CERT=true needs VOUCH_TLS_CA, the CA whose client certificates are accepted ' +
        `(for certificates from \`vouch certs client\`, the gateway CA: ${path.join(keysDir, 'ca.cert.pem')})`,
    );
  }
}

/** Builds and validates the configuration from an environment (defaults to an empty one). */
export function loadConfig(env: Env = {}, cwd = '.'): Config {
  const dataDir = path.resolve(cwd, env.VOUCH_DATA_DIR || './var');
  const host = env.VOUCH_BIND || '127.0.0.1';
  const certFile = env.VOUCH_TLS_CERT || undefined;
  const keyFile = env.VOUCH_TLS_KEY || undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('VOUCH_TLS_CERT and VOUCH_TLS_KEY must be set together');
  }
  const caFile = env.VOUCH_TLS_CA || undefined;
  const requireClientCert = bool(env, 'VOUCH_TLS_REQUIRE_CLIENT_CERT');
  const keysDir = path.resolve(cwd, env.VOUCH_KEYS_DIR || path.join(dataDir, 'keys'));
  checkTlsComplete(certFile, caFile, requireClientCert, keysDir);
  const tls = certFile && keyFile ? { certFile, keyFile, requireClientCert, ...(caFile ? { caFile } : {}) } : undefined;
  const allowInsecureNonLoopback = bool(env, 'VOUCH_INSECURE_ALLOW_PLAINTEXT_NON_LOOPBACK');
  if (!tls && !isLoopback(host) && !allowInsecureNonLoopback) {
    throw new ConfigError(
      `refusing to listen on ${host} without TLS: set VOUCH_TLS_CERT and VOUCH_TLS_KEY, ` +
        'or (development behind a TLS proxy only) VOUCH_INSECURE_ALLOW_PLAINTEXT_NON_LOOPBACK=true',
    );
  }
  const level = env.VOUCH_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.has(level)) throw new ConfigError(`VOUCH_LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}`);
  const issuer = env.VOUCH_TOKEN_ISSUER || 'urn:vouch:gateway';
  const idpIssuer = env.VOUCH_IDP_ISSUER || 'urn:vouch:dev-idp';
  if (issuer === idpIssuer) throw new ConfigError('VOUCH_TOKEN_ISSUER and VOUCH_IDP_ISSUER must differ');
  return {
    dataDir,
    keysDir,
    http: { host, port: int(env, 'VOUCH_HTTP_PORT', 8080, 0, 65535) },
    grpc: { host, port: int(env, 'VOUCH_GRPC_PORT', 50051, 0, 65535) },
    tls,
    allowInsecureNonLoopback,
    auth: {
      issuer,
      audience: env.VOUCH_TOKEN_AUDIENCE || 'urn:vouch:api',
      tokenTtlSeconds: int(env, 'VOUCH_TOKEN_TTL', 900, 30, 86_400),
      idp: { issuer: idpIssuer, publicKeyFile: env.VOUCH_IDP_PUBLIC_KEY || undefined },
    },
    log: { level },
    audit: {
      groupCommitMaxDelayMs: int(env, 'VOUCH_GROUP_COMMIT_MS', 2, 0, 1000),
      treeHeadIntervalMs: int(env, 'VOUCH_TREE_HEAD_INTERVAL_MS', 1000, 50, 3_600_000),
    },
    productsDir: env.VOUCH_PRODUCTS_DIR ? path.resolve(cwd, env.VOUCH_PRODUCTS_DIR) : undefined,
    ...storageOf(env.VOUCH_STORAGE, env.VOUCH_DATABASE_URL),
    databaseTimeoutMs: int(env, 'VOUCH_DATABASE_TIMEOUT_MS', 10_000, 200, 600_000),
    crypto: cryptoSuite(env.VOUCH_CRYPTO),
    envelopeSkewMs: 300_000,
    limits: {
      bodyLimitBytes: int(env, 'VOUCH_BODY_LIMIT', 1_048_576, 1024, 64 * 1_048_576),
      claimAttemptsPerRecord: int(env, 'VOUCH_CLAIM_ATTEMPTS', 5, 1, 1000),
    },
  };
}
