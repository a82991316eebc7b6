import { VouchError } from '../errors.js';
import { digestOf, makeEvent, policyDigest, type EventKind } from '../domain/audit-events.js';
import { normaliseCertno } from '../domain/certno.js';
import { budgetDay, decideAmong, type Purpose } from '../domain/consent.js';
import type { RecordFacts } from '../domain/facts.js';
import { policyYearStart } from '../domain/liabilities.js';
import type { Product } from '../domain/product.js';
import type { ReasonCode } from '../domain/reasons.js';
import { quote as quoteProduct, type HeldPolicy } from '../domain/settlement.js';
import type { PayerRegistry } from '../../adapters/payers/registry.js';
import type { PolicyRow, Repositories } from '../storage/repositories.js';
import type { Storage } from '../storage/storage.js';
import type { Principal } from './auth.js';
import type { Journal } from './journal.js';
import { POLICY_NO } from './policies.js';
import { newReceiptId, type Receipt } from './receipts.js';
import type { RecordService } from './records.js';
import { HOSPITAL_CODE } from './parties.js';
import type { Vault } from './vault.js';

export interface VisitQuery {
  certno: unknown;
  provider: string;
  mdtrt_id: string;
  policy_no?: string | undefined;
}

export interface ClaimQuery extends VisitQuery {
  claimed: { medfee_sumamt_fen: number; psn_cash_pay_fen?: number | undefined };
}

export const MDTRT_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface Resolved {
  subject: string;
  consent: { consent_id: string; version: number; max_queries_per_day: number | null };
  record: { record_id: string; version: number; content_digest: string };
  facts: RecordFacts;
  policy: PolicyRow | undefined;
  product: Product | undefined;
  hospitalLevel: number | null;
  /** The visit's active one-stop settlement, if it has one. */
  settlementId: string | undefined;
}

/**
 * Builds the {@link HeldPolicy} the settlement domain evaluates, with this policy year's accumulator use.
 * `excludeSettlement`: a visit already settled is evaluated as of before its own settlement, so its own
 * deductible and cap use are not counted against it a second time.
 */
export function heldPolicy(repos: Repositories, policy: PolicyRow, product: Product, visitDate: string, excludeSettlement?: string): HeldPolicy {
  const yearStart = policyYearStart(policy.start_date, visitDate);
  const use = repos.accumulatorUse(policy.insurer, policy.policy_no, yearStart);
  if (excludeSettlement) {
    for (const d of repos.settlementDeltas(excludeSettlement)) {
      if (d.insurer === policy.insurer && d.policy_no === policy.policy_no && d.year_start === yearStart) {
        use.set(d.acc_key, (use.get(d.acc_key) ?? 0) - d.delta_fen);
      }
    }
  }
  return {
    insurer: policy.insurer,
    policy_no: policy.policy_no,
    product,
    terms: { start_date: policy.start_date, end_date: policy.end_date, pre_existing: policy.pre_existing, claim_free_years: policy.claim_free_years },
    use,
  };
}

