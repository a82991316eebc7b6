import type { EnrollInput } from '../../services/answers/policies.js';
import { productView, type LiabilityTerms, type ProductView } from '../../services/answers/products.js';
import { unary, type CallContext } from '../call.js';
import type { EnrollPolicyRequest__Output as EnrollPolicyRequest } from '../generated/vouch/v1/EnrollPolicyRequest.js';
import type { GetPolicyRequest__Output as GetPolicyRequest } from '../generated/vouch/v1/GetPolicyRequest.js';
import type { Liability } from '../generated/vouch/v1/Liability.js';
import type { PolicyDetails } from '../generated/vouch/v1/PolicyDetails.js';
import type { PolicyServiceHandlers } from '../generated/vouch/v1/PolicyService.js';
import type { Product } from '../generated/vouch/v1/Product.js';
import type { PolicyService } from '../../services/answers/policies.js';

/** EnrollPolicyRequest → the service's input (the policy number travels beside it, as in the HTTP path). */
export function enrollInput(r: EnrollPolicyRequest): EnrollInput {
  return {
    certno: r.certno, product: r.product, start_date: r.start_date, end_date: r.end_date, pre_existing: r.pre_existing,
    claim_free_years: r.claim_free_years, correction: r.correction,
  };
}

/** A policy as PolicyDetails carries it: each period's own terms nested under `period`. */
export function policyDetailsMessage(v: Awaited<ReturnType<PolicyService['view']>>): PolicyDetails {
  return {
    policy_no: v.policy_no, product: v.product,
    periods: v.periods.map(({ deductible_met, liabilities, ...period }) => ({ period, deductible_met, liabilities })),
  };
}

/** A liability's published terms as the flat Liability message carries them: the item lists side by side. */
function liabilityMessage({ items, ...terms }: LiabilityTerms): Liability {
  return { ...terms, med_chrgitm_types: items?.med_chrgitm_types ?? [], chrgitm_lv: items?.chrgitm_lv ?? [], med_list_codes: items?.med_list_codes ?? [] };
}

/** The one product view (services/answers/products.ts, also GET /v1/products) as the Product message carries it. */
export function productMessage(v: ProductView): Product {
  return { ...v, liabilities: v.liabilities.map(liabilityMessage) };
}

/** PolicyService (proto/vouch/v1/policy.proto) over the policy service and the payer registry. */
export function policyHandlers(ctx: CallContext) {
  const { policies, payers } = ctx.gateway;
  return {
    EnrollPolicy: unary(ctx, 'enrollPolicy', (p, r: EnrollPolicyRequest) => policies.enroll(p, r.policy_no, enrollInput(r))),
    GetPolicy: unary(ctx, 'viewPolicy', async (p, r: GetPolicyRequest) => policyDetailsMessage(await policies.view(p, r.policy_no))),
    ListProducts: unary(ctx, 'listProducts', () => ({ products: payers.list().map((x) => productMessage(productView(x))) })),
  } satisfies PolicyServiceHandlers;
}
