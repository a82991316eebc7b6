import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { hmacSm3 } from '../../../gateway/crypto/gm/sm3.js';
import { verifyKeyFromPublished, type KeyLookup } from '../../../gateway/crypto/signatures.js';
import { treeHeadSignedBytes, verifyTreeHead } from '../../../gateway/services/access-log/access-log.js';
import { verifyStoredLog } from '../../../gateway/services/access-log/verify.js';
import { receiptSignedBytes, verifyReceipt } from '../../../gateway/services/access-log/receipts.js';
import { witness, type WitnessSource } from '../../../gateway/services/access-log/witness.js';
import { KeyStore, SuiteMismatchError } from '../../../keys/keystore.js';
import { tempDir } from '../../helpers.js';
import { HHB, SH, Y, enroll, patient, push, quote, withGrpc, world } from '../../fixtures/world.js';
import { grpcCall } from '../../helpers.js';
import { feeLine, type RecordSpec } from '../../fixtures/records.js';
import { referenceVerify } from '../../fixtures/gm/sm2-reference.js';

const spec = (who: string, mdtrt_id: string): RecordSpec => ({
  certno: who, hospital: SH, mdtrt_id, med_type: '21', clr_optins: '310100',
  ful: 23_000 * Y, inscp: 30_000 * Y, hifp: 21_000 * Y, ded: 1_500 * Y,
  feedetail: [feeLine(1, 'XA02BCA211A012010100154', '09', '03', 23_000 * Y)],
});

/** Keys as a verifier outside the gateway gets them: GET /v1/keys, no token. */
function publishedLookup(body: { keys: { key_id: string; alg: string; public_key_pem?: string; public_key_hex?: string }[] }): KeyLookup {
  const m = new Map(body.keys.map((k) => [k.key_id, verifyKeyFromPublished(k)!]));
  return (kid) => m.get(kid);
}

