import t from 'tap';
import {
  EMPTY_ROOT, MemoryTree, consistencyProof, inclusionProof, leafHash, nodeHash, verifyConsistency, verifyInclusion,
} from '../../../gateway/domain/merkle.js';
import { fixture } from '../../helpers.js';

interface Vectors {
  reference_tree: { leaves_hex: string[]; roots_hex: string[] };
  inclusion: { file: string; leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean }[];
  consistency: { file: string; size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean }[];
}
const V = fixture<Vectors>('rfc6962/vectors.json');
const b64 = (s: string) => Buffer.from(s, 'base64');

function referenceTree(): MemoryTree {
  const tree = new MemoryTree();
  for (const hex of V.reference_tree.leaves_hex) tree.append(leafHash(Buffer.from(hex, 'hex')));
  return tree;
}

t.test('roots of the RFC 6962 reference tree, sizes 0–8', async (t) => {
  const tree = referenceTree();
  t.equal(EMPTY_ROOT.toString('hex'), V.reference_tree.roots_hex[0]);
  for (let n = 0; n <= 8; n++) t.equal(tree.root(n).toString('hex'), V.reference_tree.roots_hex[n], `size ${n}`);
});

t.test('published inclusion vectors: happy paths verify and are what we generate; mutations fail', async (t) => {
  const tree = referenceTree();
  for (const v of V.inclusion) {
    const proof = (v.proof ?? []).map(b64);
    t.equal(verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proof, b64(v.root)), !v.wantErr, v.file);
    if (!v.wantErr) {
      t.same(inclusionProof(v.leafIdx, v.treeSize, tree).map((h) => h.toString('base64')), v.proof ?? [], `${v.file}: same proof generated`);
    }
  }
});

t.test('published consistency vectors: happy paths verify and are what we generate; mutations fail', async (t) => {
  const tree = referenceTree();
  for (const v of V.consistency) {
    const proof = (v.proof ?? []).map(b64);
    t.equal(verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proof), !v.wantErr, v.file);
    if (!v.wantErr) {
      t.same(consistencyProof(v.size1, v.size2, tree).map((h) => h.toString('base64')), v.proof ?? [], `${v.file}: same proof generated`);
    }
  }
});

