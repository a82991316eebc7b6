import type { Gateway } from '../../context.js';
import { OPERATIONS } from '../../services/identity/operations.js';
import { productView } from '../../services/answers/products.js';
import { principalOf } from '../auth.js';
import { op } from '../openapi.js';
import {
  ClaimAnswer, ClaimBody, EligibilityAnswer, PolicyAnswer, PolicyBody, PolicyDetailsAnswer, PolicyParams, ProductsAnswer, QuoteAnswer,
  ReversalAnswer, SettleAnswer, SettleBody, SettlementParams, VisitQueryBody,
} from '../schemas/answers.js';
import { withErrors } from '../schemas/common.js';
import type { RoutePlugin, TypedApp } from '../typed.js';

function listProducts(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/products',
    {
      config: { roles: OPERATIONS.listProducts },
      schema: {
        ...op({ id: 'listProducts', summary: 'List the products', tags: ['products'], answer: 'Every product the payer adapters loaded, with each liability’s published terms.', errors: [] }),
        response: withErrors({ 200: ProductsAnswer }),
      },
    },
    async () => ({ products: g.payers.list().map(productView) }),
  );
}

function enrollPolicy(app: TypedApp, g: Gateway): void {
  app.put(
    '/v1/policies/:policy_no',
    {
      config: { roles: OPERATIONS.enrollPolicy },
      schema: {
        ...op({
          id: 'enrollPolicy', summary: 'Enroll a policy', tags: ['policies'], answer: 'The policy as enrolled.',
          description: 'Enrolls (or confirms) the insured person of a policy number under one of the caller’s products for a period.',
          errors: [
            'INVALID_CERTNO', 'UNKNOWN_PRODUCT', 'PRODUCT_NOT_OFFERED', 'POLICY_CONFLICT', 'POLICY_OVERLAP', 'POLICY_TERMS_FROZEN',
            'POLICY_LIMIT_REACHED', 'LOG_UNAVAILABLE',
          ],
        }),
        params: PolicyParams,
        body: PolicyBody,
        response: withErrors({ 200: PolicyAnswer }),
      },
    },
    async (req) => g.policies.enroll(principalOf(req), req.params.policy_no, req.body),
  );
}

function viewPolicy(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/policies/:policy_no',
    {
      config: { roles: OPERATIONS.viewPolicy },
      schema: {
        ...op({
          id: 'viewPolicy', summary: 'Read one of my policies', tags: ['policies'],
          answer: 'Its periods with, per liability, what the product paid and the cap left, and whether the deductible is met — never a bucket amount.',
          errors: ['NOT_FOUND', 'LOG_UNAVAILABLE'],
        }),
        params: PolicyParams,
        response: withErrors({ 200: PolicyDetailsAnswer }),
      },
    },
    async (req) => g.policies.view(principalOf(req), req.params.policy_no),
  );
}

function eligibility(app: TypedApp, g: Gateway): void {
  app.post(
    '/v1/eligibility',
    {
      config: { roles: OPERATIONS.eligibility },
      schema: {
        ...op({
          id: 'eligibility', summary: 'Is this visit eligible under my policy?', tags: ['queries'], answer: 'Eligible or not, the reason codes, and a signed receipt.',
          description: 'Purpose `eligibility`: needs an active consent of the patient to the caller covering the provider.',
          errors: ['INVALID_CERTNO', 'NOT_AVAILABLE', 'QUERY_BUDGET_EXCEEDED', 'LOG_UNAVAILABLE'],
        }),
        body: VisitQueryBody,
        response: withErrors({ 200: EligibilityAnswer }),
      },
    },
    async (req) => g.queries.eligibility(principalOf(req), req.body),
  );
}

function quote(app: TypedApp, g: Gateway): void {
  app.post(
    '/v1/settlements/quote',
    {
      config: { roles: OPERATIONS.quote },
      schema: {
        ...op({
          id: 'quote', summary: 'What does my policy owe for this visit?', tags: ['queries'], answer: 'The amount payable per liability, the deductible applied, and a signed receipt. Commits nothing.',
          description: 'Purpose `settlement`: evaluates one policy alone against the personal burden of the visit.',
          errors: ['INVALID_CERTNO', 'NOT_AVAILABLE', 'QUERY_BUDGET_EXCEEDED', 'LOG_UNAVAILABLE'],
        }),
        body: VisitQueryBody,
        response: withErrors({ 200: QuoteAnswer }),
      },
    },
    async (req) => g.queries.quote(principalOf(req), req.body),
  );
}

function verifyClaim(app: TypedApp, g: Gateway): void {
  app.post(
    '/v1/claims/verify',
    {
      config: { roles: OPERATIONS.verifyClaim },
      schema: {
        ...op({
          id: 'verifyClaim', summary: 'Does this claim match the record?', tags: ['queries'], answer: 'Whether the claimed amounts equal the record’s (equality only), and a signed receipt.',
          description: 'Purpose `claim_verification`. Every attempt counts against a budget per insurer and record.',
          errors: ['INVALID_CERTNO', 'INVALID_AMOUNT', 'NOT_AVAILABLE', 'QUERY_BUDGET_EXCEEDED', 'LOG_UNAVAILABLE'],
        }),
        body: ClaimBody,
        response: withErrors({ 200: ClaimAnswer }),
      },
    },
    async (req) => g.queries.verifyClaim(principalOf(req), req.body),
  );
}

function settle(app: TypedApp, g: Gateway): void {
  app.post(
    '/v1/settlements',
    {
      config: { roles: OPERATIONS.settle },
      schema: {
        ...op({
          id: 'settle', summary: 'Settle the commercial share at the cashier', tags: ['settlements'],
          answer: 'One line per policy that pays, the insurers’ total, the cash left to the patient, and a signed receipt; the same request_id again gives the same answer.',
          description: 'One-stop settlement (一站式结算): every policy of the patient whose insurer holds an active settlement consent for this hospital, in coordination-of-benefits order.',
          errors: ['INVALID_CERTNO', 'NOT_FOUND', 'ALREADY_SETTLED', 'SETTLEMENT_REVERSED', 'IDEMPOTENCY_CONFLICT', 'LOG_UNAVAILABLE'],
        }),
        body: SettleBody,
        response: withErrors({ 201: SettleAnswer }),
      },
    },
    async (req, reply) => reply.code(201).send(await g.settlements.settle(principalOf(req), req.body)),
  );
}

function reverse(app: TypedApp, g: Gateway): void {
  app.post(
    '/v1/settlements/:settlement_id/reversal',
    {
      config: { roles: OPERATIONS.reverse },
      schema: {
        ...op({
          id: 'reverse', summary: 'Reverse a settlement', tags: ['settlements'], answer: 'The settlement, now reversed, and a signed receipt; the policies’ accumulators are restored.',
          errors: ['NOT_FOUND', 'LOG_UNAVAILABLE'],
        }),
        params: SettlementParams,
        response: withErrors({ 200: ReversalAnswer }),
      },
    },
    async (req) => g.settlements.reverse(principalOf(req), req.params.settlement_id),
  );
}

/** Products, policies, insurers' questions and the cashier's one-stop settlement. */
const answerRoutes: RoutePlugin = async (app, { gateway }) => {
  for (const route of [listProducts, enrollPolicy, viewPolicy, eligibility, quote, verifyClaim, settle, reverse]) route(app, gateway);
};
export default answerRoutes;
