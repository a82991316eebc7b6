import { VouchError } from '../../errors.js';
import { makeEvent, type EventKind } from '../../domain/audit-events.js';
import { normaliseCertno } from '../../domain/certno.js';
import { shanghaiDay } from '../../domain/dates.js';
import { capLeftOf, deductibleOf } from '../../domain/liabilities.js';
import { planEnrollment, periodStatus, type EnrollmentKind, type OtherCover, type StoredPeriod } from '../../domain/policy.js';
import { familyOf, termYearsOf, type Product } from '../../domain/product.js';
import type { PayerRegistry, RegisteredProduct } from '../../../adapters/payers/registry.js';
import type { PeriodRow, PolicyRow } from '../../storage/policies.js';
import type { Repositories } from '../../storage/repositories.js';
import type { Principal } from '../identity/auth.js';
import type { Journal } from '../access-log/journal.js';
import type { Vault } from '../vault.js';

export const POLICY_NO = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** How many policy numbers one person may hold in all (every insurer): bounds what a settlement reads. */
export const MAX_POLICIES_PER_PERSON = 24;

export interface EnrollInput {
  certno: unknown;
  product: string;
  start_date: string;
  end_date: string;
  pre_existing?: boolean | undefined;
  claim_free_years?: number | undefined;
  /** An explicit, logged correction of the latest period after an answer used it (bounded). */
  correction?: boolean | undefined;
}

const EVENT_OF: Record<EnrollmentKind, EventKind> = {
  created: 'policy.enrolled', updated: 'policy.enrolled', unchanged: 'policy.enrolled', renewed: 'policy.renewed', corrected: 'policy.corrected',
};

const stored = (p: PeriodRow): StoredPeriod => ({ ...p, used: p.used_at !== null });

/** The periods of a policy as the insurer sees them after a PUT. */
function periodViews(policy: PolicyRow, today: string) {
  return policy.periods.map((p) => ({
    period_no: p.period_no, product: p.product, start_date: p.start_date, end_date: p.end_date, pre_existing: p.pre_existing,
    claim_free_years: p.claim_free_years, status: periodStatus(p, today), terms_frozen: p.used_at !== null, corrections: p.corrections,
  }));
}

/**
 * Policy enrollment from an insurer's feed (docs/products.md "Policies"). Policies live in the insurer's
 * own namespace (insurer, policy_no), under the insurer's own products only; a policy number holds a
 * chain of one-year periods; frozen terms, one policy per product family at a time and a bound on
 * policies per person close the probing channels of docs/privacy.md (classes 1, 2 and 9).
 */
export class PolicyService {
  constructor(
    private readonly journal: Journal,
    private readonly vault: Vault,
    private readonly payers: PayerRegistry,
    private readonly read: () => Repositories,
  ) {}

  /** The product an insurer may enroll under: known (422 otherwise) and its own (403 otherwise). */
  private ownProduct(by: Principal, code: string): RegisteredProduct {
    const registered = this.payers.get(code);
    if (!registered) throw new VouchError('UNKNOWN_PRODUCT');
    if (registered.product.insurer !== by.code) throw new VouchError('PRODUCT_NOT_OFFERED');
    return registered;
  }

  /** The person's cover in one family under the insurer's other policy numbers (never another insurer's: that would tell). */
  private async otherCover(tx: Repositories, subject: string, family: string, except: { insurer: string; policy_no: string }): Promise<OtherCover[]> {
    return (await tx.policies.of(subject))
      .filter((p) => p.insurer === except.insurer && p.policy_no !== except.policy_no)
      .flatMap((p) => p.periods)
      .filter((q) => familyOf(this.payers.get(q.product)?.product ?? ({ code: q.product } as Product)) === family);
  }

