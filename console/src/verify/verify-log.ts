import type { Api, AuditEvent, TreeHead } from '../api.js';
import { hashEquals, hashFromHex, leafHash, rootFromInclusionProof, verifyConsistency, type Hash } from './merkle.js';
import { verifyAllSignatures } from './signature.js';

/**
 * The bureau's check, in the browser: the newest signed tree head is signed by a key the gateway
 * publishes; every shown event is a leaf whose bytes say what its row says and whose audit path leads
 * to that head's root; and that head extends the last head this tab verified (a consistency proof), so
 * the log was neither rewritten nor cut between two looks. Every step names what failed.
 */

export interface Verification {
  ok: boolean;
  /** What failed, each naming the leaf, the signature, the root or the consistency proof. */
  failures: string[];
  head: TreeHead | undefined;
  /** Leaf indexes that passed every check. */
  passed: Set<number>;
  /** The earlier head this one was proven consistent with, if any. */
  consistentWith: TreeHead | undefined;
}

/** RFC 6962 §3.5 TreeHeadSignature: version 0 ‖ signature_type 1 (tree_hash) ‖ uint64 timestamp ‖ uint64 tree_size ‖ root. */
export function treeHeadSignedBytes(treeSize: number, timestamp: number, root: Hash): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(50);
  const view = new DataView(b.buffer);
  b[0] = 0;
  b[1] = 1;
  view.setBigUint64(2, BigInt(timestamp));
  view.setBigUint64(10, BigInt(treeSize));
  b.set(root, 18);
  return b;
}

function base64Bytes(s: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

/**
 * Checks a head's signature — Ed25519 or SM2 by its `alg`, and under VOUCH_CRYPTO=dual its SM2
 * cosignature too — with the published keys they name; returns a failure or undefined.
 */
export async function checkHeadSignature(api: Api, head: TreeHead): Promise<string | undefined> {
  const root = hashFromHex(head.root_hash);
  if (!root || !Number.isSafeInteger(head.tree_size) || !Number.isSafeInteger(head.timestamp)) return `tree head (size ${head.tree_size}) is malformed`;
  const keys = (await api.keys()).keys;
  const primary = { alg: head.alg ?? 'Ed25519', key_id: head.key_id, signature: head.signature };
  const failure = await verifyAllSignatures(primary, head.cosignatures, treeHeadSignedBytes(head.tree_size, head.timestamp, root), keys);
  if (!failure) return undefined;
  const which = failure.alg === 'Ed25519' ? '' : ` ${failure.alg}`;
  return failure.kind === 'unpublished'
    ? `tree head${which} signature: key ${failure.key_id} is not published`
    : `tree head${which} signature (size ${head.tree_size}, key ${failure.key_id}) is not valid`;
}

/** Index ranges to fetch leaves by: nearby indexes share one request, far ones get their own. */
export function leafRanges(indexes: readonly number[]): [number, number][] {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const i of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && i - last[1] < 32 && i + 1 - last[0] <= 1000) last[1] = i + 1;
    else ranges.push([i, i + 1]);
  }
  return ranges;
}

/** The members of a row that must equal its leaf (parsed generically: leaves may carry more members). */
export function rowMismatches(row: AuditEvent, leaf: Record<string, unknown>): string[] {
  const want: [string, unknown, unknown][] = [
    ['action', row.action, leaf.kind],
    ['time', Date.parse(row.time), leaf.time],
    ['actor', row.actor, leaf.actor],
    ['actor_role', row.actor_role, leaf.actor_role],
    ['outcome', row.outcome, leaf.outcome],
    ['purpose', row.purpose ?? null, leaf.purpose ?? null],
    ['reason', row.reason ?? null, leaf.reason ?? null],
  ];
  if (row.subject !== undefined) want.push(['subject', row.subject ?? null, leaf.subject ?? null]);
  return want.filter(([, a, b]) => a !== b).map(([name]) => name);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One shown event against the head: its leaf's bytes, its row, its audit path. */
async function checkEvent(api: Api, head: TreeHead, root: Hash, row: AuditEvent, bytes: Uint8Array | undefined): Promise<string[]> {
  const i = row.leaf_index;
  if (i >= head.tree_size) return [`leaf ${i} is beyond the signed tree head (size ${head.tree_size})`];
  if (!bytes) return [`leaf ${i} was not served`];
  const failures: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) failures.push(`leaf ${i} is not an event`);
  else {
    const bad = rowMismatches(row, parsed as Record<string, unknown>);
    if (bad.length) failures.push(`leaf ${i} does not match its row (${bad.join(', ')})`);
  }
  const proof = await api.inclusion(i, head.tree_size);
  const path = proof.audit_path.map(hashFromHex);
  const computed = path.every((h): h is Hash => h !== undefined) ? await rootFromInclusionProof(i, head.tree_size, await leafHash(bytes), path) : undefined;
  if (!computed || !hashEquals(computed, root)) {
    failures.push(`leaf ${i} is not included under the signed root ${head.root_hash.slice(0, 16)}… (size ${head.tree_size})`);
  }
  return failures;
}

/** Proves `head` extends `previous` (RFC 9162 §2.1.4.2); returns a failure or undefined. */
async function checkConsistency(api: Api, previous: TreeHead, head: TreeHead, root: Hash): Promise<string | undefined> {
  const before = hashFromHex(previous.root_hash)!;
  if (previous.tree_size > head.tree_size) return `consistency: the log shrank from ${previous.tree_size} to ${head.tree_size} leaves`;
  const proof = previous.tree_size === head.tree_size ? [] : (await api.consistency(previous.tree_size, head.tree_size)).proof.map(hashFromHex);
  const ok = proof.every((h): h is Hash => h !== undefined) && (await verifyConsistency(previous.tree_size, head.tree_size, before, root, proof));
  return ok ? undefined : `consistency: the head of size ${head.tree_size} does not extend the one of size ${previous.tree_size} this tab accepted before`;
}

/**
 * Verifies the shown events under the newest signed head and that head against `previous` (the last
 * head this tab verified). Network errors count as failures too: an unverifiable log is not verified.
 */
export async function verifyShown(api: Api, shown: readonly AuditEvent[], previous: TreeHead | undefined): Promise<Verification> {
  const failures: string[] = [];
  const passed = new Set<number>();
  let head: TreeHead | undefined;
  try {
    head = await api.treeHead();
    const headFailure = await checkHeadSignature(api, head);
    if (headFailure) return { ok: false, failures: [headFailure], head, passed, consistentWith: undefined };
    const root = hashFromHex(head.root_hash)!;
    const bytes = new Map<number, Uint8Array>();
    const inTree = shown.map((e) => e.leaf_index).filter((i) => i < head!.tree_size);
    for (const [start, end] of leafRanges(inTree)) {
      for (const l of (await api.leaves(start, end)).leaves) bytes.set(l.leaf_index, base64Bytes(l.leaf));
    }
    const results = await mapLimit(shown, 6, (row) => checkEvent(api, head!, root, row, bytes.get(row.leaf_index)));
    results.forEach((f, k) => {
      if (f.length) failures.push(...f);
      else passed.add(shown[k]!.leaf_index);
    });
    if (previous) {
      const c = await checkConsistency(api, previous, head, root);
      if (c) failures.push(c);
    }
  } catch (err) {
    failures.push(`could not complete: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { ok: failures.length === 0, failures, head, passed, consistentWith: failures.length === 0 ? previous : undefined };
}

