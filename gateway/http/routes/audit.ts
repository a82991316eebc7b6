import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Gateway } from '../../context.js';
import { OPERATIONS } from '../../services/operations.js';
import { principalOf } from '../auth.js';
import {
  AccessLogAnswer, AccessLogQuery, AuditEventsAnswer, AuditEventsQuery, ConsistencyAnswer, ConsistencyQuery,
  InclusionAnswer, InclusionQuery, LeavesAnswer, LeavesQuery, TreeHeadAnswer, withErrors,
} from '../schemas.js';

/** The bureau's search and the transparency-log endpoints (RFC 6962 style), and the patient's access log. */
export default async function auditRoutes(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  const { audit, auditQueries } = opts.gateway;

  app.get<{ Querystring: Static<typeof AuditEventsQuery> }>(
    '/v1/audit/events',
    { config: { roles: OPERATIONS.listEvents }, schema: { tags: ['audit'], querystring: AuditEventsQuery, response: withErrors({ 200: AuditEventsAnswer }) } },
    async (req) => auditQueries.events(req.query),
  );

  app.get(
    '/v1/audit/tree-head',
    { config: { roles: OPERATIONS.treeHead }, schema: { tags: ['audit'], response: withErrors({ 200: TreeHeadAnswer }) } },
    async () => audit.treeHead(),
  );

  app.get<{ Querystring: Static<typeof LeavesQuery> }>(
    '/v1/audit/leaves',
    { config: { roles: OPERATIONS.leaves }, schema: { tags: ['audit'], querystring: LeavesQuery, response: withErrors({ 200: LeavesAnswer }) } },
    async (req) => auditQueries.leaves(Number(req.query.start), Number(req.query.end)),
  );

  app.get<{ Querystring: Static<typeof InclusionQuery> }>(
    '/v1/audit/proof/inclusion',
    { config: { roles: OPERATIONS.inclusionProof }, schema: { tags: ['audit'], querystring: InclusionQuery, response: withErrors({ 200: InclusionAnswer }) } },
    async (req) => auditQueries.inclusion(Number(req.query.leaf_index), Number(req.query.tree_size)),
  );

  app.get<{ Querystring: Static<typeof ConsistencyQuery> }>(
    '/v1/audit/proof/consistency',
    { config: { roles: OPERATIONS.consistencyProof }, schema: { tags: ['audit'], querystring: ConsistencyQuery, response: withErrors({ 200: ConsistencyAnswer }) } },
    async (req) => auditQueries.consistency(Number(req.query.first), Number(req.query.second)),
  );

  app.get<{ Querystring: Static<typeof AccessLogQuery> }>(
    '/v1/me/access-log',
    { config: { roles: OPERATIONS.myAccess }, schema: { tags: ['patients'], querystring: AccessLogQuery, response: withErrors({ 200: AccessLogAnswer }) } },
    async (req) => auditQueries.myAccess(principalOf(req).subject!, req.query),
  );
}
