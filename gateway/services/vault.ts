import crypto from 'node:crypto';
import { VouchError } from '../errors.js';
import { randomBytes } from './random.js';
import { keyedDigest } from '../domain/audit-events.js';
import { atRestOf, type KeyStore } from '../../keys/keystore.js';
import { hmacSm3 } from '../crypto/gm/sm3.js';
import { sm4AeadOpen, sm4AeadSeal } from '../crypto/gm/aead.js';

/**
 * Envelope encryption for everything personal at rest (DESIGN.md "The answer-only promise"):
 * AES-256-GCM under a fresh data key per sealed row, the data key wrapped by the current
 * key-encryption key (its id kept beside it so KEKs rotate). Associated data binds each ciphertext to
 * its row (id, version, subject, part), so rows or parts swapped in the database fail to open.
 * Blob layout: 12-byte IV ‖ 16-byte tag ‖ ciphertext.
 *
 * Under `VOUCH_CRYPTO=gm|dual` the same envelope uses SM4-CBC-HMAC-SM3 (gateway/crypto/gm/aead.ts:
 * 16-byte IV ‖ 16-byte tag ‖ ciphertext) for data keys and parts, and the blind index is HMAC-SM3. The
 * family is fixed for the life of a data directory (keys/suite), so a blob is always opened the way it
 * was sealed.
 */
export interface SealedEnvelope {
  kek_id: string;
  wrapped_dek: Buffer;
}

const IV = 12;
const TAG = 16;

function gcmSeal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]);
}

function gcmOpen(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < IV + TAG) throw new Error('sealed blob too short');
  const d = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(0, IV));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(blob.subarray(IV, IV + TAG));
  return Buffer.concat([d.update(blob.subarray(IV + TAG)), d.final()]);
}

export class Vault {
  private readonly seal: (key: Buffer, plaintext: Buffer, aad: string) => Buffer;
  private readonly open: (key: Buffer, blob: Buffer, aad: string) => Buffer;
  private readonly sm: boolean;

  constructor(private readonly keys: KeyStore) {
    this.sm = atRestOf(keys.suite) === 'sm4';
    this.seal = this.sm ? (k, p, a) => sm4AeadSeal(k, p, Buffer.from(a, 'utf8'), randomBytes(16)) : gcmSeal;
    this.open = this.sm ? (k, b, a) => sm4AeadOpen(k, b, Buffer.from(a, 'utf8')) : gcmOpen;
  }

  /** Keyed blind index of an ID number (HMAC-SHA256, or HMAC-SM3 under gm/dual, with the gateway's secret), hex. */
  blindIndex(certno: string): string {
    if (this.sm) return hmacSm3(this.keys.blindIndexKey, `certno:${certno}`).toString('hex');
    return crypto.createHmac('sha256', this.keys.blindIndexKey).update(`certno:${certno}`).digest('hex');
  }

  /**
   * A digest only the gateway can recompute (HMAC-SHA256 with the deployment's digest key over canonical
   * JSON, labelled by `kind`): what leaves and stored rows carry for record content, requests, consent
   * snapshots, evidence and policy references (docs/privacy.md, class 6).
   */
  digest(kind: string, value: unknown): string {
    return keyedDigest(this.keys.digestKey, { kind, value });
  }

  /** The keyed reference to an insurer's policy that leaves carry instead of its number. */
  policyRef(insurer: string, policyNo: string): string {
    return this.digest('policy', [insurer, policyNo]);
  }

  /** A fresh data key, wrapped under the current KEK for the row named by `rowAad`. */
  newDataKey(rowAad: string): { dek: Buffer; envelope: SealedEnvelope } {
    const dek = randomBytes(32);
    const kek = this.keys.kek;
    return { dek, envelope: { kek_id: kek.kid, wrapped_dek: this.seal(kek.key, dek, `dek|${kek.kid}|${rowAad}`) } };
  }

  /** Unwraps a row's data key; a tampered or swapped envelope fails here. */
  dataKey(envelope: SealedEnvelope, rowAad: string): Buffer {
    const kek = this.keys.kekById(envelope.kek_id);
    if (!kek) throw new VouchError('INTERNAL', undefined, { cause: new Error(`unknown KEK ${envelope.kek_id}`) });
    try {
      return this.open(kek, envelope.wrapped_dek, `dek|${envelope.kek_id}|${rowAad}`);
    } catch (cause) {
      throw new VouchError('INTERNAL', undefined, { cause: new Error('sealed row failed authentication', { cause }) });
    }
  }

  sealPart(dek: Buffer, rowAad: string, part: string, value: unknown): Buffer {
    return this.seal(dek, Buffer.from(JSON.stringify(value), 'utf8'), `${rowAad}|${part}`);
  }

  openPart<T>(dek: Buffer, rowAad: string, part: string, blob: Buffer): T {
    try {
      return JSON.parse(this.open(dek, blob, `${rowAad}|${part}`).toString('utf8')) as T;
    } catch (cause) {
      throw new VouchError('INTERNAL', undefined, { cause: new Error('sealed row failed authentication', { cause }) });
    }
  }

  /** Re-wraps a data key under the current KEK (KEK rotation); the ciphertexts stay as they are. */
  rewrap(envelope: SealedEnvelope, rowAad: string): SealedEnvelope {
    const dek = this.dataKey(envelope, rowAad);
    const kek = this.keys.kek;
    return { kek_id: kek.kid, wrapped_dek: this.seal(kek.key, dek, `dek|${kek.kid}|${rowAad}`) };
  }
}
