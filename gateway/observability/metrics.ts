import client, { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { CommitObserver } from '../storage/storage.js';
import { FastCounter, FastHistogram, type CollectedMetric } from './series.js';

/**
 * The gateway's Prometheus metrics (docs/metrics.md lists each with the alert to set on it).
 *
 * Privacy: every label value comes from a closed set the code defines — a route pattern
 * (`/v1/policies/:policy_no`, never the URL), an HTTP status, a catalogue error code, an operation or
 * RPC name, a store name. Nothing derived from a request's values (ID numbers, amounts, visit or policy
 * ids, party codes) is ever a label, and no metric separates what an insurer must not learn: "no
 * consent" and "no such visit" are both NOT_AVAILABLE here as in the answer.
 *
 * Cost: the request path does a counter increment and a histogram observation through nested maps of
 * label values (series.ts: no hashing, no allocation); everything that needs a read — tree size, head
 * age, outbox depth — is computed when Prometheus scrapes, not per request.
 */

/** The exposition format Prometheus scrapes (text format 0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What the scrape-time gauges read from the running gateway. */
export interface GatewayGauges {
  treeSize(): number;
  /** The newest signed tree head: its tree size and signing time (ms since the epoch). */
  latestHead(): { tree_size: number; timestamp: number } | undefined;
  /** Read at scrape time; a store across the network answers later (prom-client awaits the gauge). */
  outboxDepth(): number | Promise<number>;
  ready(): boolean;
}

/** The two stores that group-commit: the state database and the access log. */
export type Store = 'state' | 'log';
export type Transport = 'http' | 'grpc';

/** Seconds, for request and RPC latencies: 0.5 ms to 10 s. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds, for a COMMIT and its fsync. */
const COMMIT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Units per batch: powers of two up to the largest batch either store takes (8192 leaves). */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];

let processRegistry: Registry | undefined;

/**
 * Node's process metrics (CPU, memory, event-loop lag, GC, handles) under their standard names, so
 * existing Node.js dashboards work. Process-wide by nature: collected once per process, however many
 * gateways a process opens (tests open many).
 */
