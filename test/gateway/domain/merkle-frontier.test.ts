import crypto from 'node:crypto';
import t from 'tap';
import { EMPTY_ROOT, MemoryTree } from '../../../gateway/domain/merkle.js';
import { MerkleFrontier } from '../../../gateway/domain/merkle-frontier.js';

const h = (i: number): Buffer => crypto.createHash('sha256').update(`leaf ${i}`).digest();

t.test('the right edge gives the same root as the whole tree at every size, and stores every completed subtree once', async (t) => {
  const f = MerkleFrontier.empty();
  const mem = new MemoryTree();
  t.ok(f.root().equals(EMPTY_ROOT), 'empty tree: SHA-256 of nothing');
  const completed = new Map<string, Buffer>();
  for (let i = 0; i < 257; i++) {
    mem.append(h(i));
    for (const n of f.append(h(i))) {
      const k = `${n.level}/${n.idx}`;
      if (completed.has(k)) t.fail(`${k} completed twice`);
      completed.set(k, n.hash);
      if (!n.hash.equals(mem.subtree(n.idx * 2 ** n.level, (n.idx + 1) * 2 ** n.level))) t.fail(`${k} is not the subtree hash`);
    }
    if (!f.root().equals(mem.root())) t.fail(`root at size ${i + 1}`);
  }
  t.equal(f.size, 257);
  t.equal(completed.size, 257 - 2, '257 = 2^8 + 1: n − popcount(n) = 255 subtrees');
  // Rebuilt from stored nodes, it goes on exactly as the original.
  const rebuilt = MerkleFrontier.fromStore(257, (level, idx) => (level === 0 ? h(idx) : completed.get(`${level}/${idx}`)!));
  t.ok(rebuilt.root().equals(mem.root()));
  const copy = rebuilt.copy();
  copy.append(h(257));
  t.equal(rebuilt.size, 257, 'a copy stages appends without touching the original');
  rebuilt.adopt(copy);
  mem.append(h(257));
  t.ok(rebuilt.root().equals(mem.root()), 'adopting the copy takes its appends');
  t.same(MerkleFrontier.needed(6), [{ level: 1, idx: 2 }, { level: 2, idx: 0 }], '6 = 4 + 2: the edge is node 2/0 and node 1/2');
});
