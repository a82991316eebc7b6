import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Gateway } from '../../context.js';
import { VouchError } from '../../errors.js';
import { normaliseCertno } from '../../domain/certno.js';
import { EVENT_KINDS } from '../../domain/audit-events.js';
import type { EventRow } from '../../services/audit-log.js';
import { principalOf } from '../auth.js';
import {
  AccessLogAnswer, AccessLogQuery, AuditEventsAnswer, AuditEventsQuery, ConsistencyAnswer, ConsistencyQuery,
  InclusionAnswer, InclusionQuery, LeavesAnswer, LeavesQuery, TreeHeadAnswer, withErrors,
} from '../schemas.js';

function instant(v: string | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new VouchError('VALIDATION_FAILED', `Query ${field} must be an ISO 8601 time or epoch milliseconds.`);
  return ms;
}

function limitOf(v: string | undefined): number {
  const n = v === undefined ? 100 : Number(v);
  if (n < 1 || n > 1000) throw new VouchError('VALIDATION_FAILED', 'Query limit must be from 1 to 1000.');
  return n;
}

const view = (r: EventRow) => ({
  leaf_index: r.leaf_index,
  time: new Date(r.time).toISOString(),
  actor: r.actor,
  actor_role: r.actor_role,
  action: r.action,
  purpose: r.purpose,
  subject: r.subject,
  outcome: r.outcome,
  ...(r.reason ? { reason: r.reason } : {}),
});

/** The bureau's search and the transparency-log endpoints (RFC 6962 style), and the patient's access log. */
export default async function auditRoutes(app: FastifyInstance, opts: { gateway: Gateway }): Promise<void> {
  const { audit, vault } = opts.gateway;

  app.get<{ Querystring: Static<typeof AuditEventsQuery> }>(
    '/v1/audit/events',
    { config: { roles: ['bureau'] }, schema: { tags: ['audit'], querystring: AuditEventsQuery, response: withErrors({ 200: AuditEventsAnswer }) } },
    async (req) => {
      const q = req.query;
      let subject: string | undefined;
      if (q.certno !== undefined) {
        const certno = normaliseCertno(q.certno);
        if (!certno) throw new VouchError('INVALID_CERTNO');
        subject = vault.blindIndex(certno);
      }
      if (q.action !== undefined && !(EVENT_KINDS as readonly string[]).includes(q.action)) {
        throw new VouchError('VALIDATION_FAILED', `Query action must be one of ${EVENT_KINDS.join(', ')}.`);
      }
      const limit = limitOf(q.limit);
      const rows = audit.search({
        from: instant(q.from, 'from'), to: instant(q.to, 'to'), actor: q.actor, subject, action: q.action, outcome: q.outcome,
        after: q.cursor === undefined ? undefined : Number(q.cursor), limit,
      });
      return { events: rows.map(view), next_cursor: rows.length === limit ? String(rows[rows.length - 1]!.leaf_index) : null };
    },
  );

  app.get(
    '/v1/audit/tree-head',
    { config: { roles: ['bureau', 'insurer', 'hospital'] }, schema: { tags: ['audit'], response: withErrors({ 200: TreeHeadAnswer }) } },
    async () => audit.treeHead(),
  );

  app.get<{ Querystring: Static<typeof LeavesQuery> }>(
    '/v1/audit/leaves',
    { config: { roles: ['bureau'] }, schema: { tags: ['audit'], querystring: LeavesQuery, response: withErrors({ 200: LeavesAnswer }) } },
    async (req) => {
      const start = Number(req.query.start);
      const end = Number(req.query.end);
      if (end < start || end - start > 1000) throw new VouchError('VALIDATION_FAILED', 'Query end must be after start, at most 1000 leaves apart.');
      return { leaves: audit.leaves(start, end).map((l) => ({ leaf_index: l.leaf_index, leaf: l.leaf.toString('base64') })) };
    },
  );

  app.get<{ Querystring: Static<typeof InclusionQuery> }>(
    '/v1/audit/proof/inclusion',
    { config: { roles: ['bureau', 'insurer', 'hospital'] }, schema: { tags: ['audit'], querystring: InclusionQuery, response: withErrors({ 200: InclusionAnswer }) } },
    async (req) => {
      const leafIndex = Number(req.query.leaf_index);
      const treeSize = Number(req.query.tree_size);
      return { leaf_index: leafIndex, tree_size: treeSize, ...audit.inclusionProof(leafIndex, treeSize) };
    },
  );

  app.get<{ Querystring: Static<typeof ConsistencyQuery> }>(
    '/v1/audit/proof/consistency',
    { config: { roles: ['bureau'] }, schema: { tags: ['audit'], querystring: ConsistencyQuery, response: withErrors({ 200: ConsistencyAnswer }) } },
    async (req) => {
      const first = Number(req.query.first);
      const second = Number(req.query.second);
      return { first, second, proof: audit.consistencyProof(first, second) };
    },
  );

  app.get<{ Querystring: Static<typeof AccessLogQuery> }>(
    '/v1/me/access-log',
    { config: { roles: ['patient'] }, schema: { tags: ['patients'], querystring: AccessLogQuery, response: withErrors({ 200: AccessLogAnswer }) } },
    async (req) => {
      const limit = limitOf(req.query.limit);
      const rows = audit.search({ subject: principalOf(req).subject!, after: req.query.cursor === undefined ? undefined : Number(req.query.cursor), limit });
      return {
        // The patient's own blind index adds nothing for them; the response schema drops it too.
        events: rows.map((r) => ({ ...view(r), subject: undefined })),
        next_cursor: rows.length === limit ? String(rows[rows.length - 1]!.leaf_index) : null,
      };
    },
  );
}
