import type pg from 'pg';
import { VouchError, isStoreFailure } from '../../errors.js';
import type { AuditEvent } from '../../domain/audit-events.js';
import { EMPTY_ROOT, consistencyProof, inclusionProof } from '../../domain/merkle.js';
import type { EventFilter, EventRow, LeafCount } from '../../storage/log-store.js';
import { PostgresLogStore, nodeKey } from '../../storage/postgres/log-store.js';
import { enqueueEvents, PostgresLogSequencer, requestHead, type HeadSigner, type LeafRef, type SequencerOptions } from '../../storage/postgres/log-sequencer.js';
import type { KeyStore } from '../../../keys/keystore.js';
import { headFromRow, signTreeHead, type TreeHead } from './appender.js';
import { withStoredSubtrees, type SubtreeHashesCompute } from './proof-source.js';
import { signReceiptWith, type Receipt, type ReceiptBody } from './receipts.js';
import type { LogService } from './access-log.js';

/**
 * The sequencer's head signer: the gateway's current signing keys (every process holds the same,
 * VOUCH_KEYS_DIR) through the one head-signing function the log writer uses, so a rotation takes effect
 * at the next head.
 */
export function headSignerOf(keys: KeyStore): HeadSigner {
  return (size, timestamp, root) => {
    const { row } = signTreeHead(keys.signer, size, timestamp, root);
    return { key_id: row.key_id, signature: row.signature, alg: row.alg, ...(row.cosignatures ? { cosignatures: row.cosignatures } : {}) };
  };
}

export interface PostgresAccessLogOptions {
  /** How long an answer waits for its leaf before it fails closed (ms). */
  waitMs?: number;
  /** How often a wait for a signed head looks for it (ms). */
  headPollMs?: number;
  /** The sequencer's: batch size, polling, the head interval (must be > 0: heads are signed only there). */
  sequencer?: Omit<SequencerOptions, 'signHead'>;
}

/**
 * The access log of one gateway process on PostgreSQL (issue 17): what {@link AccessLog} gives the
 * services, with the log shared by every process on the database. Events go to the outbox — in the
 * transaction of the state change they record (the Journal's), or in one of their own — and this
 * process waits until the sequencer (whichever process holds its lock; this one runs a candidate) has
 * committed their leaves. An answer's receipt is then signed here, by this process, with the index and
 * hash of the leaf it waited for. Heads are signed only by the sequencer, on its interval: one signer
 * keeps head timestamps in size order; asking for a head waits for the next one that covers the log.
 * Proofs and searches read the committed tables, which hold only what the sequencer committed.
 */
export class PostgresAccessLog implements LogService {
  private healthyFlag = true;
  private knownSize = 0;
  private lastHead: TreeHead | undefined;
  private readonly waitMs: number;
  private readonly headPollMs: number;

  private constructor(
    private readonly pool: pg.Pool,
    readonly store: PostgresLogStore,
    private readonly sequencer: PostgresLogSequencer,
    private readonly keys: KeyStore,
    options: PostgresAccessLogOptions,
  ) {
    this.waitMs = options.waitMs ?? 10_000;
    this.headPollMs = options.headPollMs ?? 50;
  }

  /**
   * Opens the log on `pool` (from openPostgres) and starts this process's sequencer candidate, which
   * needs connections of its own (`connect`: the lock is held by one session, LISTEN by another).
   */
  static start(pool: pg.Pool, connect: () => pg.Client, keys: KeyStore, options: PostgresAccessLogOptions = {}): PostgresAccessLog {
    // The sequencer announces sizes to the log built over it (created just below).
    const built: { log?: PostgresAccessLog } = {};
    const sequencerOptions: SequencerOptions = {
      headIntervalMs: 1000, ...options.sequencer, signHead: headSignerOf(keys),
      onSize: (n) => {
        options.sequencer?.onSize?.(n);
        built.log?.sawSize(n);
      },
    };
    const sequencer = new PostgresLogSequencer(pool, connect, sequencerOptions);
    const log = new PostgresAccessLog(pool, new PostgresLogStore(pool), sequencer, keys, options);
    built.log = log;
    sequencer.start();
    return log;
  }

