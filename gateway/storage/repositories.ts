import type { ConsentRepository } from './consents.js';
import type { OutboxRepository } from './outbox.js';
import type { PartyRepository } from './parties.js';
import type { PolicyRepository } from './policies.js';
import type { RecordRepository } from './records.js';
import type { SettlementRepository } from './settlements.js';
import type { StatisticsRepository } from './statistics.js';
import type { Async } from './async.js';

/**
 * The state store as services see it: one small repository per aggregate, all on the same connection
 * — the reader's snapshot, or the writer inside one group-committed transaction — so a unit of work
 * that touches several aggregates commits them together. Only the implementations (storage/sqlite/,
 * storage/postgres/) see SQL. These are the repositories' shapes, written as the embedded store answers
 * them (synchronously); services see {@link Repositories}, where every method returns a promise, so a
 * store across the network (PostgreSQL) serves the same services.
 */
export interface RepositoryShapes {
  readonly parties: PartyRepository;
  readonly consents: ConsentRepository;
  readonly records: RecordRepository;
  readonly policies: PolicyRepository;
  readonly settlements: SettlementRepository;
  readonly statistics: StatisticsRepository;
  readonly outbox: OutboxRepository;
}

/** The repositories as services see them: every method asynchronous (issue 17, decision 1). */
export type Repositories = { readonly [K in keyof RepositoryShapes]: Async<RepositoryShapes[K]> };
