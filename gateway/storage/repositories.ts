import type { ConsentRepository } from './consents.js';
import type { OutboxRepository } from './outbox.js';
import type { PartyRepository } from './parties.js';
import type { PolicyRepository } from './policies.js';
import type { RecordRepository } from './records.js';
import type { SettlementRepository } from './settlements.js';
import type { StatisticsRepository } from './statistics.js';

/**
 * The state store as services see it: one small repository per aggregate, all on the same connection
 * — the reader's snapshot, or the writer inside one group-committed transaction — so a unit of work
 * that touches several aggregates commits them together. Only the implementations (storage/sqlite/,
 * storage/postgres/) see SQL.
 */
export interface Repositories {
  readonly parties: PartyRepository;
  readonly consents: ConsentRepository;
  readonly records: RecordRepository;
  readonly policies: PolicyRepository;
  readonly settlements: SettlementRepository;
  readonly statistics: StatisticsRepository;
  readonly outbox: OutboxRepository;
}