  /** True while this process can hand events to the log and get its leaves (reported by /readyz). */
  get healthy(): boolean {
    return this.healthyFlag;
  }

  /** After a failure, trust the log again; the next append tells. */
  recheck(): void {
    this.healthyFlag = true;
  }

  /** The newest signed tree head this process has read. */
  get latestHead(): TreeHead | undefined {
    return this.lastHead;
  }

  /** True while this process is the sequencer. */
  get isSequencer(): boolean {
    return this.sequencer.isSequencer;
  }

  /** Leaves committed in the log as this process last saw (every committed batch is announced to all). */
  get size(): number {
    return this.knownSize;
  }

  private sawSize(n: number): void {
    if (n > this.knownSize) this.knownSize = n;
  }

  /** Leaves committed in the log (by every process), asked of the database. */
  async currentSize(): Promise<number> {
    const n = await this.store.size();
    this.sawSize(n);
    return n;
  }

  /**
   * Appends an event that accompanies no state change, in a transaction of its own; resolves with its leaf
   * index once the leaf is committed. An event already in the log keeps its leaf.
   */
  async append(event: AuditEvent): Promise<number> {
    const [leaf] = await this.guard(async () => {
      await enqueueEvents(this.pool, [event]);
      return this.leavesOf([event.event_id]);
    });
    return leaf!.leaf_index;
  }

  /** Appends an answer's event and signs its receipt, here, with the leaf it got; resolves once committed. */
  async appendWithReceipt(event: AuditEvent, body: ReceiptBody): Promise<Receipt> {
    const [leaf] = await this.guard(async () => {
      await enqueueEvents(this.pool, [event]);
      return this.leavesOf([event.event_id]);
    });
    return this.sign(body, leaf!);
  }

  /**
   * The leaves of events already committed in the outbox with a state change (the Journal's transaction),
   * once the sequencer has committed them; `bodies[i]`, when given, is signed into the receipt of
   * `events[i]`. A failure here does not undo the change: its events stay queued and get their leaves.
   */
  async committed(events: readonly AuditEvent[], bodies?: readonly (ReceiptBody | undefined)[]): Promise<{ leaf: number; receipt: Receipt | undefined }[]> {
    const leaves = await this.guard(() => this.leavesOf(events.map((e) => e.event_id)));
    return leaves.map((ref, i) => {
      const body = bodies?.[i];
      return { leaf: ref.leaf_index, receipt: body ? this.sign(body, ref) : undefined };
    });
  }

  private async leavesOf(eventIds: string[]): Promise<LeafRef[]> {
    const found = await this.sequencer.waitFor(eventIds, this.waitMs);
    const refs = eventIds.map((id) => found.get(id)!);
    for (const r of refs) this.sawSize(r.leaf_index + 1);
    return refs;
  }

  private sign(body: ReceiptBody, leaf: LeafRef): Receipt {
    return signReceiptWith(this.keys.signer, { ...body, leaf_index: leaf.leaf_index, leaf_hash: leaf.leaf_hash.toString('hex') });
  }

  /** Runs a write or a wait; on failure the log is unhealthy and the caller is told why, as AccessLog tells. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      const r = await work();
      this.healthyFlag = true;
      return r;
    } catch (cause) {
      this.healthyFlag = false;
      throw new VouchError(isStoreFailure(cause) ? 'STORAGE_UNAVAILABLE' : 'LOG_UNAVAILABLE', undefined, { cause });
    }
  }

  /** The newest signed head, read. */
  private async readHead(): Promise<TreeHead | undefined> {
    const row = await this.store.lastHead();
    if (row && (!this.lastHead || row.tree_size > this.lastHead.tree_size)) this.lastHead = headFromRow(row);
    return this.lastHead;
  }

