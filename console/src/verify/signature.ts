import { sm2 } from 'sm-crypto-v2';

/**
 * Signature checks in the browser for either suite (CONTRACT.md "国密"): Ed25519 through WebCrypto, SM2
 * (SM3, user id 1234567812345678, r ‖ s in hex) through sm-crypto-v2 — WebCrypto has no SM2. The same
 * rules as the gateway's gateway/crypto/signatures.ts: the primary signature and every cosignature must
 * verify with a published key of the algorithm they name.
 */
export interface PublishedKey {
  key_id: string;
  alg: string;
  public_key_pem?: string;
  public_key_hex?: string;
}

export interface SignatureEntry {
  alg?: string;
  key_id: string;
  signature: string;
}

const N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');

function base64Bytes(s: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

async function ed25519(pem: string, signature: string, bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const der = base64Bytes(pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, ''));
  const key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, base64Bytes(signature), bytes);
}

/** SM2 verification of a 64-byte r ‖ s (hex) with r, s range-checked (GB/T 32918.2 §7.1 B1–B2). */
export function sm2VerifyHex(bytes: Uint8Array, signatureHex: string, publicKeyHex: string): boolean {
  if (!/^[0-9a-f]{128}$/.test(signatureHex) || !/^04[0-9a-fA-F]{128}$/.test(publicKeyHex)) return false;
  const r = BigInt(`0x${signatureHex.slice(0, 64)}`);
  const s = BigInt(`0x${signatureHex.slice(64)}`);
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  try {
    return sm2.doVerifySignature(bytes, signatureHex, publicKeyHex.toLowerCase(), { hash: true, der: false, userId: '1234567812345678' });
  } catch {
    return false;
  }
}

/** One signature over `bytes` with the published key it names; never throws. */
export async function verifyEntry(entry: SignatureEntry, bytes: Uint8Array<ArrayBuffer>, keys: readonly PublishedKey[]): Promise<boolean> {
  const alg = entry.alg ?? 'Ed25519';
  const key = keys.find((k) => k.key_id === entry.key_id);
  if (!key || key.alg !== alg || typeof entry.signature !== 'string') return false;
  try {
    if (alg === 'Ed25519' && key.public_key_pem) return await ed25519(key.public_key_pem, entry.signature, bytes);
    if (alg === 'SM2' && key.public_key_hex) return sm2VerifyHex(bytes, entry.signature, key.public_key_hex);
  } catch {
    return false;
  }
  return false;
}

/** What failed: a key not published, or a signature that does not verify (naming its key). */
export type SignatureFailure = { kind: 'unpublished' | 'invalid'; alg: string; key_id: string };

/** The primary signature and every cosignature; returns the first failure, or undefined when all verify. */
export async function verifyAllSignatures(
  primary: SignatureEntry,
  cosignatures: readonly SignatureEntry[] | undefined,
  bytes: Uint8Array<ArrayBuffer>,
  keys: readonly PublishedKey[],
): Promise<SignatureFailure | undefined> {
  for (const e of [primary, ...(cosignatures ?? [])]) {
    const alg = e.alg ?? 'Ed25519';
    if (!keys.some((k) => k.key_id === e.key_id)) return { kind: 'unpublished', alg, key_id: e.key_id };
    if (!(await verifyEntry(e, bytes, keys))) return { kind: 'invalid', alg, key_id: e.key_id };
  }
  return undefined;
}
