import { nodeHash, splitPoint, type SubtreeHashes } from '../../domain/merkle.js';

/** A stored aligned subtree: level 0 is a leaf hash, level l ≥ 1 the hash of 2^l leaves from idx·2^l. */
export interface SubtreeRef {
  level: number;
  idx: number;
}

/** Stored hashes by place; undefined when the store lacks one (the log is damaged). */
export type SubtreeLookup = (level: number, idx: number) => Buffer | undefined;

/**
 * Subtree hashes of any range from the stored aligned subtrees (a range of 2^l leaves starting at a
 * multiple of 2^l is one stored hash; any other is split as RFC 6962 splits it), memoised for one proof
 * so each is read once: O(log n) reads.
 */
export function storedSubtrees(stored: (level: number, idx: number) => Buffer): SubtreeHashes {
  const memo = new Map<string, Buffer>();
  const subtree = (start: number, end: number): Buffer => {
    const n = end - start;
    const key = `${start}:${end}`;
    const hit = memo.get(key);
    if (hit) return hit;
    let h: Buffer;
    if ((n & (n - 1)) === 0 && start % n === 0) {
      h = stored(Math.log2(n), start / n);
    } else {
      const k = splitPoint(n);
      h = nodeHash(subtree(start, start + k), subtree(start + k, end));
    }
    memo.set(key, h);
    return h;
  };
  return { subtree };
}

/** A proof (or root) computed from subtree hashes. */
export type SubtreeHashesCompute<T> = (src: SubtreeHashes) => T;

const PLACEHOLDER = Buffer.alloc(32);

/**
 * Computes a proof (or a root) over a store read asynchronously, in one read: which stored subtrees a
 * proof uses depends only on the sizes and indexes, never on hash values, so a first pass with
 * placeholder hashes lists them, `read` fetches them all at once, and a second pass computes with them.
 */
export async function withStoredSubtrees<T>(compute: SubtreeHashesCompute<T>, read: (refs: SubtreeRef[]) => Promise<SubtreeLookup>): Promise<T> {
  const needed = new Map<string, SubtreeRef>();
  compute(storedSubtrees((level, idx) => {
    needed.set(`${level}/${idx}`, { level, idx });
    return PLACEHOLDER;
  }));
  const lookup = await read([...needed.values()]);
  return compute(storedSubtrees((level, idx) => {
    const h = lookup(level, idx);
    if (!h) throw new Error(`missing tree node ${level}/${idx}`);
    return h;
  }));
}