  /**
   * A signed head covering every leaf committed when asked: the sequencer (the one signer, so head
   * timestamps stay in size order) is asked for one now and signs it at its next turn; this waits for it
   * and fails closed (LOG_UNAVAILABLE) if none comes in time.
   */
  publishHead(): Promise<TreeHead> {
    return this.guard(async () => {
      const size = await this.currentSize();
      const known = await this.readHead();
      if (known && known.tree_size >= size) return known;
      const deadline = Date.now() + this.waitMs;
      for (let asked = 0; ; ) {
        // Asked again every half second: a notice sent while the sequencer changed hands is lost.
        if (Date.now() - asked >= 500) {
          await requestHead(this.pool);
          asked = Date.now();
        }
        const head = await this.readHead();
        if (head && head.tree_size >= size) return head;
        if (Date.now() >= deadline) throw new Error('the sequencer signed no head covering the log in time');
        await new Promise((resolve) => setTimeout(resolve, this.headPollMs));
      }
    });
  }

  /** The latest signed head, or the next one when the log has grown since. */
  async treeHead(): Promise<TreeHead> {
    const [head, size] = await Promise.all([this.readHead(), this.currentSize()]);
    if (head && head.tree_size >= size) return head;
    return this.publishHead();
  }

  private async checkSize(treeSize: number): Promise<void> {
    if (!Number.isSafeInteger(treeSize) || treeSize < 1 || treeSize > (await this.currentSize())) {
      throw new VouchError('VALIDATION_FAILED', 'tree_size must be between 1 and the current tree size.');
    }
  }

  /** Computes over the stored subtrees the proof needs, read in one round trip. */
  private withSubtrees<T>(compute: SubtreeHashesCompute<T>): Promise<T> {
    return withStoredSubtrees(compute, async (refs) => {
      const found = await this.store.nodesAt(refs);
      return (level, idx) => found.get(nodeKey(level, idx));
    });
  }

  async inclusionProof(leafIndex: number, treeSize: number): Promise<{ leaf_hash: string; audit_path: string[] }> {
    await this.checkSize(treeSize);
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
      throw new VouchError('VALIDATION_FAILED', 'leaf_index must be below tree_size.');
    }
    const { leaf, path } = await this.withSubtrees((src) => ({ leaf: src.subtree(leafIndex, leafIndex + 1), path: inclusionProof(leafIndex, treeSize, src) }));
    return { leaf_hash: leaf.toString('hex'), audit_path: path.map((h) => h.toString('hex')) };
  }

  async consistencyProof(first: number, second: number): Promise<string[]> {
    if (!Number.isSafeInteger(first) || first < 0 || first > second) {
      throw new VouchError('VALIDATION_FAILED', 'first must be between 0 and second.');
    }
    await this.checkSize(second);
    return (await this.withSubtrees((src) => consistencyProof(first, second, src))).map((h) => h.toString('hex'));
  }

  /** The root of the tree at any committed size (computed from stored subtrees). */
  async rootAt(treeSize: number): Promise<Buffer> {
    if (treeSize === 0) return EMPTY_ROOT;
    await this.checkSize(treeSize);
    return this.withSubtrees((src) => src.subtree(0, treeSize));
  }

  leaves(start: number, end: number): Promise<{ leaf_index: number; leaf: Buffer }[]> {
    return this.store.leaves(start, end);
  }

  /** The search of {@link AccessLog.search}; every leaf stored is committed (the sequencer's transactions). */
  search(f: EventFilter): Promise<EventRow[]> {
    return this.store.search(f, Number.MAX_SAFE_INTEGER);
  }

  countsBetween(from: number, to: number, kinds: readonly string[]): Promise<LeafCount[]> {
    return this.store.countsBetween(from, to, kinds);
  }

  /** Stops this process's sequencer candidate (another process takes over); waits fail closed after. */
  close(): Promise<void> {
    return this.sequencer.stop();
  }
}
