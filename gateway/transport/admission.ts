/**
 * What both transports do before a call runs, written once: read the bearer token of the
 * `Authorization` header (HTTP) or `authorization` metadata (gRPC), authenticate it with the one
 * AuthService, and check the caller's role against the operation's (services/identity/operations.ts).
 */

import { VouchError } from '../errors.js';
import type { AuthService, Principal, Role } from '../services/identity/auth.js';

/** The bearer token of an Authorization value (RFC 6750 §2.1), or undefined: a malformed value counts as none. */
export function bearerToken(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const m = /^Bearer ([^\s]+)$/i.exec(value.trim());
  return m ? m[1] : undefined;
}

/** The caller a bearer token names: 401 (UNAUTHENTICATED, TOKEN_INVALID, …) without a valid one. */
export function authenticate(auth: AuthService, authorization: unknown): Promise<Principal> {
  return auth.authenticate(bearerToken(authorization));
}

/** The caller again when its role may call the operation; 403 FORBIDDEN otherwise. */
export function authorize(principal: Principal, roles: readonly Role[] | undefined): Principal {
  if (!roles?.includes(principal.role)) throw new VouchError('FORBIDDEN');
  return principal;
}

const SAFE_KEY = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Where the first NUL character (U+0000) hides in a request's strings — values or keys — as a path
 * ("body/grantee"), or undefined. Keys that are not plain names are shown as "?": the path is echoed.
 */
export function nulAt(value: unknown, where: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? where : undefined;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || depth > 64) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const here = `${where}/${SAFE_KEY.test(k) ? k : '?'}`;
    if (k.includes('\u0000')) return here;
    const found = nulAt(v, here, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses text with a NUL character, the same on both transports: no field of the contract may hold one,
 * and PostgreSQL cannot store it in text (it would fail deep inside a transaction instead of here).
 */
export function refuseNul(parts: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(parts)) {
    const at = nulAt(value, name);
    if (at) throw new VouchError('VALIDATION_FAILED', `Field ${at} must not contain the NUL character.`);
  }
}
