import crypto from 'node:crypto';
import { leafBytes, type AuditEvent } from '../../domain/audit-events.js';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../domain/merkle.js';
import { signReceiptWith, type Receipt, type ReceiptBody } from './receipts.js';
import type { Db } from '../../storage/sqlite/database.js';
import { signAll, signatureBytes, signatureText, type SignatureAlg, type SignatureEntry, type Sm2SigningKey, type SuiteSigner } from '../../crypto/signatures.js';

/**
 * A signed tree head (RFC 6962 §3.5 style), hashes in hex. `alg` names the primary signature: Ed25519
 * (base64) or SM2 (r ‖ s, hex); under `VOUCH_CRYPTO=dual` an SM2 cosignature over the same bytes.
 */
export interface TreeHead {
  tree_size: number;
  root_hash: string;
  timestamp: number;
  key_id: string;
  signature: string;
  alg?: SignatureAlg;
  cosignatures?: SignatureEntry[];
}

/**
 * The gateway's current signing keys, as sent to the writer (Ed25519 as PKCS#8 DER, SM2 as hex) so a
 * rotation takes effect at once.
 */
export interface SignerKey {
  ed25519?: { kid: string; key: Uint8Array };
  sm2?: Sm2SigningKey;
}

/**
 * One unit of a log write: a leaf to append — with, for an answer, the receipt to sign once the leaf's
 * index is known — or a head to sign over everything before it.
 */
export type WriteItem =
  | { kind: 'leaf'; event: AuditEvent; receipt?: ReceiptBody }
  | { kind: 'head' };

export type LeafResult = { leaf_index: number; receipt?: Receipt };
export type WriteResult = LeafResult | TreeHead;

/**
 * The bytes a tree head signature covers, as RFC 6962 §3.5's TreeHeadSignature:
 * version (0 = v1) ‖ signature_type (1 = tree_hash) ‖ timestamp (uint64, ms) ‖ tree_size (uint64) ‖
 * sha256_root_hash (32 bytes). Ed25519 or SM2 (by suite) over these bytes.
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

export interface HeadRow {
  tree_size: number;
  timestamp: number;
  root_hash: Buffer;
  key_id: string;
  signature: Buffer;
  alg: SignatureAlg;
  cosignatures: string | null;
}

export function headFromRow(r: HeadRow): TreeHead {
  return {
    tree_size: r.tree_size,
    root_hash: r.root_hash.toString('hex'),
    timestamp: r.timestamp,
    key_id: r.key_id,
    signature: signatureText(r.alg, r.signature),
    alg: r.alg,
    ...(r.cosignatures ? { cosignatures: JSON.parse(r.cosignatures) as SignatureEntry[] } : {}),
  };
}

/**
 * The log's look-ups, on any connection to `audit.db`: the writer's own and the gateway's reads share them.
 */
export class LogReads {
  private readonly node;
  private readonly leafHash;
  private readonly byEvent;
  private readonly count;
  private readonly head;
  private readonly indexed;

  constructor(db: Db) {
    this.node = db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck();
    this.leafHash = db.prepare('SELECT leaf_hash FROM leaves WHERE leaf_index = ?').pluck();
    this.byEvent = db.prepare('SELECT leaf_index FROM leaves WHERE event_id = ?').pluck();
    this.count = db.prepare('SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM leaves').pluck();
    this.head = db.prepare('SELECT * FROM tree_heads ORDER BY tree_size DESC LIMIT 1');
    this.indexed = db.prepare('SELECT indexed_upto FROM search_progress WHERE id = 1').pluck();
  }

  /** A stored subtree hash: level 0 is a leaf hash, level l ≥ 1 the hash of 2^l leaves from idx·2^l. */
  nodeAt(level: number, idx: number): Buffer {
    const h = (level === 0 ? this.leafHash.get(idx) : this.node.get(level, idx)) as Buffer | undefined;
    if (!h) throw new Error(`missing tree node ${level}/${idx}`);
    return h;
  }

  indexOf(eventId: string): number | undefined {
    return this.byEvent.get(eventId) as number | undefined;
  }

  size(): number {
    return this.count.get() as number;
  }

  lastHead(): TreeHead | undefined {
    const row = this.head.get() as HeadRow | undefined;
    return row ? headFromRow(row) : undefined;
  }

  /** How many leaves the subject search index covers. */
  indexedUpto(): number {
    return this.indexed.get() as number;
  }
}

/**
 * The write side of the access log, on the one connection allowed to write `audit.db`: leaves, every
 * subtree hash they complete, and signed heads, one transaction per batch. It keeps the tree's right
 * edge (the frontier) in memory and rebuilds it from storage when opened or after a failed write. It runs
 * on the log writer thread in the server (so hashing, inserts and the fsync never stall the event loop)
 * and inline in tools and tests.
 */
export class LogAppender {
  /** frontier[l]: hash of the last complete, still unpaired subtree of 2^l leaves (the right edge). */
  private frontier = new Map<number, Buffer>();
  private size = 0;
  private indexedUpto = 0;
  private lastHead: TreeHead | undefined;
  private readonly stmts;
  private readonly keys = new Map<string, crypto.KeyObject>();

  private readonly reads: LogReads;

