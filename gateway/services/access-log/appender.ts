import crypto from 'node:crypto';
import { leafBytes, type AuditEvent } from '../../domain/audit-events.js';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../domain/merkle.js';
import { signReceiptWith, type Receipt, type ReceiptBody } from './receipts.js';
import type { HeadRow, LogStore } from '../../storage/log-store.js';
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

/** A stored subtree hash (see {@link LogStore.nodeAt}); a missing one means the log is damaged. */
export function nodeAt(store: LogStore, level: number, idx: number): Buffer {
  const h = store.nodeAt(level, idx);
  if (!h) throw new Error(`missing tree node ${level}/${idx}`);
  return h;
}

export function lastHeadOf(store: LogStore): TreeHead | undefined {
  const row = store.lastHead();
  return row ? headFromRow(row) : undefined;
}

/**
 * The write side of the access log, on the one store connection allowed to append: leaves, every
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
  private readonly keys = new Map<string, crypto.KeyObject>();

  constructor(private readonly store: LogStore) {
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
      this.store.indexSubjects(from, to);
      this.indexedUpto = to;
    }
    return this.unindexed;
  }

  /** Leaves durably in the log (after the last successful {@link write}). */
  get treeSize(): number {
    return this.size;
  }

  private reload(): void {
    const n = this.store.size();
    const frontier = new Map<number, Buffer>();
    for (let l = 0; 2 ** l <= n; l++) {
      if (Math.floor(n / 2 ** l) % 2 === 1) frontier.set(l, nodeAt(this.store, l, Math.floor(n / 2 ** l) - 1));
    }
    this.frontier = frontier;
    this.size = n;
    this.indexedUpto = Math.min(n, this.store.indexedUpto());
    this.lastHead = lastHeadOf(this.store);
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
      this.store.transaction(() => {
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
      });
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
    const existing = this.store.eventIndex(e.event_id);
    if (existing !== undefined) return { index: existing, hash: nodeAt(this.store, 0, existing) };
    const bytes = leafBytes(e);
    const hash = leafHash(bytes);
    let h = hash;
    const index = this.size;
    this.store.insertLeaf(index, e, bytes, h);
    let idx = index;
    let level = 0;
    while (idx % 2 === 1) {
      h = nodeHash(this.frontier.get(level)!, h);
      this.frontier.delete(level);
      level++;
      idx = Math.floor(idx / 2);
      this.store.insertNode(level, idx, h);
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
    const timestamp = Math.max(Date.now(), (last?.timestamp ?? 0) + 1);
    const { row, head } = signTreeHead(signer, this.size, timestamp, this.root());
    this.store.insertHead(row);
    this.lastHead = head;
    return head;
  }
}

/**
 * Signs a tree head over `size` leaves with root `root` at `timestamp` (ms): the row to store and the head
 * as shown. The one place heads are signed — by the log writer here, and by PostgreSQL's sequencer
 * through the head signer made from the same keys (postgres-access-log.ts).
 */
export function signTreeHead(signer: SuiteSigner, size: number, timestamp: number, root: Buffer): { row: HeadRow; head: TreeHead } {
  const { primary, cosignatures } = signAll(signer, treeHeadSignedBytes(size, timestamp, root));
  const row: HeadRow = {
    tree_size: size, timestamp, root_hash: root, key_id: primary.key_id, signature: signatureBytes(primary), alg: primary.alg,
    cosignatures: cosignatures ? JSON.stringify(cosignatures) : null,
  };
  const head: TreeHead = {
    tree_size: size, root_hash: root.toString('hex'), timestamp, key_id: primary.key_id, signature: primary.signature, alg: primary.alg,
    ...(cosignatures ? { cosignatures } : {}),
  };
  return { row, head };
}
