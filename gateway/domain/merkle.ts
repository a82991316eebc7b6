import crypto from 'node:crypto';

/**
 * Merkle tree hashing, proofs and their verification exactly as RFC 6962 §2.1 / RFC 9162 §2.1.
 * Pure: proofs are built over a {@link SubtreeHashes} source, verification needs nothing but its inputs.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** RFC 6962 §2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(leaf: Uint8Array): Buffer {
  return crypto.createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** RFC 6962 §2.1: SHA-256(0x01 || MTH(left) || MTH(right)). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return crypto.createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256() — the hash of the empty string. */
export const EMPTY_ROOT = crypto.createHash('sha256').digest();

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Hashes of subtrees D[start:end] of one log. */
export interface SubtreeHashes {
  subtree(start: number, end: number): Buffer;
}

/** RFC 6962 §2.1.1 PATH(m, D[n]), over leaves [start, start+n). */
export function inclusionProof(index: number, size: number, src: SubtreeHashes): Buffer[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError('leaf index outside the tree');
  }
  const out: Buffer[] = [];
  const path = (m: number, start: number, n: number): void => {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, k);
      out.push(src.subtree(start + k, start + n));
    } else {
      path(m - k, start + k, n - k);
      out.push(src.subtree(start, start + k));
    }
  };
  path(index, 0, size);
  return out;
}

/**
 * RFC 6962 §2.1.2 PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
 * Policy for the edges (as transparency-dev/merkle): first = second or first = 0 give an empty proof,
 * since every tree is consistent with itself and extends the empty tree; first > second is an error.
 */
export function consistencyProof(first: number, second: number, src: SubtreeHashes): Buffer[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    throw new RangeError('consistency needs 0 ≤ first ≤ second');
  }
  if (first === 0 || first === second) return [];
  const out: Buffer[] = [];
  const sub = (m: number, start: number, n: number, b: boolean): void => {
    if (m === n) {
      if (!b) out.push(src.subtree(start, start + n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, k, b);
      out.push(src.subtree(start + k, start + n));
    } else {
      sub(m - k, start + k, n - k, false);
      out.push(src.subtree(start, start + k));
    }
  };
  sub(first, 0, second, true);
  return out;
}

/** Constant-time equality of two hashes. */
export function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === 32;
}

/** The root an inclusion proof leads to, or undefined when the proof cannot be valid (RFC 9162 §2.1.3.2). */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  if (!isHash(leaf) || !Array.isArray(proof) || proof.length > 64 || !proof.every(isHash)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf hash at `index` in the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const r = rootFromInclusionProof(index, size, leaf, proof);
  return r !== undefined && isHash(root) && hashEquals(r, root);
}

/** RFC 9162 §2.1.4.2: is the tree (second, secondRoot) an append-only extension of (first, firstRoot)? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (!isHash(firstRoot) || !isHash(secondRoot) || !Array.isArray(proof) || proof.length > 128 || !proof.every(isHash)) return false;
  if (first === second) return proof.length === 0 && hashEquals(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  if ((first & (first - 1)) === 0) path.unshift(firstRoot);
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hashEquals(fr, firstRoot) && hashEquals(sr, secondRoot);
}

/** An in-memory log over leaf hashes (tests, replay in `vouch audit verify`). */
export class MemoryTree implements SubtreeHashes {
  readonly leaves: Buffer[] = [];
  /** levels[l][i] = hash of the complete subtree of 2^l leaves starting at i·2^l. */
  private readonly levels: Buffer[][] = [this.leaves];

  append(leafHashValue: Buffer): void {
    this.leaves.push(leafHashValue);
    let idx = this.leaves.length - 1;
    for (let l = 1; idx % 2 === 1; l++) {
      const below = this.levels[l - 1]!;
      (this.levels[l] ??= []).push(nodeHash(below[idx - 1]!, below[idx]!));
      idx = Math.floor(idx / 2);
    }
  }

  get size(): number {
    return this.leaves.length;
  }

  subtree(start: number, end: number): Buffer {
    const n = end - start;
    if (n <= 0 || end > this.leaves.length) throw new RangeError('subtree outside the tree');
    if ((n & (n - 1)) === 0 && start % n === 0) {
      const level = Math.log2(n);
      return this.levels[level]![start / n]!;
    }
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, start + k), this.subtree(start + k, end));
  }

  root(size = this.leaves.length): Buffer {
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size);
  }
}
