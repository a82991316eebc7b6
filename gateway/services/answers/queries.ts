import { VouchError } from '../../errors.js';
import { makeEvent, type EventKind } from '../../domain/audit-events.js';
import { normaliseCertno } from '../../domain/certno.js';
import { budgetDay, decideAmong, type Purpose } from '../../domain/consent.js';
import type { RecordFacts } from '../../domain/facts.js';
import { insurerView } from '../../domain/liabilities.js';
import { periodCovering } from '../../domain/policy.js';
import type { Product } from '../../domain/product.js';
import type { ReasonCode } from '../../domain/reasons.js';
import { quote as quoteProduct, type HeldPolicy } from '../../domain/settlement.js';
import type { PayerRegistry } from '../../../adapters/payers/registry.js';
import type { PeriodRow, PolicyRow } from '../../storage/policies.js';
import type { RecordRow } from '../../storage/records.js';
import type { Storage } from '../../storage/storage.js';
import { heldPolicy } from './accumulators.js';
import type { Principal } from '../identity/auth.js';
import type { Journal } from '../access-log/journal.js';
import { HOSPITAL_CODE } from '../identity/parties.js';
import { POLICY_NO } from './policies.js';
import { newReceiptId, newReceiptSalt, saltedDigest, type Receipt } from '../access-log/receipts.js';
import type { RecordService } from '../records/records.js';
import type { Vault } from '../vault.js';

export interface VisitQuery {
  certno: unknown;
  provider: string;
  mdtrt_id: string;
  policy_no?: string | undefined;
}

export interface ClaimQuery extends VisitQuery {
  claimed: unknown;
}

export const MDTRT_ID = /^[A-Za-z0-9_-]{1,64}$/;

const AMOUNT_MAX = 9_999_999_999_999_999;
const isAmount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= AMOUNT_MAX;

/** The claimed amounts of a claim check, validated the same way for both transports. */
export function claimedAmounts(v: unknown): { medfee_sumamt_fen: number; psn_cash_pay_fen?: number } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new VouchError('VALIDATION_FAILED', 'Field claimed is required.');
  const c = v as Record<string, unknown>;
  if (c.medfee_sumamt_fen === undefined) throw new VouchError('VALIDATION_FAILED', 'Field claimed.medfee_sumamt_fen is required.');
  // Fen fields are integers by shape: a negative or unsafe one is malformed (as HTTP's schema says), not a yuan amount.
  if (!isAmount(c.medfee_sumamt_fen)) throw new VouchError('VALIDATION_FAILED', 'Field claimed.medfee_sumamt_fen must be whole fen, not negative.');
  if (c.psn_cash_pay_fen !== undefined && !isAmount(c.psn_cash_pay_fen)) {
    throw new VouchError('VALIDATION_FAILED', 'Field claimed.psn_cash_pay_fen must be whole fen, not negative.');
  }
  return { medfee_sumamt_fen: c.medfee_sumamt_fen, ...(c.psn_cash_pay_fen !== undefined ? { psn_cash_pay_fen: c.psn_cash_pay_fen as number } : {}) };
}

/** Everything an answer is computed from, resolved before anything is computed. */
interface Resolved {
  consent: { consent_id: string; version: number; max_queries_per_day: number | null };
  record: RecordRow;
  facts: RecordFacts;
  /** The policy period the question is answered under (the one covering the visit, else the nearest). */
  held?: { policy: PolicyRow; period: PeriodRow; product: Product; evaluate: HeldPolicy };
  hospitalLevel: number | null;
}

interface Operation<T> {
  purpose: Purpose;
  kind: EventKind;
  needsPolicy: boolean;
  /** The question as the receipt covers it (ids and amounts as asked). */
  question: Record<string, unknown>;
  compute: (r: Resolved) => T;
}

/** The period a visit is answered under: the one covering its date, else the nearest one (POLICY_NOT_ACTIVE). */
function periodFor(policy: PolicyRow, day: string): PeriodRow {
  return periodCovering(policy.periods, day) ?? [...policy.periods].reverse().find((p) => p.start_date <= day) ?? policy.periods[0]!;
}

/**
 * Insurers' questions, answered inside the gateway under a consent bound to the question's purpose
 * (docs/privacy.md). The consent is decided before anything of a record is read, so "no consent" costs
 * the same whether or not the visit exists; no consent, a consent that does not cover the purpose or
 * provider, no such policy and no such visit all end in the same NOT_AVAILABLE, the bureau's log keeping
 * the real reason. Every answer is logged before it is given and carries a signed receipt that covers the
 * question and names its leaf.
 */
