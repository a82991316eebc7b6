import crypto from 'node:crypto';
import { VouchError } from '../errors.js';
import { digestOf, makeEvent, type AuditEvent } from '../domain/audit-events.js';
import { normaliseCertno } from '../domain/certno.js';
import { decideAmong } from '../domain/consent.js';
import { planSettlement, type HeldPolicy } from '../domain/settlement.js';
import type { PayerRegistry } from '../../adapters/payers/registry.js';
import type { KeyStore } from '../../keys/keystore.js';
import type { AccumulatorDeltaRow, Repositories, SettlementRow } from '../storage/repositories.js';
import type { Principal } from './auth.js';
import type { Journal } from './journal.js';
import { MDTRT_ID, heldPolicy } from './queries.js';
import { signReceipt, newReceiptId, type Receipt, type ReceiptBody } from './receipts.js';
import { timeOrderedId } from './random.js';
import type { RecordService } from './records.js';
import type { Vault } from './vault.js';

export interface SettleInput {
  certno: unknown;
  mdtrt_id: string;
  request_id: string;
}

export interface SettlementAnswer {
  settlement_id: string;
  status: 'settled';
  lines: { insurer: string; policy_no: string; product: string; payable_fen: number; liabilities: { liability: string; payable_fen: number }[] }[];
  insurers_total_fen: number;
  patient_cash_fen: number;
}

/** What is sealed in the settlement row: the answer and what re-issues its receipt byte for byte. */
interface StoredAnswer {
  answer: SettlementAnswer;
  receipt_id: string;
  issued_at: string;
  event: AuditEvent;
  record_digest: string;
  product_version: string;
}

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const settlementAad = (id: string, subject: string): string => `settlement|${id}|${subject}`;

/**
 * One-stop settlement at the cashier (一站式结算 / 直赔) and its reversal. The plan, the accumulators
 * and the settlement row commit in one transaction on the single writer, so concurrent settlements on
 * one policy serialise and never both consume the same deductible; retries with the same request_id get
 * the same answer and settle nothing twice.
 */
export class SettlementService {
  constructor(
    private readonly journal: Journal,
    private readonly vault: Vault,
    private readonly records: RecordService,
    private readonly payers: PayerRegistry,
    private readonly keys: KeyStore,
  ) {}

  async settle(by: Principal, input: SettleInput, now = Date.now()): Promise<SettlementAnswer & { receipt: Receipt }> {
    const certno = normaliseCertno(input.certno);
    if (!certno) throw new VouchError('INVALID_CERTNO');
    if (!MDTRT_ID.test(input.mdtrt_id)) throw new VouchError('VALIDATION_FAILED', 'Field mdtrt_id is malformed.');
    if (!REQUEST_ID.test(input.request_id)) throw new VouchError('VALIDATION_FAILED', 'Field request_id must be 1-128 letters, digits or _.:-');
    const hospital = by.code;
    const subject = this.vault.blindIndex(certno);
    const requestDigest = digestOf({ subject, mdtrt_id: input.mdtrt_id });

    const { value: outcome, leaves, receipts } = await this.journal.change<StoredAnswer | { rejected: 'NO_RECORD' | 'ALREADY_SETTLED' }>((tx) => {
      const existing = tx.settlementByRequest(hospital, input.request_id);
      if (existing) {
        if (existing.request_digest !== requestDigest) throw new VouchError('IDEMPOTENCY_CONFLICT');
        return { value: this.openStored(existing), events: [] };
      }
      const record = tx.latestRecordByVisit(hospital, input.mdtrt_id, subject);
      const rejected = !record ? 'NO_RECORD' : tx.activeSettlementForVisit(hospital, input.mdtrt_id, subject) ? 'ALREADY_SETTLED' : undefined;
      if (rejected || !record) {
        const reason = rejected ?? 'NO_RECORD';
        return {
          value: { rejected: reason },
          events: [
            makeEvent({
              kind: 'settlement.rejected', time: now, actor: hospital, actor_role: 'hospital', purpose: 'settlement', subject,
              outcome: 'denied', reason, digests: { request: requestDigest },
            }),
          ],
        };
      }
      const facts = this.records.facts(record);
      const consents = tx.consentsOf(subject);
      const held: HeldPolicy[] = [];
      for (const p of tx.policiesOf(subject)) {
        const product = this.payers.get(p.product)?.product;
        if (!product) continue;
        // Only insurers the patient authorised for settlement at this hospital take part.
        if (!decideAmong(consents.filter((c) => c.grantee === p.insurer), { grantee: p.insurer, purpose: 'settlement', provider: hospital, now }).allow) continue;
        if (facts.visit_date < p.start_date || facts.visit_date > p.end_date) continue;
        held.push(heldPolicy(tx, p, product, facts.visit_date));
      }
      const plan = planSettlement(facts, held, tx.partyStatus(hospital)?.level ?? null);
      const settlementId = timeOrderedId('stl');
      const answer: SettlementAnswer = {
        settlement_id: settlementId,
        status: 'settled',
        lines: plan.lines.map((l) => ({
          insurer: l.insurer,
          policy_no: l.policy_no,
          product: l.result.product,
          payable_fen: l.result.payable_fen,
          liabilities: l.result.liabilities.map((x) => ({ liability: x.liability, payable_fen: x.payable_fen })),
        })),
        insurers_total_fen: plan.insurers_total_fen,
        patient_cash_fen: plan.patient_cash_fen,
      };
      const deltas: AccumulatorDeltaRow[] = plan.lines.flatMap((l) =>
        l.result.deltas.map((d) => ({ insurer: l.insurer, policy_no: l.policy_no, acc_key: d.key, year_start: d.year_start, delta_fen: d.delta_fen })),
      );
      const receiptId = newReceiptId();
      const productVersion = plan.lines.map((l) => `${l.result.product}@${l.result.product_version}`).join(',');
      const event = makeEvent({
        kind: 'settlement.settled', time: now, actor: hospital, actor_role: 'hospital', purpose: 'settlement', subject, outcome: 'allowed',
        refs: { settlement_id: settlementId, record_id: record.record_id, record_version: record.version, receipt_id: receiptId },
        digests: { result: digestOf(answer), record: record.content_digest, request: requestDigest },
      });
      const s: StoredAnswer = {
        answer, receipt_id: receiptId, issued_at: new Date(now).toISOString(), event, record_digest: record.content_digest, product_version: productVersion,
      };
      const aad = settlementAad(settlementId, subject);
      const { dek, envelope } = this.vault.newDataKey(aad);
      const row: SettlementRow = {
        settlement_id: settlementId, hospital, request_id: input.request_id, request_digest: requestDigest,
        record_id: record.record_id, record_version: record.version, subject, mdtrt_id: input.mdtrt_id, status: 'settled',
        kek_id: envelope.kek_id, wrapped_dek: envelope.wrapped_dek, sealed_answer: this.vault.sealPart(dek, aad, 'answer', s),
        created_at: now, reversed_at: null,
      };
      tx.insertSettlement(row, deltas);
      return { value: s, events: [event], receipts: [receiptBody(s)] };
    });
    if ('rejected' in outcome) {
      throw outcome.rejected === 'NO_RECORD'
        ? new VouchError('NOT_FOUND', 'No record of this visit was pushed by this hospital.')
        : new VouchError('ALREADY_SETTLED');
    }
    const stored = outcome;
    // A fresh settlement's leaf and receipt came with the change (signed by the log writer). A replay
    // finds its leaf by event id — appending is idempotent, so a leaf lost to a crash between the two
    // databases is restored here — and signs the same bytes again (Ed25519 is deterministic).
    const receipt = receipts[0] ?? this.receipt(stored, leaves[0] ?? (await this.journal.audit.append(stored.event)));
    return { ...stored.answer, receipt };
  }

