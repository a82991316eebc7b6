import type { EventQuery, EventView } from '../../services/access-log/queries.js';
import { unary, type CallContext } from '../call.js';
import type { AuditServiceHandlers } from '../generated/vouch/v1/AuditService.js';
import type { Event } from '../generated/vouch/v1/Event.js';
import type { GetConsistencyProofRequest__Output as GetConsistencyProofRequest } from '../generated/vouch/v1/GetConsistencyProofRequest.js';
import type { GetInclusionProofRequest__Output as GetInclusionProofRequest } from '../generated/vouch/v1/GetInclusionProofRequest.js';
import type { ListEventsRequest__Output as ListEventsRequest } from '../generated/vouch/v1/ListEventsRequest.js';
import type { ListEventsResponse } from '../generated/vouch/v1/ListEventsResponse.js';
import type { ListMyAccessRequest__Output as ListMyAccessRequest } from '../generated/vouch/v1/ListMyAccessRequest.js';

/** ListEventsRequest → the service's filters (text, checked there; '' is no bound); a limit of 0 is the default. */
export const eventQuery = (r: ListEventsRequest): EventQuery => ({
  from: r.from, to: r.to, actor: r.actor, certno: r.certno, action: r.action, outcome: r.outcome, limit: r.limit || undefined, cursor: r.cursor,
});

/** An event as the Event message carries it: what is absent (null, or no subject in ListMyAccess) is ''. */
export function eventMessage(e: Omit<EventView, 'subject'> & { subject?: string | null | undefined }): Event {
  return {
    leaf_index: e.leaf_index, time: e.time, actor: e.actor, actor_role: e.actor_role, action: e.action,
    purpose: e.purpose ?? '', subject: e.subject ?? '', outcome: e.outcome, reason: e.reason ?? '',
  };
}

const eventsMessage = (res: { events: Parameters<typeof eventMessage>[0][]; next_cursor: string | null }): ListEventsResponse => ({
  events: res.events.map(eventMessage), next_cursor: res.next_cursor ?? '',
});

/** AuditService (proto/vouch/v1/audit.proto) over the access log and its queries. */
export function auditHandlers(ctx: CallContext) {
  const { accessLog, accessLogQueries } = ctx.gateway;
  return {
    ListEvents: unary(ctx, 'listEvents', async (p, r: ListEventsRequest) => eventsMessage(await accessLogQueries.events(eventQuery(r), p))),
    GetTreeHead: unary(ctx, 'treeHead', () => accessLog.treeHead()),
    GetInclusionProof: unary(ctx, 'inclusionProof', (_p, r: GetInclusionProofRequest) => accessLogQueries.inclusion(r.leaf_index, r.tree_size)),
    GetConsistencyProof: unary(ctx, 'consistencyProof', (_p, r: GetConsistencyProofRequest) => accessLogQueries.consistency(r.first, r.second)),
    ListMyAccess: unary(ctx, 'myAccess', async (p, r: ListMyAccessRequest) => eventsMessage(await accessLogQueries.myAccess(p.subject!, { limit: r.limit || undefined, cursor: r.cursor }))),
  } satisfies AuditServiceHandlers;
}
