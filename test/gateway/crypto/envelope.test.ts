import t from 'tap';
import { sm2GenerateKeyPair, sm2Sign } from '../../../gateway/crypto/gm/sm2.js';
import { sm4EcbEncrypt } from '../../../gateway/crypto/gm/sm4.js';
import { decryptData, sealEnvelope, signingString, workKey } from '../../../adapters/nhsa/sm-envelope.js';
import { envelopeTime } from '../../../gateway/services/records/envelopes.js';
import { ADMIN, certno, harness } from '../../helpers.js';
import { recordBody } from '../../fixtures/records.js';
import { referenceVerify } from '../../fixtures/gm/sm2-reference.js';

const H = 'H31010100001';
const OTHER = 'H31010100002';
const APP_ID = '0F0822652EB7CB91A644E638FBE9941E';
const SECRET = '30BFE2B0C715E516E5EDF21E289DA826';

t.test('the working key, encData and the signing string are built as the national service platform builds them', async (t) => {
  // Working key: upperHex(SM4-ECB_{appId[0:16]}(PKCS#7(secret)))[0:16], as ASCII — recomputed here step by step.
  const enc = sm4EcbEncrypt(Buffer.from('0F0822652EB7CB91'), Buffer.from(SECRET));
  t.equal(enc.length, 48, '32 ASCII bytes of secret + one block of PKCS#7 padding');
  t.equal(workKey(APP_ID, SECRET).toString('ascii'), enc.toString('hex').toUpperCase().slice(0, 16));
  t.match(workKey(APP_ID, SECRET).toString('ascii'), /^[0-9A-F]{16}$/);
  const data = { b: 1, a: { d: [2, 1], c: '中' } };
  const env = sealEnvelope({ appId: APP_ID, appSecret: SECRET, key: sm2GenerateKeyPair(), data, timestamp: '1764662400000' });
  t.match(env.encData, /^[0-9A-F]+$/, 'encData upper-case hex');
  t.same(JSON.parse(decryptData(APP_ID, SECRET, env.encData)), data);
  t.equal(
    signingString({ ...env, extra: { x: 1 }, empty: '' }, data, SECRET),
    `appId=${APP_ID}&data={"a":{"c":"中","d":[2,1]},"b":1}&encType=SM4&signType=SM2&timestamp=1764662400000&version=2.0.1&key=${SECRET}`,
    'sorted, data as sorted JSON, without signData/encData/extra and empty values, then &key=',
  );
  // "JSON 对象签名规范": inside data too, keys sorted at every level and empty values (null, "") left out.
  t.equal(
    signingString({ appId: APP_ID }, { z: null, y: '', x: [{ b: null, a: 1 }], w: { v: '' } }, SECRET),
    `appId=${APP_ID}&data={"w":{},"x":[{"a":1}]}&key=${SECRET}`,
  );
});

t.test('envelope timestamps: Unix seconds, milliseconds, or yyyyMMddHHmmss in Beijing time', async (t) => {
  t.equal(envelopeTime('1764662400'), 1_764_662_400_000);
  t.equal(envelopeTime(1_764_662_400_123), 1_764_662_400_123);
  // 2025-12-02 16:00:00 in Beijing is 08:00:00 UTC.
  t.equal(envelopeTime('20251202160000'), Date.UTC(2025, 11, 2, 8, 0, 0));
  for (const bad of ['20250230120000', '202512021600', '1764662400.5', '', 'now', null, -1]) t.equal(envelopeTime(bad), undefined, `refused: ${String(bad)}`);
});

