import crypto from 'node:crypto';
import { VouchError } from '../../errors.js';
import { makeEvent, type AuditEvent } from '../../domain/audit-events.js';
import { normaliseCertno } from '../../domain/certno.js';
import { participants } from '../../domain/participation.js';
import type { Product } from '../../domain/product.js';
import type { ReasonCode } from '../../domain/reasons.js';
import { planSettlement, type HeldPolicy, type SettlementPlan } from '../../domain/settlement.js';
import type { PayerRegistry } from '../../../adapters/payers/registry.js';
import type { AccumulatorDeltaRow } from '../../storage/policies.js';
import type { RecordRow } from '../../storage/records.js';
import type { Repositories } from '../../storage/repositories.js';
import type { SettlementLineRow, SettlementRow } from '../../storage/settlements.js';
import type { Principal } from '../identity/auth.js';
import type { Journal } from '../access-log/journal.js';
import { MDTRT_ID } from './queries.js';
import { newReceiptId, newReceiptSalt, saltedDigest, type Receipt, type ReceiptBody } from '../access-log/receipts.js';
import { timeOrderedId } from '../random.js';
import type { RecordService } from '../records/records.js';
import type { Vault } from '../vault.js';

export interface SettleInput {
  certno: unknown;
  mdtrt_id: string;
  request_id: string;
}

export interface SettlementAnswerLine {
  insurer: string;
  policy_no: string;
  product: string;
  /** What the cashier settles now for this payer. */
  payable_fen: number;
  /** What the product owes on the visit before the cash limit (the rest may be claimed after the fact). */
  owed_fen: number;
  /** Why the payer pays nothing, or less than the bill (the eligibility vocabulary); empty when it pays. */
  reasons: ReasonCode[];
  liabilities: { liability: string; payable_fen: number; owed_fen: number }[];
}

export interface SettlementAnswer {
  settlement_id: string;
  status: 'settled';
  lines: SettlementAnswerLine[];
  insurers_total_fen: number;
  patient_cash_fen: number;
}

/** What is sealed in the settlement row: the answer and what re-issues its receipt byte for byte. */
interface StoredAnswer {
  answer: SettlementAnswer;
  salt: string;
  receipt_id: string;
  issued_at: string;
  event: AuditEvent;
  record_digest: string;
  product_version: string;
  question_digest: string;
}

type Rejection = 'NO_RECORD' | 'ALREADY_SETTLED' | 'SETTLEMENT_REVERSED';

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const settlementAad = (id: string, subject: string): string => `settlement|${id}|${subject}`;

const REJECTIONS: Record<Rejection, () => VouchError> = {
  NO_RECORD: () => new VouchError('NOT_FOUND', 'No record of this visit was pushed by this hospital.'),
  ALREADY_SETTLED: () => new VouchError('ALREADY_SETTLED'),
  SETTLEMENT_REVERSED: () => new VouchError('SETTLEMENT_REVERSED'),
};

/** The answer's lines: per payer what it settles now, what it owes, and why it pays nothing when it does not. */
function answerLines(plan: SettlementPlan): SettlementAnswerLine[] {
  return plan.lines.map((l) => ({
    insurer: l.insurer,
    policy_no: l.policy_no,
    product: l.result.product,
    payable_fen: l.result.payable_fen,
    owed_fen: l.result.owed_fen,
    reasons: l.result.reasons,
    liabilities: l.result.liabilities.map((x) => ({ liability: x.liability, payable_fen: x.payable_fen, owed_fen: x.owed_fen })),
  }));
}

/**
 * One-stop settlement at the cashier (一站式结算 / 直赔) and its reversal. Who takes part is a pure
 * domain rule ({@link participants}) over what is read first; the plan, the accumulators, the lines and the settlement row commit
 * in one transaction on the single writer, so concurrent settlements on one policy serialise and never
 * both consume the same deductible; retries with the same request_id get the same answer and settle
 * nothing twice, and a retry after a reversal is told so (409 SETTLEMENT_REVERSED).
 */
export class SettlementService {
  constructor(
    private readonly journal: Journal,
    private readonly vault: Vault,
    private readonly records: RecordService,
    private readonly payers: PayerRegistry,
  ) {}