/**
 * Insurers' questions, answered inside the gateway under a consent bound to the question's purpose.
 * No consent, a consent that does not cover the purpose or provider, no such policy and no such visit
 * all end in the same NOT_AVAILABLE; the bureau's log keeps the real reason. Every answer is logged
 * before it is given and carries a signed receipt naming its leaf.
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

  async eligibility(by: Principal, q: VisitQuery, now = Date.now()): Promise<{ eligible: boolean; reasons: ReasonCode[]; receipt: Receipt }> {
    return this.answer(by, 'eligibility', 'query.eligibility', q, now, true, (r) => {
      const result = quoteProduct(r.facts, heldPolicy(this.storage.read, r.policy!, r.product!, r.facts.visit_date, r.settlementId), r.hospitalLevel);
      return { eligible: result.payable_fen > 0, reasons: result.reasons };
    });
  }

  async quote(by: Principal, q: VisitQuery, now = Date.now()) {
    return this.answer(by, 'settlement', 'query.quote', q, now, true, (r) => {
      const result = quoteProduct(r.facts, heldPolicy(this.storage.read, r.policy!, r.product!, r.facts.visit_date, r.settlementId), r.hospitalLevel);
      return {
        payable_fen: result.payable_fen,
        liabilities: result.liabilities.map((l) => ({ liability: l.liability, payable_fen: l.payable_fen })),
        deductible_applied_fen: result.deductible_applied_fen,
        product: result.product,
        product_version: result.product_version,
      };
    });
  }

  /** Equality only, on the amounts the insurer holds: no thresholds, no ranges, a budget of attempts. */
  async verifyClaim(by: Principal, q: ClaimQuery, now = Date.now()): Promise<{ match: boolean; receipt: Receipt }> {
    const c = q.claimed;
    if (!Number.isSafeInteger(c.medfee_sumamt_fen) || (c.psn_cash_pay_fen !== undefined && !Number.isSafeInteger(c.psn_cash_pay_fen))) {
      throw new VouchError('INVALID_AMOUNT', 'Field claimed: amounts are whole fen.');
    }
    return this.answer(by, 'claim_verification', 'query.claim_verification', q, now, false, (r) => ({
      match: r.facts.medfee_fen === c.medfee_sumamt_fen && (c.psn_cash_pay_fen === undefined || r.facts.cash_fen === c.psn_cash_pay_fen),
    }));
  }

  private async answer<T extends object>(
    by: Principal,
    purpose: Purpose,
    kind: EventKind,
    q: VisitQuery,
    now: number,
    needsPolicy: boolean,
    compute: (r: Resolved) => T,
  ): Promise<T & { receipt: Receipt }> {
    const certno = normaliseCertno(q.certno);
    if (!certno) throw new VouchError('INVALID_CERTNO');
    if (!HOSPITAL_CODE.test(q.provider)) throw new VouchError('VALIDATION_FAILED', 'Field provider must be an institution code.');
    if (!MDTRT_ID.test(q.mdtrt_id)) throw new VouchError('VALIDATION_FAILED', 'Field mdtrt_id is malformed.');
    if (needsPolicy && (q.policy_no === undefined || !POLICY_NO.test(q.policy_no))) throw new VouchError('VALIDATION_FAILED', 'Field policy_no is malformed.');
    const subject = this.vault.blindIndex(certno);
    const repos = this.storage.read;
    const base = { time: now, actor: by.code, actor_role: 'insurer' as const, purpose, subject };
    const refs = needsPolicy ? { policy_digest: policyDigest(by.code, q.policy_no!), provider: q.provider } : { provider: q.provider };

    const decision = decideAmong(repos.consentsOf(subject, by.code), { grantee: by.code, purpose, provider: q.provider, now });
    const record = repos.latestRecordByVisit(q.provider, q.mdtrt_id, subject);
    const policy = needsPolicy ? repos.getPolicy(by.code, q.policy_no!) : undefined;
    const product = policy ? this.payers.get(policy.product)?.product : undefined;
    const denial = !decision.allow
      ? decision.reason
      : !record
        ? 'NO_SUCH_VISIT'
        : needsPolicy && (!policy || policy.subject !== subject || !product)
          ? 'NO_SUCH_POLICY'
          : undefined;
    if (denial || !decision.allow || !record) {
      await this.journal.record(makeEvent({ ...base, kind, outcome: 'denied', reason: denial, refs }));
      throw new VouchError('NOT_AVAILABLE');
    }
    const consent = decision.consent;
    const budgetRefs = { ...refs, consent_id: consent.consent_id, consent_version: consent.version, record_id: record.record_id, record_version: record.version };

    // Budgets count every probe, durably, before anything is computed.
    const claimLimit = purpose === 'claim_verification' ? this.claimAttempts : undefined;
    if (consent.max_queries_per_day !== null || claimLimit !== undefined) {
      const exceeded = await this.storage.write((tx) => {
        if (consent.max_queries_per_day !== null && tx.countConsentUse(consent.consent_id, budgetDay(now)) > consent.max_queries_per_day) {
          return 'CONSENT_DAILY_BUDGET';
        }
        if (claimLimit !== undefined && tx.countClaimAttempt(by.code, record.record_id) > claimLimit) return 'CLAIM_ATTEMPTS';
        return undefined;
      });
      if (exceeded) {
        await this.journal.record(makeEvent({ ...base, kind: 'query.budget_exhausted', outcome: 'denied', reason: exceeded, refs: budgetRefs }));
        throw new VouchError('QUERY_BUDGET_EXCEEDED');
      }
    }

    const result = compute({
      subject,
      consent,
      record,
      facts: this.records.facts(record),
      policy,
      product,
      hospitalLevel: repos.partyStatus(q.provider)?.level ?? null,
      settlementId: needsPolicy ? repos.activeSettlementForVisit(q.provider, q.mdtrt_id, subject)?.settlement_id : undefined,
    });
    const receiptId = newReceiptId();
    const resultDigest = digestOf(result);
    // The receipt is signed with the leaf index the log gives the event, by the log's writer.
    const receipt = await this.journal.recordAnswer(
      makeEvent({
        ...base, kind, outcome: 'allowed',
        refs: { ...budgetRefs, receipt_id: receiptId, ...(product ? { product: product.code, product_version: product.version } : {}) },
        digests: { result: resultDigest, record: record.content_digest },
      }),
      {
        receipt_id: receiptId,
        issued_at: new Date(now).toISOString(),
        result_digest: resultDigest,
        consent_id: consent.consent_id,
        consent_version: consent.version,
        record_digest: record.content_digest,
        ...(product ? { product_version: `${product.code}@${product.version}` } : {}),
      },
    );
    return { ...result, receipt };
  }
}
