import type { KeyLookup } from '../../crypto/signatures.js';
import fs from 'node:fs';
import { verifyConsistency } from '../../domain/merkle.js';
import { verifyTreeHead, type TreeHead } from './access-log.js';

/** Where a witness gets heads and proofs from: the gateway's API, or its storage directly. */
export interface WitnessSource {
  treeHead(): Promise<TreeHead>;
  consistency(first: number, second: number): Promise<string[]>;
}

export interface WitnessState {
  /** The newest head the witness has accepted. */
  head: TreeHead | null;
}

export type WitnessVerdict = { ok: true; head: TreeHead; grew: boolean } | { ok: false; problem: string };

/**
 * The bureau's witness: it remembers the newest head it accepted and accepts a new one only when it is
 * signed and provably an append-only extension (RFC 9162 §2.1.4 consistency) of the one it holds. A
 * history rewritten and re-signed with the real key is still caught, because the old root the witness
 * kept cannot be reached from the new tree.
 */
export async function witness(state: WitnessState, source: WitnessSource, publicKey: KeyLookup): Promise<WitnessVerdict> {
  const head = await source.treeHead();
  if (!verifyTreeHead(head, publicKey)) return { ok: false, problem: `tree head at size ${head.tree_size}: its signature does not verify` };
  const old = state.head;
  if (!old) return { ok: true, head, grew: true };
  if (head.tree_size < old.tree_size) return { ok: false, problem: `the log shrank from ${old.tree_size} to ${head.tree_size} leaves` };
  if (head.tree_size === old.tree_size) {
    if (head.root_hash !== old.root_hash) return { ok: false, problem: `two different roots were signed for size ${head.tree_size}: history was rewritten` };
    return { ok: true, head: old, grew: false };
  }
  const proof = (await source.consistency(old.tree_size, head.tree_size)).map((h) => Buffer.from(h, 'hex'));
  if (!verifyConsistency(old.tree_size, head.tree_size, Buffer.from(old.root_hash, 'hex'), Buffer.from(head.root_hash, 'hex'), proof)) {
    return { ok: false, problem: `the head at size ${head.tree_size} is not consistent with the head at size ${old.tree_size} the witness holds: history was rewritten` };
  }
  return { ok: true, head, grew: true };
}

export function loadWitnessState(file: string): WitnessState {
  if (!fs.existsSync(file)) return { head: null };
  return JSON.parse(fs.readFileSync(file, 'utf8')) as WitnessState;
}

export function saveWitnessState(file: string, state: WitnessState): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