export function startProcessMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    client.collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export class Metrics {
  /** This gateway's own metrics; {@link text} adds the process's. */
  readonly registry = new Registry();

  // Per request: the lean series of series.ts. Per batch or per scrape: prom-client's own.
  private readonly httpRequests = this.fast(new FastCounter('vouch_http_requests_total', 'HTTP requests answered, by route pattern, status and method.', ['route', 'status', 'method']));

  private readonly httpDuration = this.fast(
    new FastHistogram('vouch_http_request_duration_seconds', 'Time from receiving an HTTP request to sending its answer, by route pattern and method.', ['route', 'method'], LATENCY_BUCKETS),
  );

  private readonly answers = this.fast(
    new FastCounter(
      'vouch_answers_total',
      'Operations answered over either transport, by operation, transport, outcome (answered, refused, failed) and catalogue code (OK when answered).',
      ['operation', 'transport', 'outcome', 'code'],
    ),
  );

  private readonly grpcCalls = this.fast(new FastCounter('vouch_grpc_calls_total', 'Unary gRPC calls finished, by full method name and gRPC status.', ['method', 'code']));

  private readonly grpcDuration = this.fast(
    new FastHistogram('vouch_grpc_call_duration_seconds', 'Time from receiving a gRPC call to answering it, by full method name.', ['method'], LATENCY_BUCKETS),
  );

  private readonly batchSize = new Histogram({
    name: 'vouch_commit_batch_size',
    help: 'Units per group commit: state changes per state-database transaction, leaves and heads per access-log transaction.',
    labelNames: ['store'] as const,
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });

  private readonly commitSeconds = new Histogram({
    name: 'vouch_commit_duration_seconds',
    help: 'Time one group commit took (the access log: the whole transaction on its writer thread; the state database: COMMIT and its fsync).',
    labelNames: ['store'] as const,
    buckets: COMMIT_BUCKETS,
    registers: [this.registry],
  });

  private readonly storageErrors = new Counter({
    name: 'vouch_storage_errors_total',
    help: 'Writes that failed (the callers got 503), by store: state, log, or background (outbox clean-up).',
    labelNames: ['store'] as const,
    registers: [this.registry],
  });

  private readonly statsRho = new Counter({
    name: 'vouch_stats_rho_spent_micro_total',
    help: 'Privacy budget spent by statistics releases, in micro-rho (zCDP), over all parties (per party: the access log).',
    registers: [this.registry],
  });

  constructor() {
    // Every series of the closed label sets that an alert reads exists from the start, at 0, so
    // increase() and absent() behave before the first error.
    for (const store of ['state', 'log', 'background'] as const) this.storageErrors.inc({ store }, 0);
  }

  /** Observers for the two group committers (storage/sqlite/group-commit.ts, the log writer thread). */
  commitObserver(store: Store): CommitObserver {
    const labels = { store };
    return {
      committed: (units, seconds) => {
        this.batchSize.observe(labels, units);
        this.commitSeconds.observe(labels, seconds);
      },
      failed: () => this.storageErrors.inc(labels),
    };
  }

  /** A statistics release charged `rhoMicro` (docs/statistics.md). */
  statsReleased(rhoMicro: number): void {
    this.statsRho.inc(rhoMicro);
  }

  /** A background write failed (nobody waits for it: the outbox clean-up). */
  backgroundStorageError(): void {
    this.storageErrors.inc({ store: 'background' });
  }

  /** Registers the gauges read at scrape time: the log's size and head, the outbox, readiness. */
  watch(g: GatewayGauges): void {
    const registers = [this.registry];
    new Gauge({ name: 'vouch_log_tree_size', help: 'Leaves durably in the access log.', registers, collect() {
      this.set(g.treeSize());
    } });
    new Gauge({ name: 'vouch_log_tree_head_size', help: 'Tree size the newest signed tree head covers.', registers, collect() {
      this.set(g.latestHead()?.tree_size ?? 0);
    } });
    new Gauge({
      name: 'vouch_log_tree_head_age_seconds',
      help: 'Seconds since the newest signed tree head was signed (heads are signed only when the log grew; read with vouch_log_tree_head_size).',
      registers,
      collect() {
        const head = g.latestHead();
        this.set(head ? Math.max(0, (Date.now() - head.timestamp) / 1000) : 0);
      },
    });
    new Gauge({ name: 'vouch_outbox_depth', help: 'Events committed with their state change but not yet in the access log.', registers, async collect() {
      // A store that cannot answer now leaves the last value (readiness and the storage-error counter say why).
      this.set(await Promise.resolve(g.outboxDepth()).catch(() => 0));
    } });
    new Gauge({ name: 'vouch_ready', help: '1 while storage and keys are ready and the log is writable (what /readyz says), else 0.', registers, collect() {
      this.set(g.ready() ? 1 : 0);
    } });
  }

  private fast<M extends CollectedMetric>(metric: M): M {
    this.registry.registerMetric(metric as unknown as Metric);
    return metric;
  }

  /** One HTTP answer. `route` is the route pattern, or `(unmatched)`. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc(route, String(status), method);
    this.httpDuration.observe(seconds, route, method);
  }

  /** One operation's outcome: `code` is OK or the catalogue code it answered with. */
  answer(operation: string, transport: Transport, status: number, code: string): void {
    const outcome = status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'answered';
    this.answers.inc(operation, transport, outcome, code);
  }

  /** One unary RPC. `method` is the full name (`vouch.v1.QueryService/QuoteSettlement`). */
  grpcCall(method: string, code: string, seconds: number): void {
    this.grpcCalls.inc(method, code);
    this.grpcDuration.observe(seconds, method);
  }

  /** The exposition text: this gateway's metrics, then the process's. */
  async text(): Promise<string> {
    return (await this.registry.metrics()) + (await startProcessMetrics().metrics());
  }
}
