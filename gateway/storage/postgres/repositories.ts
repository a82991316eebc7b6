import type { Repositories } from '../repositories.js';
import { PostgresConsentRepository } from './consents.js';
import { PostgresOutboxRepository } from './outbox.js';
import { PostgresPartyRepository } from './parties.js';
import { PostgresPolicyRepository } from './policies.js';
import { PostgresRecordRepository } from './records.js';
import { PostgresSettlementRepository } from './settlements.js';
import { PostgresStatisticsRepository } from './statistics.js';
import type { Sql } from './sql.js';

/** Every repository over one queryable: the pool (reads) or one write transaction's client. */
export class PostgresRepositories implements Repositories {
  readonly parties: PostgresPartyRepository;
  readonly consents: PostgresConsentRepository;
  readonly records: PostgresRecordRepository;
  readonly policies: PostgresPolicyRepository;
  readonly settlements: PostgresSettlementRepository;
  readonly statistics: PostgresStatisticsRepository;
  readonly outbox: PostgresOutboxRepository;

  constructor(sql: Sql) {
    this.parties = new PostgresPartyRepository(sql);
    this.consents = new PostgresConsentRepository(sql);
    this.records = new PostgresRecordRepository(sql);
    this.policies = new PostgresPolicyRepository(sql);
    this.settlements = new PostgresSettlementRepository(sql);
    this.statistics = new PostgresStatisticsRepository(sql);
    this.outbox = new PostgresOutboxRepository(sql);
  }
}
