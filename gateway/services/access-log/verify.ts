import type { KeyLookup } from '../../crypto/signatures.js';
import { EVENT_KINDS, type AuditEvent } from '../../domain/audit-events.js';
import { MemoryTree, consistencyProof, hashEquals, leafHash, verifyConsistency } from '../../domain/merkle.js';
import type { HeadRow, LogStore, StoredLeaf } from '../../storage/log-store.js';
import { openLogStore, openSharedLogStore, type StoreLocation } from '../../storage/storage.js';
import { verifyTreeHead, type TreeHead } from './access-log.js';
import { headFromRow } from './appender.js';

export interface AccessLogReport {
  ok: boolean;
  leaves: number;
  heads: number;
  /** The first problem found, naming the leaf or head. */
  problem?: string;
}

type StoredNode = { level: number; idx: number; hash: Buffer };

/** A log read page by page (PostgreSQL's store): the same replay as {@link verifyAccessLog}, awaited. */
export interface PagedLogSource {
  pagedLeaves(): AsyncIterable<StoredLeaf>;
  pagedNodes(): AsyncIterable<StoredNode>;
  heads(): Promise<HeadRow[]>;
}

/**
 * Replays the whole access log from storage (what `vouch audit verify` runs): every leaf's hash is
 * recomputed from its bytes, the indexed columns are checked against the leaf, every stored subtree hash
 * against the replayed tree, every signed tree head's signature and root, and each head's consistency
 * with the next. Stops at the first problem and names it.
 */
export function verifyAccessLog(store: LogStore, publicKey: KeyLookup): AccessLogReport {
  const replay = new LogReplay();
  for (const r of store.storedLeaves()) {
    const problem = replay.leaf(r);
    if (problem) return replay.fail(problem);
  }
  for (const node of store.storedNodes()) {
    const problem = replay.node(node);
    if (problem) return replay.fail(problem);
  }
  return replay.heads(store.heads(), publicKey);
}

/** {@link verifyAccessLog} over a log read page by page, never whole in memory. */
export async function verifyPagedAccessLog(source: PagedLogSource, publicKey: KeyLookup): Promise<AccessLogReport> {
  const replay = new LogReplay();
  for await (const r of source.pagedLeaves()) {
    const problem = replay.leaf(r);
    if (problem) return replay.fail(problem);
  }
  for await (const node of source.pagedNodes()) {
    const problem = replay.node(node);
    if (problem) return replay.fail(problem);
  }
  return replay.heads(await source.heads(), publicKey);
}

/** The replay's checks, fed leaves in index order, then nodes, then the heads. */
class LogReplay {
  private readonly tree = new MemoryTree();

  fail(problem: string, heads = 0): AccessLogReport {
    return { ok: false, leaves: this.tree.size, heads, problem };
  }

  leaf(r: StoredLeaf): string | undefined {
    const i = this.tree.size;
    if (r.leaf_index !== i) return `leaf ${i} is missing (the next stored leaf is ${r.leaf_index})`;
    const h = leafHash(r.leaf);
    if (!hashEquals(h, r.leaf_hash)) return `leaf ${i}: its stored hash does not match its bytes`;
    let e: AuditEvent;
    try {
      e = JSON.parse(r.leaf.toString('utf8')) as AuditEvent;
    } catch {
      return `leaf ${i}: its bytes are not an event`;
    }
    if (
      !(EVENT_KINDS as readonly string[]).includes(e.kind) || e.event_id !== r.event_id || e.time !== r.time || e.actor !== r.actor ||
      e.kind !== r.action || (e.subject ?? null) !== r.subject || e.outcome !== r.outcome
    ) {
      return `leaf ${i}: its indexed columns do not match the leaf`;
    }
    this.tree.append(h);
    return undefined;
  }

  node(node: StoredNode): string | undefined {
    const width = 2 ** node.level;
    const end = (node.idx + 1) * width;
    if (end > this.tree.size || !hashEquals(this.tree.subtree(node.idx * width, end), node.hash)) {
      return `tree node ${node.level}/${node.idx} (leaves ${node.idx * width}–${end - 1}) does not match the leaves`;
    }
    return undefined;
  }

  heads(rows: HeadRow[], publicKey: KeyLookup): AccessLogReport {
    const tree = this.tree;
    const n = tree.size;
    const heads = rows.map(headFromRow);
    let prev: TreeHead | undefined;
    for (const [k, head] of heads.entries()) {
      const name = `tree head at size ${head.tree_size}`;
      if (!verifyTreeHead(head, publicKey)) return this.fail(`${name}: its signature does not verify`, k);
      if (head.tree_size > n) return this.fail(`${name}: it covers more leaves than the log holds (leaves ${n}–${head.tree_size - 1} are gone)`, k);
      if (!hashEquals(tree.root(head.tree_size), Buffer.from(head.root_hash, 'hex'))) {
        return this.fail(`${name}: the log does not match it — a leaf in ${prev?.tree_size ?? 0}–${head.tree_size - 1} was changed, inserted, removed or reordered`, k);
      }
      if (prev) {
        if (head.timestamp < prev.timestamp) return this.fail(`${name}: its timestamp is older than the head before it`, k);
        const proof = consistencyProof(prev.tree_size, head.tree_size, tree);
        if (!verifyConsistency(prev.tree_size, head.tree_size, Buffer.from(prev.root_hash, 'hex'), Buffer.from(head.root_hash, 'hex'), proof)) {
          return this.fail(`${name}: not consistent with the head at size ${prev.tree_size}`, k);
        }
      }
      prev = head;
    }
    return { ok: true, leaves: n, heads: heads.length };
  }
}

/** Replays the log of the configured store: SQLite's file read-only, or PostgreSQL's tables page by page. */
export async function verifyStoredLog(location: StoreLocation, publicKey: KeyLookup): Promise<AccessLogReport> {
  if (location.storage === 'postgres') {
    const shared = await openSharedLogStore(location);
    try {
      return await verifyPagedAccessLog(shared.store, publicKey);
    } finally {
      await shared.close();
    }
  }
  const store = openLogStore(location, { readonly: true });
  try {
    return verifyAccessLog(store, publicKey);
  } finally {
    store.close();
  }
}