  constructor(private readonly db: Db) {
    this.reads = new LogReads(db);
    this.stmts = {
      insertLeaf: db.prepare(
        `INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, purpose, subject, outcome, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertNode: db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
      insertHead: db.prepare('INSERT OR IGNORE INTO tree_heads (tree_size, timestamp, root_hash, key_id, signature, alg, cosignatures) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      indexSubjects: db.prepare(
        'INSERT OR IGNORE INTO leaf_subjects (subject, leaf_index) SELECT subject, leaf_index FROM leaves WHERE leaf_index >= ? AND leaf_index < ? AND subject IS NOT NULL',
      ),
      setIndexedUpto: db.prepare('UPDATE search_progress SET indexed_upto = ? WHERE id = 1'),
    };
    this.reload();
  }

  /** Leaves committed but not yet in the subject search index. */
  get unindexed(): number {
    return this.size - this.indexedUpto;
  }

  /**
   * Adds up to `max` committed leaves to the subject search index, in its own transaction (it is derived
   * data, rebuilt from the leaves if lost); returns how many remain. Searches read the rest directly.
   */
  indexSearch(max: number): number {
    const from = this.indexedUpto;
    const to = Math.min(this.size, from + max);
    if (to > from) {
      this.db.transaction(() => {
        this.stmts.indexSubjects.run(from, to);
        this.stmts.setIndexedUpto.run(to);
      }).immediate();
      this.indexedUpto = to;
    }
    return this.unindexed;
  }

  /** Leaves durably in the log (after the last successful {@link write}). */
  get treeSize(): number {
    return this.size;
  }

  private reload(): void {
    const n = this.reads.size();
    const frontier = new Map<number, Buffer>();
    for (let l = 0; 2 ** l <= n; l++) {
      if (Math.floor(n / 2 ** l) % 2 === 1) frontier.set(l, this.reads.nodeAt(l, Math.floor(n / 2 ** l) - 1));
    }
    this.frontier = frontier;
    this.size = n;
    this.indexedUpto = Math.min(n, this.reads.indexedUpto());
    this.lastHead = this.reads.lastHead();
  }

  /**
   * Writes a batch in one transaction (with synchronous=FULL the COMMIT returns after the fsync) and
   * returns each item's result: a leaf's index (an event id already in the log keeps its index, so outbox
   * replays are idempotent) or a head. On failure nothing of the batch is kept and the in-memory state is
   * rebuilt from storage before the error is thrown.
   */
  write(items: readonly WriteItem[], signer: SignerKey): WriteResult[] {
    const results: WriteResult[] = [];
    const key = this.suiteSigner(signer);
    try {
      this.db.transaction(() => {
        for (const item of items) {
          if (item.kind === 'head') {
            results.push(this.signHead(key));
            continue;
          }
          const { index: leaf_index, hash } = this.appendLeaf(item.event);
          results.push(
            item.receipt ? { leaf_index, receipt: signReceiptWith(key, { ...item.receipt, leaf_index, leaf_hash: hash.toString('hex') }) } : { leaf_index },
          );
        }
      }).immediate();
    } catch (err) {
      try {
        this.reload();
      } catch {
        // storage is gone; the next write fails too and says so
      }
      throw err;
    }
    return results;
  }

  /** Appends one leaf (or finds it, by event id) and returns its index and RFC 6962 leaf hash. */
  private appendLeaf(e: AuditEvent): { index: number; hash: Buffer } {
    const existing = this.reads.indexOf(e.event_id);
    if (existing !== undefined) return { index: existing, hash: this.reads.nodeAt(0, existing) };
    const bytes = leafBytes(e);
    const hash = leafHash(bytes);
    let h = hash;
    const index = this.size;
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
    this.size = index + 1;
    return { index, hash };
  }

  private root(): Buffer {
    let acc: Buffer | undefined;
    for (const level of [...this.frontier.keys()].sort((a, b) => a - b)) {
      const h = this.frontier.get(level)!;
      acc = acc ? nodeHash(h, acc) : h;
    }
    return acc ?? EMPTY_ROOT;
  }

  private suiteSigner(signer: SignerKey): SuiteSigner {
    const out: SuiteSigner = {};
    if (signer.ed25519) {
      const { kid } = signer.ed25519;
      let key = this.keys.get(kid);
      if (!key) {
        key = crypto.createPrivateKey({ key: Buffer.from(signer.ed25519.key), format: 'der', type: 'pkcs8' });
        this.keys.set(kid, key);
      }
      out.ed25519 = { kid, privateKey: key };
    }
    if (signer.sm2) out.sm2 = signer.sm2;
    return out;
  }

  private signHead(signer: SuiteSigner): TreeHead {
    const last = this.lastHead;
    if (last && last.tree_size >= this.size) return last;
    const root = this.root();
    const timestamp = Math.max(Date.now(), (last?.timestamp ?? 0) + 1);
    const { primary, cosignatures } = signAll(signer, treeHeadSignedBytes(this.size, timestamp, root));
    this.stmts.insertHead.run(this.size, timestamp, root, primary.key_id, signatureBytes(primary), primary.alg, cosignatures ? JSON.stringify(cosignatures) : null);
    const head: TreeHead = {
      tree_size: this.size, root_hash: root.toString('hex'), timestamp, key_id: primary.key_id, signature: primary.signature, alg: primary.alg,
      ...(cosignatures ? { cosignatures } : {}),
    };
    this.lastHead = head;
    return head;
  }
}
