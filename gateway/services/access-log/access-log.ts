import { verifyWithCosignatures, type KeyLookup, type VerifyKey } from '../../crypto/signatures.js';
import { VouchError, isStoreFailure } from '../../errors.js';
import type { AuditEvent } from '../../domain/audit-events.js';
import { EMPTY_ROOT, consistencyProof, inclusionProof, nodeHash, splitPoint, type SubtreeHashes } from '../../domain/merkle.js';
import type { EventFilter, EventRow, LeafCount, LogStore } from '../../storage/log-store.js';
import type { CommitObserver } from '../../storage/storage.js';
import type { KeyStore } from '../../../keys/keystore.js';
import { lastHeadOf, nodeAt, treeHeadSignedBytes, type LeafResult, type SignerKey, type TreeHead, type WriteItem } from './appender.js';
import type { Receipt, ReceiptBody } from './receipts.js';
import { InlineLogWriter, type LogWriter } from './writer.js';

export { treeHeadSignedBytes, type TreeHead } from './appender.js';

/**
 * Checks a tree head's signature (Ed25519 or SM2 by its `alg`, Ed25519 when absent as before suites) and
 * every cosignature, with keys looked up by id (or one key for every id). Never throws.
 */
export function verifyTreeHead(head: TreeHead, keys: KeyLookup | VerifyKey): boolean {
  const lookup: KeyLookup = typeof keys === 'function' ? keys : () => keys;
  try {
    const root = Buffer.from(head.root_hash, 'hex');
    if (root.length !== 32 || !/^[0-9a-f]{64}$/.test(head.root_hash)) return false;
    const bytes = treeHeadSignedBytes(head.tree_size, head.timestamp, root);
    return verifyWithCosignatures({ alg: head.alg ?? 'Ed25519', key_id: head.key_id, signature: head.signature }, head.cosignatures, bytes, lookup);
  } catch {
    return false;
  }
}

/** A value now (the embedded log, read on this thread) or later (a log across the network). */
export type Awaitable<T> = T | Promise<T>;

/**
 * The access log as services see it (issue 17): the embedded {@link AccessLog} over SQLite, or the log
 * every process shares on PostgreSQL (postgres-access-log.ts). Callers await every answer.
 */
export interface LogService {
  /** True while the log can be written (reported by /readyz). */
  readonly healthy: boolean;
  /** After a failure, trust the log again; the next write tells. */
  recheck(): void;
  /** The newest signed tree head this process knows of (metrics: its age and size). */
  readonly latestHead: TreeHead | undefined;
  /** Leaves committed, as this process last saw (metrics; a shared log may have grown since). */
  readonly size: number;
  append(event: AuditEvent): Promise<number>;
  appendWithReceipt(event: AuditEvent, receipt: ReceiptBody): Promise<Receipt>;
  /**
   * Present when the log takes its events from the state store's outbox itself (PostgreSQL's sequencer):
   * the leaves (and signed receipts) of events committed there with a change, once they are in the log.
   */
  committed?(events: readonly AuditEvent[], bodies?: readonly (ReceiptBody | undefined)[]): Promise<{ leaf: number; receipt: Receipt | undefined }[]>;
  publishHead(): Promise<TreeHead>;
  treeHead(): Promise<TreeHead>;
  inclusionProof(leafIndex: number, treeSize: number): Awaitable<{ leaf_hash: string; audit_path: string[] }>;
  consistencyProof(first: number, second: number): Awaitable<string[]>;
  rootAt(treeSize: number): Awaitable<Buffer>;
  leaves(start: number, end: number): Awaitable<{ leaf_index: number; leaf: Buffer }[]>;
  search(f: EventFilter): Awaitable<EventRow[]>;
  countsBetween(from: number, to: number, kinds: readonly string[]): Awaitable<LeafCount[]>;
  close(): Promise<void>;
}

type Pending =
  | { kind: 'leaf'; event: AuditEvent; receipt?: ReceiptBody; resolve: (r: LeafResult) => void; reject: (e: unknown) => void }
  | { kind: 'head'; resolve: (head: TreeHead) => void; reject: (e: unknown) => void };

const MAX_BATCH = 8192;

/**
 * The transparency access log: append-only leaves in a store of their own, every completed subtree
 * hash stored (so proofs are O(log n) reads at any size), signed tree heads on an interval and on
 * demand. Appends are group-committed: `append` resolves with the leaf index only after the batch holding
 * the leaf is durable. Batches go to a {@link LogWriter} — in the server a writer thread, so the event
 * loop never waits on an fsync. A failed write makes the log unhealthy and every answer that needs it
 * fails closed. Reads (proofs, leaves, search) use this thread's store and see
 * only committed leaves. Services append through the Journal (journal.ts), never here directly.
 */
