import crypto, { KeyObject } from 'node:crypto';
import { ed25519Sign, ed25519Verify } from './ed25519.js';
import { sm2Sign, sm2Verify, type Sm2KeyPair } from './gm/sm2.js';
import { sm3 } from './gm/sm3.js';

/**
 * The signature suites (CONTRACT.md "国密", `VOUCH_CRYPTO`): which algorithm signs receipts and tree heads.
 *
 * - `intl`: Ed25519 (RFC 8032), signatures base64 — as before.
 * - `gm`: SM2 over SM3 with user id 1234567812345678 (GM/T 0003, GM/T 0009), signatures the 64-byte r ‖ s
 *   in hex.
 * - `dual`: Ed25519 as the primary signature (every existing verifier keeps working) and SM2 as a
 *   cosignature over the same bytes.
 *
 * The signed bytes name the primary algorithm and key id (`alg`, `key_id` sit inside them), so a
 * signature cannot be relabelled; cosignatures sign exactly the same bytes.
 */
export type CryptoSuite = 'intl' | 'gm' | 'dual';
export const CRYPTO_SUITES: readonly CryptoSuite[] = ['intl', 'gm', 'dual'];
export type SignatureAlg = 'Ed25519' | 'SM2';

export interface SignatureEntry {
  alg: SignatureAlg;
  key_id: string;
  signature: string;
}

export interface Sm2SigningKey extends Sm2KeyPair {
  kid: string;
}

/** The keys that sign now: one or both, by suite. */
export interface SuiteSigner {
  ed25519?: { kid: string; privateKey: KeyObject };
  sm2?: Sm2SigningKey;
}

/** A public key a verifier looks up by key id: an Ed25519 KeyObject, or an SM2 point. */
export type VerifyKey = KeyObject | { alg: 'SM2'; publicKeyHex: string };
export type KeyLookup = (kid: string) => VerifyKey | undefined;

/** An SM2 key id: `sm2-` and the first 16 hex digits of SM3 over the uncompressed point. */
export function sm2KeyIdOf(publicKeyHex: string): string {
  return `sm2-${sm3(Buffer.from(publicKeyHex.toLowerCase(), 'hex')).toString('hex').slice(0, 16)}`;
}

/** The primary signer's algorithm and key id, which go inside the signed bytes. */
export function primaryOf(signer: SuiteSigner): { alg: SignatureAlg; key_id: string } {
  if (signer.ed25519) return { alg: 'Ed25519', key_id: signer.ed25519.kid };
  if (signer.sm2) return { alg: 'SM2', key_id: signer.sm2.kid };
  throw new Error('no signing key');
}

function signOne(alg: SignatureAlg, signer: SuiteSigner, bytes: Uint8Array): string {
  if (alg === 'Ed25519') return ed25519Sign(bytes, signer.ed25519!.privateKey).toString('base64');
  return sm2Sign(bytes, signer.sm2!).toString('hex');
}

/** Raw signature bytes of the primary (what the tree_heads table stores). */
export function signatureBytes(entry: SignatureEntry): Buffer {
  return entry.alg === 'SM2' ? Buffer.from(entry.signature, 'hex') : Buffer.from(entry.signature, 'base64');
}

export function signatureText(alg: SignatureAlg, raw: Uint8Array): string {
  return alg === 'SM2' ? Buffer.from(raw).toString('hex') : Buffer.from(raw).toString('base64');
}

/** Signs `bytes` with every key of the suite: the primary, and (dual) the SM2 cosignature. */
export function signAll(signer: SuiteSigner, bytes: Uint8Array): { primary: SignatureEntry; cosignatures?: SignatureEntry[] } {
  const head = primaryOf(signer);
  const primary = { ...head, signature: signOne(head.alg, signer, bytes) };
  if (head.alg === 'Ed25519' && signer.sm2) {
    return { primary, cosignatures: [{ alg: 'SM2', key_id: signer.sm2.kid, signature: signOne('SM2', signer, bytes) }] };
  }
  return { primary };
}

const B64_64 = /^[A-Za-z0-9+/]{86}==$/;
const HEX_128 = /^[0-9a-f]{128}$/;

/** Checks one signature entry over `bytes`; never throws. */
export function verifyEntry(entry: unknown, bytes: Uint8Array, lookup: KeyLookup): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const e = entry as Record<string, unknown>;
  if (typeof e.key_id !== 'string' || typeof e.signature !== 'string') return false;
  const key = lookup(e.key_id);
  if (!key) return false;
  if (e.alg === 'Ed25519') {
    if (!(key instanceof KeyObject) || !B64_64.test(e.signature)) return false;
    return ed25519Verify(bytes, key, Buffer.from(e.signature, 'base64'));
  }
  if (e.alg === 'SM2') {
    if (key instanceof KeyObject || key.alg !== 'SM2' || !HEX_128.test(e.signature)) return false;
    return sm2Verify(bytes, Buffer.from(e.signature, 'hex'), key.publicKeyHex);
  }
  return false;
}

/**
 * Checks the primary signature and every cosignature (each must be genuine: a forged cosignature makes
 * the whole object fail, it is not ignored). `cosignatures` absent or empty is fine; present, it must be
 * an array.
 */
export function verifyWithCosignatures(primary: unknown, cosignatures: unknown, bytes: Uint8Array, lookup: KeyLookup): boolean {
  if (!verifyEntry(primary, bytes, lookup)) return false;
  if (cosignatures === undefined) return true;
  // An empty list is no cosignature (gRPC sends repeated fields so); cosignatures sit outside the signed
  // bytes, so anyone could strip them anyway — a verifier that needs SM2 asks for it (alg or cosigner).
  if (!Array.isArray(cosignatures) || cosignatures.length > 4) return false;
  return cosignatures.every((c) => verifyEntry(c, bytes, lookup));
}

/** For lookups built from a published key list (GET /v1/keys). */
export function verifyKeyFromPublished(k: { alg?: unknown; public_key_pem?: unknown; public_key_hex?: unknown }): VerifyKey | undefined {
  try {
    if (k.alg === 'SM2' && typeof k.public_key_hex === 'string') return { alg: 'SM2', publicKeyHex: k.public_key_hex.toLowerCase() };
    if ((k.alg === undefined || k.alg === 'Ed25519') && typeof k.public_key_pem === 'string') return crypto.createPublicKey(k.public_key_pem);
  } catch {
    return undefined;
  }
  return undefined;
}
