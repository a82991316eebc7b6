import crypto from 'node:crypto';
import t from 'tap';
import {
  hmacSm3, sm2GenerateKeyPair, sm2IsPublicKey, sm2PublicKeyOf, sm2Sign, sm2Verify, sm3, sm4AeadOpen, sm4AeadSeal, sm4CbcDecrypt, sm4CbcEncrypt,
  sm4EcbDecrypt, sm4EcbEncrypt,
} from '../../../gateway/crypto/gm/index.js';
import { G, mul, onCurve, pointFromHex, referenceSignWithK, referenceVerify, zOf } from '../../fixtures/gm/sm2-reference.js';
import { SM2_SIGNATURE_VECTOR as V2, SM3_VECTORS, SM4_VECTOR } from '../../fixtures/gm/vectors.js';

t.test('SM3: GB/T 32905-2016 Appendix A examples 1 and 2', async (t) => {
  for (const v of SM3_VECTORS) t.equal(sm3(v.input).toString('hex'), v.digest, `SM3 of ${v.input.length} bytes`);
});

t.test('HMAC-SM3 is RFC 2104 over SM3 (checked against a hand-built HMAC)', async (t) => {
  const key = Buffer.from('0b'.repeat(20), 'hex');
  const msg = Buffer.from('Hi There');
  // RFC 2104: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), K zero-padded to the 64-byte block.
  const k = Buffer.concat([key, Buffer.alloc(64 - key.length)]);
  const x = (b: number) => Buffer.from(k.map((c) => c ^ b));
  const expected = sm3(Buffer.concat([x(0x5c), sm3(Buffer.concat([x(0x36), msg]))]));
  t.equal(hmacSm3(key, msg).toString('hex'), expected.toString('hex'));
});

t.test('SM4: GB/T 32907-2016 Appendix A examples 1 and 2 (1,000,000 encryptions)', async (t) => {
  const key = Buffer.from(SM4_VECTOR.key, 'hex');
  const pt = Buffer.from(SM4_VECTOR.plaintext, 'hex');
  const ct = sm4EcbEncrypt(key, pt, false);
  t.equal(ct.toString('hex'), SM4_VECTOR.ciphertext);
  t.equal(sm4EcbDecrypt(key, ct, false).toString('hex'), SM4_VECTOR.plaintext);
  // Example 2: one cipher context, each block the previous output (ECB, no padding, so update() is a
  // single-block encryption); about a second on this machine.
  const c = crypto.createCipheriv('sm4-ecb', key, null);
  c.setAutoPadding(false);
  let block = pt;
  for (let i = 0; i < 1_000_000; i++) block = c.update(block);
  t.equal(block.toString('hex'), SM4_VECTOR.ciphertextAfterMillion);
});

t.test('SM4-CBC round trip with PKCS#7 padding; wrong keys fail', async (t) => {
  const key = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  for (const n of [0, 1, 15, 16, 17, 1000]) {
    const pt = crypto.randomBytes(n);
    const ct = sm4CbcEncrypt(key, iv, pt);
    t.equal(ct.length, (Math.floor(n / 16) + 1) * 16, `padded length for ${n}`);
    t.same(sm4CbcDecrypt(key, iv, ct), pt);
  }
  t.throws(() => sm4CbcEncrypt(Buffer.alloc(15), iv, Buffer.alloc(1)), /16 bytes/);
});

t.test('SM4-CBC-HMAC-SM3 AEAD: opens what it sealed, refuses any change of blob, key or associated data', async (t) => {
  const key = crypto.randomBytes(32);
  const aad = Buffer.from('rec_1|1|record');
  const pt = Buffer.from(JSON.stringify({ a: 1, b: '中文' }));
  const blob = sm4AeadSeal(key, pt, aad);
  t.same(sm4AeadOpen(key, blob, aad), pt);
  t.throws(() => sm4AeadOpen(key, blob, Buffer.from('rec_1|2|record')), /authentication/);
  t.throws(() => sm4AeadOpen(crypto.randomBytes(32), blob, aad), /authentication/);
  for (const at of [0, 16, 32, blob.length - 1]) {
    const bad = Buffer.from(blob);
    bad[at]! ^= 1;
    t.throws(() => sm4AeadOpen(key, bad, aad), /authentication/, `bit flipped at ${at}`);
  }
  t.throws(() => sm4AeadOpen(key, blob.subarray(0, 40), aad), /malformed/);
  // Two seals of the same plaintext differ (fresh IV).
  t.not(sm4AeadSeal(key, pt, aad).toString('hex'), blob.toString('hex'));
});

