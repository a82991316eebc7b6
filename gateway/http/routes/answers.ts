import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Gateway } from '../../context.js';
import { OPERATIONS } from '../../services/operations.js';
import { principalOf } from '../auth.js';
import { productView } from '../../services/products.js';
import {
  ClaimAnswer, ClaimBody, EligibilityAnswer, PolicyAnswer, PolicyBody, PolicyDetailsAnswer, PolicyParams, ProductsAnswer, QuoteAnswer,
  ReversalAnswer, SettleAnswer, SettleBody, SettlementParams, VisitQueryBody, withErrors,
} from '../schemas.js';

/** Products, policies, insurers' questions and the cashier's one-stop settlement. */
export default async function answerRoutes(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  const g = opts.gateway;

  app.get(
    '/v1/products',
    { config: { roles: OPERATIONS.listProducts }, schema: { tags: ['products'], response: withErrors({ 200: ProductsAnswer }) } },
    async () => ({ products: g.payers.list().map(productView) }),
  );

  app.put<{ Params: Static<typeof PolicyParams>; Body: Static<typeof PolicyBody> }>(
    '/v1/policies/:policy_no',
    { config: { roles: OPERATIONS.enrollPolicy }, schema: { tags: ['policies'], params: PolicyParams, body: PolicyBody, response: withErrors({ 200: PolicyAnswer }) } },
    async (req) => g.policies.enroll(principalOf(req), req.params.policy_no, req.body),
  );

  app.get<{ Params: Static<typeof PolicyParams> }>(
    '/v1/policies/:policy_no',
    { config: { roles: OPERATIONS.viewPolicy }, schema: { tags: ['policies'], params: PolicyParams, response: withErrors({ 200: PolicyDetailsAnswer }) } },
    async (req) => g.policies.view(principalOf(req), req.params.policy_no),
  );

  app.post<{ Body: Static<typeof VisitQueryBody> }>(
    '/v1/eligibility',
    { config: { roles: OPERATIONS.eligibility }, schema: { tags: ['queries'], body: VisitQueryBody, response: withErrors({ 200: EligibilityAnswer }) } },
    async (req) => g.queries.eligibility(principalOf(req), req.body),
  );

  app.post<{ Body: Static<typeof VisitQueryBody> }>(
    '/v1/settlements/quote',
    { config: { roles: OPERATIONS.quote }, schema: { tags: ['queries'], body: VisitQueryBody, response: withErrors({ 200: QuoteAnswer }) } },
    async (req) => g.queries.quote(principalOf(req), req.body),
  );

  app.post<{ Body: Static<typeof ClaimBody> }>(
    '/v1/claims/verify',
    { config: { roles: OPERATIONS.verifyClaim }, schema: { tags: ['queries'], body: ClaimBody, response: withErrors({ 200: ClaimAnswer }) } },
    async (req) => g.queries.verifyClaim(principalOf(req), req.body),
  );

  app.post<{ Body: Static<typeof SettleBody> }>(
    '/v1/settlements',
    { config: { roles: OPERATIONS.settle }, schema: { tags: ['settlements'], body: SettleBody, response: withErrors({ 201: SettleAnswer }) } },
    async (req, reply) => reply.code(201).send(await g.settlements.settle(principalOf(req), req.body)),
  );

  app.post<{ Params: Static<typeof SettlementParams> }>(
    '/v1/settlements/:settlement_id/reversal',
    { config: { roles: OPERATIONS.reverse }, schema: { tags: ['settlements'], params: SettlementParams, response: withErrors({ 200: ReversalAnswer }) } },
    async (req) => g.settlements.reverse(principalOf(req), req.params.settlement_id),
  );
}