export class AccessLog implements LogService {
  private queue: Pending[] = [];
  private flushTimer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly maxDelayMs: number;
  private committedSize = 0;
  private lastHead: TreeHead | undefined;
  private healthyFlag = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly writer: LogWriter;
  private signingDer: SignerKey | undefined;
  private readonly observer: CommitObserver | undefined;
  private readonly onHead: ((head: TreeHead) => void) | undefined;

  constructor(
    private readonly store: LogStore,
    private readonly keys: KeyStore,
    options: { maxDelayMs: number; headIntervalMs: number; writer?: LogWriter; observer?: CommitObserver; onHead?: (head: TreeHead) => void },
  ) {
    this.onHead = options.onHead;
    this.observer = options.observer;
    this.maxDelayMs = options.maxDelayMs;
    this.writer = options.writer ?? new InlineLogWriter(store);
    this.committedSize = store.size();
    this.lastHead = lastHeadOf(store);
    if (options.headIntervalMs > 0) {
      this.timer = setInterval(() => {
        if (this.committedSize > (this.lastHead?.tree_size ?? 0)) this.publishHead().catch(() => undefined);
      }, options.headIntervalMs);
      this.timer.unref();
    }
  }

  /** True while the log can be written (reported by /readyz). */
  get healthy(): boolean {
    return this.healthyFlag;
  }

  /** After a failed write, trust the log again (the caller saw the cause go away); the next write tells. */
  recheck(): void {
    this.healthyFlag = true;
  }

  /** The newest signed tree head this process knows of (metrics: its age and size). */
  get latestHead(): TreeHead | undefined {
    return this.lastHead;
  }

  /** Number of leaves durably committed. */
  get size(): number {
    return this.committedSize;
  }

  /**
   * Appends an event; resolves with its leaf index once durable. Appending an event_id that is already
   * in the log resolves with its existing index (outbox replays after a crash are idempotent).
   */
  append(event: AuditEvent): Promise<number> {
    return new Promise<LeafResult>((resolve, reject) => this.enqueue({ kind: 'leaf', event, resolve, reject })).then((r) => r.leaf_index);
  }

  /**
   * Appends an answer's event and signs its receipt with the leaf index it got, in the same batch (on the
   * writer thread in the server); resolves once the leaf is durable.
   */
  appendWithReceipt(event: AuditEvent, receipt: ReceiptBody): Promise<Receipt> {
    return new Promise<LeafResult>((resolve, reject) => this.enqueue({ kind: 'leaf', event, receipt, resolve, reject })).then((r) => r.receipt!);
  }

  /** Signs and stores a head for everything committed so far, in the same group commit as the leaves. */
  publishHead(): Promise<TreeHead> {
    return new Promise<TreeHead>((resolve, reject) => this.enqueue({ kind: 'head', resolve, reject }));
  }

