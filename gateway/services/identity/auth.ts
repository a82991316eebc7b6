import crypto from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import type { Config } from '../../config.js';
import { VouchError } from '../../errors.js';
import { normaliseCertno } from '../../domain/certno.js';
import type { KeyStore } from '../../../keys/keystore.js';
import type { PartyRole } from '../../storage/parties.js';
import type { Repositories } from '../../storage/repositories.js';
import type { Vault } from '../vault.js';

export type Role = PartyRole | 'patient';

/** Who is calling, after authentication. A patient is known only by the blind index of their ID number. */
export interface Principal {
  role: Role;
  /** Party code; 'patient' for patients. */
  code: string;
  /** Blind index of the patient's ID number (patients only). */
  subject?: string;
  /** Token id, for the log of token use; never the token. */
  jti: string;
}

/** Verifies a token's signature and registered claims; throws on any failure. */
export type TokenVerifier = (token: string) => Record<string, unknown>;

/** The longest lifetime `vouch token --ttl` allows (30 days), plus a day of slack. */
export const MAX_TOKEN_LIFETIME_S = 31 * 86_400;

const KEY_POINTING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{2,2048}\.[A-Za-z0-9_-]{2,4096}\.[A-Za-z0-9_-]{0,1024}$/;

/**
 * The claim checks every verifier (the AuthService both transports share, the CLI, tests) applies:
 * explicit algorithm, exact issuer and audience, required exp/iat/sub/jti. Shared so nobody configures
 * a weaker verifier by accident.
 */
export function verifierOptions(issuer: string, audience: string) {
  return {
    algorithms: ['EdDSA' as const],
    allowedIss: issuer,
    allowedAud: audience,
    requiredClaims: ['exp', 'iat', 'sub', 'jti', 'iss', 'aud'],
    clockTolerance: 5_000,
    cache: 10_000,
    cacheTTL: 600_000,
    errorCacheTTL: 0,
    allowedCritHeaders: [] as string[],
  };
}

/** What a verified token established, kept until the token expires. */
interface Verified {
  kind: 'party' | 'patient';
  /** Party code, or 'patient'. */
  code: string;
  role: unknown;
  jti: string;
  /** Blind index of a patient's ID number. */
  subject?: string;
  expiresAt: number;
}

const VERIFIED_CACHE_SIZE = 10_000;

/** A verifier for one issuer's tokens (fast-jwt, the library @fastify/jwt wraps) with {@link verifierOptions}. */
export function tokenVerifier(publicPem: string, issuer: string, audience: string): TokenVerifier {
  const verify = createVerifier({ key: publicPem, ...verifierOptions(issuer, audience) });
  return (token) => verify(token) as Record<string, unknown>;
}

/**
 * Authentication: bearer JWTs from two issuers, told apart by their exact `iss` before verification
 * picks the one key that may have signed them — the gateway (parties; its own Ed25519 token key) and
 * the external identity provider (patients). Verification itself is fast-jwt ({@link tokenVerifier}), with
 * its cache of verified tokens (bounded by each token's exp); the party's current status is checked on
 * every request so a suspension takes effect at once. Built once (context.ts) and used by both transports.
 */
export class AuthService {
  /**
   * Tokens already verified, by their exact bytes, until their `exp`: a client sends the same token on
   * every request, and parsing plus the signature check (even fast-jwt's own cache hashes the token
   * first) was ~6 % of a quote. A party's status is still read on every request.
   */
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly config: Config,
    private readonly repos: () => Repositories,
    private readonly vault: Vault,
    private readonly verifyParty: TokenVerifier,
    private readonly verifyPatient: TokenVerifier,
  ) {}

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new VouchError('UNAUTHENTICATED');
    let v = this.verified.get(token);
    if (v && v.expiresAt <= Date.now()) {
      this.verified.delete(token);
      v = undefined;
    }
    if (!v) {
      v = this.verify(token);
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, v);
    }
    if (v.kind === 'patient') return { role: 'patient', code: 'patient', subject: v.subject!, jti: v.jti };
    const party = await this.repos().parties.status(v.code);
    if (!party || party.status !== 'active' || party.role !== v.role) throw new VouchError('TOKEN_INVALID');
    return { role: party.role, code: v.code, jti: v.jti };
  }

  /** Full verification of a token not seen before; throws TOKEN_INVALID on any failure. */
  private verify(token: string): Verified {
    if (!TOKEN_SHAPE.test(token)) throw new VouchError('TOKEN_INVALID');
    let iss: unknown;
    try {
      const [h, p] = token.split('.') as [string, string];
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as unknown;
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown;
      if (!isPlainObject(header) || !isPlainObject(payload)) throw new Error('header and payload must be objects');
      // Keys come from configuration only: a token that points at its own key material is refused outright.
      if (KEY_POINTING_HEADERS.some((k) => k in header)) throw new Error('key-pointing header');
      iss = payload.iss;
    } catch {
      throw new VouchError('TOKEN_INVALID');
    }
    let claims: Record<string, unknown>;
    try {
      if (iss === this.config.auth.issuer) claims = this.verifyParty(token);
      else if (iss === this.config.auth.idp.issuer) claims = this.verifyPatient(token);
      else throw new Error('unknown issuer');
    } catch (cause) {
      throw new VouchError('TOKEN_INVALID', undefined, { cause });
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new VouchError('TOKEN_INVALID');
    const { sub, jti, role, iat, exp } = claims;
    if (typeof sub !== 'string' || typeof jti !== 'string' || jti.length > 128) throw new VouchError('TOKEN_INVALID');
    // A lifetime beyond the longest one ever issued means a token nobody should hold (even if signed).
    if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || (exp as number) - (iat as number) > MAX_TOKEN_LIFETIME_S) {
      throw new VouchError('TOKEN_INVALID');
    }
    const expiresAt = (exp as number) * 1000;
    if (iss === this.config.auth.idp.issuer) {
      // The identity provider vouches for a person: sub is their ID number, the role is always patient.
      const certno = normaliseCertno(sub);
      if (!certno || (role !== undefined && role !== 'patient')) throw new VouchError('TOKEN_INVALID');
      return { kind: 'patient', code: 'patient', role: 'patient', subject: this.vault.blindIndex(certno), jti, expiresAt };
    }
    return { kind: 'party', code: sub, role, jti, expiresAt };
  }
}