/** The mutation classes transparency-dev/merkle derives its wantErr files with, applied to every happy path. */
t.test('every mutation of every happy path is rejected', async (t) => {
  const flip = (h: Buffer, bit: number) => {
    const c = Buffer.from(h);
    c[bit >> 3]! ^= 1 << (bit & 7);
    return c;
  };
  const garbage = Buffer.from('garbagegarbagegarbagegarbage1234');
  for (const v of V.inclusion.filter((x) => !x.wantErr)) {
    const [i, n, leaf, root] = [v.leafIdx, v.treeSize, b64(v.leafHash), b64(v.root)];
    const p = (v.proof ?? []).map(b64);
    const bad: [string, boolean][] = [
      ['leafIdx+1', verifyInclusion(i + 1, n, leaf, p, root)],
      ['leafIdx-1', verifyInclusion(i - 1, n, leaf, p, root)],
      ['leafIdx^2', verifyInclusion(i ^ 2, n, leaf, p, root)],
      ['treeSize*2', verifyInclusion(i, n * 2, leaf, p, root)],
      ['treeSize/2', verifyInclusion(i, Math.floor(n / 2), leaf, p, root)],
      ['wrong leaf', verifyInclusion(i, n, leafHash(Buffer.from('WrongLeaf')), p, root)],
      ['empty root', verifyInclusion(i, n, leaf, p, EMPTY_ROOT)],
      ['random root', verifyInclusion(i, n, leaf, p, garbage)],
      ['trailing garbage', verifyInclusion(i, n, leaf, [...p, garbage], root)],
      ['trailing root', verifyInclusion(i, n, leaf, [...p, root], root)],
      ['preceding garbage', verifyInclusion(i, n, leaf, [garbage, ...p], root)],
      ['preceding root', verifyInclusion(i, n, leaf, [root, ...p], root)],
      ...p.flatMap((_, k): [string, boolean][] => [
        [`proof[${k}] bit 3`, verifyInclusion(i, n, leaf, p.map((h, j) => (j === k ? flip(h, 3) : h)), root)],
      ]),
      ['short hash in proof', verifyInclusion(i, n, leaf, p.map((h) => h.subarray(0, 31)), root)],
    ];
    for (const [name, ok] of bad) {
      if (name === 'treeSize/2' && n === 1) continue;
      if (name === 'short hash in proof' && p.length === 0) continue;
      t.equal(ok, false, `${v.file}: ${name}`);
    }
  }
  for (const v of V.consistency.filter((x) => !x.wantErr && x.size1 !== x.size2)) {
    const [m, n, r1, r2] = [v.size1, v.size2, b64(v.root1), b64(v.root2)];
    const p = (v.proof ?? []).map(b64);
    const bad: [string, boolean][] = [
      ['empty proof', verifyConsistency(m, n, r1, r2, [])],
      ['size1+1', verifyConsistency(m + 1, n, r1, r2, p)],
      ['size1-1', verifyConsistency(m - 1, n, r1, r2, p)],
      ['size1^2', verifyConsistency(m ^ 2, n, r1, r2, p)],
      ['size2/2', verifyConsistency(m, Math.floor(n / 2), r1, r2, p)],
      ['size2*2', verifyConsistency(m, n * 2, r1, r2, p)],
      ['swapped roots', verifyConsistency(m, n, r2, r1, p)],
      ['wrong root1', verifyConsistency(m, n, garbage, r2, p)],
      ['wrong root2', verifyConsistency(m, n, r1, garbage, p)],
      ['trailing garbage', verifyConsistency(m, n, r1, r2, [...p, garbage])],
      ['preceding garbage', verifyConsistency(m, n, r1, r2, [garbage, ...p])],
      ['truncated proof', verifyConsistency(m, n, r1, r2, p.slice(0, -1))],
      ...p.map((_, k): [string, boolean] => [`proof[${k}] bit 4`, verifyConsistency(m, n, r1, r2, p.map((h, j) => (j === k ? flip(h, 4) : h)))]),
    ];
    for (const [name, ok] of bad) t.equal(ok, false, `${v.file}: ${name}`);
  }
});

t.test('generated proofs verify for every leaf and every pair of sizes up to 70', async (t) => {
  const tree = new MemoryTree();
  for (let i = 0; i < 70; i++) tree.append(leafHash(Buffer.from(`leaf-${i}`)));
  let checked = 0;
  for (let n = 1; n <= 70; n++) {
    const root = tree.root(n);
    for (let i = 0; i < n; i++) {
      if (!verifyInclusion(i, n, tree.leaves[i]!, inclusionProof(i, n, tree), root)) t.fail(`inclusion ${i} in ${n}`);
      checked++;
    }
    for (let m = 0; m <= n; m++) {
      if (!verifyConsistency(m, n, tree.root(m), root, consistencyProof(m, n, tree))) t.fail(`consistency ${m}→${n}`);
      checked++;
    }
  }
  t.ok(checked > 4900, `${checked} proofs checked`);
  t.throws(() => inclusionProof(5, 5, tree), RangeError);
  t.throws(() => consistencyProof(6, 5, tree), RangeError);
  t.equal(verifyConsistency(0, 5, EMPTY_ROOT, tree.root(5), []), true, 'policy: every tree extends the empty tree, with an empty proof');
  t.equal(verifyConsistency(0, 5, EMPTY_ROOT, tree.root(5), [tree.root(5)]), false, 'policy: a non-empty proof from size 0 is refused');
});

t.test('node and leaf hashes are domain-separated (second-preimage resistance, RFC 6962 §2.1)', async (t) => {
  const a = leafHash(Buffer.from('a'));
  const b = leafHash(Buffer.from('b'));
  const asLeaf = leafHash(Buffer.concat([a, b]));
  t.not(nodeHash(a, b).toString('hex'), asLeaf.toString('hex'));
  t.equal(verifyInclusion(0, 1, asLeaf, [], nodeHash(a, b)), false);
});

t.test('an in-memory tree counts its leaves and refuses subtrees outside it', async (t) => {
  const tree = referenceTree();
  t.equal(tree.size, 8);
  t.equal(new MemoryTree().size, 0);
  t.throws(() => tree.subtree(4, 9), RangeError);
  t.throws(() => tree.subtree(3, 3), RangeError);
});