  private enqueue(p: Pending): void {
    if (this.closed) {
      p.reject(new VouchError('LOG_UNAVAILABLE', undefined, { cause: new Error('the access log is closed') }));
      return;
    }
    this.queue.push(p);
    if (this.queue.length >= MAX_BATCH) this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = this.maxDelayMs > 0 ? setTimeout(() => this.flush(), this.maxDelayMs) : setImmediate(() => this.flush());
    }
  }

  private signingKey(): SignerKey {
    const signer = this.keys.signer;
    const ed = signer.ed25519;
    const same = this.signingDer && this.signingDer.ed25519?.kid === ed?.kid && this.signingDer.sm2?.kid === signer.sm2?.kid;
    if (!same) {
      this.signingDer = {
        ...(ed ? { ed25519: { kid: ed.kid, key: ed.privateKey.export({ type: 'pkcs8', format: 'der' }) } } : {}),
        ...(signer.sm2 ? { sm2: signer.sm2 } : {}),
      };
    }
    return this.signingDer!;
  }

  /**
   * Group commit: what one turn of the event loop queued goes to the writer — leaves, their completed
   * subtree hashes and any requested head — and every waiter is answered after its COMMIT (fsync,
   * synchronous=FULL). Batches are not held back while another is being written: the writer thread
   * writes everything that reached it meanwhile in one transaction, so the event loop never waits for
   * the disk to hand over work, and one fsync still serves everyone who arrived during the last one.
   */
  private flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer as NodeJS.Timeout);
      clearImmediate(this.flushTimer as NodeJS.Immediate);
      this.flushTimer = undefined;
    }
    if (!this.queue.length) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    let signer: SignerKey;
    try {
      signer = this.signingKey();
    } catch (cause) {
      this.fail(batch, cause);
      return;
    }
    const items = batch.map((p): WriteItem => (p.kind === 'head' ? { kind: 'head' } : { kind: 'leaf', event: p.event, ...(p.receipt ? { receipt: p.receipt } : {}) }));
    const done: Promise<void> = this.writer.write(items, signer).then(
      ({ results, size, commit }) => {
        if (commit) this.observer?.committed(commit.items, commit.seconds);
        this.committedSize = Math.max(this.committedSize, size);
        this.healthyFlag = true;
        batch.forEach((p, i) => {
          const r = results[i]!;
          if (p.kind === 'leaf') p.resolve(r as LeafResult);
          else {
            const head = r as TreeHead;
            if (!this.lastHead || head.tree_size > this.lastHead.tree_size) {
              this.lastHead = head;
              try {
                this.onHead?.(head);
              } catch {
                // Keeping the copy failed (disk full?): the head is in the log; the next one tries again.
              }
            }
            p.resolve(head);
          }
        });
      },
      (cause: unknown) => this.fail(batch, cause),
    ).catch((cause: unknown) => this.fail(batch, cause)).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private fail(batch: Pending[], cause: unknown): void {
    this.healthyFlag = false;
    this.observer?.failed();
    const err = new VouchError(isStoreFailure(cause) ? 'STORAGE_UNAVAILABLE' : 'LOG_UNAVAILABLE', undefined, { cause });
    for (const p of batch) p.reject(err);
  }

  /** The latest signed head, signing a new one first when the tree has grown since (on demand). */
  async treeHead(): Promise<TreeHead> {
    if (this.lastHead && this.lastHead.tree_size >= this.committedSize) return this.lastHead;
    return this.publishHead();
  }

  /** Subtree hashes from storage, memoised for one proof so each is read once: O(log n) reads. */
  private source(): SubtreeHashes {
    const memo = new Map<string, Buffer>();
    const subtree = (start: number, end: number): Buffer => {
      const n = end - start;
      const key = `${start}:${end}`;
      const hit = memo.get(key);
      if (hit) return hit;
      let h: Buffer;
      if ((n & (n - 1)) === 0 && start % n === 0) {
        h = nodeAt(this.store, Math.log2(n), start / n);
      } else {
        const k = splitPoint(n);
        h = nodeHash(subtree(start, start + k), subtree(start + k, end));
      }
      memo.set(key, h);
      return h;
    };
    return { subtree };
  }

  private checkSize(treeSize: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < 1 || treeSize > this.committedSize) {
      throw new VouchError('VALIDATION_FAILED', 'tree_size must be between 1 and the current tree size.');
    }
  }

  inclusionProof(leafIndex: number, treeSize: number): { leaf_hash: string; audit_path: string[] } {
    this.checkSize(treeSize);
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
      throw new VouchError('VALIDATION_FAILED', 'leaf_index must be below tree_size.');
    }
    const path = inclusionProof(leafIndex, treeSize, this.source());
    return { leaf_hash: nodeAt(this.store, 0, leafIndex).toString('hex'), audit_path: path.map((h) => h.toString('hex')) };
  }

  consistencyProof(first: number, second: number): string[] {
    if (!Number.isSafeInteger(first) || first < 0 || first > second) {
      throw new VouchError('VALIDATION_FAILED', 'first must be between 0 and second.');
    }
    this.checkSize(second);
    return consistencyProof(first, second, this.source()).map((h) => h.toString('hex'));
  }

  /** The root of the tree at any committed size (computed from stored subtrees). */
  rootAt(treeSize: number): Buffer {
    if (treeSize === 0) return EMPTY_ROOT;
    this.checkSize(treeSize);
    return this.source().subtree(0, treeSize);
  }

  leaves(start: number, end: number): { leaf_index: number; leaf: Buffer }[] {
    return this.store.leaves(start, Math.min(end, this.committedSize));
  }

  /**
   * Bureau search and the patient's access log: stable order by leaf index, cursor = last index seen.
   * By subject, the leaves already in the subject index are found through it and the few the log writer
   * has not indexed yet are read from the table behind them, so every committed leaf is found.
   */
  search(f: EventFilter): EventRow[] {
    return this.store.search(f, this.committedSize);
  }

  /** Leaves of the given kinds with `from <= time < to` (epoch ms), grouped by kind, actor, outcome and reason. */
  countsBetween(from: number, to: number, kinds: readonly string[]): LeafCount[] {
    return this.store.countsBetween(from, to, kinds);
  }

  /** Writes what is queued, waits for it, then closes the writer; later appends fail closed. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closed = true;
    this.flush();
    await Promise.all(this.inFlight);
    await this.writer.close();
  }
}