/** Issues tokens with node:crypto keys through fast-jwt (the library @fastify/jwt wraps). */
export class TokenIssuer {
  private readonly partySigner;
  private readonly patientSigner;

  constructor(
    private readonly config: Config,
    keys: KeyStore,
  ) {
    this.partySigner = createSigner({ key: keys.token.privatePem, algorithm: 'EdDSA', iss: config.auth.issuer, aud: config.auth.audience });
    this.patientSigner = keys.idp.privatePem
      ? createSigner({ key: keys.idp.privatePem, algorithm: 'EdDSA', iss: config.auth.idp.issuer, aud: config.auth.audience })
      : undefined;
  }

  /** A party's bearer token: sub = party code, role claim, fresh jti, numeric lifetime in seconds. */
  partyToken(code: string, role: PartyRole, ttlSeconds: number): string {
    return this.partySigner({ role, sub: code, jti: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) + ttlSeconds });
  }

  /** Development stand-in for the identity provider: a patient's token (sub = ID number). */
  patientToken(certno: string, ttlSeconds: number): string {
    if (!this.patientSigner) throw new Error('no local identity-provider key: patients get tokens from the configured identity provider');
    return this.patientSigner({ role: 'patient', sub: certno, jti: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) + ttlSeconds });
  }
}

const ASSERTION_ALGS: Record<string, 'EdDSA' | 'RS256' | 'ES256'> = { ed25519: 'EdDSA', rsa: 'RS256', ec: 'ES256' };
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The audience a client assertion must name (RFC 7523 §3: the token endpoint). */
export const tokenEndpointAudience = (config: Config): string => `${config.auth.issuer}/v1/token`;

/**
 * RFC 7523 client authentication: a party proves possession of its registered key with a short-lived
 * JWT (iss = sub = its code, aud = the token endpoint, exp ≤ 5 minutes ahead, jti never reused) and
 * receives a gateway token. The algorithm is fixed by the registered key's type, never by the header.
 */
export async function verifyClientAssertion(
  assertion: string,
  repos: Repositories,
  config: Config,
  now: number,
): Promise<{ code: string; role: PartyRole; jti: string; exp: number }> {
  if (!TOKEN_SHAPE.test(assertion)) throw new VouchError('ASSERTION_INVALID');
  let iss: unknown;
  try {
    iss = (JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>).iss;
  } catch {
    throw new VouchError('ASSERTION_INVALID');
  }
  if (typeof iss !== 'string') throw new VouchError('ASSERTION_INVALID');
  const party = await repos.parties.get(iss);
  if (!party || party.status !== 'active' || !party.public_key_pem) throw new VouchError('ASSERTION_INVALID');
  const key = crypto.createPublicKey(party.public_key_pem);
  const alg = ASSERTION_ALGS[key.asymmetricKeyType ?? ''];
  if (!alg) throw new VouchError('ASSERTION_INVALID');
  let claims: Record<string, unknown>;
  try {
    claims = createVerifier({
      key: party.public_key_pem,
      algorithms: [alg],
      allowedIss: party.code,
      allowedSub: party.code,
      allowedAud: tokenEndpointAudience(config),
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      clockTimestamp: now,
      clockTolerance: 5_000,
      allowedCritHeaders: [],
    })(assertion) as Record<string, unknown>;
  } catch (cause) {
    throw new VouchError('ASSERTION_INVALID', undefined, { cause });
  }
  const exp = claims.exp;
  if (typeof exp !== 'number' || exp * 1000 > now + 300_000 || typeof claims.jti !== 'string' || claims.jti.length > 128) {
    throw new VouchError('ASSERTION_INVALID');
  }
  return { code: party.code, role: party.role, jti: claims.jti, exp: exp * 1000 };
}
