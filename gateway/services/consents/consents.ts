import { isRealDate } from '../../domain/dates.js';
import { VouchError } from '../../errors.js';
import { makeEvent } from '../../domain/audit-events.js';
import { normaliseCertno } from '../../domain/certno.js';
import { PURPOSES, isPurpose, type Purpose } from '../../domain/consent.js';
import type { ConsentRow } from '../../storage/consents.js';
import type { Repositories } from '../../storage/repositories.js';
import type { Principal } from '../identity/auth.js';
import type { Journal } from '../access-log/journal.js';
import { HOSPITAL_CODE } from '../identity/parties.js';
import type { Vault } from '../vault.js';
import { randomId } from '../random.js';

export interface GrantInput {
  certno?: unknown;
  grantee: string;
  purposes: string[];
  providers?: string[] | null | undefined;
  valid_from?: string | undefined;
  valid_until: string;
  max_queries_per_day?: number | null | undefined;
  evidence?: string | undefined;
}

/** What a patient sees of a consent (their own). */
export interface ConsentView {
  consent_id: string;
  version: number;
  status: 'active' | 'revoked' | 'expired';
  grantee: string;
  purposes: Purpose[];
  providers: string[] | null;
  valid_from: string;
  valid_until: string;
  max_queries_per_day: number | null;
  recorded_by_role: 'patient' | 'hospital';
}

const MAX_VALIDITY_MS = 10 * 366 * 86_400_000;

/** Parses an ISO 8601 date (yyyy-MM-dd, end of that day in China Standard Time) or date-time with zone. */
export function parseInstant(value: string, field: string, endOfDay: boolean): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  // Date.parse rolls 2030-02-30 over into March; a calendar day that does not exist is refused instead.
  if (!isRealDate(value.slice(0, 10)) || !/^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    throw new VouchError('VALIDATION_FAILED', `Field ${field} must be an ISO 8601 date or date-time with a zone, on a calendar day that exists.`);
  }
  const ms = dateOnly
    ? Date.parse(`${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}+08:00`)
    : Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  if (!Number.isFinite(ms)) throw new VouchError('VALIDATION_FAILED', `Field ${field} must be an ISO 8601 date or date-time with a zone.`);
  return ms;
}

export function consentView(c: ConsentRow, now: number): ConsentView {
  return {
    consent_id: c.consent_id,
    version: c.version,
    status: c.status === 'revoked' ? 'revoked' : now >= c.valid_until ? 'expired' : 'active',
    grantee: c.grantee,
    purposes: c.purposes,
    providers: c.providers,
    valid_from: new Date(c.valid_from).toISOString(),
    valid_until: new Date(c.valid_until).toISOString(),
    max_queries_per_day: c.max_queries_per_day,
    recorded_by_role: c.recorded_by_role,
  };
}

/** What a grant allows: purposes, providers, validity and daily budget, checked. */
function consentTerms(
  input: GrantInput,
  requested: string[] | null,
  now: number,
): Pick<ConsentRow, 'purposes' | 'providers' | 'valid_from' | 'valid_until' | 'max_queries_per_day'> {
  const purposes = [...new Set(input.purposes)];
  if (!purposes.length || !purposes.every(isPurpose)) {
    throw new VouchError('VALIDATION_FAILED', `Field purposes must list some of: ${PURPOSES.join(', ')}.`);
  }
  let providers = requested;
  if (providers !== null) {
    providers = [...new Set(providers)];
    if (!providers.length || !providers.every((p) => HOSPITAL_CODE.test(p))) {
      throw new VouchError('VALIDATION_FAILED', 'Field providers must list institution codes (H or P + 11 digits).');
    }
  }
  const validFrom = input.valid_from ? parseInstant(input.valid_from, 'valid_from', false) : now;
  const validUntil = parseInstant(input.valid_until, 'valid_until', true);
  if (validUntil <= now || validUntil <= validFrom) throw new VouchError('VALIDATION_FAILED', 'Field valid_until must be in the future.');
  if (validUntil - now > MAX_VALIDITY_MS) throw new VouchError('VALIDATION_FAILED', 'Field valid_until is more than ten years ahead.');
  const budget = input.max_queries_per_day ?? null;
  if (budget !== null && (!Number.isSafeInteger(budget) || budget < 1 || budget > 100_000)) {
    throw new VouchError('VALIDATION_FAILED', 'Field max_queries_per_day must be a whole number from 1 to 100000.');
  }
  return { purposes: purposes as Purpose[], providers, valid_from: validFrom, valid_until: validUntil, max_queries_per_day: budget };
}

/**
 * The consent ledger (个人授权): grants by the patient or recorded by a hospital at the counter with
 * evidence, revocation by the patient, expiry by the clock. Every change is a new version, a row in the
 * append-only ledger and a leaf in the access log.
 */
export class ConsentService {
  constructor(
    private readonly journal: Journal,
    private readonly vault: Vault,
    private readonly read: () => Repositories,
  ) {}

