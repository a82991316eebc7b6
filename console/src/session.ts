/**
 * The bearer token, for this tab only: read from the URL fragment (`#token=…`, which browsers never send
 * to a server) or typed into the sign-in field, then kept in memory and in sessionStorage (which dies
 * with the tab) — never localStorage or a cookie. The fragment is removed from the address bar at once
 * so the token does not linger in history or get copied with the URL.
 */

const KEY = 'vouch.console.token';

export type Role = 'bureau' | 'patient' | 'insurer' | 'hospital' | 'admin';

export interface Session {
  token: string;
  role: Role;
  /** Party code; 'patient' for a patient (their token's subject is never shown). */
  code: string;
  /** Expiry, epoch ms, when the token says. */
  expiresAt: number | undefined;
}

const ROLES: readonly Role[] = ['bureau', 'patient', 'insurer', 'hospital', 'admin'];

function base64UrlDecode(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * Reads a JWT's payload for display only: the gateway verifies the token on every call, so nothing
 * here is trusted. A patient's token carries the ID number as its subject; it is never kept or shown.
 */
export function sessionFromToken(token: string): Session | undefined {
  const t = token.trim();
  const parts = t.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(base64UrlDecode(parts[1]!)) as Record<string, unknown>;
    const role = (typeof claims.role === 'string' ? claims.role : 'patient') as Role;
    if (!ROLES.includes(role)) return undefined;
    const code = role === 'patient' ? 'patient' : typeof claims.sub === 'string' ? claims.sub : '';
    const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
    return { token: t, role, code, expiresAt };
  } catch {
    return undefined;
  }
}

/** The token from `#token=…` (then removed from the URL), else the one this tab kept. */
export function initialSession(): Session | undefined {
  const hash = window.location.hash;
  if (hash.startsWith('#')) {
    const params = new URLSearchParams(hash.slice(1));
    const token = params.get('token');
    if (token !== null) {
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      const s = sessionFromToken(token);
      if (s) {
        keep(s);
        return s;
      }
    }
  }
  const kept = window.sessionStorage.getItem(KEY);
  return kept ? sessionFromToken(kept) : undefined;
}

export function keep(s: Session): void {
  window.sessionStorage.setItem(KEY, s.token);
}

export function forget(): void {
  window.sessionStorage.removeItem(KEY);
}