export class QueryService {
  constructor(
    private readonly journal: Journal,
    private readonly storage: Storage,
    private readonly vault: Vault,
    private readonly records: RecordService,
    private readonly payers: PayerRegistry,
    private readonly claimAttempts: number,
  ) {}

  async eligibility(by: Principal, q: VisitQuery, now = Date.now()) {
    return this.answer(by, q, now, {
      purpose: 'eligibility', kind: 'query.eligibility', needsPolicy: true, question: { op: 'eligibility' },
      compute: (r): { eligible: boolean; reasons: ReasonCode[] } => {
        const result = quoteProduct(r.facts, r.held!.evaluate, r.hospitalLevel);
        return { eligible: result.payable_fen > 0, reasons: insurerView(result).reasons };
      },
    });
  }

  async quote(by: Principal, q: VisitQuery, now = Date.now()) {
    return this.answer(by, q, now, {
      purpose: 'settlement', kind: 'query.quote', needsPolicy: true, question: { op: 'quote' },
      compute: (r) => {
        const result = quoteProduct(r.facts, r.held!.evaluate, r.hospitalLevel);
        const view = insurerView(result);
        return {
          payable_fen: result.payable_fen,
          liabilities: view.liabilities,
          deductible_applied_fen: view.deductible_applied_fen,
          reasons: view.reasons,
          product: result.product,
          product_version: result.product_version,
        };
      },
    });
  }

  /** Equality only, on the amounts the insurer holds: no thresholds, no ranges, a budget of attempts. */
  async verifyClaim(by: Principal, q: ClaimQuery, now = Date.now()) {
    const c = claimedAmounts(q.claimed);
    return this.answer(by, q, now, {
      purpose: 'claim_verification', kind: 'query.claim_verification', needsPolicy: false, question: { op: 'claim_verification', claimed: c },
      compute: (r) => ({
        match: r.facts.medfee_fen === c.medfee_sumamt_fen && (c.psn_cash_pay_fen === undefined || r.facts.cash_fen === c.psn_cash_pay_fen),
      }),
    });
  }

  private validate(q: VisitQuery, needsPolicy: boolean): string {
    const certno = normaliseCertno(q.certno);
    if (!certno) throw new VouchError('INVALID_CERTNO');
    if (typeof q.provider !== 'string' || !HOSPITAL_CODE.test(q.provider)) throw new VouchError('VALIDATION_FAILED', 'Field provider must be an institution code.');
    if (typeof q.mdtrt_id !== 'string' || !MDTRT_ID.test(q.mdtrt_id)) throw new VouchError('VALIDATION_FAILED', 'Field mdtrt_id is malformed.');
    if (needsPolicy && (typeof q.policy_no !== 'string' || !POLICY_NO.test(q.policy_no))) throw new VouchError('VALIDATION_FAILED', 'Field policy_no is malformed.');
    return certno;
  }

  /**
   * Resolves what the answer needs, in an order that reveals nothing: the consent first (nothing of the
   * record is read before it allows), then the visit, then the policy. Returns the denial reason for the
   * bureau's log when there is no answer.
   */
  private async resolve(by: Principal, subject: string, q: VisitQuery, op: Operation<unknown>, now: number): Promise<Resolved | { denial: string }> {
    const repos = this.storage.read;
    const decision = decideAmong(await repos.consents.of(subject, by.code), { grantee: by.code, purpose: op.purpose, provider: q.provider, now });
    if (!decision.allow) return { denial: decision.reason };
    const record = await repos.records.latestByVisit(q.provider, q.mdtrt_id, subject);
    if (!record) return { denial: 'NO_SUCH_VISIT' };
    const policy = op.needsPolicy ? await repos.policies.get(by.code, q.policy_no!) : undefined;
    if (op.needsPolicy && (!policy || policy.subject !== subject)) return { denial: 'NO_SUCH_POLICY' };
    const facts = this.records.facts(record);
    const hospitalLevel = (await repos.parties.status(q.provider))?.level ?? null;
    const resolved: Resolved = { consent: decision.consent, record, facts, hospitalLevel };
    if (policy) {
      const period = periodFor(policy, facts.visit_date);
      const product = this.payers.get(period.product)?.product;
      if (!product) return { denial: 'NO_SUCH_POLICY' };
      const [use, active] = await Promise.all([
        repos.policies.accumulatorUse(policy.insurer, policy.policy_no, period.period_no),
        repos.settlements.activeForVisit(q.provider, q.mdtrt_id, subject),
      ]);
      const own = active ? await repos.settlements.deltas(active.settlement_id) : [];
      resolved.held = { policy, period, product, evaluate: heldPolicy(policy, period.period_no, product, use, own) };
    }
    return resolved;
  }