  async grant(by: Principal, input: GrantInput, now = Date.now()): Promise<ConsentView> {
    const who = this.recordedFor(by, input);
    const terms = consentTerms(input, who.providers, now);
    const grantee = await this.read().parties.get(input.grantee);
    if (!grantee || grantee.role !== 'insurer' || grantee.status !== 'active') {
      throw new VouchError('VALIDATION_FAILED', 'Field grantee must be a registered, active insurer.');
    }
    const row: ConsentRow = {
      consent_id: randomId('cns'),
      version: 1,
      subject: who.subject,
      grantee: grantee.code,
      ...terms,
      status: 'active',
      recorded_by: by.role === 'patient' ? 'patient' : by.code,
      recorded_by_role: who.role,
      evidence_digest: who.evidenceDigest,
      created_at: now,
      updated_at: now,
    };
    await this.journal.change(async (tx) => {
      await tx.consents.insert(row);
      const snapshot = this.vault.digest('consent.snapshot', { ...row, subject: undefined });
      await tx.consents.appendEvent({ consent_id: row.consent_id, version: 1, kind: 'granted', at: now, actor: by.code, actor_role: by.role, snapshot_digest: snapshot });
      return {
        value: row,
        events: [
          makeEvent({
            kind: 'consent.granted', time: now, actor: by.code, actor_role: by.role, outcome: 'allowed', subject: who.subject,
            refs: { consent_id: row.consent_id, consent_version: 1, party: grantee.code },
            digests: { result: snapshot, ...(who.evidenceDigest ? { evidence: who.evidenceDigest } : {}) },
          }),
        ],
      };
    });
    return consentView(row, now);
  }

  /**
   * Whom a grant is about and who records it: the patient for themselves (any providers they name), or a
   * hospital at the counter for an ID number, with evidence and for itself only.
   */
  private recordedFor(by: Principal, input: GrantInput): { role: 'patient' | 'hospital'; subject: string; providers: string[] | null; evidenceDigest: string | null } {
    if (by.role === 'patient') {
      if (input.certno !== undefined || input.evidence !== undefined) {
        throw new VouchError('VALIDATION_FAILED', 'Fields certno and evidence are only for consents a hospital records.');
      }
      return { role: 'patient', subject: by.subject!, providers: input.providers ?? null, evidenceDigest: null };
    }
    if (by.role !== 'hospital') throw new VouchError('FORBIDDEN');
    const certno = normaliseCertno(input.certno);
    if (!certno) throw new VouchError('INVALID_CERTNO');
    if (typeof input.evidence !== 'string' || input.evidence.length === 0) {
      throw new VouchError('VALIDATION_FAILED', 'Field evidence is required when a hospital records a consent.');
    }
    // A hospital records consent for itself only (least privilege); the patient may widen it in person.
    if (input.providers && !(input.providers.length === 1 && input.providers[0] === by.code)) {
      throw new VouchError('FORBIDDEN', 'A hospital may only record consents that cover itself.');
    }
    return {
      role: 'hospital',
      subject: this.vault.blindIndex(certno),
      providers: [by.code],
      // Only a keyed digest of the evidence is kept: it may itself carry the patient's signature or name,
      // and an unkeyed one could be confirmed against a guess.
      evidenceDigest: this.vault.digest('consent.evidence', input.evidence),
    };
  }

  /** Revocation by the patient; a consent that is not theirs is "not found", revoking twice is a no-op. */
  async revoke(by: Principal, consentId: string, now = Date.now()): Promise<ConsentView> {
    const { value } = await this.journal.change(async (tx) => {
      const found = await tx.consents.get(consentId);
      if (!found || found.subject !== by.subject) throw new VouchError('NOT_FOUND');
      // Two revocations (two processes) take turns: the second reads the first's version and does nothing.
      await tx.policies.serialiseSubject(found.subject);
      const c = (await tx.consents.get(consentId))!;
      if (c.status === 'revoked') return { value: c, events: [] };
      const version = c.version + 1;
      await tx.consents.updateStatus(c.consent_id, version, 'revoked', now);
      const updated: ConsentRow = { ...c, version, status: 'revoked', updated_at: now };
      const snapshot = this.vault.digest('consent.snapshot', { ...updated, subject: undefined });
      await tx.consents.appendEvent({ consent_id: c.consent_id, version, kind: 'revoked', at: now, actor: by.code, actor_role: by.role, snapshot_digest: snapshot });
      return {
        value: updated,
        events: [
          makeEvent({
            kind: 'consent.revoked', time: now, actor: by.code, actor_role: by.role, outcome: 'allowed', subject: c.subject,
            refs: { consent_id: c.consent_id, consent_version: version, party: c.grantee }, digests: { result: snapshot },
          }),
        ],
      };
    });
    return consentView(value, now);
  }

  /** A patient's own consents, or (for an insurer) those granted to it without any identity. */
  async list(by: Principal, now = Date.now()): Promise<ConsentView[]> {
    if (by.role === 'patient') return (await this.read().consents.of(by.subject!)).map((c) => consentView(c, now));
    if (by.role === 'insurer') return (await this.read().consents.grantedTo(by.code, 1000)).map((c) => consentView(c, now));
    throw new VouchError('FORBIDDEN');
  }
}
