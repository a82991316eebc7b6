import crypto from 'node:crypto';
import { VouchError } from '../../errors.js';
import { makeEvent } from '../../domain/audit-events.js';
import { normaliseCertno } from '../../domain/certno.js';
import { decideAmong } from '../../domain/consent.js';
import { deriveFacts, type RecordFacts } from '../../domain/facts.js';
import type { SettlementRecord } from '../../domain/record.js';
import { decodeRecord } from '../../../adapters/nhsa/record-codec.js';
import type { RecordRow } from '../../storage/records.js';
import type { Repositories } from '../../storage/repositories.js';
import type { Storage } from '../../storage/storage.js';
import type { Principal } from '../identity/auth.js';
import type { Journal } from '../access-log/journal.js';
import type { Vault } from '../vault.js';
import { timeOrderedId } from '../random.js';
import type { StatVisitWriter } from '../statistics/lab.js';

/** Associated data binding a sealed record to its row: id, version and subject. */
export const recordAad = (r: Pick<RecordRow, 'record_id' | 'version' | 'subject'>): string => `record|${r.record_id}|${r.version}|${r.subject}`;

export interface PushResult {
  record_id: string;
  version: number;
  /** false when the same content was pushed again (idempotent). */
  created: boolean;
}

/**
 * Opened facts kept in memory (a few hundred bytes each). Small on purpose: it serves the same visit
 * asked about within minutes; with 10^6 patients asked about at random, hits are rare and a larger
 * cache only holds more of the old generation.
 */
const OPENED_FACTS_MAX = 4096;

/**
 * Record pushes and the sealed vault. A record is accepted only while an active consent covers the
 * pushing hospital; each version is sealed under its own data key; the facts products need are derived
 * at push time and sealed beside it, so the query path decrypts a few hundred bytes, not the record.
 */
export class RecordService {
  private readonly openedFacts = new Map<string, RecordFacts>();

  constructor(
    private readonly journal: Journal,
    private readonly vault: Vault,
    /** The statistics lab: each stored version also writes the visit's lab row (docs/statistics.md). */
    private readonly lab?: StatVisitWriter,
  ) {}

  /**
   * Pushes one record. Every refusal leaves a leaf (record.rejected, with the subject when the ID number
   * was valid), and the checks run in an order that reveals nothing about consents: whatever can be
   * refused from the request and the hospital's own earlier pushes (malformed, another institution's
   * record, a setl_id already used for another person) is refused before the consent is looked at, so a
   * 403 CONSENT_REQUIRED is the only answer that depends on it (docs/privacy.md, class 4).
   */
  async push(by: Principal, body: unknown, now = Date.now(), guard?: (tx: Repositories) => Promise<void>): Promise<PushResult> {
    let subject: string | undefined;
    let logged = false;
    try {
      const { certno: rawCertno, record } = decodeRecord(body);
      const certno = normaliseCertno(rawCertno);
      if (!certno) throw new VouchError('INVALID_CERTNO');
      subject = this.vault.blindIndex(certno);
      if (record.setlinfo.fixmedins_code !== null && record.setlinfo.fixmedins_code !== by.code) throw new VouchError('PROVIDER_MISMATCH');
      const result = await this.store(by.code, subject, certno, record, now, guard);
      logged = true;
      if ('refused' in result) throw result.refused;
      return result;
    } catch (err) {
      if (!logged && err instanceof VouchError && err.status < 500) {
        await this.journal.record(
          makeEvent({ kind: 'record.rejected', time: now, actor: by.code, actor_role: 'hospital', outcome: 'denied', subject, reason: err.code }),
        );
      }
      throw err;
    }
  }