  async settle(by: Principal, input: SettleInput, now = Date.now()): Promise<SettlementAnswer & { receipt_salt?: string; receipt: Receipt }> {
    const certno = normaliseCertno(input.certno);
    if (!certno) throw new VouchError('INVALID_CERTNO');
    if (typeof input.mdtrt_id !== 'string' || !MDTRT_ID.test(input.mdtrt_id)) throw new VouchError('VALIDATION_FAILED', 'Field mdtrt_id is malformed.');
    if (typeof input.request_id !== 'string' || !REQUEST_ID.test(input.request_id)) {
      throw new VouchError('VALIDATION_FAILED', 'Field request_id must be 1-128 letters, digits or _.:-');
    }
    const hospital = by.code;
    const subject = this.vault.blindIndex(certno);
    const requestDigest = this.vault.digest('settlement.request', { subject, mdtrt_id: input.mdtrt_id });
    const question = { op: 'settle', hospital, certno, mdtrt_id: input.mdtrt_id, request_id: input.request_id };
    const rejected = (reason: Rejection) => ({
      value: { rejected: reason },
      events: [
        makeEvent({
          kind: 'settlement.rejected', time: now, actor: hospital, actor_role: 'hospital', purpose: 'settlement', subject,
          outcome: 'denied', reason, digests: { request: requestDigest },
        }),
      ],
    });

    const { value: outcome, receipts } = await this.journal.change<StoredAnswer | { rejected: Rejection }>(async (tx) => {
      // Settlements of one patient take turns (in every process): a deductible or cap is spent once.
      await tx.policies.serialiseSubject(subject);
      const existing = await tx.settlements.byRequest(hospital, input.request_id);
      if (existing) {
        if (existing.request_digest !== requestDigest) throw new VouchError('IDEMPOTENCY_CONFLICT');
        if (existing.status === 'reversed') return rejected('SETTLEMENT_REVERSED');
        return { value: this.openStored(existing), events: [] };
      }
      const record = await tx.records.latestByVisit(hospital, input.mdtrt_id, subject);
      if (!record) return rejected('NO_RECORD');
      if (await tx.settlements.activeForVisit(hospital, input.mdtrt_id, subject)) return rejected('ALREADY_SETTLED');
      const s = await this.settleInTransaction(tx, { hospital, subject, record, requestDigest, question, requestId: input.request_id, now });
      return { value: s, events: [s.event], receipts: [receiptBody(s)] };
    });
    if ('rejected' in outcome) throw REJECTIONS[outcome.rejected]();
    // A fresh settlement's leaf and receipt came with the change (signed by the log writer). A replay
    // finds its leaf by event id — appending is idempotent, so a leaf lost to a crash between the two
    // databases is restored here — and the writer signs the same bytes again (Ed25519 is deterministic).
    const receipt = receipts[0] ?? (await this.journal.recordAnswer(outcome.event, receiptBody(outcome)));
    return { ...outcome.answer, ...(outcome.salt ? { receipt_salt: outcome.salt } : {}), receipt };
  }

  /** Plans and writes one settlement: participants, the COB plan, accumulators, lines and the sealed answer. */
  private async settleInTransaction(
    tx: Repositories,
    c: { hospital: string; subject: string; record: RecordRow; requestDigest: string; question: object; requestId: string; now: number },
  ): Promise<StoredAnswer> {
    const facts = this.records.facts(c.record);
    const policies = await tx.policies.of(c.subject);
    const products = new Map<string, Product>();
    for (const q of policies.flatMap((p) => p.periods)) {
      const product = this.payers.get(q.product)?.product;
      if (product) products.set(q.product, product);
    }
    const insurers = [...new Set(policies.map((p) => p.insurer))];
    const statuses = await Promise.all(insurers.map((code) => tx.parties.status(code)));
    const activeInsurers = new Set(insurers.filter((_, i) => statuses[i]?.role === 'insurer' && statuses[i]?.status === 'active'));
    const taking = participants(policies, await tx.consents.of(c.subject), { hospital: c.hospital, visit_date: facts.visit_date, now: c.now, products, activeInsurers });
    const uses = await Promise.all(taking.map((p) => tx.policies.accumulatorUse(p.insurer, p.policy_no, p.period_no)));
    const held: HeldPolicy[] = taking.map((p, i) => ({ ...p, use: uses[i]! }));
    const plan = planSettlement(facts, held, (await tx.parties.status(c.hospital))?.level ?? null);
    const periodOf = new Map(taking.map((p) => [`${p.insurer}|${p.policy_no}`, p.period_no]));
    const settlementId = timeOrderedId('stl');
    const answer: SettlementAnswer = {
      settlement_id: settlementId, status: 'settled', lines: answerLines(plan),
      insurers_total_fen: plan.insurers_total_fen, patient_cash_fen: plan.patient_cash_fen,
    };
    const period = (l: { insurer: string; policy_no: string }) => periodOf.get(`${l.insurer}|${l.policy_no}`)!;
    const deltas: AccumulatorDeltaRow[] = plan.lines.flatMap((l) =>
      l.result.deltas.map((d) => ({ insurer: l.insurer, policy_no: l.policy_no, period_no: period(l), acc_key: d.key, delta_fen: d.delta_fen })),
    );
    const lines: SettlementLineRow[] = plan.lines.map((l, i) => ({
      line_no: i + 1, insurer: l.insurer, policy_no: l.policy_no, period_no: period(l), product: l.result.product,
      payable_fen: l.result.payable_fen, owed_fen: l.result.owed_fen,
    }));
    const salt = newReceiptSalt();
    const receiptId = newReceiptId();
    const digests = { result: saltedDigest(salt, answer), question: saltedDigest(salt, c.question), record: c.record.content_digest, request: c.requestDigest };
    const event = makeEvent({
      kind: 'settlement.settled', time: c.now, actor: c.hospital, actor_role: 'hospital', purpose: 'settlement', subject: c.subject, outcome: 'allowed',
      refs: { settlement_id: settlementId, record_id: c.record.record_id, record_version: c.record.version, receipt_id: receiptId },
      digests,
    });
    const s: StoredAnswer = {
      answer, salt, receipt_id: receiptId, issued_at: new Date(c.now).toISOString(), event, record_digest: c.record.content_digest,
      product_version: plan.lines.map((l) => `${l.result.product}@${l.result.product_version}`).join(','), question_digest: digests.question,
    };
    const aad = settlementAad(settlementId, c.subject);
    const { dek, envelope } = this.vault.newDataKey(aad);
    const row: SettlementRow = {
      settlement_id: settlementId, hospital: c.hospital, request_id: c.requestId, request_digest: c.requestDigest,
      record_id: c.record.record_id, record_version: c.record.version, subject: c.subject, mdtrt_id: c.record.mdtrt_id, status: 'settled',
      kek_id: envelope.kek_id, wrapped_dek: envelope.wrapped_dek, sealed_answer: this.vault.sealPart(dek, aad, 'answer', s),
      created_at: c.now, reversed_at: null,
    };
    await tx.settlements.insert(row, deltas, lines);
    for (const d of deltas) await tx.policies.addAccumulator(d);
    // The periods this settlement used are frozen from now on (docs/privacy.md, class 2).
    for (const l of lines) await tx.policies.markPeriodUsed(l.insurer, l.policy_no, l.period_no, c.now);
    return s;
  }

