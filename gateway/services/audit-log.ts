import crypto, { type KeyObject } from 'node:crypto';
import { VouchError } from '../errors.js';
import { leafBytes, type AuditEvent } from '../domain/audit-events.js';
import {
  EMPTY_ROOT,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  splitPoint,
  type SubtreeHashes,
} from '../domain/merkle.js';
import type { Db } from '../storage/sqlite.js';
import type { KeyStore } from '../../keys/keystore.js';

/** A signed tree head (RFC 6962 §3.5 style), hashes in hex, signature base64. */
export interface TreeHead {
  tree_size: number;
  root_hash: string;
  timestamp: number;
  key_id: string;
  signature: string;
}

/**
 * The bytes a tree head signature covers, as RFC 6962 §3.5's TreeHeadSignature:
 * version (0 = v1) ‖ signature_type (1 = tree_hash) ‖ timestamp (uint64, ms) ‖ tree_size (uint64) ‖
 * sha256_root_hash (32 bytes). Ed25519 over these bytes.
 */
export function treeHeadSignedBytes(treeSize: number, timestamp: number, root: Uint8Array): Buffer {
  const b = Buffer.alloc(2 + 8 + 8 + 32);
  b[0] = 0;
  b[1] = 1;
  b.writeBigUInt64BE(BigInt(timestamp), 2);
  b.writeBigUInt64BE(BigInt(treeSize), 10);
  Buffer.from(root).copy(b, 18);
  return b;
}

