import crypto from 'node:crypto';

/**
 * SM4 (GB/T 32907-2016) through node:crypto: ECB and CBC with PKCS#7 padding (OpenSSL's default), and a
 * raw single-block ECB for the standard's test vectors. Node 20 does not offer SM4-GCM
 * (`crypto.getCiphers()` lists sm4, sm4-ecb/-cbc/-cfb/-ofb/-ctr only), so sealing uses
 * {@link sm4CbcHmacSeal}: SM4-CBC with HMAC-SM3, encrypt-then-MAC.
 */
export const SM4_KEY = 16;
export const SM4_BLOCK = 16;

function checkKey(key: Uint8Array): void {
  if (key.length !== SM4_KEY) throw new RangeError('SM4 key must be 16 bytes');
}

export function sm4EcbEncrypt(key: Uint8Array, plaintext: Uint8Array, padding = true): Buffer {
  checkKey(key);
  const c = crypto.createCipheriv('sm4-ecb', key, null);
  c.setAutoPadding(padding);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

export function sm4EcbDecrypt(key: Uint8Array, ciphertext: Uint8Array, padding = true): Buffer {
  checkKey(key);
  const d = crypto.createDecipheriv('sm4-ecb', key, null);
  d.setAutoPadding(padding);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

export function sm4CbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  checkKey(key);
  const c = crypto.createCipheriv('sm4-cbc', key, iv);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

export function sm4CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  checkKey(key);
  const d = crypto.createDecipheriv('sm4-cbc', key, iv);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}
