import crypto from 'node:crypto';

/**
 * SM3 (GB/T 32905-2016, GM/T 0004) and HMAC-SM3 (RFC 2104 over SM3), through node:crypto: Node 20's
 * OpenSSL 3 ships both, so no library is needed for them.
 */
export function sm3(data: Uint8Array | string): Buffer {
  return crypto.createHash('sm3').update(data).digest();
}

export function hmacSm3(key: Uint8Array, data: Uint8Array | string): Buffer {
  return crypto.createHmac('sm3', key).update(data).digest();
}
