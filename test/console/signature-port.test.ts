import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import t from 'tap';
import ts from 'typescript';
import { signAll } from '../../gateway/crypto/signatures.js';
import { KeyStore } from '../../keys/keystore.js';
import { tempDir } from '../helpers.js';
import { SM2_SIGNATURE_VECTOR as V } from '../fixtures/gm/vectors.js';

/**
 * The console's signature checks (console/src/verify/signature.ts: WebCrypto Ed25519, sm-crypto-v2 SM2)
 * transpiled as they are and run against signatures the gateway makes under each suite, and against the
 * standard's SM2 vector. Written beside dist/ so the bare `sm-crypto-v2` import resolves as Vite's does.
 */
interface Key { key_id: string; alg: string; public_key_pem?: string; public_key_hex?: string }
interface Entry { alg?: string; key_id: string; signature: string }
interface Port {
  sm2VerifyHex(bytes: Uint8Array, sig: string, pub: string): boolean;
  verifyAllSignatures(primary: Entry, cos: Entry[] | undefined, bytes: Uint8Array, keys: Key[]): Promise<{ kind: string; alg: string; key_id: string } | undefined>;
}

async function loadPort(): Promise<Port> {
  const source = fs.readFileSync(new URL('../../../console/src/verify/signature.ts', import.meta.url), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dir = fs.mkdtempSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '.port-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'signature.mjs');
  fs.writeFileSync(file, js);
  return (await import(pathToFileURL(file).href)) as Port;
}

function published(ks: KeyStore): Key[] {
  return [
    ...[...ks.signingPublicKeys()].map(([key_id, k]) => ({ key_id, alg: 'Ed25519', public_key_pem: k.export({ type: 'spki', format: 'pem' }) as string })),
    ...[...ks.sm2PublicKeys()].map(([key_id, hex]) => ({ key_id, alg: 'SM2', public_key_hex: hex })),
  ];
}

t.test('the console verifies heads signed under intl, gm and dual, and refuses forgeries', async (t) => {
  const port = await loadPort();
  const bytes = new Uint8Array(Buffer.from('00010000018f0000000000000007' + 'ab'.repeat(32), 'hex'));
  for (const suite of ['intl', 'gm', 'dual'] as const) {
    const ks = KeyStore.open(tempDir(), { suite });
    const keys = published(ks);
    const { primary, cosignatures } = signAll(ks.signer, bytes);
    t.equal(await port.verifyAllSignatures(primary, cosignatures, bytes, keys), undefined, `${suite}: verified`);
    const other = new Uint8Array(bytes);
    other[5]! ^= 1;
    t.match(await port.verifyAllSignatures(primary, cosignatures, other, keys), { kind: 'invalid', key_id: primary.key_id }, `${suite}: other bytes fail`);
    if (cosignatures) {
      const bad = [{ ...cosignatures[0]!, signature: cosignatures[0]!.signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }];
      t.match(await port.verifyAllSignatures(primary, bad, bytes, keys), { kind: 'invalid', alg: 'SM2' }, 'dual: a forged SM2 cosignature fails');
      t.match(await port.verifyAllSignatures(primary, cosignatures, bytes, keys.filter((k) => k.alg !== 'SM2')), { kind: 'unpublished', alg: 'SM2' }, 'dual: an unpublished cosigner fails');
    }
    t.match(await port.verifyAllSignatures({ ...primary, alg: primary.alg === 'SM2' ? 'Ed25519' : 'SM2' }, cosignatures, bytes, keys), { kind: 'invalid' }, `${suite}: relabelled alg fails`);
  }
  // GB/T 32918.5's example uses the same user id 1234567812345678 the console always uses.
  const msg = new Uint8Array(Buffer.from(V.message));
  t.ok(port.sm2VerifyHex(msg, V.r + V.s, V.publicKey), 'the standard vector verifies in the console port');
  t.notOk(port.sm2VerifyHex(msg, 'f'.repeat(128), V.publicKey), 'r, s out of range');
});
