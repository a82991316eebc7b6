import crypto from 'node:crypto';
import { VouchError } from '../../errors.js';
import { decryptData, signDataBytes, verifyEnvelopeSignature } from '../../../adapters/nhsa/sm-envelope.js';
import type { Repositories } from '../../storage/repositories.js';
import type { Principal } from '../identity/auth.js';
import { appSecretAad } from '../identity/parties.js';
import type { Vault } from '../vault.js';

/**
 * The national platform's SM4/SM2 envelope at the edge (CONTRACT.md "国密", adapters/nhsa/sm-envelope.ts).
 * A request carrying it needs no bearer token: the hospital is authenticated by its appId, its app
 * secret (the SM4 working key and the signing string's `&key=`) and its SM2 signature. Checks, cheapest
 * first: shape (400), appId of an active hospital (401), timestamp within the skew (401), decryption and
 * signature (401), then replay (409): each signature is accepted once while its timestamp is fresh,
 * marked used in the same transaction as the push it carries.
 */
/**
 * The envelope's `timestamp` in ms: Unix seconds (10 digits) or milliseconds (13 digits) as the contract
 * says, or `yyyyMMddHHmmss` in Beijing time (UTC+8), which the platform's published examples also use.
 */
export function envelopeTime(timestamp: unknown): number | undefined {
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return undefined;
  const ts = String(timestamp);
  if (/^\d{10}$/.test(ts)) return Number(ts) * 1000;
  if (/^\d{13}$/.test(ts)) return Number(ts);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(ts);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`;
  const at = Date.parse(iso);
  // Reject calendar overflow (Date.parse accepts 2025-02-30 as March 2): the time must print back the same.
  if (Number.isNaN(at) || new Date(at + 8 * 3_600_000).toISOString().slice(0, 19) !== iso.slice(0, 19)) return undefined;
  return at;
}

export class EnvelopeService {
  constructor(
    private readonly vault: Vault,
    private readonly read: () => Repositories,
    private readonly skewMs: number,
  ) {}

  /** Opens an envelope: the hospital it authenticates and the plaintext data (a record body). */
  async open(envelope: Record<string, unknown>, now = Date.now()): Promise<{ principal: Principal; data: unknown; guard: (tx: Repositories) => Promise<void> }> {
    const { appId, encType, signType, timestamp, version, encData, signData } = envelope;
    if (typeof appId !== 'string' || appId.length < 16 || appId.length > 64) throw new VouchError('ENVELOPE_INVALID', 'Field appId.');
    if (encType !== 'SM4') throw new VouchError('ENVELOPE_INVALID', 'Field encType must be SM4.');
    if (signType !== 'SM2') throw new VouchError('ENVELOPE_INVALID', 'Field signType must be SM2.');
    if (typeof version !== 'string' || version.length === 0 || version.length > 16) throw new VouchError('ENVELOPE_INVALID', 'Field version.');
    if (typeof encData !== 'string' || encData.length === 0) throw new VouchError('ENVELOPE_INVALID', 'Field encData.');
    const sig = signDataBytes(signData);
    if (!sig) throw new VouchError('ENVELOPE_INVALID', 'Field signData must be the 64-byte SM2 signature r ‖ s in base64.');
    const at = envelopeTime(timestamp);
    if (at === undefined) {
      throw new VouchError('ENVELOPE_INVALID', 'Field timestamp must be Unix time in seconds (10 digits) or milliseconds (13 digits), or yyyyMMddHHmmss (Beijing time).');
    }

    const app = await this.read().parties.app(appId);
    const party = app && (await this.read().parties.status(app.party_code));
    if (!app || !party || party.role !== 'hospital' || party.status !== 'active') throw new VouchError('ENVELOPE_UNKNOWN_APP');
    if (Math.abs(now - at) > this.skewMs) throw new VouchError('ENVELOPE_STALE');

    const aad = appSecretAad(app.app_id, app.party_code);
    const secret = this.vault.openPart<string>(this.vault.dataKey(app, aad), aad, 'secret', app.sealed_secret);
    let data: unknown;
    try {
      data = JSON.parse(decryptData(appId, secret, encData));
    } catch (cause) {
      throw new VouchError('ENVELOPE_SIGNATURE_INVALID', undefined, { cause });
    }
    if (!verifyEnvelopeSignature(envelope, data, secret, app.sm2_public_key)) throw new VouchError('ENVELOPE_SIGNATURE_INVALID');

    // Replay: the signature (randomised, so a resend by the HIS is signed anew) is used once while fresh;
    // keyed by its bytes, so the same signature re-encoded (hex, other case) is the same signature. The
    // mark is written by `guard` inside the push's own transaction: one commit, and only with the push.
    const digest = crypto.createHash('sha256').update(sig).digest('hex');
    if (await this.read().parties.assertionUsed(`sm-envelope:${appId}`, digest, now)) throw new VouchError('ENVELOPE_REPLAYED');
    const guard = async (tx: Repositories) => {
      if (!(await tx.parties.useAssertion(`sm-envelope:${appId}`, digest, at + this.skewMs, now))) throw new VouchError('ENVELOPE_REPLAYED');
    };
    return { principal: { role: 'hospital', code: app.party_code, jti: `sm-envelope:${digest.slice(0, 16)}` }, data, guard };
  }
}
