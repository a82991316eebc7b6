import fs from 'node:fs';
import path from 'node:path';
import type pino from 'pino';
import type { Config } from './config.js';
import { loadPayerRegistry, type PayerRegistry } from '../adapters/payers/registry.js';
import { KeyStore } from '../keys/keystore.js';
import { hasRoom, openStorage, type Storage } from './storage/storage.js';
import { lockDataDir, type DataDirLock } from './storage/data-dir-lock.js';
import { checkDataDir, keepHead, keptHeadFile } from './storage/integrity.js';
import { AuditLog, type TreeHead } from './services/access-log/access-log.js';
import { WorkerLogWriter } from './services/access-log/writer.js';
import { AuditQueries } from './services/access-log/queries.js';
import { TokenIssuer } from './services/identity/auth.js';
import { ConsentService } from './services/consents/consents.js';
import { Journal } from './services/access-log/journal.js';
import { PartyService } from './services/identity/parties.js';
import { PolicyService } from './services/answers/policies.js';
import { QueryService } from './services/answers/queries.js';
import { RecordService } from './services/records/records.js';
import { SettlementService } from './services/answers/settlements.js';
import { SupervisionService } from './services/supervision/supervision.js';
import { StatisticsLab } from './services/statistics/lab.js';
import { LogStats } from './storage/sqlite/log-stats.js';
import { Vault } from './services/vault.js';
import { EnvelopeService } from './services/records/envelopes.js';
import { Metrics } from './observability/metrics.js';

/**
 * The gateway's services, built once from configuration. Both transports (Fastify routes, gRPC
 * handlers) and the CLI call these; none of them knows about HTTP or gRPC.
 */
export interface Gateway {
  config: Config;
  keys: KeyStore;
  storage: Storage;
  vault: Vault;
  audit: AuditLog;
  auditQueries: AuditQueries;
  journal: Journal;
  payers: PayerRegistry;
  tokens: TokenIssuer;
  parties: PartyService;
  consents: ConsentService;
  records: RecordService;
  /** The national platform's SM4/SM2 envelope at POST /v1/records (CONTRACT.md "国密"). */
  envelopes: EnvelopeService;
  policies: PolicyService;
  queries: QueryService;
  settlements: SettlementService;
  /** Prometheus metrics (GET /metrics); every part of the gateway reports into the same set. */
  metrics: Metrics;
  supervision: SupervisionService;
  /** The pricing statistics lab (differential privacy; docs/statistics.md). */
  statistics: StatisticsLab;
  /** Storage open, keys loaded, the log writable. */
  ready(): boolean;
  /** Finishes what the log holds, then closes storage. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** false for the CLI while a server may run: admin events go to the outbox, the server logs them. */
  writesLog?: boolean;
}

/** True when a database file under `dataDir` already holds something (keys must then exist, never be made). */
function holdsData(dataDir: string): boolean {
  return ['vouch.db', 'audit.db'].some((f) => {
    try {
      return fs.statSync(path.join(dataDir, f)).size > 0;
    } catch {
      return false;
    }
  });
}

export function openGateway(config: Config, logger: pino.Logger, options: OpenOptions = {}): Gateway {
  const writesLog = options.writesLog ?? true;
  // The process that writes the log holds the data directory for its life: a second one refuses to start.
  const lock = writesLog ? lockDataDir(config.dataDir) : undefined;
  try {
    return assemble(config, logger, writesLog, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

function assemble(config: Config, logger: pino.Logger, writesLog: boolean, lock: DataDirLock | undefined): Gateway {
  const payers = loadPayerRegistry(config.productsDir);
  const keys = KeyStore.open(config.dataDir, { keysDir: config.keysDir, idpPublicKeyFile: config.auth.idp.publicKeyFile, existingData: holdsData(config.dataDir), suite: config.crypto });
  const metrics = new Metrics();
  const storage = openStorage(config.dataDir, { groupCommitMaxDelayMs: config.audit.groupCommitMaxDelayMs, observer: metrics.commitObserver('state') });
  const headFile = keptHeadFile(config.dataDir);
  if (writesLog) {
    try {
      checkDataDir(storage.mainDb, storage.auditDb, headFile);
    } catch (err) {
      storage.close();
      throw err;
    }
  }
  // The server writes the log on its own thread; tools that write at all write inline.
  const writer = writesLog ? new WorkerLogWriter(path.join(config.dataDir, 'audit.db')) : undefined;
  // Started now so the first answer does not wait for it; a failure here is retried by the first write.
  writer?.start().catch(() => undefined);
  const audit = new AuditLog(storage.auditDb, keys, {
    // With a writer thread, each turn's leaves go at once: the thread groups whatever arrives while it
    // commits. The delay is for writers on this thread, where every COMMIT blocks the event loop.
    maxDelayMs: writer ? 0 : config.audit.groupCommitMaxDelayMs,
    headIntervalMs: writesLog ? config.audit.treeHeadIntervalMs : 0,
    ...(writer ? { writer } : {}),
    observer: metrics.commitObserver('log'),
    // The newest head is kept outside audit.db too: a log shorter than it is refused at the next start.
    ...(writesLog ? { onHead: (head: TreeHead) => keepHead(headFile, head) } : {}),
  });
  const journal = new Journal(storage, audit, (err) => {
    metrics.backgroundStorageError();
    logger.error({ err }, 'background storage write failed');
  }, writesLog);
  const vault = new Vault(keys);
  const read = () => storage.read;
  const statistics = new StatisticsLab(journal, storage, vault, payers, { onRelease: (rho) => metrics.statsReleased(rho) });
  const records = new RecordService(journal, vault, statistics);
  const settlements = new SettlementService(journal, vault, records, payers, keys);
  let closed = false;
  // Not ready while the log or the state store cannot be written; once the data directory has room again
  // both are trusted again (no write may come to show it otherwise: a load balancer stops sending them).
  const ready = () => {
    if (closed) return false;
    if (audit.healthy && storage.healthy) return true;
    if (!hasRoom(config.dataDir)) return false;
    storage.recheck();
    audit.recheck();
    return true;
  };
  metrics.watch({ treeSize: () => audit.size, latestHead: () => audit.latestHead, outboxDepth: () => (closed ? 0 : storage.read.outboxDepth()), ready });
  return {
    config,
    keys,
    storage,
    vault,
    audit,
    auditQueries: new AuditQueries(audit, vault),
    journal,
    payers,
    tokens: new TokenIssuer(config, keys),
    parties: new PartyService(journal, keys, read, vault),
    consents: new ConsentService(journal, vault, read),
    records,
    envelopes: new EnvelopeService(vault, read, config.envelopeSkewMs),
    policies: new PolicyService(journal, vault, payers, read),
    queries: new QueryService(journal, storage, vault, records, payers, config.limits.claimAttemptsPerRecord),
    settlements,
    supervision: new SupervisionService(read, new LogStats(storage.auditDb), (row) => settlements.answerOf(row)),
    statistics,
    metrics,
    ready,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await audit.close();
        storage.close();
      } finally {
        lock?.release();
      }
    },
  };
}
