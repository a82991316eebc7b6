import crypto from 'node:crypto';
import { hmacSm3 } from './sm3.js';
import { sm4CbcDecrypt, sm4CbcEncrypt, SM4_BLOCK } from './sm4.js';

/**
 * SM4-CBC-HMAC-SM3, an AEAD built exactly like RFC 7518 §5.2.2.1 (AES_128_CBC_HMAC_SHA_256) with SM4 for
 * AES and SM3 for SHA-256 — Node 20 offers no SM4-GCM:
 *
 *   K (32 bytes) = MAC_KEY (first 16) ‖ ENC_KEY (last 16)
 *   E = SM4-CBC(ENC_KEY, IV, PKCS#7(P)), IV random 16 bytes
 *   AL = bit length of A as a 64-bit big-endian integer
 *   T = first 16 bytes of HMAC-SM3(MAC_KEY, A ‖ IV ‖ E ‖ AL)
 *
 * Blob layout (same order as the AES-GCM blobs of the vault): IV (16) ‖ T (16) ‖ E. The tag is checked
 * in constant time before anything is decrypted (encrypt-then-MAC), so a padding oracle never runs.
 */
export const AEAD_KEY = 32;
const TAG = 16;

function tagOf(macKey: Buffer, aad: Buffer, iv: Buffer, e: Buffer): Buffer {
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length) * 8n);
  return hmacSm3(macKey, Buffer.concat([aad, iv, e, al])).subarray(0, TAG);
}

function split(key: Uint8Array): { mac: Buffer; enc: Buffer } {
  if (key.length !== AEAD_KEY) throw new RangeError('SM4-CBC-HMAC-SM3 key must be 32 bytes');
  const k = Buffer.from(key);
  return { mac: k.subarray(0, 16), enc: k.subarray(16, 32) };
}

export function sm4AeadSeal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, iv: Buffer = crypto.randomBytes(SM4_BLOCK)): Buffer {
  const { mac, enc } = split(key);
  if (iv.length !== SM4_BLOCK) throw new RangeError('IV must be 16 bytes');
  const e = sm4CbcEncrypt(enc, iv, plaintext);
  return Buffer.concat([iv, tagOf(mac, Buffer.from(aad), iv, e), e]);
}

/** Opens a blob; throws on a wrong tag (nothing decrypted then) or a malformed blob. */
export function sm4AeadOpen(key: Uint8Array, blob: Uint8Array, aad: Uint8Array): Buffer {
  const { mac, enc } = split(key);
  const b = Buffer.from(blob);
  if (b.length < SM4_BLOCK + TAG + SM4_BLOCK || (b.length - SM4_BLOCK - TAG) % SM4_BLOCK !== 0) throw new Error('sealed blob malformed');
  const iv = b.subarray(0, SM4_BLOCK);
  const tag = b.subarray(SM4_BLOCK, SM4_BLOCK + TAG);
  const e = b.subarray(SM4_BLOCK + TAG);
  if (!crypto.timingSafeEqual(tag, tagOf(mac, Buffer.from(aad), iv, e))) throw new Error('sealed blob failed authentication');
  return sm4CbcDecrypt(enc, iv, e);
}