  /** The answer sealed in a settlement row (the bureau's summary reads its lines). */
  answerOf(row: SettlementRow): SettlementAnswer {
    return this.openStored(row).answer;
  }

  private openStored(row: SettlementRow): StoredAnswer {
    const aad = settlementAad(row.settlement_id, row.subject);
    return this.vault.openPart<StoredAnswer>(this.vault.dataKey(row, aad), aad, 'answer', row.sealed_answer);
  }

  private receipt(s: StoredAnswer, leafIndex: number): Receipt {
    return signReceipt(this.keys, { ...receiptBody(s), leaf_index: leafIndex });
  }

  /** Reverses a settlement: gives back exactly the accumulator use it took. Reversing twice is a no-op. */
  async reverse(by: Principal, settlementId: string, now = Date.now()): Promise<{ settlement_id: string; status: 'reversed'; receipt: Receipt }> {
    if (!/^stl_[0-9a-f]{24}$/.test(settlementId)) throw new VouchError('NOT_FOUND');
    const { value, leaves } = await this.journal.change((tx: Repositories) => {
      const s = tx.getSettlement(settlementId);
      if (!s || s.hospital !== by.code) throw new VouchError('NOT_FOUND');
      const eventId = crypto.createHash('sha256').update(`reversal|${settlementId}`).digest('hex').slice(0, 32);
      const result = { settlement_id: settlementId, status: 'reversed' as const };
      const event = makeEvent({
        event_id: eventId, kind: 'settlement.reversed', time: s.reversed_at ?? now, actor: by.code, actor_role: 'hospital',
        purpose: 'settlement', subject: s.subject, outcome: 'allowed',
        refs: { settlement_id: settlementId, record_id: s.record_id, record_version: s.record_version, receipt_id: `rcpt_rev_${eventId.slice(0, 24)}` },
        digests: { result: digestOf(result) },
      });
      if (s.status === 'reversed') return { value: { result, event }, events: [] };
      for (const d of tx.settlementDeltas(settlementId)) tx.addAccumulator({ ...d, delta_fen: -d.delta_fen });
      tx.markReversed(settlementId, now);
      return { value: { result, event }, events: [event] };
    });
    const leafIndex = leaves[0] ?? (await this.journal.audit.append(value.event));
    const receipt = signReceipt(this.keys, {
      receipt_id: value.event.refs!.receipt_id!,
      leaf_index: leafIndex,
      issued_at: new Date(value.event.time).toISOString(),
      result_digest: value.event.digests!.result!,
    });
    return { ...value.result, receipt };
  }
}

/** What a settlement's receipt says, before the log gives it its leaf index. */
function receiptBody(s: StoredAnswer): ReceiptBody {
  return {
    receipt_id: s.receipt_id,
    issued_at: s.issued_at,
    result_digest: s.event.digests!.result!,
    record_digest: s.record_digest,
    product_version: s.product_version,
  };
}
