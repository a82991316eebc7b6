import type { KeyLookup } from '../../crypto/signatures.js';
import { EVENT_KINDS, type AuditEvent } from '../../domain/audit-events.js';
import { MemoryTree, consistencyProof, hashEquals, leafHash, verifyConsistency } from '../../domain/merkle.js';
import type { LogStore } from '../../storage/log-store.js';
import { verifyTreeHead, type TreeHead } from './access-log.js';
import { headFromRow } from './appender.js';

export interface AccessLogReport {
  ok: boolean;
  leaves: number;
  heads: number;
  /** The first problem found, naming the leaf or head. */
  problem?: string;
}

/**
 * Replays the whole access log from storage (what `vouch audit verify` runs): every leaf's hash is
 * recomputed from its bytes, the indexed columns are checked against the leaf, every stored subtree hash
 * against the replayed tree, every signed tree head's signature and root, and each head's consistency
 * with the next. Stops at the first problem and names it.
 */
export function verifyAccessLog(store: LogStore, publicKey: KeyLookup): AccessLogReport {
  const tree = new MemoryTree();
  const fail = (problem: string, heads = 0): AccessLogReport => ({ ok: false, leaves: tree.size, heads, problem });
  for (const r of store.storedLeaves()) {
    const i = tree.size;
    if (r.leaf_index !== i) return fail(`leaf ${i} is missing (the next stored leaf is ${r.leaf_index})`);
    const h = leafHash(r.leaf);
    if (!hashEquals(h, r.leaf_hash)) return fail(`leaf ${i}: its stored hash does not match its bytes`);
    let e: AuditEvent;
    try {
      e = JSON.parse(r.leaf.toString('utf8')) as AuditEvent;
    } catch {
      return fail(`leaf ${i}: its bytes are not an event`);
    }
    if (
      !(EVENT_KINDS as readonly string[]).includes(e.kind) || e.event_id !== r.event_id || e.time !== r.time || e.actor !== r.actor ||
      e.kind !== r.action || (e.subject ?? null) !== r.subject || e.outcome !== r.outcome
    ) {
      return fail(`leaf ${i}: its indexed columns do not match the leaf`);
    }
    tree.append(h);
  }
  const n = tree.size;
  for (const node of store.storedNodes()) {
    const width = 2 ** node.level;
    const end = (node.idx + 1) * width;
    if (end > n || !hashEquals(tree.subtree(node.idx * width, end), node.hash)) {
      return fail(`tree node ${node.level}/${node.idx} (leaves ${node.idx * width}–${end - 1}) does not match the leaves`);
    }
  }
  const heads = store.heads().map(headFromRow);
  let prev: TreeHead | undefined;
  for (const [k, head] of heads.entries()) {
    const name = `tree head at size ${head.tree_size}`;
    if (!verifyTreeHead(head, publicKey)) return fail(`${name}: its signature does not verify`, k);
    if (head.tree_size > n) return fail(`${name}: it covers more leaves than the log holds (leaves ${n}–${head.tree_size - 1} are gone)`, k);
    if (!hashEquals(tree.root(head.tree_size), Buffer.from(head.root_hash, 'hex'))) {
      return fail(`${name}: the log does not match it — a leaf in ${prev?.tree_size ?? 0}–${head.tree_size - 1} was changed, inserted, removed or reordered`, k);
    }
    if (prev) {
      if (head.timestamp < prev.timestamp) return fail(`${name}: its timestamp is older than the head before it`, k);
      const proof = consistencyProof(prev.tree_size, head.tree_size, tree);
      if (!verifyConsistency(prev.tree_size, head.tree_size, Buffer.from(prev.root_hash, 'hex'), Buffer.from(head.root_hash, 'hex'), proof)) {
        return fail(`${name}: not consistent with the head at size ${prev.tree_size}`, k);
      }
    }
    prev = head;
  }
  return { ok: true, leaves: n, heads: heads.length };
}