for (const suite of ['gm', 'dual'] as const) {
  t.test(`VOUCH_CRYPTO=${suite}: receipts and tree heads signed with SM2${suite === 'dual' ? ' beside Ed25519' : ''}, records sealed with SM4, blind index HMAC-SM3`, async (t) => {
    const w = await world({ VOUCH_CRYPTO: suite });
    t.teardown(w.h.close);
    const who = await patient(w, 23, [HHB]);
    await push(w, spec(who, 'GM-1'));
    await enroll(w, HHB, 'HHB-GM', who, 'huhuibao-2025');
    const q = await quote(w, HHB, who, 'HHB-GM', SH, 'GM-1');
    t.equal(q.status, 200, 'a quote reads the SM4-sealed record back');
    const r = q.body.receipt;

    const keys = await w.h.call({ method: 'GET', url: '/v1/keys' });
    t.equal(keys.status, 200);
    const sm2Keys = keys.body.keys.filter((k: any) => k.alg === 'SM2');
    t.equal(sm2Keys.length, 1, 'one SM2 key published');
    t.match(sm2Keys[0], { key_id: /^sm2-[0-9a-f]{16}$/, public_key_hex: /^04[0-9a-f]{128}$/, current: true });
    const lookup = publishedLookup(keys.body);

    if (suite === 'gm') {
      t.equal(r.alg, 'SM2');
      t.equal(r.key_id, sm2Keys[0].key_id);
      t.match(r.signature, /^[0-9a-f]{128}$/, 'r ‖ s in hex');
      t.notOk(r.cosignatures);
      const { signature, ...rest } = r;
      t.ok(referenceVerify(receiptSignedBytes(rest), Buffer.from(signature, 'hex'), sm2Keys[0].public_key_hex), 'the independent verifier accepts the receipt');
    } else {
      t.equal(r.alg, 'Ed25519', 'dual: Ed25519 stays primary so every existing verifier still works');
      t.equal(r.cosignatures.length, 1);
      t.match(r.cosignatures[0], { alg: 'SM2', key_id: sm2Keys[0].key_id, signature: /^[0-9a-f]{128}$/ });
      const { signature: _s, cosignatures, ...rest } = r;
      t.ok(referenceVerify(receiptSignedBytes(rest), Buffer.from(cosignatures[0].signature, 'hex'), sm2Keys[0].public_key_hex), 'SM2 cosignature over the same bytes');
      const edOnly = (kid: string) => (kid === r.key_id ? lookup(kid) : undefined);
      t.notOk(verifyReceipt(r, edOnly), 'a cosignature whose key is unknown fails the receipt (it is not ignored)');
      const forged = { ...r, cosignatures: [{ ...r.cosignatures[0], signature: r.cosignatures[0].signature.replace(/^./, (c: string) => (c === '0' ? '1' : '0')) }] };
      t.notOk(verifyReceipt(forged, lookup), 'a forged cosignature fails the receipt');
    }
    t.ok(verifyReceipt(r, lookup), 'verifyReceipt with the published keys');
    t.notOk(verifyReceipt({ ...r, result_digest: 'f'.repeat(64) }, lookup), 'a changed receipt fails');
    t.notOk(verifyReceipt({ ...r, alg: r.alg === 'SM2' ? 'Ed25519' : 'SM2' }, lookup), 'a relabelled algorithm fails');

    // Tree head: named algorithm, verifiable by the published keys and by the independent verifier.
    const bureau = await w.h.party('bureau', 'BUR');
    const head = await w.h.call({ method: 'GET', url: '/v1/audit/tree-head', token: bureau });
    t.equal(head.status, 200);
    t.equal(head.body.alg, suite === 'gm' ? 'SM2' : 'Ed25519');
    t.ok(verifyTreeHead(head.body, lookup), 'tree head verifies');
    const smSig = suite === 'gm' ? head.body.signature : head.body.cosignatures[0].signature;
    const bytes = treeHeadSignedBytes(head.body.tree_size, head.body.timestamp, Buffer.from(head.body.root_hash, 'hex'));
    t.ok(referenceVerify(bytes, Buffer.from(smSig, 'hex'), sm2Keys[0].public_key_hex), 'independent verifier accepts the tree head');
    t.notOk(verifyTreeHead({ ...head.body, tree_size: head.body.tree_size + 1 }, lookup));

    // gRPC carries the same head: algorithm and cosignatures included (proto TreeHead 6, 7).
    const grpc = await withGrpc(w);
    t.teardown(grpc.close);
    const viaGrpc = await grpcCall(grpc.clients.AuditService!, 'GetTreeHead', {}, bureau);
    t.equal(viaGrpc.res?.alg, head.body.alg);
    t.equal(viaGrpc.res.cosignatures.length, suite === 'dual' ? 1 : 0);
    t.ok(verifyTreeHead(viaGrpc.res, lookup), 'the gRPC head verifies as it comes');

    // The whole stored log replays (vouch audit verify's code path).
    const report = await verifyStoredLog(w.h.g.config, (kid) => w.h.g.keys.verifyKey(kid));
    t.ok(report.ok, 'audit verify over the SM2-signed heads');

    // The witness accepts SM2-signed heads that extend what it holds, with the published keys only.
    const source: WitnessSource = { treeHead: () => w.h.g.accessLog.treeHead(), consistency: async (a, b) => w.h.g.accessLog.consistencyProof(a, b) };
    const first = await witness({ head: null }, source, lookup);
    t.ok(first.ok);
    await push(w, spec(who, 'GM-2'));
    const second = await witness({ head: first.ok ? first.head : null }, source, lookup);
    t.match(second, { ok: true, grew: true }, 'the witness follows the log');
    const forged = await witness({ head: null }, { ...source, treeHead: async () => ({ ...(await w.h.g.accessLog.treeHead()), root_hash: 'ab'.repeat(32) }) }, lookup);
    t.notOk(forged.ok, 'a head whose signature does not cover its root is refused');

    // The blind index is HMAC-SM3 under the gateway's secret.
    t.equal(w.h.g.vault.blindIndex(who), hmacSm3(w.h.g.keys.blindIndexKey, `certno:${who}`).toString('hex'));
    // Sealed parts are SM4-CBC-HMAC-SM3 blobs: 16-byte IV ‖ 16-byte tag ‖ whole SM4 blocks.
    const blob = w.h.g.vault.sealPart(Buffer.alloc(32, 7), 'row', 'part', { x: 1 });
    t.equal((blob.length - 32) % 16, 0);
    t.same(w.h.g.vault.openPart(Buffer.alloc(32, 7), 'row', 'part', blob), { x: 1 });
  });
}

