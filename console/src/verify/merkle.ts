/**
 * RFC 6962 §2.1 / RFC 9162 §2.1 verification in the browser with WebCrypto — a faithful port of
 * gateway/domain/merkle.ts (rootFromInclusionProof, verifyConsistency) with SHA-256 from
 * crypto.subtle, so the console trusts nothing but the gateway's published key.
 */

export type Hash = Uint8Array;

async function sha256(...parts: Uint8Array[]): Promise<Hash> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** RFC 6962 §2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(leaf: Uint8Array): Promise<Hash> {
  return sha256(LEAF_PREFIX, leaf);
}

/** RFC 6962 §2.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Promise<Hash> {
  return sha256(NODE_PREFIX, left, right);
}

/** Equality of two hashes without an early exit (the values here are public; the habit is kept). */
export function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

function isHash(h: unknown): h is Hash {
  return h instanceof Uint8Array && h.length === 32;
}

/** Lower-case hex of exactly 32 bytes, else undefined: proofs come from the network and are parsed defensively. */
export function hashFromHex(hex: unknown): Hash | undefined {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** The root an inclusion proof leads to, or undefined when the proof cannot be valid (RFC 9162 §2.1.3.2). */
export async function rootFromInclusionProof(index: number, size: number, leaf: Hash, proof: readonly Hash[]): Promise<Hash | undefined> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  if (!isHash(leaf) || !Array.isArray(proof) || proof.length > 64 || !proof.every(isHash)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf hash at `index` in the tree of `size` with `root`? */
export async function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): Promise<boolean> {
  const r = await rootFromInclusionProof(index, size, leaf, proof);
  return r !== undefined && isHash(root) && hashEquals(r, root);
}

/** RFC 9162 §2.1.4.2: is the tree (second, secondRoot) an append-only extension of (first, firstRoot)? */
export async function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): Promise<boolean> {
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
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hashEquals(fr, firstRoot) && hashEquals(sr, secondRoot);
}