  async enroll(by: Principal, policyNo: string, input: EnrollInput, now = Date.now()) {
    if (!POLICY_NO.test(policyNo)) throw new VouchError('VALIDATION_FAILED', 'Path parameter policy_no must be 1-64 letters, digits, _ or -.');
    const certno = normaliseCertno(input.certno);
    if (!certno) throw new VouchError('INVALID_CERTNO');
    let registered: ReturnType<PolicyService['ownProduct']>;
    try {
      registered = this.ownProduct(by, input.product);
    } catch (err) {
      // Enrolling under another payer's product is the class-1 attack itself: the attempt is a leaf the
      // bureau (and the patient) see, like every other refused change.
      if (err instanceof VouchError) {
        await this.journal.record(makeEvent({
          kind: 'policy.enrolled', time: now, actor: by.code, actor_role: 'insurer', outcome: 'denied', subject: this.vault.blindIndex(certno), reason: err.code,
          refs: { policy_digest: this.vault.policyRef(by.code, policyNo) },
        }));
      }
      throw err;
    }
    const product = registered.product;
    const claimFree = input.claim_free_years ?? 0;
    if (!Number.isSafeInteger(claimFree) || claimFree < 0 || claimFree > 50) {
      throw new VouchError('VALIDATION_FAILED', 'Field claim_free_years must be a whole number from 0 to 50.');
    }
    const request = {
      product: product.code, start_date: input.start_date, end_date: input.end_date, pre_existing: input.pre_existing ?? false,
      claim_free_years: claimFree, correction: input.correction ?? false,
    };
    const problem = registered.adapter.checkEnrollment?.({ policy_no: policyNo, ...request }, product);
    if (problem) throw new VouchError('VALIDATION_FAILED', `Field ${problem.field}: ${problem.problem}.`);
    const subject = this.vault.blindIndex(certno);
    const event = (kind: EventKind, outcome: 'allowed' | 'denied', extra: { reason?: string; period?: number } = {}) =>
      makeEvent({
        kind, time: now, actor: by.code, actor_role: 'insurer', outcome, subject, reason: extra.reason,
        refs: { policy_digest: this.vault.policyRef(by.code, policyNo), product: product.code, product_version: product.version, period: extra.period },
      });

    const { value } = await this.journal.change<{ refused: VouchError } | { policy: PolicyRow; period_no: number }>(async (tx) => {
      // Two enrollments of one policy number take turns (in every process), and so do two of one person
      // (the family rule reads their other policies): the number first, then the person, always.
      await tx.policies.serialisePolicy(by.code, policyNo);
      await tx.policies.serialiseSubject(subject);
      const existing = await tx.policies.get(by.code, policyNo);
      if (existing && existing.subject !== subject) throw new VouchError('POLICY_CONFLICT');
      if (!existing && (await tx.policies.countOf(subject, by.code)) >= MAX_POLICIES_PER_PERSON) {
        return { value: { refused: new VouchError('POLICY_LIMIT_REACHED') }, events: [event('policy.enrolled', 'denied', { reason: 'POLICY_LIMIT_REACHED' })] };
      }
      const others = await this.otherCover(tx, subject, familyOf(product), { insurer: by.code, policy_no: policyNo });
      const plan = planEnrollment((existing?.periods ?? []).map(stored), others, request, termYearsOf(product));
      if ('refuse' in plan) {
        // A refused change is itself a probe the bureau may want to see (and the patient in their log).
        return { value: { refused: new VouchError(plan.refuse, plan.detail) }, events: [event('policy.enrolled', 'denied', { reason: plan.refuse })] };
      }
      const before = new Map((existing?.periods ?? []).map((p) => [p.period_no, p]));
      const policy: PolicyRow = {
        insurer: by.code, policy_no: policyNo, subject, created_at: existing?.created_at ?? now, updated_at: now,
        periods: plan.periods.map((p) => {
          const old = before.get(p.period_no);
          const { used: _used, ...terms } = p;
          return { ...terms, used_at: old?.used_at ?? null, created_at: old?.created_at ?? now, updated_at: p.period_no === plan.period_no ? now : (old?.updated_at ?? now) };
        }),
      };
      if (plan.kind !== 'unchanged') await tx.policies.save(policy);
      return { value: { policy, period_no: plan.period_no }, events: [event(EVENT_OF[plan.kind], 'allowed', { period: plan.period_no })] };
    });
    if ('refused' in value) throw value.refused;
    const written = value.policy.periods.find((p) => p.period_no === value.period_no)!;
    const today = shanghaiDay(now);
    return {
      policy_no: policyNo, product: written.product, product_version: product.version, start_date: written.start_date, end_date: written.end_date,
      pre_existing: written.pre_existing, claim_free_years: written.claim_free_years, status: 'enrolled' as const,
      periods: periodViews(value.policy, today),
    };
  }

  /**
   * An insurer's own policy with, per period, what its product paid and the cap left per liability and
   * whether the deductible is met — figures that follow from what the product paid, never a bucket amount.
   * Reading it leaves a leaf (the figures derive from the patient's visits).
   */
  async view(by: Principal, policyNo: string, now = Date.now()) {
    if (!POLICY_NO.test(policyNo)) throw new VouchError('NOT_FOUND');
    const repos = this.read();
    const policy = await repos.policies.get(by.code, policyNo);
    if (!policy) throw new VouchError('NOT_FOUND');
    const today = shanghaiDay(now);
    const uses = await Promise.all(policy.periods.map((p) => repos.policies.accumulatorUse(policy.insurer, policy.policy_no, p.period_no)));
    const periods = policy.periods.map((p, i) => {
      const product = this.payers.get(p.product)?.product;
      const use = uses[i]!;
      const deductibles = product ? product.liabilities.map((l) => deductibleOf(l, product, p.claim_free_years)).filter((d) => d !== undefined) : [];
      return {
        period_no: p.period_no, product: p.product, start_date: p.start_date, end_date: p.end_date, status: periodStatus(p, today),
        pre_existing: p.pre_existing, claim_free_years: p.claim_free_years, terms_frozen: p.used_at !== null, corrections: p.corrections,
        deductible_met: deductibles.every((d) => (use.get(d.key) ?? 0) >= d.amount),
        liabilities: (product?.liabilities ?? []).map((l) => ({ liability: l.code, paid_fen: use.get(`cap:${l.code}`) ?? 0, cap_left_fen: capLeftOf(l, product!, use).left })),
      };
    });
    await this.journal.record(
      makeEvent({
        kind: 'policy.read', time: now, actor: by.code, actor_role: 'insurer', outcome: 'allowed', subject: policy.subject,
        refs: { policy_digest: this.vault.policyRef(by.code, policyNo) },
      }),
    );
    return { policy_no: policy.policy_no, product: policy.periods[policy.periods.length - 1]!.product, periods };
  }
}
