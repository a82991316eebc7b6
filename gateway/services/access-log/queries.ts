import { VouchError } from '../../errors.js';
import { EVENT_KINDS, makeEvent, type ActorRole } from '../../domain/audit-events.js';
import { normaliseCertno } from '../../domain/certno.js';
import type { EventRow } from '../../storage/log-store.js';
import type { LogService } from './access-log.js';
import type { Journal } from './journal.js';
import type { Vault } from '../vault.js';

/** Reading the access log, for both transports: filters arrive as text and are checked here. */
export interface EventQuery {
  from?: string | undefined;
  to?: string | undefined;
  actor?: string | undefined;
  certno?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  limit?: string | number | undefined;
  cursor?: string | undefined;
}

/** A stored event row as the API shows it: ISO time, and `reason` only when there is one. */
export type EventView = Omit<EventRow, 'time' | 'reason'> & { time: string; reason?: string };

/** A query time: ISO 8601 or epoch milliseconds; undefined when absent. */
export function instant(v: string | undefined, field: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const ms = /^\d{1,15}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new VouchError('VALIDATION_FAILED', `Query ${field} must be an ISO 8601 time or epoch milliseconds.`);
  return ms;
}

function limitOf(v: string | number | undefined): number {
  const n = v === undefined || v === '' || v === 0 ? 100 : Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new VouchError('VALIDATION_FAILED', 'Query limit must be from 1 to 1000.');
  return n;
}

function cursorOf(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new VouchError('VALIDATION_FAILED', 'Query cursor is malformed.');
  return Number(v);
}

const view = (r: EventRow): EventView => ({
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

/** The log's read side for both transports (the /v1/audit routes): searches, leaves and proofs. */
export class AccessLogQueries {
  constructor(
    private readonly log: LogService,
    private readonly journal: Journal,
    private readonly vault: Vault,
  ) {}

  /**
   * The bureau's search: stable order by leaf index; the cursor is the last index seen. The search itself
   * is a leaf (`audit.searched`, with the searched person's blind index as subject), committed before the
   * answer: the patient sees in their own access log that a bureau looked them up.
   */
  async events(q: EventQuery, who: { code: string; role: ActorRole }): Promise<{ events: EventView[]; next_cursor: string | null }> {
    let subject: string | undefined;
    if (q.certno !== undefined && q.certno !== '') {
      const certno = normaliseCertno(q.certno);
      if (!certno) throw new VouchError('INVALID_CERTNO');
      subject = this.vault.blindIndex(certno);
    }
    const action = q.action || undefined;
    if (action !== undefined && !(EVENT_KINDS as readonly string[]).includes(action)) {
      throw new VouchError('VALIDATION_FAILED', `Query action must be one of ${EVENT_KINDS.join(', ')}.`);
    }
    const outcome = q.outcome || undefined;
    if (outcome !== undefined && outcome !== 'allowed' && outcome !== 'denied') throw new VouchError('VALIDATION_FAILED', 'Query outcome must be allowed or denied.');
    const limit = limitOf(q.limit);
    const rows = await this.log.search({
      from: instant(q.from, 'from'), to: instant(q.to, 'to'), actor: q.actor || undefined, subject, action, outcome,
      after: cursorOf(q.cursor), limit,
    });
    // What was searched: the person (as a blind index) and the party whose accesses were listed.
    const searchedParty = q.actor && /^[A-Za-z0-9_-]{1,64}$/.test(q.actor) ? { refs: { party: q.actor } } : {};
    await this.journal.record(makeEvent({ kind: 'audit.searched', time: Date.now(), actor: who.code, actor_role: who.role, ...(subject ? { subject } : {}), ...searchedParty, outcome: 'allowed' }));
    return { events: rows.map(view), next_cursor: rows.length === limit ? String(rows[rows.length - 1]!.leaf_index) : null };
  }

  /** Every access to one patient's data (by their blind index), without the index itself; the read is a leaf. */
  async myAccess(subject: string, q: { limit?: string | number | undefined; cursor?: string | undefined }) {
    const limit = limitOf(q.limit);
    const rows = await this.log.search({ subject, after: cursorOf(q.cursor), limit });
    await this.journal.record(makeEvent({ kind: 'access_log.read', time: Date.now(), actor: 'patient', actor_role: 'patient', subject, outcome: 'allowed' }));
    return {
      // Her own reads of this log are leaves (the bureau sees them) but not accesses to her data by anyone else.
      events: rows.filter((r) => r.action !== 'access_log.read').map((r) => ({ ...view(r), subject: undefined })),
      next_cursor: rows.length === limit ? String(rows[rows.length - 1]!.leaf_index) : null,
    };
  }

  async leaves(start: number, end: number) {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end - start > 1000) {
      throw new VouchError('VALIDATION_FAILED', 'Query end must be after start, at most 1000 leaves apart.');
    }
    return { leaves: (await this.log.leaves(start, end)).map((l) => ({ leaf_index: l.leaf_index, leaf: l.leaf.toString('base64') })) };
  }

  async inclusion(leafIndex: number, treeSize: number) {
    return { leaf_index: leafIndex, tree_size: treeSize, ...(await this.log.inclusionProof(leafIndex, treeSize)) };
  }

  async consistency(first: number, second: number) {
    return { first, second, proof: await this.log.consistencyProof(first, second) };
  }
}
