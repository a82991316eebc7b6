import type { Consent } from '../domain/consent.js';

/** The consent ledger's storage: current consents, their append-only history, and daily use. */
export interface ConsentRow extends Consent {
  recorded_by: string;
  recorded_by_role: 'patient' | 'hospital';
  evidence_digest: string | null;
  created_at: number;
  updated_at: number;
}

/** One step in a consent's history (granted, revoked), with a keyed digest of the consent as it stood. */
export interface ConsentEventRow {
  consent_id: string;
  version: number;
  kind: string;
  at: number;
  actor: string;
  actor_role: string;
  snapshot_digest: string;
}

export interface ConsentRepository {
  insert(c: ConsentRow): void;
  updateStatus(id: string, version: number, status: Consent['status'], at: number): void;
  get(id: string): ConsentRow | undefined;
  /** A person's consents (to one grantee when given), oldest first. */
  of(subject: string, grantee?: string): ConsentRow[];
  /** The newest consents granted to an insurer. */
  grantedTo(grantee: string, limit: number): ConsentRow[];
  appendEvent(e: ConsentEventRow): void;
  /** Counts one query against a consent's daily budget; returns the count after it. */
  countUse(consentId: string, day: string): number;
}
