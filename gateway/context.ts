import type pino from 'pino';
import type { Config } from './config.js';
import { loadPayerRegistry, type PayerRegistry } from '../adapters/payers/registry.js';
import { KeyStore } from '../keys/keystore.js';
import { hasRoom, openStore, type SqliteStore, type Storage } from './storage/storage.js';
import { lockDataDir, type DataDirLock } from './storage/data-dir-lock.js';
import { keepHead, keptHeadFile } from './storage/integrity.js';
import { AccessLog, type LogService, type TreeHead } from './services/access-log/access-log.js';
import { PostgresAccessLog } from './services/access-log/postgres-access-log.js';
import { WorkerLogWriter } from './services/access-log/writer.js';
import { AccessLogQueries } from './services/access-log/queries.js';
import { Journal } from './services/access-log/journal.js';
import { AuthService, TokenIssuer, tokenVerifier } from './services/identity/auth.js';
import { PartyService } from './services/identity/parties.js';
import { ConsentService } from './services/consents/consents.js';
import { RecordService } from './services/records/records.js';
import { EnvelopeService } from './services/records/envelopes.js';
import { PolicyService } from './services/answers/policies.js';
import { QueryService } from './services/answers/queries.js';
import { SettlementService } from './services/answers/settlements.js';
import { SupervisionService } from './services/supervision/supervision.js';
import { StatisticsLab } from './services/statistics/lab.js';
import { Vault } from './services/vault.js';
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
  accessLog: LogService;
  accessLogQueries: AccessLogQueries;
  journal: Journal;
  payers: PayerRegistry;
  /** Bearer-token authentication, the same for both transports. */
  auth: AuthService;
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