t.test('POST /v1/records takes the SM4/SM2 envelope from a registered hospital and refuses every forgery with a stable code', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const his = sm2GenerateKeyPair();
  await h.g.parties.add({ role: 'hospital', code: H, name: 'H', level: 3, sm2_public_key: his.publicKeyHex, app_id: APP_ID, app_secret: SECRET }, ADMIN);
  const otherToken = await h.party('hospital', OTHER);
  await h.party('insurer', 'INS');
  const who = certno(2301);
  const consent = await h.call({ method: 'POST', url: '/v1/consents', token: h.patientToken(who), payload: { grantee: 'INS', purposes: ['eligibility'], valid_until: '2030-12-31' } });
  t.equal(consent.status, 201);
  const record = (id: string) => recordBody({ certno: who, hospital: H, mdtrt_id: id, med_type: '21', ful: 100_00, inscp: 200_00, hifp: 150_00 });
  const envelope = (data: unknown, extra: Record<string, unknown> = {}) => ({ ...sealEnvelope({ appId: APP_ID, appSecret: SECRET, key: his, data, timestamp: String(Date.now()) }), ...extra });
  const post = (payload: unknown, token?: string) => h.call({ method: 'POST', url: '/v1/records', payload: payload as object, ...(token ? { token } : {}) });

  const ok = envelope(record('ENV-1'));
  const first = await post(ok);
  t.equal(first.status, 201, 'accepted without a bearer token');
  t.match(first.body, { record_id: /^rec/, version: 1 });
  // The HIS's signature checks out under the independent SM2 verifier too (same signing string).
  t.ok(referenceVerify(Buffer.from(signingString(ok, record('ENV-1'), SECRET)), Buffer.from(ok.signData, 'base64'), his.publicKeyHex));

  const replay = await post(ok);
  t.equal(replay.status, 409);
  t.equal(replay.body.error.code, 'ENVELOPE_REPLAYED');
  const reencoded = await post({ ...ok, signData: Buffer.from(ok.signData, 'base64').toString('hex').toUpperCase() });
  t.equal(reencoded.body.error.code, 'ENVELOPE_REPLAYED', 'the same signature in hex is the same signature');

  const seconds = await post({ ...sealEnvelope({ appId: APP_ID, appSecret: SECRET, key: his, data: record('ENV-2'), timestamp: Math.floor(Date.now() / 1000) }) });
  t.equal(seconds.status, 201, 'timestamp in seconds (a number) accepted');

  const stale = sealEnvelope({ appId: APP_ID, appSecret: SECRET, key: his, data: record('ENV-3'), timestamp: String(Date.now() - 6 * 60_000) });
  t.same([(await post(stale)).status, (await post(stale)).body.error.code], [401, 'ENVELOPE_STALE'], '6 minutes old');
  const future = sealEnvelope({ appId: APP_ID, appSecret: SECRET, key: his, data: record('ENV-3'), timestamp: String(Date.now() + 6 * 60_000) });
  t.equal((await post(future)).body.error.code, 'ENVELOPE_STALE', '6 minutes ahead');

  const fresh = envelope(record('ENV-4'));
  const sig = Buffer.from(fresh.signData, 'base64');
  sig[10]! ^= 1;
  const tampered = await post({ ...fresh, signData: sig.toString('base64') });
  t.same([tampered.status, tampered.body.error.code], [401, 'ENVELOPE_SIGNATURE_INVALID'], 'tampered signature');
  const relabelled = await post({ ...fresh, version: '9.9.9' });
  t.equal(relabelled.body.error.code, 'ENVELOPE_SIGNATURE_INVALID', 'a signed field changed');
  const swapped = await post({ ...fresh, encData: envelope(record('ENV-5')).encData });
  t.equal(swapped.body.error.code, 'ENVELOPE_SIGNATURE_INVALID', 'other data under the same signature');
  const garbled = await post({ ...fresh, encData: fresh.encData.slice(0, -32) + '0'.repeat(32) });
  t.equal(garbled.body.error.code, 'ENVELOPE_SIGNATURE_INVALID', 'encData that does not decrypt');
  const wrongKey = await post(sealEnvelope({ appId: APP_ID, appSecret: SECRET, key: sm2GenerateKeyPair(), data: record('ENV-4'), timestamp: String(Date.now()) }));
  t.equal(wrongKey.body.error.code, 'ENVELOPE_SIGNATURE_INVALID', 'signed by another SM2 key');
  const wrongSecret = await post(sealEnvelope({ appId: APP_ID, appSecret: 'X'.repeat(32), key: his, data: record('ENV-4'), timestamp: String(Date.now()) }));
  t.equal(wrongSecret.body.error.code, 'ENVELOPE_SIGNATURE_INVALID', 'encrypted and signed with another app secret');
  const wrongApp = await post(sealEnvelope({ appId: 'A'.repeat(32), appSecret: SECRET, key: his, data: record('ENV-4'), timestamp: String(Date.now()) }));
  t.same([wrongApp.status, wrongApp.body.error.code], [401, 'ENVELOPE_UNKNOWN_APP'], 'wrong appId');

  for (const [name, bad] of [
    ['encType', { encType: 'AES' }], ['signType', { signType: 'RSA' }], ['timestamp', { timestamp: 'yesterday' }],
    ['signData', { signData: 'abc' }], ['appId', { appId: 'short' }], ['version', { version: 7 }],
  ] as const) {
    const r = await post({ ...fresh, ...bad });
    t.same([r.status, r.body.error.code], [400, 'ENVELOPE_INVALID'], `malformed ${name}`);
  }

  const notMine = await post(envelope(record('ENV-6')), otherToken);
  t.same([notMine.status, notMine.body.error.code], [403, 'PROVIDER_MISMATCH'], 'a bearer of another hospital with the envelope');
  t.equal((await post(envelope(record('ENV-7')), h.token('hospital', H))).status, 201, 'the same hospital’s bearer with the envelope');
  t.equal((await post(record('ENV-8'))).status, 401, 'a bare record still needs a bearer token');
  const noConsent = await post(envelope(recordBody({ certno: certno(2302), hospital: H, mdtrt_id: 'ENV-9', med_type: '21', ful: 100_00, inscp: 200_00, hifp: 150_00 })));
  t.same([noConsent.status, noConsent.body.error.code], [403, 'CONSENT_REQUIRED'], 'an authenticated envelope is still subject to consent');

  // A sm2Sign over the right string but with the wrong user id is refused (the platform's id is fixed).
  const head = { appId: APP_ID, encType: 'SM4', signType: 'SM2', timestamp: String(Date.now()), version: '2.0.1' };
  const data = record('ENV-10');
  const otherId = sm2Sign(Buffer.from(signingString(head, data, SECRET)), his, { userId: 'ALICE123@YAHOO.COM' }).toString('base64');
  const { encData } = sealEnvelope({ appId: APP_ID, appSecret: SECRET, key: his, data, timestamp: head.timestamp });
  t.equal((await post({ ...head, encData, signData: otherId })).body.error.code, 'ENVELOPE_SIGNATURE_INVALID', 'signed under another user id');
});