t.test('SM2: GB/T 32918.5 (GM/T 0003.5) signature example, reproduced with its k and verified', async (t) => {
  const d = BigInt(`0x${V2.privateKey}`);
  const k = BigInt(`0x${V2.k}`);
  const id = Buffer.from(V2.id);
  const msg = Buffer.from(V2.message);
  // The standard's key pair and Z_A, by the independent reference.
  const P = mul(d, G)!;
  t.equal(`04${P.x.toString(16).padStart(64, '0')}${P.y.toString(16).padStart(64, '0')}`, V2.publicKey, 'P_A = d_A·G');
  t.equal(zOf(id, pointFromHex(V2.publicKey)).toString('hex'), V2.z, 'Z_A');
  t.equal(sm3(Buffer.concat([Buffer.from(V2.z, 'hex'), msg])).toString('hex'), V2.e, 'e = SM3(Z_A ‖ M)');
  const expected = V2.r + V2.s;
  t.equal(referenceSignWithK(msg, d, k, id).toString('hex'), expected, 'reference signer reproduces (r, s)');
  // The gateway's SM2 (sm-crypto-v2) with the same fixed k gives the standard's signature byte for byte.
  const key = { privateKeyHex: V2.privateKey, publicKeyHex: sm2PublicKeyOf(V2.privateKey) };
  t.equal(key.publicKeyHex, V2.publicKey);
  const x1 = mul(k, G)!.x;
  t.equal(sm2Sign(msg, key, { userId: V2.id, fixedK: { k, x1 } }).toString('hex'), expected, 'gateway signer with the standard k');
  t.ok(sm2Verify(msg, Buffer.from(expected, 'hex'), V2.publicKey, V2.id), 'gateway verifies the published signature');
  t.notOk(sm2Verify(msg, Buffer.from(expected, 'hex'), V2.publicKey, 'ALICE123@YAHOO.COM'), 'not under another user id');
  t.notOk(sm2Verify(Buffer.from('message digesT'), Buffer.from(expected, 'hex'), V2.publicKey, V2.id), 'not for another message');
});

t.test('SM2: a gateway signature (default id) verifies under the independent BigInt verifier, and vice versa', async (t) => {
  const key = sm2GenerateKeyPair();
  t.ok(sm2IsPublicKey(key.publicKeyHex));
  t.ok(onCurve(pointFromHex(key.publicKeyHex)));
  const msg = Buffer.from('{"leaf_index":7,"type":"vouch.receipt.v1"}');
  const sig = sm2Sign(msg, key);
  t.equal(sig.length, 64, 'r ‖ s, 64 bytes');
  t.ok(referenceVerify(msg, sig, key.publicKeyHex), 'reference accepts the gateway signature');
  t.notOk(referenceVerify(Buffer.concat([msg, Buffer.from(' ')]), sig, key.publicKeyHex), 'reference refuses another message');
  t.notOk(referenceVerify(msg, sig, key.publicKeyHex, Buffer.alloc(0)), 'reference refuses it under an empty user id');
  const d = BigInt(`0x${key.privateKeyHex}`);
  const refSig = referenceSignWithK(msg, d, 123456789n, Buffer.from('1234567812345678'));
  t.ok(sm2Verify(msg, refSig, key.publicKeyHex), 'gateway accepts the reference signature');
});

t.test('SM2 verify refuses malformed signatures and keys without throwing', async (t) => {
  const key = sm2GenerateKeyPair();
  const msg = 'x';
  const sig = sm2Sign(msg, key);
  t.ok(sm2Verify(msg, sig, key.publicKeyHex));
  t.ok(sm2Verify(msg, sig, key.publicKeyHex.toUpperCase()), 'upper-case key hex accepted');
  t.notOk(sm2Verify(msg, sig.subarray(0, 63), key.publicKeyHex));
  t.notOk(sm2Verify(msg, Buffer.alloc(64), key.publicKeyHex), 'r = s = 0');
  t.notOk(sm2Verify(msg, Buffer.alloc(64, 0xff), key.publicKeyHex), 'r, s ≥ n');
  t.notOk(sm2Verify(msg, sig, `04${'00'.repeat(64)}`), 'point not on the curve');
  t.notOk(sm2Verify(msg, sig, 'zz'));
  const other = sm2GenerateKeyPair();
  t.notOk(sm2Verify(msg, sig, other.publicKeyHex));
});

t.test('node:crypto sign/verify are reachable only through the Ed25519 wrapper, which refuses an SM2 key', async (t) => {
  const { ed25519Sign, ed25519Verify } = await import('../../../gateway/crypto/ed25519.js');
  const sm2Key = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' });
  t.throws(() => ed25519Sign(Buffer.from('x'), sm2Key.privateKey), /Ed25519 key required/);
  t.notOk(ed25519Verify(Buffer.from('x'), sm2Key.publicKey, Buffer.alloc(64)));
  const ed = crypto.generateKeyPairSync('ed25519');
  t.ok(ed25519Verify(Buffer.from('x'), ed.publicKey, ed25519Sign(Buffer.from('x'), ed.privateKey)));
});
