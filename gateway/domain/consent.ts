/**
 * Consent (个人授权) decisions: one pure function of the consent and the question, `now` passed in.
 */
import { shanghaiDay } from './dates.js';

/** What a consent may allow its grantee to ask for. */
export const PURPOSES = ['eligibility', 'settlement', 'claim_verification', 'proactive_claim'] as const;
export type Purpose = (typeof PURPOSES)[number];

export function isPurpose(v: unknown): v is Purpose {
  return typeof v === 'string' && (PURPOSES as readonly string[]).includes(v);
}

export interface Consent {
  consent_id: string;
  version: number;
  /** Blind index of the patient, never the ID number. */
  subject: string;
  grantee: string;
  purposes: Purpose[];
  /** Institution codes covered; null means every provider. */
  providers: string[] | null;
  valid_from: number;
  valid_until: number;
  max_queries_per_day: number | null;
  status: 'active' | 'revoked';
  /** Who recorded it: the patient (their own decision) or a hospital at the counter. Absent: the patient. */
  recorded_by_role?: 'patient' | 'hospital';
}

/** Why a consent does not allow a question (for the bureau's log; insurers only ever see NOT_AVAILABLE). */
export type ConsentDenial =
  | 'NO_CONSENT'
  | 'CONSENT_REVOKED'
  | 'CONSENT_NOT_YET_VALID'
  | 'CONSENT_EXPIRED'
  | 'GRANTEE_NOT_COVERED'
  | 'PURPOSE_NOT_COVERED'
  | 'PROVIDER_NOT_COVERED';

export type ConsentDecision = { allow: true; consent: Consent } | { allow: false; reason: ConsentDenial };

export interface ConsentQuestion {
  /** The insurer asking; undefined for a hospital's push, which any grantee's consent covers. */
  grantee?: string;
  /** The purpose asked for; undefined for a push. */
  purpose?: Purpose;
  provider: string;
  now: number;
}

/** Does this one consent allow the question? Checks run in a fixed order so the reason is stable. */
export function decideConsent(consent: Consent, q: ConsentQuestion): ConsentDecision {
  if (consent.status === 'revoked') return { allow: false, reason: 'CONSENT_REVOKED' };
  if (q.now < consent.valid_from) return { allow: false, reason: 'CONSENT_NOT_YET_VALID' };
  if (q.now >= consent.valid_until) return { allow: false, reason: 'CONSENT_EXPIRED' };
  if (q.grantee !== undefined && consent.grantee !== q.grantee) return { allow: false, reason: 'GRANTEE_NOT_COVERED' };
  if (q.purpose !== undefined && !consent.purposes.includes(q.purpose)) return { allow: false, reason: 'PURPOSE_NOT_COVERED' };
  if (consent.providers !== null && !consent.providers.includes(q.provider)) return { allow: false, reason: 'PROVIDER_NOT_COVERED' };
  return { allow: true, consent };
}

const DENIAL_RANK: Record<ConsentDenial, number> = {
  NO_CONSENT: 0,
  GRANTEE_NOT_COVERED: 1,
  CONSENT_REVOKED: 2,
  CONSENT_EXPIRED: 3,
  CONSENT_NOT_YET_VALID: 4,
  PURPOSE_NOT_COVERED: 5,
  PROVIDER_NOT_COVERED: 6,
};

/**
 * The consents that count (DESIGN.md 2026-12-01): a consent a hospital records at the counter never widens
 * or outranks the patient's own decision for that grantee. Where the patient has decided for a grantee
 * themselves — an own consent in force, yet to start, revoked or expired — only their own consents for
 * that grantee count; counter consents stand alone only for grantees the patient has not decided on
 * (patients without the app). The rule does not depend on the time (`_now` stays for the callers).
 */
export function effectiveConsents<C extends Consent>(consents: readonly C[], _now: number): C[] {
  const decided = new Set<string>();
  // Any decision of the patient's own for a grantee — active, not yet started, expired or revoked — is
  // theirs to renew: a counter consent never takes over where it ended (a hospital's evidence string
  // would otherwise widen a time-limited consent the moment it expires).
  for (const c of consents) {
    if (c.recorded_by_role !== 'hospital') decided.add(c.grantee);
  }
  return consents.filter((c) => c.recorded_by_role !== 'hospital' || !decided.has(c.grantee));
}

/**
 * Decides over all of a subject's consents that count ({@link effectiveConsents}): the first one that
 * allows (newest first), otherwise the most specific reason any of them gave (for the bureau's log).
 */
export function decideAmong(consents: readonly Consent[], q: ConsentQuestion): ConsentDecision {
  let best: ConsentDenial = 'NO_CONSENT';
  const ordered = effectiveConsents(consents, q.now).sort((a, b) => b.valid_from - a.valid_from || (a.consent_id < b.consent_id ? 1 : -1));
  for (const c of ordered) {
    const d = decideConsent(c, q);
    if (d.allow) return d;
    if (DENIAL_RANK[d.reason] > DENIAL_RANK[best]) best = d.reason;
  }
  return { allow: false, reason: best };
}

/** The calendar day (China Standard Time, UTC+8) a query budget is counted in. */
export function budgetDay(now: number): string {
  return shanghaiDay(now);
}
