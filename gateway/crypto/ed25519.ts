import crypto, { type KeyObject } from 'node:crypto';

/**
 * The only place node:crypto's one-shot `sign`/`verify` are called (eslint.config.js bans them
 * elsewhere). They are safe for Ed25519 and nothing else we hold: with an SM2 key Node 20 produces
 * an ECDSA-style or empty-id DER signature that no national verifier accepts (gateway/crypto/gm/sm2.ts
 * signs SM2 properly), so any key that is not Ed25519 is refused here.
 */
function requireEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`Ed25519 key required, got ${key.asymmetricKeyType ?? key.type}`);
}

export function ed25519Sign(data: Uint8Array, privateKey: KeyObject): Buffer {
  requireEd25519(privateKey);
  // eslint-disable-next-line no-restricted-properties -- the one sanctioned call, key type checked above
  return crypto.sign(null, data, privateKey);
}

/** Never throws: a malformed signature or a key of another type is simply not valid. */
export function ed25519Verify(data: Uint8Array, publicKey: KeyObject, signature: Uint8Array): boolean {
  try {
    requireEd25519(publicKey);
    if (signature.length !== 64) return false;
    // eslint-disable-next-line no-restricted-properties -- the one sanctioned call, key type checked above
    return crypto.verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}
