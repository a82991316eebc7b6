import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import ts from 'typescript';
import { MemoryTree, consistencyProof, inclusionProof, leafHash as serverLeafHash } from '../../gateway/domain/merkle.js';
import { fixture, tempDir } from '../helpers.js';

/**
 * The console verifies proofs with its own port of gateway/domain/merkle.ts (WebCrypto, in the browser).
 * Node has the same WebCrypto, so the port's source is transpiled here as it is and checked against the
 * published RFC 6962 vectors and against the gateway's own proofs over trees of every size up to 40.
 */
interface Vectors {
  inclusion: { file: string; leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean }[];
  consistency: { file: string; size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean }[];
}

/** The port's exports used here (written out: the console's sources are not part of this compilation). */
interface Port {
  leafHash(leaf: Uint8Array): Promise<Uint8Array>;
  verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): Promise<boolean>;
  verifyConsistency(first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): Promise<boolean>;
}

async function loadPort(): Promise<Port> {
  const source = fs.readFileSync(new URL('../../../console/src/verify/merkle.ts', import.meta.url), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = path.join(tempDir('vouch-merkle-port-'), 'merkle.mjs');
  fs.writeFileSync(file, js);
  return (await import(pathToFileURL(file).href)) as Port;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const flip = (h: Uint8Array) => {
  const c = new Uint8Array(h);
  c[0]! ^= 1;
  return c;
};

t.test('the console port agrees with the published RFC 6962 vectors', async (t) => {
  const port = await loadPort();
  const V = fixture<Vectors>('rfc6962/vectors.json');
  for (const v of V.inclusion) {
    const got = await port.verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    t.equal(got, !v.wantErr, v.file);
  }
  for (const v of V.consistency) {
    const got = await port.verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
    t.equal(got, !v.wantErr, v.file);
  }
});

t.test('the console port accepts every proof the gateway makes, and no altered one', async (t) => {
  const port = await loadPort();
  const tree = new MemoryTree();
  for (let i = 0; i < 40; i++) {
    const leaf = Buffer.from(`{"i":${i}}`);
    t.equal(Buffer.from(await port.leafHash(leaf)).toString('hex'), serverLeafHash(leaf).toString('hex'));
    tree.append(serverLeafHash(leaf));
  }
  let checked = 0;
  for (let n = 1; n <= 40; n++) {
    const root = new Uint8Array(tree.root(n));
    for (let m = 0; m < n; m++) {
      const proof = inclusionProof(m, n, tree).map((h) => new Uint8Array(h));
      const leaf = new Uint8Array(tree.leaves[m]!);
      if (!(await port.verifyInclusion(m, n, leaf, proof, root))) t.fail(`inclusion ${m} in ${n}`);
      if (proof.length >= 2 && (await port.verifyInclusion(m, n, leaf, [...proof].reverse(), root))) t.fail(`a reordered path for ${m} in ${n}`);
      if (proof.length && (await port.verifyInclusion(m, n, leaf, [flip(proof[0]!), ...proof.slice(1)], root))) t.fail(`an altered path for ${m} in ${n}`);
      if (n > 1 && (await port.verifyInclusion(m, n, new Uint8Array(tree.leaves[(m + 1) % n]!), proof, root))) t.fail(`another leaf for ${m} in ${n}`);
      checked++;
    }
    for (let m = 1; m <= n; m++) {
      const proof = consistencyProof(m, n, tree).map((h) => new Uint8Array(h));
      if (!(await port.verifyConsistency(m, n, new Uint8Array(tree.root(m)), root, proof))) t.fail(`consistency ${m} → ${n}`);
      if (m < n && (await port.verifyConsistency(m, n, new Uint8Array(tree.root(m === 1 ? 2 : m - 1)), root, proof))) t.fail(`a wrong old root ${m} → ${n}`);
      checked++;
    }
  }
  t.ok(checked > 1500, `${checked} proofs checked`);
});
