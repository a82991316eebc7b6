import { EMPTY_ROOT, nodeHash } from './merkle.js';

/** A subtree hash completed by an append: 2^level leaves starting at leaf idx·2^level. */
export interface CompletedNode {
  level: number;
  idx: number;
  hash: Buffer;
}

/**
 * The right edge of an RFC 6962 tree: for each level, the hash of the last complete subtree of 2^level
 * leaves that still waits for its right sibling. Appending a leaf hash completes the subtrees it closes
 * (returned, to be stored so any proof is O(log n) look-ups); the root is the fold of the edge. Any
 * store's log writer keeps one in memory and rebuilds it from its stored nodes with {@link fromStore}.
 */
export class MerkleFrontier {
  private readonly edge = new Map<number, Buffer>();

  private constructor(private n: number) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0);
  }

  /** The levels whose node a store must read to rebuild the edge of a tree of `size` leaves. */
  static needed(size: number): { level: number; idx: number }[] {
    const out: { level: number; idx: number }[] = [];
    for (let level = 0; 2 ** level <= size; level++) {
      const count = Math.floor(size / 2 ** level);
      if (count % 2 === 1) out.push({ level, idx: count - 1 });
    }
    return out;
  }

  /** Rebuilds the edge of a stored tree of `size` leaves from its stored nodes (level 0: leaf hashes). */
  static fromStore(size: number, nodeAt: (level: number, idx: number) => Buffer): MerkleFrontier {
    const f = new MerkleFrontier(size);
    for (const { level, idx } of MerkleFrontier.needed(size)) f.edge.set(level, nodeAt(level, idx));
    return f;
  }

  get size(): number {
    return this.n;
  }

  /** An independent copy, to stage appends that a failed transaction must not keep. */
  copy(): MerkleFrontier {
    const f = new MerkleFrontier(this.n);
    for (const [level, h] of this.edge) f.edge.set(level, h);
    return f;
  }

  /** Takes over a staged copy's state once what it appended is committed. */
  adopt(staged: MerkleFrontier): void {
    this.edge.clear();
    for (const [level, h] of staged.edge) this.edge.set(level, h);
    this.n = staged.n;
  }

  /** Appends a leaf hash as leaf number {@link size}; returns the subtrees of level ≥ 1 it completes. */
  append(leafHash: Buffer): CompletedNode[] {
    const completed: CompletedNode[] = [];
    let h = leafHash;
    let idx = this.n;
    let level = 0;
    while (idx % 2 === 1) {
      h = nodeHash(this.edge.get(level)!, h);
      this.edge.delete(level);
      level++;
      idx = Math.floor(idx / 2);
      completed.push({ level, idx, hash: h });
    }
    this.edge.set(level, h);
    this.n++;
    return completed;
  }

  /** The tree hash of all leaves appended (RFC 6962 §2.1; SHA-256 of nothing for an empty tree). */
  root(): Buffer {
    let acc: Buffer | undefined;
    for (const level of [...this.edge.keys()].sort((a, b) => a - b)) {
      const h = this.edge.get(level)!;
      acc = acc ? nodeHash(h, acc) : h;
    }
    return acc ?? EMPTY_ROOT;
  }
}
