import { promised } from '../async.js';
import type { Repositories, RepositoryShapes } from '../repositories.js';
import type { Db } from './database.js';
import type { ReadSnapshot } from './read-snapshot.js';
import { SqliteConsentRepository } from './consents.js';
import { SqliteOutboxRepository } from './outbox.js';
import { SqlitePartyRepository } from './parties.js';
import { SqlitePolicyRepository } from './policies.js';
import { SqliteRecordRepository } from './records.js';
import { SqliteSettlementRepository } from './settlements.js';
import { SqliteStatisticsRepository } from './statistics.js';
import { Statements } from './statements.js';

/** Every repository over one connection (the writer inside group commit, or a reader with its snapshot). */
export class SqliteRepositories implements RepositoryShapes {
  readonly parties: SqlitePartyRepository;
  readonly consents: SqliteConsentRepository;
  readonly records: SqliteRecordRepository;
  readonly policies: SqlitePolicyRepository;
  readonly settlements: SqliteSettlementRepository;
  readonly statistics: SqliteStatisticsRepository;
  readonly outbox: SqliteOutboxRepository;

  /** `snapshot`: for the reader connection, reads share one transaction per event-loop turn. */
  constructor(db: Db, snapshot?: ReadSnapshot) {
    const st = new Statements(db, snapshot);
    this.parties = new SqlitePartyRepository(st);
    this.consents = new SqliteConsentRepository(st);
    this.records = new SqliteRecordRepository(st);
    this.policies = new SqlitePolicyRepository(st);
    this.settlements = new SqliteSettlementRepository(st);
    this.statistics = new SqliteStatisticsRepository(st);
    this.outbox = new SqliteOutboxRepository(st);
  }
}

/** The repositories as services see them (every method a promise) over the synchronous ones. */
export function promisedRepositories(r: SqliteRepositories): Repositories {
  return {
    parties: promised(r.parties),
    consents: promised(r.consents),
    records: promised(r.records),
    policies: promised(r.policies),
    settlements: promised(r.settlements),
    statistics: promised(r.statistics),
    outbox: promised(r.outbox),
  };
}
