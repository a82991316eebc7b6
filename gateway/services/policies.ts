import { VouchError } from '../errors.js';
import { makeEvent, policyDigest } from '../domain/audit-events.js';
import { normaliseCertno } from '../domain/certno.js';
import type { PayerRegistry } from '../../adapters/payers/registry.js';
import type { PolicyRow } from '../storage/repositories.js';
import type { Principal } from './auth.js';
import type { Journal } from './journal.js';
import type { Vault } from './vault.js';

export const POLICY_NO = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface EnrollInput {
  certno: unknown;
  product: string;
  start_date: string;
  end_date: string;
  pre_existing?: boolean | undefined;
  claim_free_years?: number | undefined;
}

function isRealDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Policy enrollment from an insurer's feed, checked by the product's payer adapter. Policies live in the
 * insurer's own namespace (insurer, policy_no): no insurer can see or overwrite another's.
 */
export class PolicyService {
  constructor(
    private readonly journal: Journal,
    private readonly vault: Vault,
    private readonly payers: PayerRegistry,
  ) {}

  async enroll(by: Principal, policyNo: string, input: EnrollInput, now = Date.now()) {
    if (!POLICY_NO.test(policyNo)) throw new VouchError('VALIDATION_FAILED', 'Path parameter policy_no must be 1-64 letters, digits, _ or -.');
    const certno = normaliseCertno(input.certno);
    if (!certno) throw new VouchError('INVALID_CERTNO');
    const registered = this.payers.get(input.product);
    if (!registered) throw new VouchError('UNKNOWN_PRODUCT');
    for (const f of ['start_date', 'end_date'] as const) {
      if (!isRealDate(input[f])) throw new VouchError('VALIDATION_FAILED', `Field ${f} must be a date yyyy-MM-dd.`);
    }
    const claimFree = input.claim_free_years ?? 0;
    if (!Number.isSafeInteger(claimFree) || claimFree < 0 || claimFree > 50) {
      throw new VouchError('VALIDATION_FAILED', 'Field claim_free_years must be a whole number from 0 to 50.');
    }
    const enrollment = {
      policy_no: policyNo, product: input.product, start_date: input.start_date, end_date: input.end_date,
      pre_existing: input.pre_existing ?? false, claim_free_years: claimFree,
    };
    const problem = registered.adapter.checkEnrollment(enrollment, registered.product);
    if (problem) throw new VouchError('VALIDATION_FAILED', `Field ${problem.field}: ${problem.problem}.`);
    const subject = this.vault.blindIndex(certno);
    const row: PolicyRow = { ...enrollment, insurer: by.code, subject, created_at: now, updated_at: now };
    await this.journal.change((tx) => {
      const existing = tx.getPolicy(by.code, policyNo);
      if (existing && existing.subject !== subject) throw new VouchError('POLICY_CONFLICT');
      tx.upsertPolicy(row);
      return {
        value: row,
        events: [
          makeEvent({
            kind: 'policy.enrolled', time: now, actor: by.code, actor_role: 'insurer', outcome: 'allowed', subject,
            refs: { policy_digest: policyDigest(by.code, policyNo), product: registered.product.code, product_version: registered.product.version },
          }),
        ],
      };
    });
    return {
      policy_no: policyNo, product: registered.product.code, product_version: registered.product.version,
      start_date: row.start_date, end_date: row.end_date, pre_existing: row.pre_existing, claim_free_years: row.claim_free_years,
      status: 'enrolled' as const,
    };
  }
}