  /** The push's transaction: the checks that read storage, in the order {@link push} explains, then the write. */
  private async store(
    hospital: string, subject: string, certno: string, record: SettlementRecord, now: number, guard?: (tx: Repositories) => Promise<void>,
  ): Promise<PushResult | { refused: VouchError }> {
    const contentDigest = this.vault.digest('record', record);
    const facts = deriveFacts(record);
    const refuse = (err: VouchError, reason: string) => ({
      value: { refused: err },
      events: [
        makeEvent({
          kind: 'record.rejected', time: now, actor: hospital, actor_role: 'hospital', outcome: 'denied', subject, reason,
          digests: { record: contentDigest },
        }),
      ],
    });
    const { value } = await this.journal.change<PushResult | { refused: VouchError }>(async (tx) => {
      // The caller's own check inside the same transaction (the national envelope's replay mark): it
      // commits with the push, or throws and nothing of the push is written.
      await guard?.(tx);
      // Pushes for one patient take turns (in every process): versions of a record are numbered once.
      await tx.policies.serialiseSubject(subject);
      const latest = await tx.records.latestBySetl(hospital, record.setlinfo.setl_id);
      if (latest && latest.subject !== subject) {
        return refuse(new VouchError('INVALID_RECORD', 'This setl_id was already pushed for another insured person.'), 'SETL_ID_CONFLICT');
      }
      // Decided on the writer, inside the transaction: a revocation committed a moment ago counts.
      const decision = decideAmong(await tx.consents.of(subject), { provider: hospital, now });
      if (!decision.allow) return refuse(new VouchError('CONSENT_REQUIRED'), decision.reason);
      const consentRefs = { consent_id: decision.consent.consent_id, consent_version: decision.consent.version };
      if (latest && latest.content_digest === contentDigest) {
        const result: PushResult = { record_id: latest.record_id, version: latest.version, created: false };
        return {
          value: result,
          events: [
            makeEvent({
              kind: 'record.pushed', time: now, actor: hospital, actor_role: 'hospital', outcome: 'allowed', subject,
              reason: 'IDEMPOTENT_REPLAY', refs: { ...consentRefs, record_id: latest.record_id, record_version: latest.version },
              digests: { record: contentDigest },
            }),
          ],
        };
      }
      const row = sealRecord(
        this.vault,
        { record_id: latest?.record_id ?? timeOrderedId('rec'), version: (latest?.version ?? 0) + 1, subject },
        { hospital, record, facts, contentDigest, now },
      );
      await tx.records.insert(row);
      if (this.lab) {
        const hospitalLevel = (await tx.parties.status(hospital))?.level ?? null;
        await tx.statistics.putVisit(this.lab.visitRow({ record_id: row.record_id, subject, certno, facts, hospitalLevel, now }));
      }
      const result: PushResult = { record_id: row.record_id, version: row.version, created: true };
      return {
        value: result,
        events: [
          makeEvent({
            kind: 'record.pushed', time: now, actor: hospital, actor_role: 'hospital', outcome: 'allowed', subject,
            refs: { ...consentRefs, record_id: row.record_id, record_version: row.version }, digests: { record: contentDigest },
          }),
        ],
      };
    });
    return value;
  }

  /**
   * The facts of a record version (opens the small sealed part only). A version's facts never change, and
   * the same visit is asked about again and again (eligibility, quote, settlement, claim check), so the
   * opened facts are kept, keyed by a SHA-256 of everything the opening depends on — the AAD, the key id,
   * the wrapped data key and the sealed bytes themselves: a swapped or edited row is a different key and
   * is opened (and refused) afresh. Unwrapping, AES-GCM and JSON.parse were ~10 % of a quote. Callers treat facts
   * as read-only (the domain functions are pure).
   */
  facts(row: RecordRow): RecordFacts {
    const aad = recordAad(row);
    const key = crypto.createHash('sha256').update(`${aad}|${row.kek_id}|`).update(row.wrapped_dek).update(row.sealed_facts).digest('base64');
    const hit = this.openedFacts.get(key);
    if (hit) return hit;
    const facts = this.vault.openPart<RecordFacts>(this.vault.dataKey(row, aad), aad, 'facts', row.sealed_facts);
    if (this.openedFacts.size >= OPENED_FACTS_MAX) this.openedFacts.delete(this.openedFacts.keys().next().value!);
    this.openedFacts.set(key, facts);
    return facts;
  }

  /** The full record (maintenance and tests; never sent to an insurer). */
  open(row: RecordRow): SettlementRecord {
    const aad = recordAad(row);
    return this.vault.openPart<SettlementRecord>(this.vault.dataKey(row, aad), aad, 'record', row.sealed_record);
  }
}

/** Seals one record version: its own data key, wrapped by the current KEK; record and facts sealed apart. */
export function sealRecord(
  vault: Vault,
  id: { record_id: string; version: number; subject: string },
  c: { hospital: string; record: SettlementRecord; facts: RecordFacts; contentDigest: string; now: number },
): RecordRow {
  const aad = recordAad(id);
  const { dek, envelope } = vault.newDataKey(aad);
  return {
    ...id,
    hospital: c.hospital,
    mdtrt_id: c.record.setlinfo.mdtrt_id,
    setl_id: c.record.setlinfo.setl_id,
    visit_date: c.facts.visit_date,
    content_digest: c.contentDigest,
    kek_id: envelope.kek_id,
    wrapped_dek: envelope.wrapped_dek,
    sealed_record: vault.sealPart(dek, aad, 'record', c.record),
    sealed_facts: vault.sealPart(dek, aad, 'facts', c.facts),
    created_at: c.now,
  };
}

/**
 * KEK rotation's second half: re-wraps every record data key still under an older KEK with the current
 * one, 500 rows per group-committed batch. The ciphertexts do not change; only the small wrapped keys do.
 */
export async function rewrapRecords(vault: Vault, storage: Storage, currentKek: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const n = await storage.write(async (tx) => {
      const rows = await tx.records.forRewrap(currentKek, 500);
      for (const r of rows) {
        const env = vault.rewrap(r, recordAad(r));
        await tx.records.updateKey(r.record_id, r.version, env.kek_id, env.wrapped_dek);
      }
      return rows.length;
    });
    if (n === 0) return moved;
    moved += n;
  }
}
