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