  /**
   * Durable bookkeeping before an answer: every probe counts against the consent's daily budget and the
   * claim-attempt budget, and the policy period the answer uses is frozen. Returns the budget exceeded, if any.
   */
  private async bookkeep(by: Principal, r: Resolved, purpose: Purpose, now: number): Promise<string | undefined> {
    const claimLimit = purpose === 'claim_verification' ? this.claimAttempts : undefined;
    const freeze = r.held && r.held.period.used_at === null ? r.held : undefined;
    if (r.consent.max_queries_per_day === null && claimLimit === undefined && !freeze) return undefined;
    return this.storage.write(async (tx) => {
      if (r.consent.max_queries_per_day !== null && (await tx.consents.countUse(r.consent.consent_id, budgetDay(now))) > r.consent.max_queries_per_day) {
        return 'CONSENT_DAILY_BUDGET';
      }
      if (claimLimit !== undefined && (await tx.records.countClaimAttempt(by.code, r.record.record_id)) > claimLimit) return 'CLAIM_ATTEMPTS';
      if (freeze) await tx.policies.markPeriodUsed(freeze.policy.insurer, freeze.policy.policy_no, freeze.period.period_no, now);
      return undefined;
    });
  }

  private async answer<T extends object>(by: Principal, q: VisitQuery, now: number, op: Operation<T>): Promise<T & { receipt_salt: string; receipt: Receipt }> {
    const certno = this.validate(q, op.needsPolicy);
    const subject = this.vault.blindIndex(certno);
    const base = { time: now, actor: by.code, actor_role: 'insurer' as const, purpose: op.purpose, subject };
    const policyRef = op.needsPolicy ? this.vault.policyRef(by.code, q.policy_no!) : undefined;
    const refs = { provider: q.provider, ...(policyRef ? { policy_digest: policyRef } : {}) };

    const r = await this.resolve(by, subject, q, op, now);
    if ('denial' in r) {
      await this.journal.record(makeEvent({ ...base, kind: op.kind, outcome: 'denied', reason: r.denial, refs }));
      throw new VouchError('NOT_AVAILABLE');
    }
    const answerRefs = {
      ...refs, consent_id: r.consent.consent_id, consent_version: r.consent.version, record_id: r.record.record_id, record_version: r.record.version,
      ...(r.held ? { product: r.held.product.code, product_version: r.held.product.version, period: r.held.period.period_no } : {}),
    };
    const exceeded = await this.bookkeep(by, r, op.purpose, now);
    if (exceeded) {
      await this.journal.record(makeEvent({ ...base, kind: 'query.budget_exhausted', outcome: 'denied', reason: exceeded, refs: answerRefs }));
      throw new VouchError('QUERY_BUDGET_EXCEEDED');
    }

    const result = op.compute(r);
    const salt = newReceiptSalt();
    const receiptId = newReceiptId();
    const question = { ...op.question, insurer: by.code, certno, provider: q.provider, mdtrt_id: q.mdtrt_id, ...(op.needsPolicy ? { policy_no: q.policy_no } : {}) };
    const digests = { result: saltedDigest(salt, result), question: saltedDigest(salt, question), record: r.record.content_digest };
    // The receipt is signed with the leaf index and hash the log gives the event, by the log's writer.
    const receipt = await this.journal.recordAnswer(
      makeEvent({ ...base, kind: op.kind, outcome: 'allowed', refs: { ...answerRefs, receipt_id: receiptId }, digests }),
      {
        receipt_id: receiptId,
        issued_at: new Date(now).toISOString(),
        result_digest: digests.result,
        question_digest: digests.question,
        consent_id: r.consent.consent_id,
        consent_version: r.consent.version,
        record_digest: r.record.content_digest,
        ...(r.held ? { product_version: `${r.held.product.code}@${r.held.product.version}` } : {}),
      },
    );
    return { ...result, receipt_salt: salt, receipt };
  }
}