t.test('a data directory keeps its suite: never switched across at-rest families, keys never regenerated', async (t) => {
  const intlDir = tempDir();
  const intl = KeyStore.open(intlDir);
  t.equal(fs.readFileSync(path.join(intlDir, 'keys', 'suite'), 'utf8'), 'intl');
  t.throws(() => KeyStore.open(intlDir, { suite: 'gm' }), SuiteMismatchError, 'intl → gm refused');
  t.throws(() => KeyStore.open(intlDir, { suite: 'dual' }), /created with VOUCH_CRYPTO=intl/, 'intl → dual refused');
  t.equal(KeyStore.open(intlDir).signing.kid, intl.signing.kid, 'reopened under intl: same key');

  // A directory from before suites existed (keys, no suite file) counts as intl.
  fs.rmSync(path.join(intlDir, 'keys', 'suite'));
  t.throws(() => KeyStore.open(intlDir, { suite: 'gm' }), SuiteMismatchError);

  const gmDir = tempDir();
  const gm = KeyStore.open(gmDir, { suite: 'gm' });
  const sm2Kid = gm.currentSm2KeyId!;
  t.throws(() => KeyStore.open(gmDir, { suite: 'intl' }), /created with VOUCH_CRYPTO=gm/, 'gm → intl refused');
  const dual = KeyStore.open(gmDir, { suite: 'dual' });
  t.equal(dual.currentSm2KeyId, sm2Kid, 'gm → dual keeps the SM2 key');
  t.same(dual.signingKeyIds, [dual.signing.kid, sm2Kid], 'dual signs with both');
  t.equal(KeyStore.open(gmDir, { suite: 'gm' }).currentSm2KeyId, sm2Kid, 'and back to gm: still the same key');

  // A missing current SM2 key is an error, never a silent new key.
  fs.rmSync(path.join(gmDir, 'keys', 'signing-sm2', `${sm2Kid}.key`));
  t.throws(() => KeyStore.open(gmDir, { suite: 'gm' }), /named current is missing/);
});

t.test('KEK rotation under gm: new data keys under the new KEK, old rows still open, rewrap moves them (SM4 throughout)', async (t) => {
  const w = await world({ VOUCH_CRYPTO: 'gm' });
  t.teardown(w.h.close);
  const who = await patient(w, 24, [HHB]);
  await push(w, spec(who, 'KEK-1'));
  const oldKek = w.h.g.keys.kek.kid;
  const newKek = w.h.g.keys.rotateKek();
  t.not(newKek, oldKek);
  await push(w, spec(who, 'KEK-2'));
  await enroll(w, HHB, 'HHB-KEK', who, 'huhuibao-2025');
  for (const id of ['KEK-1', 'KEK-2']) t.equal((await quote(w, HHB, who, 'HHB-KEK', SH, id)).status, 200, `${id} opens`);
  const { rewrapRecords } = await import('../../../gateway/services/records/records.js');
  t.equal(await rewrapRecords(w.h.g.vault, w.h.g.storage, newKek), 1, 'the one row under the old KEK is re-wrapped');
  t.equal((await quote(w, HHB, who, 'HHB-KEK', SH, 'KEK-1')).status, 200, 'and still opens');
});

t.test('rotation under dual rotates both keys; old SM2 keys stay published for verification', async (t) => {
  const dir = tempDir();
  const ks = KeyStore.open(dir, { suite: 'dual' });
  const before = ks.signingKeyIds;
  const kids = ks.rotateSuiteSigning().split(',');
  t.equal(kids.length, 2);
  t.notSame(ks.signingKeyIds, before);
  t.ok(ks.verifyKey(before[1]!), 'the old SM2 key still verifies');
  t.equal(ks.sm2PublicKeys().size, 2);
});