  /** The answer sealed in a settlement row (the bureau's summary reads its lines). */
  answerOf(row: SettlementRow): SettlementAnswer {
    return this.openStored(row).answer;
  }

  private openStored(row: SettlementRow): StoredAnswer {
    const aad = settlementAad(row.settlement_id, row.subject);
    return this.vault.openPart<StoredAnswer>(this.vault.dataKey(row, aad), aad, 'answer', row.sealed_answer);
  }

  /** Reverses a settlement: gives back exactly the accumulator use it took. Reversing twice is a no-op. */
  async reverse(by: Principal, settlementId: string, now = Date.now()): Promise<{ settlement_id: string; status: 'reversed'; receipt_salt: string; receipt: Receipt }> {
    if (typeof settlementId !== 'string' || !/^stl_[0-9a-f]{24}$/.test(settlementId)) throw new VouchError('NOT_FOUND');
    // The reversal's answer is the same on every call, so its salt is derived (secretly) from the id.
    const salt = this.vault.digest('reversal.salt', settlementId);
    const { value, receipts } = await this.journal.change(async (tx: Repositories) => {
      const found = await tx.settlements.get(settlementId);
      if (!found || found.hospital !== by.code) throw new VouchError('NOT_FOUND');
      // The patient's settlements take turns; read again under the turn (another process may have reversed it).
      await tx.policies.serialiseSubject(found.subject);
      const s = (await tx.settlements.get(settlementId))!;
      const eventId = crypto.createHash('sha256').update(`reversal|${settlementId}`).digest('hex').slice(0, 32);
      const result = { settlement_id: settlementId, status: 'reversed' as const };
      const event = makeEvent({
        event_id: eventId, kind: 'settlement.reversed', time: s.reversed_at ?? now, actor: by.code, actor_role: 'hospital',
        purpose: 'settlement', subject: s.subject, outcome: 'allowed',
        refs: { settlement_id: settlementId, record_id: s.record_id, record_version: s.record_version, receipt_id: `rcpt_rev_${eventId.slice(0, 24)}` },
        digests: { result: saltedDigest(salt, result) },
      });
      const body: ReceiptBody = {
        receipt_id: event.refs!.receipt_id!, issued_at: new Date(event.time).toISOString(), result_digest: event.digests!.result!,
      };
      if (s.status === 'reversed') return { value: { result, event, body }, events: [] };
      for (const d of await tx.settlements.deltas(settlementId)) await tx.policies.addAccumulator({ ...d, delta_fen: -d.delta_fen });
      await tx.settlements.markReversed(settlementId, now);
      return { value: { result, event, body }, events: [event], receipts: [body] };
    });
    // A second reversal finds the first one's leaf by event id and gets the same receipt (see settle).
    const receipt = receipts[0] ?? (await this.journal.recordAnswer(value.event, value.body));
    return { ...value.result, receipt_salt: salt, receipt };
  }
}

/** What a settlement's receipt says, before the log gives it its leaf index and hash. */
function receiptBody(s: StoredAnswer): ReceiptBody {
  return {
    receipt_id: s.receipt_id,
    issued_at: s.issued_at,
    result_digest: s.event.digests!.result!,
    question_digest: s.question_digest,
    record_digest: s.record_digest,
    product_version: s.product_version,
  };
}
