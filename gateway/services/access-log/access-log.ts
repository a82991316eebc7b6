import { verifyWithCosignatures, type KeyLookup, type VerifyKey } from '../../crypto/signatures.js';
import { VouchError, isStoreFailure } from '../../errors.js';
import type { AuditEvent } from '../../domain/audit-events.js';
import { EMPTY_ROOT, consistencyProof, inclusionProof, nodeHash, splitPoint, type SubtreeHashes } from '../../domain/merkle.js';
import type { Db } from '../../storage/sqlite/database.js';
import type { CommitObserver } from '../../storage/sqlite/group-commit.js';
import type { KeyStore } from '../../../keys/keystore.js';
import { LogReads, headFromRow, treeHeadSignedBytes, type HeadRow, type LeafResult, type SignerKey, type TreeHead, type WriteItem } from './appender.js';
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

export interface EventFilter {
  from?: number | undefined;
  to?: number | undefined;
  actor?: string | undefined;
  subject?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  after?: number | undefined;
  limit: number;
}

export interface EventRow {
  leaf_index: number;
  time: number;
  actor: string;
  actor_role: string;
  action: string;
  purpose: string | null;
  subject: string | null;
  outcome: string;
  reason: string | null;
}

/**
 * The transparency access log: append-only leaves in their own database file, every completed subtree
 * hash stored (so proofs are O(log n) reads at any size), signed tree heads on an interval and on
 * demand. Appends are group-committed: `append` resolves with the leaf index only after the batch holding
 * the leaf is durable. Batches go to a {@link LogWriter} — in the server a writer thread, so the event
 * loop never waits on an fsync. A failed write makes the log unhealthy and every answer that needs it
 * fails closed. Reads (proofs, leaves,
 * search) use this thread's connection and see only committed leaves.
 */
type Pending =
  | { kind: 'leaf'; event: AuditEvent; receipt?: ReceiptBody; resolve: (r: LeafResult) => void; reject: (e: unknown) => void }
  | { kind: 'head'; resolve: (head: TreeHead) => void; reject: (e: unknown) => void };

const MAX_BATCH = 8192;

export class AuditLog {
  private queue: Pending[] = [];
  private flushTimer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly maxDelayMs: number;
  private committedSize = 0;
  private lastHead: TreeHead | undefined;
  private healthyFlag = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly reads: LogReads;
  private readonly leavesStmt;
  private readonly writer: LogWriter;
  private signingDer: SignerKey | undefined;
  private readonly observer: CommitObserver | undefined;
  private readonly onHead: ((head: TreeHead) => void) | undefined;

  constructor(
    readonly db: Db,
    private readonly keys: KeyStore,
    options: { maxDelayMs: number; headIntervalMs: number; writer?: LogWriter; observer?: CommitObserver; onHead?: (head: TreeHead) => void },
  ) {
    this.onHead = options.onHead;
    this.observer = options.observer;
    this.maxDelayMs = options.maxDelayMs;
    this.writer = options.writer ?? new InlineLogWriter(db);
    this.reads = new LogReads(db);
    this.leavesStmt = db.prepare('SELECT leaf_index, leaf FROM leaves WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index');
    this.committedSize = this.reads.size();
    this.lastHead = this.reads.lastHead();
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

  /** Leaf index of an event already in the log. */
  indexOf(eventId: string): number | undefined {
    const i = this.reads.indexOf(eventId);
    return i !== undefined && i < this.committedSize ? i : undefined;
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
        h = this.reads.nodeAt(Math.log2(n), start / n);
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
    return { leaf_hash: this.reads.nodeAt(0, leafIndex).toString('hex'), audit_path: path.map((h) => h.toString('hex')) };
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
    return this.leavesStmt.all(start, Math.min(end, this.committedSize)) as { leaf_index: number; leaf: Buffer }[];
  }

  /**
   * Bureau search and the patient's access log: stable order by leaf index, cursor = last index seen.
   * By subject, the leaves already in the subject index are found through it and the few the log writer
   * has not indexed yet are read from the table behind them, so every committed leaf is found.
   */
  search(f: EventFilter): EventRow[] {
    const filters = (col: (name: string) => string, args: (string | number)[]): string[] => {
      const where: string[] = [];
      const add = (sql: string, v: string | number | undefined) => {
        if (v === undefined) return;
        where.push(sql);
        args.push(v);
      };
      add(`${col('leaf_index')} > ?`, f.after);
      add(`${col('time')} >= ?`, f.from);
      add(`${col('time')} < ?`, f.to);
      add(`${col('actor')} = ?`, f.actor);
      add(`${col('action')} = ?`, f.action);
      add(`${col('outcome')} = ?`, f.outcome);
      return where;
    };
    const columns = (p: string) => ['leaf_index', 'time', 'actor', 'actor_role', 'action', 'purpose', 'subject', 'outcome', 'reason'].map((c) => `${p}${c}`).join(', ');
    const committed = this.committedSize;
    if (f.subject === undefined) {
      const args: (string | number)[] = [committed];
      const where = ['leaf_index < ?', ...filters((c) => c, args)];
      return this.db.prepare(`SELECT ${columns('')} FROM leaves WHERE ${where.join(' AND ')} ORDER BY leaf_index LIMIT ?`).all(...args, f.limit) as EventRow[];
    }
    const indexed = Math.min(committed, this.reads.indexedUpto());
    const a: (string | number)[] = [f.subject, indexed];
    const whereA = ['s.subject = ?', 's.leaf_index < ?', ...filters((c) => (c === 'leaf_index' ? 's.leaf_index' : `l.${c}`), a)];
    const rows = this.db
      .prepare(`SELECT ${columns('l.')} FROM leaf_subjects s JOIN leaves l ON l.leaf_index = s.leaf_index WHERE ${whereA.join(' AND ')} ORDER BY s.leaf_index LIMIT ?`)
      .all(...a, f.limit) as EventRow[];
    if (rows.length < f.limit && indexed < committed) {
      const b: (string | number)[] = [indexed, committed, f.subject];
      const whereB = ['leaf_index >= ?', 'leaf_index < ?', 'subject = ?', ...filters((c) => c, b)];
      rows.push(...(this.db.prepare(`SELECT ${columns('')} FROM leaves WHERE ${whereB.join(' AND ')} ORDER BY leaf_index LIMIT ?`).all(...b, f.limit - rows.length) as EventRow[]));
    }
    return rows;
  }

  /** Every stored head in size order (for `vouch audit verify`). */
  allHeads(): TreeHead[] {
    return (this.db.prepare('SELECT * FROM tree_heads ORDER BY tree_size').all() as HeadRow[]).map(headFromRow);
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
