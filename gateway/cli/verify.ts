import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EVENT_KINDS } from '../domain/audit-events.js';
import { MemoryTree, hashEquals, leafHash, verifyInclusion } from '../domain/merkle.js';
import { verifyTreeHead, type TreeHead } from '../services/access-log/access-log.js';
import { verifyAnswerBinding, verifyReceipt } from '../services/access-log/receipts.js';
import type { WitnessSource } from '../services/access-log/witness.js';
import { KeyStore, keyIdOf } from '../../keys/keystore.js';
import { sm2KeyIdOf, verifyKeyFromPublished, type CryptoSuite, type KeyLookup, type VerifyKey } from '../crypto/signatures.js';

/**
 * What a bureau, an insurer or a patient verifies with nothing of the gateway's: public keys from
 * `GET /v1/keys` (or a PEM file they were handed), heads, leaves and proofs over the API. Nothing here
 * reads or creates a secret.
 */
export type { KeyLookup };

export class RemoteGateway {
  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
  ) {}

  async get<T>(route: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(route, this.base), { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} });
    } catch (err) {
      throw new Error(`cannot reach ${this.base}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
    }
    if (!res.ok) {
      const code = await res.json().then((b: { error?: { code?: string } }) => b.error?.code, () => undefined);
      throw new Error(`${route.split('?')[0]} answered ${res.status}${code ? ` ${code}` : ''}`);
    }
    return (await res.json()) as T;
  }

  /** The published signing keys (Ed25519 and SM2), by key id — each id checked against its key. */
  async keys(): Promise<KeyLookup> {
    const { keys } = await this.get<{ keys: { key_id: string; alg?: string; public_key_pem?: string; public_key_hex?: string }[] }>('/v1/keys');
    const byId = new Map<string, VerifyKey>();
    for (const k of keys) {
      const key = verifyKeyFromPublished(k);
      if (key && keyIdOfVerifyKey(key) === k.key_id) byId.set(k.key_id, key);
    }
    return (kid) => byId.get(kid);
  }

  treeHead(): Promise<TreeHead> {
    return this.get<TreeHead>('/v1/audit/tree-head');
  }

  witnessSource(): WitnessSource {
    return {
      treeHead: () => this.treeHead(),
      consistency: async (a, b) => (await this.get<{ proof: string[] }>(`/v1/audit/proof/consistency?first=${a}&second=${b}`)).proof,
    };
  }
}

function keyIdOfVerifyKey(key: VerifyKey): string {
  return 'alg' in key && key.alg === 'SM2' ? sm2KeyIdOf(key.publicKeyHex) : keyIdOf(key as crypto.KeyObject);
}

/**
 * Keys from a file a verifier was handed: an Ed25519 PEM (public, or private whose public half is used),
 * an SM2 public point (`04…`, hex), or a saved `GET /v1/keys` answer (keys by id, either algorithm).
 */
export function keysFromFile(file: string): KeyLookup {
  const text = fs.readFileSync(file, 'utf8').trim();
  let byId: Map<string, VerifyKey> | undefined;
  if (/^04[0-9a-fA-F]{128}$/.test(text)) {
    const key: VerifyKey = { alg: 'SM2', publicKeyHex: text.toLowerCase() };
    byId = new Map([[keyIdOfVerifyKey(key), key]]);
  } else if (text.startsWith('-----BEGIN')) {
    const key = text.includes('PRIVATE KEY') ? crypto.createPublicKey(crypto.createPrivateKey(text)) : crypto.createPublicKey(text);
    byId = new Map([[keyIdOf(key), key]]);
  } else {
    try {
      const doc = JSON.parse(text) as { keys?: { key_id?: unknown; alg?: unknown; public_key_pem?: unknown; public_key_hex?: unknown }[] };
      if (Array.isArray(doc.keys)) {
        byId = new Map(doc.keys.flatMap((k) => {
          const v = verifyKeyFromPublished(k);
          return v && typeof k.key_id === 'string' && keyIdOfVerifyKey(v) === k.key_id ? [[k.key_id, v] as const] : [];
        }));
      }
    } catch {
      byId = undefined;
    }
  }
  if (!byId) throw new Error(`${file} holds neither a PEM key, an SM2 point (04…, hex) nor a GET /v1/keys answer`);
  const keys = byId;
  return (kid) => keys.get(kid);
}

/**
 * The signing public keys of a local data directory, for an operator verifying on the gateway's own
 * machine. A folder without keys is refused (never a key created): give --public-key or --url.
 */
export function keysFromDataDir(dataDir: string, keysDir: string, suite: CryptoSuite): KeyLookup {
  if (!fs.existsSync(path.join(keysDir, 'signing', 'current'))) throw new Error(`no signing keys under ${keysDir}: give --public-key FILE or --url`);
  const ks = KeyStore.open(dataDir, { keysDir, existingData: true, suite });
  return (kid) => ks.verifyKey(kid);
}

export interface RemoteReport {
  ok: boolean;
  leaves: number;
  problem?: string;
  head?: TreeHead;
}

/**
 * Verifies a remote log end to end over the API: the signed head's signature, every leaf's bytes (each
 * an event of the closed vocabulary) rebuilt into the RFC 6962 tree, and the rebuilt root against the
 * signed one. Pages of 1,000 leaves (the API's limit).
 */
export async function verifyRemoteLog(remote: RemoteGateway, keys: KeyLookup): Promise<RemoteReport> {
  const head = await remote.treeHead();
  const key = keys(head.key_id);
  if (!key) return { ok: false, leaves: 0, problem: `the tree head is signed with key ${head.key_id}, which is not among the published keys` };
  if (!verifyTreeHead(head, keys)) return { ok: false, leaves: 0, problem: `the tree head at size ${head.tree_size}: its signature does not verify` };
  const tree = new MemoryTree();
  while (tree.size < head.tree_size) {
    const end = Math.min(head.tree_size, tree.size + 1000);
    const { leaves } = await remote.get<{ leaves: { leaf_index: number; leaf: string }[] }>(`/v1/audit/leaves?start=${tree.size}&end=${end}`);
    if (!leaves.length) return { ok: false, leaves: tree.size, problem: `leaves from ${tree.size} on are missing (the head covers ${head.tree_size})` };
    for (const l of leaves) {
      if (l.leaf_index !== tree.size) return { ok: false, leaves: tree.size, problem: `leaf ${tree.size} is missing (got ${l.leaf_index})` };
      const bytes = Buffer.from(l.leaf, 'base64');
      let kind: unknown;
      try {
        kind = (JSON.parse(bytes.toString('utf8')) as { kind?: unknown }).kind;
      } catch {
        kind = undefined;
      }
      if (!(EVENT_KINDS as readonly unknown[]).includes(kind)) return { ok: false, leaves: tree.size, problem: `leaf ${tree.size}: its bytes are not an event` };
      tree.append(leafHash(bytes));
    }
  }
  if (!hashEquals(tree.root(head.tree_size), Buffer.from(head.root_hash, 'hex'))) {
    return { ok: false, leaves: tree.size, problem: `the leaves served do not hash to the signed root at size ${head.tree_size}: the log was altered` };
  }
  return { ok: true, leaves: tree.size, head };
}

export interface ReceiptReport {
  ok: boolean;
  lines: string[];
}

/**
 * A receipt file: a bare receipt or a whole saved answer holding one (`{…, receipt, receipt_salt?}`).
 * The signature is checked; for a whole answer with its salt, also that the receipt covers exactly this
 * answer; with a remote gateway, also that the receipt's leaf is in the log under a signed head.
 */
export async function verifyReceiptFile(content: unknown, keys: KeyLookup, remote?: RemoteGateway): Promise<ReceiptReport> {
  const lines: string[] = [];
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return { ok: false, lines: ['the file holds neither a receipt nor an answer'] };
  const whole = 'receipt' in content;
  const receipt = (whole ? (content as { receipt: unknown }).receipt : content) as Record<string, unknown>;
  if (!verifyReceipt(receipt, keys)) return { ok: false, lines: ['NOT genuine: the signature, key id or contents do not match'] };
  lines.push(`signature: genuine (key ${String(receipt.key_id)})`);
  if (whole) {
    const answer = content as Record<string, unknown>;
    if (typeof answer.receipt_salt === 'string') {
      if (!verifyAnswerBinding(answer)) return { ok: false, lines: [...lines, 'NOT this answer: the answer beside the receipt is not the one it covers'] };
      lines.push('answer: the receipt covers exactly this answer');
    } else {
      lines.push('answer: no receipt_salt beside it, so only the receipt was checked');
    }
  }
  if (remote) {
    const leafIndex = receipt.leaf_index as number;
    const leafHashHex = receipt.leaf_hash;
    if (typeof leafHashHex !== 'string') return { ok: false, lines: [...lines, 'the receipt names no leaf hash, so its place in the log cannot be proved'] };
    const head = await remote.treeHead();
    const key = keys(head.key_id);
    if (!key || !verifyTreeHead(head, keys)) return { ok: false, lines: [...lines, `the log's tree head at size ${head.tree_size} does not verify`] };
    if (leafIndex >= head.tree_size) {
      return {
        ok: false,
        lines: [...lines, `NOT in the log (yet?): the signed head covers ${head.tree_size} leaves and the receipt names leaf ${leafIndex} — either its head is not signed yet (try again in a few seconds) or the log no longer holds it (an older copy restored: ask the bureau's witness)`],
      };
    }
    const proof = await remote.get<{ leaf_hash: string; audit_path: string[] }>(`/v1/audit/proof/inclusion?leaf_index=${leafIndex}&tree_size=${head.tree_size}`);
    const included = verifyInclusion(leafIndex, head.tree_size, Buffer.from(leafHashHex, 'hex'), proof.audit_path.map((h) => Buffer.from(h, 'hex')), Buffer.from(head.root_hash, 'hex'));
    if (!included) return { ok: false, lines: [...lines, `NOT in the log: leaf ${leafIndex} is not the receipt's leaf under the signed head at size ${head.tree_size}`] };
    lines.push(`log: leaf ${leafIndex} is in the log under the signed head at size ${head.tree_size}`);
  }
  return { ok: true, lines };
}
