import { canonicalJson } from '../../gateway/domain/canonical-json.js';
import { sm4EcbDecrypt, sm4EcbEncrypt } from '../../gateway/crypto/gm/sm4.js';
import { sm2Sign, sm2Verify, type Sm2KeyPair } from '../../gateway/crypto/gm/sm2.js';

/**
 * The national medical-insurance service platform's encrypted envelope (国家医保服务平台 open interface,
 * as its SDKs and the hospitals' HIS vendors implement it):
 *
 *   {appId, encType: "SM4", signType: "SM2", timestamp, version, encData, signData[, extra]}
 *
 * - Working key: `upperHex(SM4-ECB_{appId[0:16]}(PKCS#7(appSecret)))[0:16]`, the 16 ASCII characters
 *   used as the 16-byte SM4 key (DESIGN.md "国密").
 * - encData: `upperHex(SM4-ECB_{workKey}(PKCS#7(UTF-8 JSON of data)))`.
 * - Signing string: the envelope's members except signData, encData and extra, plus `data` (the
 *   plaintext, as JSON with keys sorted at every level and empty values — null, "" — left out, as the
 *   platform's "JSON 对象签名规范" says), empty values left out, sorted by name (ASCII), as
 *   `k=v&k=v…`, then `&key=<appSecret>`. signData = base64 of the SM2 signature (SM3, user id
 *   1234567812345678) as 64-byte r ‖ s.
 *
 * Everything here is a pure function of its inputs (the clock and the registry are the caller's).
 */
export interface SmEnvelope {
  appId: string;
  encType: 'SM4';
  signType: 'SM2';
  timestamp: string | number;
  version: string;
  encData: string;
  signData: string;
  extra?: unknown;
}

const ENVELOPE_KEYS = ['appId', 'encData', 'signData'];

/** True when a body is the SM4/SM2 envelope rather than a bare record or the plain request envelope. */
export function isSmEnvelope(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && ENVELOPE_KEYS.every((k) => k in body);
}

/** The SM4 working key an app's traffic is encrypted with (16 ASCII bytes). */
export function workKey(appId: string, appSecret: string): Buffer {
  if (appId.length < 16) throw new RangeError('appId must be at least 16 characters');
  const k = sm4EcbEncrypt(Buffer.from(appId.slice(0, 16), 'utf8'), Buffer.from(appSecret, 'utf8'));
  return Buffer.from(k.toString('hex').toUpperCase().slice(0, 16), 'ascii');
}

export function encryptData(appId: string, appSecret: string, data: unknown): string {
  return sm4EcbEncrypt(workKey(appId, appSecret), Buffer.from(JSON.stringify(data), 'utf8')).toString('hex').toUpperCase();
}

/** Decrypts encData (hex, either case) to the UTF-8 text of data; throws when it does not decrypt. */
export function decryptData(appId: string, appSecret: string, encData: string): string {
  if (!/^(?:[0-9a-fA-F]{32})+$/.test(encData)) throw new Error('encData is not whole SM4 blocks in hex');
  return sm4EcbDecrypt(workKey(appId, appSecret), Buffer.from(encData, 'hex')).toString('utf8');
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : canonicalJson(v);
}

/** A JSON value as it enters the signing string: objects' empty members (null, undefined, "") dropped at every level. */
function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmpty);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined && x !== '') out[k] = withoutEmpty(x);
  return out;
}

/** The string signData signs: sorted `k=v` pairs (without signData, encData, extra), data as sorted JSON, then `&key=`. */
export function signingString(envelope: Record<string, unknown>, data: unknown, appSecret: string): string {
  const fields: Record<string, unknown> = { ...envelope, data };
  delete fields.signData;
  delete fields.encData;
  delete fields.extra;
  const pairs = Object.keys(fields)
    .sort()
    .flatMap((k) => {
      const v = k === 'data' ? (fields[k] === null || fields[k] === undefined ? undefined : canonicalJson(withoutEmpty(fields[k]))) : text(fields[k]);
      return v === undefined ? [] : [`${k}=${v}`];
    });
  return `${pairs.join('&')}&key=${appSecret}`;
}

/** The 64 signature bytes of signData (base64 of r ‖ s as the platform sends it; hex accepted too). */
export function signDataBytes(raw: unknown): Buffer | undefined {
  if (typeof raw !== 'string') return undefined;
  const sig = /^[0-9a-fA-F]{128}$/.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9+/]{86}==$/.test(raw) ? Buffer.from(raw, 'base64') : undefined;
  return sig && sig.length === 64 ? sig : undefined;
}

/** Verifies signData over the signing string. Never throws. */
export function verifyEnvelopeSignature(envelope: Record<string, unknown>, data: unknown, appSecret: string, publicKeyHex: string): boolean {
  const sig = signDataBytes(envelope.signData);
  if (!sig) return false;
  return sm2Verify(Buffer.from(signingString(envelope, data, appSecret), 'utf8'), sig, publicKeyHex);
}

/** Builds a signed, encrypted envelope as a hospital's HIS would (tests, the demo, the bench). */
export function sealEnvelope(o: { appId: string; appSecret: string; key: Sm2KeyPair; data: unknown; timestamp: string | number; version?: string }): SmEnvelope {
  const head = { appId: o.appId, encType: 'SM4' as const, signType: 'SM2' as const, timestamp: o.timestamp, version: o.version ?? '2.0.1' };
  const signData = sm2Sign(Buffer.from(signingString(head, o.data, o.appSecret), 'utf8'), o.key).toString('base64');
  return { ...head, encData: encryptData(o.appId, o.appSecret, o.data), signData };
}
