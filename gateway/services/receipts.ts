import crypto, { type KeyObject } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json.js';
import type { KeyStore } from '../../keys/keystore.js';

/**
 * Signed receipts (CONTRACT.md). A receipt binds an answer (`result_digest` = SHA-256 of the answer's
 * canonical JSON without its receipt) to the consent version, record version and product version it
 * was computed under, and to the access-log leaf that records it (`leaf_index`). The signature is
 * Ed25519 over the canonical JSON of every other member plus `"type": "vouch.receipt.v1"`; Ed25519 is
 * deterministic (RFC 8032 §5.1.6), so a replayed answer carries a byte-identical receipt.
 */
export interface Receipt {
  receipt_id: string;
  leaf_index: number;
  issued_at: string;
  result_digest: string;
  consent_id?: string;
  consent_version?: number;
  record_digest?: string;
  product_version?: string;
  alg: 'Ed25519';
  key_id: string;
  signature: string;
}

export type UnsignedReceipt = Omit<Receipt, 'alg' | 'key_id' | 'signature'>;

/** A receipt before the log gives it a leaf index and signs it. */
export type ReceiptBody = Omit<UnsignedReceipt, 'leaf_index'>;

export const RECEIPT_TYPE = 'vouch.receipt.v1';

export function receiptSignedBytes(r: Omit<Receipt, 'signature'>): Buffer {
  return Buffer.from(canonicalJson({ ...r, type: RECEIPT_TYPE }), 'utf8');
}

export function signReceipt(keys: KeyStore, r: UnsignedReceipt): Receipt {
  return signReceiptWith(keys.signing, r);
}

/** Signs with a given key (the log writer thread signs the receipts of the leaves it appends). */
export function signReceiptWith(key: { kid: string; privateKey: KeyObject }, r: UnsignedReceipt): Receipt {
  const body: Omit<Receipt, 'signature'> = { ...r, alg: 'Ed25519', key_id: key.kid };
  const signature = crypto.sign(null, receiptSignedBytes(body), key.privateKey).toString('base64');
  return { ...body, signature };
}

/** Offline check of a receipt against the gateway's public keys (by key id). Never throws. */
export function verifyReceipt(receipt: unknown, publicKeys: (kid: string) => KeyObject | undefined): boolean {
  if (typeof receipt !== 'object' || receipt === null || Array.isArray(receipt)) return false;
  const r = receipt as Record<string, unknown>;
  if (r.alg !== 'Ed25519' || typeof r.key_id !== 'string' || typeof r.signature !== 'string') return false;
  if (typeof r.receipt_id !== 'string' || typeof r.result_digest !== 'string' || !Number.isSafeInteger(r.leaf_index)) return false;
  const key = publicKeys(r.key_id);
  if (!key) return false;
  const { signature, ...rest } = r;
  try {
    const sig = Buffer.from(signature, 'base64');
    if (sig.length !== 64) return false;
    return crypto.verify(null, receiptSignedBytes(rest as Omit<Receipt, 'signature'>), key, sig);
  } catch {
    return false;
  }
}

export function newReceiptId(): string {
  // randomUUID draws from a cached entropy pool: far cheaper per call than randomBytes on a hot path.
  return `rcpt_${crypto.randomUUID().replace(/-/g, '')}`;
}
