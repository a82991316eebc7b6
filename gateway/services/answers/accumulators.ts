import type { Product } from '../../domain/product.js';
import { termsOf, type PolicyOnFile } from '../../domain/participation.js';
import type { HeldPolicy } from '../../domain/settlement.js';
import type { AccumulatorDeltaRow } from '../../storage/policies.js';

/**
 * Builds the {@link HeldPolicy} the settlement domain evaluates: one period of a policy with its
 * accumulator use, both read beforehand. `ownSettlement`: the accumulator changes of the visit's own
 * settlement, when it is already settled — it is evaluated as of before it, so its own deductible and cap
 * use are not counted against it a second time.
 */
export function heldPolicy(
  policy: PolicyOnFile,
  periodNo: number,
  product: Product,
  use: Map<string, number>,
  ownSettlement: readonly AccumulatorDeltaRow[] = [],
): HeldPolicy {
  for (const d of ownSettlement) {
    if (d.insurer === policy.insurer && d.policy_no === policy.policy_no && d.period_no === periodNo) {
      use.set(d.acc_key, (use.get(d.acc_key) ?? 0) - d.delta_fen);
    }
  }
  return { insurer: policy.insurer, policy_no: policy.policy_no, product, terms: termsOf(policy, periodNo), use };
}