t.test('registration for the envelope is checked', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const admin = await h.party('admin', 'ADM');
  const his = sm2GenerateKeyPair();
  const add = (p: Record<string, unknown>) => h.call({ method: 'POST', url: '/v1/parties', token: admin, payload: { role: 'hospital', name: 'H', ...p } });
  t.equal((await add({ code: 'H31010100003', sm2_public_key: his.publicKeyHex, app_id: APP_ID })).body.error.code, 'VALIDATION_FAILED', 'all three together');
  t.equal((await add({ code: 'H31010100003', sm2_public_key: `04${'00'.repeat(64)}`, app_id: APP_ID, app_secret: SECRET })).body.error.code, 'VALIDATION_FAILED', 'not a curve point');
  t.equal((await add({ code: 'H31010100003', sm2_public_key: his.publicKeyHex, app_id: 'short', app_secret: SECRET })).body.error.code, 'VALIDATION_FAILED');
  t.equal((await add({ code: 'H31010100003', sm2_public_key: his.publicKeyHex, app_id: APP_ID, app_secret: SECRET })).status, 201);
  const again = await add({ code: 'H31010100004', sm2_public_key: his.publicKeyHex, app_id: APP_ID, app_secret: SECRET });
  t.same([again.status, again.body.error.code], [409, 'PARTY_EXISTS'], 'an appId is registered once');
  t.notMatch((await h.call({ method: 'GET', url: '/v1/parties', token: admin })).raw, new RegExp(SECRET), 'the secret is never shown');
});
