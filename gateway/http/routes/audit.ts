import type { Static } from 'typebox';
import type { Gateway } from '../../context.js';
import { OPERATIONS } from '../../services/identity/operations.js';
import { principalOf } from '../auth.js';
import { op } from '../openapi.js';
import {
  AccessLogAnswer, AccessLogQuery, AuditEventsAnswer, AuditEventsQuery, ConsistencyAnswer, ConsistencyQuery,
  InclusionAnswer, InclusionQuery, LeavesAnswer, LeavesQuery, TreeHeadAnswer,
} from '../schemas/audit.js';
import { withErrors } from '../schemas/common.js';
import type { RoutePlugin, TypedApp } from '../typed.js';

function listEvents(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/audit/events',
    {
      config: { roles: OPERATIONS.listEvents },
      schema: {
        ...op({
          id: 'listEvents', summary: 'Search the access log', tags: ['audit'], answer: 'Events in leaf order and a cursor for the next page; subject is the blind index, never the ID number.',
          errors: ['INVALID_CERTNO', 'LOG_UNAVAILABLE'],
        }),
        querystring: AuditEventsQuery,
        response: withErrors({ 200: AuditEventsAnswer }),
      },
    },
    async (req) => g.accessLogQueries.events(req.query, principalOf(req)),
  );
}

function treeHead(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/audit/tree-head',
    {
      config: { roles: OPERATIONS.treeHead },
      schema: {
        ...op({ id: 'treeHead', summary: 'The latest signed tree head', tags: ['audit'], answer: 'Tree size, root hash, time and Ed25519 signature (RFC 6962 §3.5 style), signed anew when the log has grown.', errors: ['LOG_UNAVAILABLE'] }),
        response: withErrors({ 200: TreeHeadAnswer }),
      },
    },
    // TreeHead types `alg` optional for heads older than signature suites (still verified); every head
    // the log serves names its algorithm.
    async () => (await g.accessLog.treeHead()) as Static<typeof TreeHeadAnswer>,
  );
}

function leaves(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/audit/leaves',
    {
      config: { roles: OPERATIONS.leaves },
      schema: {
        ...op({ id: 'leaves', summary: 'Leaves of the log', tags: ['audit'], answer: 'The exact bytes hashed for each leaf in [start, end), base64.', errors: [] }),
        querystring: LeavesQuery,
        response: withErrors({ 200: LeavesAnswer }),
      },
    },
    async (req) => g.accessLogQueries.leaves(Number(req.query.start), Number(req.query.end)),
  );
}

function inclusionProof(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/audit/proof/inclusion',
    {
      config: { roles: OPERATIONS.inclusionProof },
      schema: {
        ...op({ id: 'inclusionProof', summary: 'Inclusion proof of a leaf', tags: ['audit'], answer: 'The leaf hash and its audit path in a tree of the given size (RFC 6962 §2.1.1).', errors: [] }),
        querystring: InclusionQuery,
        response: withErrors({ 200: InclusionAnswer }),
      },
    },
    async (req) => g.accessLogQueries.inclusion(Number(req.query.leaf_index), Number(req.query.tree_size)),
  );
}

function consistencyProof(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/audit/proof/consistency',
    {
      config: { roles: OPERATIONS.consistencyProof },
      schema: {
        ...op({ id: 'consistencyProof', summary: 'Consistency proof between two tree sizes', tags: ['audit'], answer: 'The proof that the tree of size second extends the tree of size first (RFC 6962 §2.1.2).', errors: [] }),
        querystring: ConsistencyQuery,
        response: withErrors({ 200: ConsistencyAnswer }),
      },
    },
    async (req) => g.accessLogQueries.consistency(Number(req.query.first), Number(req.query.second)),
  );
}

function myAccess(app: TypedApp, g: Gateway): void {
  app.get(
    '/v1/me/access-log',
    {
      config: { roles: OPERATIONS.myAccess },
      schema: {
        ...op({ id: 'myAccess', summary: 'Every access to my data', tags: ['patients'], answer: 'Who accessed the caller’s data, when, for what purpose, with what outcome.', errors: ['LOG_UNAVAILABLE'] }),
        querystring: AccessLogQuery,
        response: withErrors({ 200: AccessLogAnswer }),
      },
    },
    async (req) => g.accessLogQueries.myAccess(principalOf(req).subject!, req.query),
  );
}

/** The bureau's search and the transparency-log endpoints (RFC 6962 style), and the patient's access log. */
const auditRoutes: RoutePlugin = async (app, { gateway }) => {
  for (const route of [listEvents, treeHead, leaves, inclusionProof, consistencyProof, myAccess]) route(app, gateway);
};
export default auditRoutes;