export function verifyTreeHead(head: TreeHead, publicKey: KeyObject): boolean {
  try {
    const root = Buffer.from(head.root_hash, 'hex');
    if (root.length !== 32) return false;
    return crypto.verify(null, treeHeadSignedBytes(head.tree_size, head.timestamp, root), publicKey, Buffer.from(head.signature, 'base64'));
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

interface HeadRow {
  tree_size: number;
  timestamp: number;
  root_hash: Buffer;
  key_id: string;
  signature: Buffer;
}

/**
 * The transparency access log: append-only leaves in their own database file, every completed subtree
 * hash stored (so proofs are O(log n) reads at any size), signed tree heads on an interval and on
 * demand. Appends are group-committed: `append` resolves with the leaf index only after the batch holding
 * the leaf is durable. A failed write makes the log unhealthy and every answer that needs it fails closed.
 */
type Pending =
  | { kind: 'leaf'; event: AuditEvent; resolve: (index: number) => void; reject: (e: unknown) => void }
  | { kind: 'head'; resolve: (head: TreeHead) => void; reject: (e: unknown) => void };

export class AuditLog {
  private queue: Pending[] = [];
  private flushTimer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private closed = false;
  private readonly maxDelayMs: number;
  /** frontier[l]: hash of the last complete, still unpaired subtree of 2^l leaves (the right edge). */
  private frontier = new Map<number, Buffer>();
  private committedSize = 0;
  private pendingSize = 0;
  private lastHead: TreeHead | undefined;
  private healthyFlag = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly stmts;

  constructor(
    readonly db: Db,
    private readonly keys: KeyStore,
    options: { maxDelayMs: number; headIntervalMs: number },
  ) {
    this.maxDelayMs = options.maxDelayMs;
    this.stmts = {
      insertLeaf: db.prepare(
        `INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, purpose, subject, outcome, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertNode: db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
      node: db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck(),
      leafHash: db.prepare('SELECT leaf_hash FROM leaves WHERE leaf_index = ?').pluck(),
      byEvent: db.prepare('SELECT leaf_index FROM leaves WHERE event_id = ?').pluck(),
      size: db.prepare('SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM leaves').pluck(),
      insertHead: db.prepare('INSERT OR IGNORE INTO tree_heads (tree_size, timestamp, root_hash, key_id, signature) VALUES (?, ?, ?, ?, ?)'),
      lastHead: db.prepare('SELECT * FROM tree_heads ORDER BY tree_size DESC LIMIT 1'),
      leaves: db.prepare('SELECT leaf_index, leaf FROM leaves WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index'),
    };
    this.reload();
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

  /** Number of leaves durably committed. */
  get size(): number {
    return this.committedSize;
  }

  private reload(): void {
    const n = this.stmts.size.get() as number;
    this.frontier = new Map();
    for (let l = 0; 2 ** l <= n; l++) {
      if (Math.floor(n / 2 ** l) % 2 === 1) this.frontier.set(l, this.nodeAt(l, Math.floor(n / 2 ** l) - 1));
    }
    this.committedSize = this.pendingSize = n;
    const row = this.stmts.lastHead.get() as HeadRow | undefined;
    this.lastHead = row ? headFromRow(row) : undefined;
  }

  private nodeAt(level: number, idx: number): Buffer {
    const h = (level === 0 ? this.stmts.leafHash.get(idx) : this.stmts.node.get(level, idx)) as Buffer | undefined;
    if (!h) throw new Error(`missing tree node ${level}/${idx}`);
    return h;
  }

  /**
   * Appends an event; resolves with its leaf index once durable. Appending an event_id that is already
   * in the log resolves with its existing index (outbox replays after a crash are idempotent).
   */
  append(event: AuditEvent): Promise<number> {
    return new Promise<number>((resolve, reject) => this.enqueue({ kind: 'leaf', event, resolve, reject }));
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
    if (this.queue.length >= 8192) this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = this.maxDelayMs > 0 ? setTimeout(() => this.flush(), this.maxDelayMs) : setImmediate(() => this.flush());
    }
  }

  /**
   * Group commit: everything queued goes into one transaction — leaves, their completed subtree hashes
   * and any requested head — and every waiter is answered after the COMMIT (fsync, synchronous=FULL).
   * Leaf appends cannot partially fail, so unlike state changes they need no savepoint each.
   */
  private flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer as NodeJS.Timeout);
      clearImmediate(this.flushTimer as NodeJS.Immediate);
      this.flushTimer = undefined;
    }
    const batch = this.queue;
    this.queue = [];
    if (!batch.length) return;
    const results: (number | TreeHead)[] = [];
    const frontierBefore = new Map(this.frontier);
    const sizeBefore = this.pendingSize;
    try {
      this.db.transaction(() => {
        for (const p of batch) results.push(p.kind === 'leaf' ? this.appendInTransaction(p.event) : this.headInTransaction());
      }).immediate();
    } catch (cause) {
      this.frontier = frontierBefore;
      this.pendingSize = sizeBefore;
      this.healthyFlag = false;
      try {
        this.reload();
      } catch {
        // storage is gone; stay unhealthy
      }
      const err = new VouchError('LOG_UNAVAILABLE', undefined, { cause });
      for (const p of batch) p.reject(err);
      return;
    }
    this.committedSize = this.pendingSize;
    this.healthyFlag = true;
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (p.kind === 'leaf') p.resolve(r as number);
      else {
        const head = r as TreeHead;
        if (!this.lastHead || head.tree_size > this.lastHead.tree_size) this.lastHead = head;
        p.resolve(head);
      }
    });
  }

  private appendInTransaction(e: AuditEvent): number {
    const existing = this.stmts.byEvent.get(e.event_id) as number | undefined;
    if (existing !== undefined) return existing;
    const bytes = leafBytes(e);
    let h = leafHash(bytes);
    const index = this.pendingSize;
    this.stmts.insertLeaf.run(
      index, e.event_id, bytes, h, e.time, e.actor, e.actor_role, e.kind,
      e.purpose ?? null, e.subject ?? null, e.outcome, e.reason ?? null,
    );
    let idx = index;
    let level = 0;
    while (idx % 2 === 1) {
      h = nodeHash(this.frontier.get(level)!, h);
      this.frontier.delete(level);
      level++;
      idx = Math.floor(idx / 2);
      this.stmts.insertNode.run(level, idx, h);
    }
    this.frontier.set(level, h);
    this.pendingSize = index + 1;
    return index;
  }

  /** Leaf index of an event already in the log. */
  indexOf(eventId: string): number | undefined {
    const i = this.stmts.byEvent.get(eventId) as number | undefined;
    return i !== undefined && i < this.committedSize ? i : undefined;
  }

  private rootOfPending(): Buffer {
    let acc: Buffer | undefined;
    for (const level of [...this.frontier.keys()].sort((a, b) => a - b)) {
      const h = this.frontier.get(level)!;
      acc = acc ? nodeHash(h, acc) : h;
    }
    return acc ?? EMPTY_ROOT;
  }

  private headInTransaction(): TreeHead {
    const size = this.pendingSize;
    const last = this.lastHead;
    if (last && last.tree_size >= size) return last;
    const root = this.rootOfPending();
    const timestamp = Math.max(Date.now(), (last?.timestamp ?? 0) + 1);
    const key = this.keys.signing;
    const signature = crypto.sign(null, treeHeadSignedBytes(size, timestamp, root), key.privateKey);
    this.stmts.insertHead.run(size, timestamp, root, key.kid, signature);
    const head = { tree_size: size, root_hash: root.toString('hex'), timestamp, key_id: key.kid, signature: signature.toString('base64') };
    this.lastHead = head;
    return head;
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
        h = this.nodeAt(Math.log2(n), start / n);
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
    return { leaf_hash: this.nodeAt(0, leafIndex).toString('hex'), audit_path: path.map((h) => h.toString('hex')) };
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
    return this.stmts.leaves.all(start, Math.min(end, this.committedSize)) as { leaf_index: number; leaf: Buffer }[];
  }

  /** Bureau search and the patient's access log: stable order by leaf index, cursor = last index seen. */
  search(f: EventFilter): EventRow[] {
    const where: string[] = ['leaf_index < ?'];
    const args: (string | number)[] = [this.committedSize];
    if (f.after !== undefined) {
      where.push('leaf_index > ?');
      args.push(f.after);
    }
    if (f.from !== undefined) {
      where.push('time >= ?');
      args.push(f.from);
    }
    if (f.to !== undefined) {
      where.push('time < ?');
      args.push(f.to);
    }
    if (f.actor !== undefined) {
      where.push('actor = ?');
      args.push(f.actor);
    }
    if (f.subject !== undefined) {
      where.push('subject = ?');
      args.push(f.subject);
    }
    if (f.action !== undefined) {
      where.push('action = ?');
      args.push(f.action);
    }
    if (f.outcome !== undefined) {
      where.push('outcome = ?');
      args.push(f.outcome);
    }
    args.push(f.limit);
    return this.db
      .prepare(
        `SELECT leaf_index, time, actor, actor_role, action, purpose, subject, outcome, reason FROM leaves
         WHERE ${where.join(' AND ')} ORDER BY leaf_index LIMIT ?`,
      )
      .all(...args) as EventRow[];
  }

  /** Every stored head in size order (for `vouch audit verify`). */
  allHeads(): TreeHead[] {
    return (this.db.prepare('SELECT * FROM tree_heads ORDER BY tree_size').all() as HeadRow[]).map(headFromRow);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.db.open) this.flush();
    else for (const p of this.queue.splice(0)) p.reject(new VouchError('LOG_UNAVAILABLE'));
    this.closed = true;
  }
}

function headFromRow(r: HeadRow): TreeHead {
  return {
    tree_size: r.tree_size,
    root_hash: r.root_hash.toString('hex'),
    timestamp: r.timestamp,
    key_id: r.key_id,
    signature: r.signature.toString('base64'),
  };
}
