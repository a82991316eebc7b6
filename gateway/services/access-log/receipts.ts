import crypto from 'node:crypto';
import { canonicalJson } from '../../domain/canonical-json.js';
import { primaryOf, signAll, verifyWithCosignatures, type KeyLookup, type SignatureAlg, type SignatureEntry, type SuiteSigner } from '../../crypto/signatures.js';
import { keyedDigest } from '../../domain/audit-events.js';
import { hashEquals } from '../../domain/merkle.js';
import { randomBytes } from '../random.js';

/**
 * Signed receipts (CONTRACT.md, docs/audit-log.md "Receipts"). A receipt binds an answer to the question
 * it answers, to the consent, record and product versions it was computed under, and to the access-log
 * leaf that records it — by index and by leaf hash, so a third party holding an inclusion proof can tie
 * the two.
 *
 * The answer and question digests are HMAC-SHA256 keyed with a fresh 32-byte salt per receipt. The salt
 * travels beside the receipt (`receipt_salt` in the answer), not inside it: a receipt passed on alone, or
 * the leaf in the log, lets nobody confirm a guessed amount or visit; the answer's holder proves what was
 * answered by revealing the answer and the salt. The signature is over the canonical JSON of every other
 * member (without `signature` and `cosignatures`) plus `"type": "vouch.receipt.v1"`: Ed25519 (base64)
 * under `VOUCH_CRYPTO=intl`, SM2 (r ‖ s, hex) under `gm`, and under `dual` Ed25519 with an SM2
 * cosignature over the same bytes. Ed25519 is deterministic (RFC 8032 §5.1.6); SM2 is not, so under gm a
 * replayed answer carries a receipt with the same content and a different, equally valid, signature.
 */
export interface Receipt {
  receipt_id: string;
  leaf_index: number;
  /** Hex RFC 6962 leaf hash, SHA-256(0x00 ‖ leaf), of the leaf that records the answer. */
  leaf_hash: string;
  issued_at: string;
  /** HMAC-SHA256(salt, canonical JSON of the answer without `receipt` and `receipt_salt`). */
  result_digest: string;
  /** HMAC-SHA256(salt, canonical JSON of the question: operation, ids and amounts as asked). */
  question_digest?: string;
  consent_id?: string;
  consent_version?: number;
  /** Keyed digest of the record version the answer was computed on (only the gateway recomputes it). */
  record_digest?: string;
  product_version?: string;
  alg: SignatureAlg;
  key_id: string;
  signature: string;
  /** Under `VOUCH_CRYPTO=dual`: the SM2 signature over the same bytes. */
  cosignatures?: SignatureEntry[];
}

export type UnsignedReceipt = Omit<Receipt, 'alg' | 'key_id' | 'signature' | 'cosignatures'>;

/** A receipt before the log gives it a leaf index and hash and signs it. */
export type ReceiptBody = Omit<UnsignedReceipt, 'leaf_index' | 'leaf_hash'>;

export const RECEIPT_TYPE = 'vouch.receipt.v1';

export function receiptSignedBytes(r: Omit<Receipt, 'signature' | 'cosignatures'>): Buffer {
  return Buffer.from(canonicalJson({ ...r, type: RECEIPT_TYPE }), 'utf8');
}

/**
 * Signs with the suite's keys. The one place receipts are signed: the log's writer signs each answer's
 * receipt with the index and hash of the leaf it appends for it (appender.ts), a replayed answer's too.
 */
export function signReceiptWith(signer: SuiteSigner, r: UnsignedReceipt): Receipt {
  const body: Omit<Receipt, 'signature' | 'cosignatures'> = { ...r, ...primaryOf(signer) };
  const { primary, cosignatures } = signAll(signer, receiptSignedBytes(body));
  return { ...body, signature: primary.signature, ...(cosignatures ? { cosignatures } : {}) };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Offline check of a receipt's signature — and of every cosignature — against the gateway's public keys
 * (by key id; Ed25519 or SM2 by the receipt's `alg`). Never throws.
 */
export function verifyReceipt(receipt: unknown, publicKeys: KeyLookup): boolean {
  if (typeof receipt !== 'object' || receipt === null || Array.isArray(receipt)) return false;
  const r = receipt as Record<string, unknown>;
  if ((r.alg !== 'Ed25519' && r.alg !== 'SM2') || typeof r.key_id !== 'string' || typeof r.signature !== 'string') return false;
  if (typeof r.receipt_id !== 'string' || typeof r.result_digest !== 'string' || !Number.isSafeInteger(r.leaf_index)) return false;
  if (r.leaf_hash !== undefined && (typeof r.leaf_hash !== 'string' || !HEX64.test(r.leaf_hash))) return false;
  const { signature, cosignatures, ...rest } = r;
  try {
    const bytes = receiptSignedBytes(rest as Omit<Receipt, 'signature' | 'cosignatures'>);
    return verifyWithCosignatures({ alg: r.alg, key_id: r.key_id, signature }, cosignatures, bytes, publicKeys);
  } catch {
    return false;
  }
}

/** A fresh salt for one receipt's digests (hex), from the pooled CSPRNG. */
export function newReceiptSalt(): string {
  return randomBytes(32).toString('hex');
}

/** The salted digest of an answer (without its receipt and salt) or of a question. */
export function saltedDigest(saltHex: string, value: unknown): string {
  return keyedDigest(Buffer.from(saltHex, 'hex'), value);
}

/** The answer a result digest covers: everything but the receipt and its salt. */
export function answerBody(answer: Record<string, unknown>): Record<string, unknown> {
  const { receipt: _receipt, receipt_salt: _salt, ...rest } = answer;
  return rest;
}

/**
 * Checks that a whole saved answer (`{…, receipt, receipt_salt}`) is the one its receipt covers: the
 * salted digest of the answer equals the receipt's `result_digest` (and, when a question is given, the
 * question's digest equals `question_digest`). The signature is checked separately ({@link verifyReceipt}).
 */
export function verifyAnswerBinding(answer: Record<string, unknown>, question?: unknown): boolean {
  const receipt = answer.receipt as Record<string, unknown> | undefined;
  const salt = answer.receipt_salt;
  if (!receipt || typeof salt !== 'string' || !HEX64.test(salt) || typeof receipt.result_digest !== 'string') return false;
  const same = (a: string, b: unknown) => typeof b === 'string' && HEX64.test(b) && hashEquals(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
  if (!same(saltedDigest(salt, answerBody(answer)), receipt.result_digest)) return false;
  return question === undefined || same(saltedDigest(salt, question), receipt.question_digest);
}

export function newReceiptId(): string {
  // randomUUID draws from a cached entropy pool: far cheaper per call than randomBytes on a hot path.
  return `rcpt_${crypto.randomUUID().replace(/-/g, '')}`;
}
