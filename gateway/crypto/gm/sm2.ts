import { sm2 } from 'sm-crypto-v2';

/**
 * SM2 signatures (GB/T 32918.2 / GM/T 0003.2 over SM3, GM/T 0009 conventions): e = SM3(Z_A ‖ M) with
 * Z_A over the default user id `1234567812345678`, signature the 64-byte r ‖ s (GM/T 0009 §7.3's raw
 * form, no DER), keys as hex: the private scalar d (64 hex digits) and the uncompressed public point
 * `04 ‖ x ‖ y` (130 hex digits).
 *
 * Through sm-crypto-v2 (on @noble/curves), never node:crypto: Node 20's `crypto.sign` with an SM2 key
 * either signs plain ECDSA on the SM2 curve or SM2 with an empty user id, DER-encoded — neither
 * interoperates with the national platform. The lint configuration bans `crypto.sign`/`crypto.verify`
 * outside gateway/crypto/ed25519.ts, which refuses any key that is not Ed25519.
 */
export const SM2_USER_ID = '1234567812345678';
const N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
const PRIVATE_HEX = /^[0-9a-f]{64}$/;
const PUBLIC_HEX = /^04[0-9a-f]{128}$/;
const SIG = 64;

export interface Sm2KeyPair {
  privateKeyHex: string;
  publicKeyHex: string;
}

export function sm2GenerateKeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKeyHex: privateKey.padStart(64, '0'), publicKeyHex: publicKey };
}

export function sm2PublicKeyOf(privateKeyHex: string): string {
  if (!PRIVATE_HEX.test(privateKeyHex)) throw new RangeError('SM2 private key must be 64 hex digits');
  return sm2.getPublicKeyFromPrivateKey(privateKeyHex);
}

/** True for an uncompressed point (lower- or upper-case hex) that lies on the SM2 curve. */
export function sm2IsPublicKey(publicKeyHex: string): boolean {
  const hex = publicKeyHex.toLowerCase();
  if (!PUBLIC_HEX.test(hex)) return false;
  try {
    return sm2.verifyPublicKey(hex);
  } catch {
    return false;
  }
}

/** A fixed k for the standard's worked example only (GM/T 0003.5); production signing draws k itself. */
export interface FixedK {
  k: bigint;
  x1: bigint;
}

/** Signs `message` (bytes, or a string taken as UTF-8): 64-byte r ‖ s. */
export function sm2Sign(message: Uint8Array | string, key: Sm2KeyPair, options: { userId?: string; fixedK?: FixedK } = {}): Buffer {
  const hex = sm2.doSignature(message, key.privateKeyHex, {
    hash: true,
    der: false,
    publicKey: key.publicKeyHex,
    userId: options.userId ?? SM2_USER_ID,
    ...(options.fixedK ? { pointPool: [options.fixedK] } : {}),
  });
  return Buffer.from(hex, 'hex');
}

type Point = ReturnType<typeof sm2.precomputePublicKey>;
const seen = new Map<string, number>();
const precomputed = new Map<string, Point>();
const PRECOMPUTED_MAX = 256;

/**
 * The public key as the library's point. A key verified again (the gateway's own, a registered
 * hospital's) gets a precomputed window table: ~1 ms per verification instead of ~7–9 ms on this machine;
 * a key seen once is not worth the table.
 */
function pointOf(publicKeyHex: string): string | Point {
  const cached = precomputed.get(publicKeyHex);
  if (cached) return cached;
  const n = (seen.get(publicKeyHex) ?? 0) + 1;
  if (n < 2) {
    if (seen.size >= PRECOMPUTED_MAX * 4) seen.clear();
    seen.set(publicKeyHex, n);
    return publicKeyHex;
  }
  seen.delete(publicKeyHex);
  if (precomputed.size >= PRECOMPUTED_MAX) precomputed.delete(precomputed.keys().next().value!);
  const point = sm2.precomputePublicKey(publicKeyHex);
  precomputed.set(publicKeyHex, point);
  return point;
}

/** Verifies a 64-byte r ‖ s signature; never throws (malformed input is simply not valid). */
export function sm2Verify(message: Uint8Array | string, signature: Uint8Array, publicKeyHex: string, userId = SM2_USER_ID): boolean {
  try {
    if (signature.length !== SIG || !sm2IsPublicKey(publicKeyHex)) return false;
    const sig = Buffer.from(signature);
    const r = BigInt(`0x${sig.subarray(0, 32).toString('hex')}`);
    const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
    // GB/T 32918.2 §7.1 B1–B2: r, s in [1, n-1]; the library does not check this itself.
    if (r < 1n || r >= N || s < 1n || s >= N) return false;
    return sm2.doVerifySignature(message, sig.toString('hex'), pointOf(publicKeyHex.toLowerCase()), { hash: true, der: false, userId });
  } catch {
    return false;
  }
}
