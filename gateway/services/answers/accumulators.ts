import type { Product } from '../../domain/product.js';
import { termsOf, type HeldPolicy, type PolicyOnFile } from '../../domain/settlement.js';
import type { Repositories } from '../../storage/repositories.js';

/**
 * Builds the {@link HeldPolicy} the settlement domain evaluates: one period of a policy with its
 * accumulator use. `excludeSettlement`: a visit already settled is evaluated as of before its own
 * settlement, so its own deductible and cap use are not counted against it a second time.
 */
export function heldPolicy(
  repos: Repositories,
  policy: PolicyOnFile,
  periodNo: number,
  product: Product,
  excludeSettlement?: string,
): HeldPolicy {
  const use = repos.accumulatorUse(policy.insurer, policy.policy_no, periodNo);
  if (excludeSettlement) {
    for (const d of repos.settlementDeltas(excludeSettlement)) {
      if (d.insurer === policy.insurer && d.policy_no === policy.policy_no && d.period_no === periodNo) {
        use.set(d.acc_key, (use.get(d.acc_key) ?? 0) - d.delta_fen);
      }
    }
  }
  return { insurer: policy.insurer, policy_no: policy.policy_no, product, terms: termsOf(policy, periodNo), use };
}