export async function openGateway(config: Config, logger: pino.Logger, options: OpenOptions = {}): Promise<Gateway> {
  const writesLog = options.writesLog ?? true;
  // With SQLite the process that writes the log holds the data directory for its life: a second one
  // refuses to start. On PostgreSQL every process writes the shared log (its sequencer is elected).
  const lock = writesLog && config.storage === 'sqlite' ? lockDataDir(config.dataDir) : undefined;
  try {
    return await assemble(config, logger, writesLog, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

/** What every service is built on: keys, payers, metrics, the store and the access log. */
interface Foundation {
  config: Config;
  keys: KeyStore;
  payers: PayerRegistry;
  metrics: Metrics;
  storage: Storage;
  accessLog: LogService;
  journal: Journal;
  vault: Vault;
}

async function assemble(config: Config, logger: pino.Logger, writesLog: boolean, lock: DataDirLock | undefined): Promise<Gateway> {
  const base = await openFoundation(config, logger, writesLog);
  const services = buildServices(base);
  let closed = false;
  const ready = readiness(base, () => closed);
  base.metrics.watch({
    treeSize: () => base.accessLog.size, latestHead: () => base.accessLog.latestHead,
    outboxDepth: () => (closed ? 0 : base.storage.read.outbox.depth()), ready,
  });
  return {
    ...base,
    ...services,
    ready,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await base.accessLog.close();
        await base.storage.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Opens the store (checked at start by the process that writes the log), the access log and its journal. */
async function openFoundation(config: Config, logger: pino.Logger, writesLog: boolean): Promise<Foundation> {
  const payers = loadPayerRegistry(config.productsDir);
  const metrics = new Metrics();
  const storage = await openStore(config, {
    groupCommitMaxDelayMs: config.audit.groupCommitMaxDelayMs, observer: metrics.commitObserver('state'), databaseTimeoutMs: config.databaseTimeoutMs,
  });
  const headFile = keptHeadFile(config.dataDir);
  let keys: KeyStore;
  try {
    // Keys are made only beside an empty store: over existing data, missing keys stop the start.
    keys = KeyStore.open(config.dataDir, { keysDir: config.keysDir, idpPublicKeyFile: config.auth.idp.publicKeyFile, existingData: await storage.holdsData(), suite: config.crypto });
    await storage.bindKeys(keys.fingerprint);
    if (writesLog) await storage.checkIntegrity(headFile);
  } catch (err) {
    await storage.close();
    throw err;
  }
  const accessLog = storage.kind === 'postgres'
    ? PostgresAccessLog.start(storage.pool, storage.connect, keys, {
      sequencer: {
        headIntervalMs: config.audit.treeHeadIntervalMs,
        onRole: (role) => logger.info({ role }, role === 'sequencer' ? 'this process sequences the access log' : 'this process no longer sequences the access log'),
        onError: throttled((err, more) => logger.warn({ err, more }, 'access-log sequencer: background failure, retrying'), 10_000),
        observer: metrics.commitObserver('log'),
      },
    })
    : openAccessLog(config, keys, storage, metrics, writesLog ? headFile : undefined);
  const journal = new Journal(storage, accessLog, (err) => {
    metrics.backgroundStorageError();
    logger.error({ err }, 'background storage write failed');
  }, writesLog);
  return { config, keys, payers, metrics, storage, accessLog, journal, vault: new Vault(keys) };
}

/**
 * The access log over the store. The server (`headFile` given: it writes the log) writes on its own
 * thread and keeps each new head outside the log; tools that write at all write inline.
 */
function openAccessLog(config: Config, keys: KeyStore, storage: SqliteStore, metrics: Metrics, headFile: string | undefined): AccessLog {
  const writer = headFile ? new WorkerLogWriter(config) : undefined;
  // Started now so the first answer does not wait for it; a failure here is retried by the first write.
  writer?.start().catch(() => undefined);
  return new AccessLog(storage.log, keys, {
    // With a writer thread, each turn's leaves go at once: the thread groups whatever arrives while it
    // commits. The delay is for writers on this thread, where every COMMIT blocks the event loop.
    maxDelayMs: writer ? 0 : config.audit.groupCommitMaxDelayMs,
    headIntervalMs: headFile ? config.audit.treeHeadIntervalMs : 0,
    ...(writer ? { writer } : {}),
    observer: metrics.commitObserver('log'),
    // The newest head is kept outside audit.db too: a log shorter than it is refused at the next start.
    ...(headFile ? { onHead: (head: TreeHead) => keepHead(headFile, head) } : {}),
  });
}

type Services = Omit<Gateway, keyof Foundation | 'ready' | 'close'>;

/** The capabilities, each over the foundation (services/ holds one folder per capability). */
function buildServices(b: Foundation): Services {
  const { config, keys, payers, storage, journal, vault } = b;
  const read = () => storage.read;
  const statistics = new StatisticsLab(journal, storage, vault, payers, { onRelease: (rho) => b.metrics.statsReleased(rho) });
  const records = new RecordService(journal, vault, statistics);
  const settlements = new SettlementService(journal, vault, records, payers);
  return {
    accessLogQueries: new AccessLogQueries(b.accessLog, journal, vault),
    auth: new AuthService(
      config, read, vault,
      tokenVerifier(keys.token.publicPem, config.auth.issuer, config.auth.audience),
      tokenVerifier(keys.idp.publicPem, config.auth.idp.issuer, config.auth.audience),
    ),
    tokens: new TokenIssuer(config, keys),
    parties: new PartyService(journal, keys, read, vault),
    consents: new ConsentService(journal, vault, read),
    records,
    envelopes: new EnvelopeService(vault, read, config.envelopeSkewMs),
    policies: new PolicyService(journal, vault, payers, read),
    queries: new QueryService(journal, storage, vault, records, payers, config.limits.claimAttemptsPerRecord),
    settlements,
    supervision: new SupervisionService(read, b.accessLog, (row) => settlements.answerOf(row)),
    statistics,
  };
}

/**
 * Not ready while the log or the state store cannot be written; once the data directory has room again
 * both are trusted again (no write may come to show it otherwise: a load balancer stops sending them).
 * A database server can also go away while nothing is asked of it — an idle process behind a load
 * balancer that only probes /readyz — so each probe of a healthy PostgreSQL store looks again in the
 * background, and the next probe tells.
 */
function readiness(b: Foundation, closed: () => boolean): () => boolean {
  return () => {
    if (closed()) return false;
    if (b.accessLog.healthy && b.storage.healthy) {
      if (b.storage.kind === 'postgres') b.storage.recheck();
      return true;
    }
    if (!hasRoom(b.config.dataDir)) return false;
    const stored = b.storage.recheck();
    b.accessLog.recheck();
    return stored;
  };
}

/**
 * Calls `report` at most once per `everyMs` (an outage fails the sequencer's loops ten times a second),
 * telling how many failures it did not report in between.
 */
function throttled(report: (err: unknown, more: number) => void, everyMs: number): (err: unknown) => void {
  let last = 0;
  let quiet = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < everyMs) {
      quiet++;
      return;
    }
    report(err, quiet);
    last = now;
    quiet = 0;
  };
}
