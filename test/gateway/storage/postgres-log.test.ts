// One access log across several gateway processes on PostgreSQL (issue 17): three sequencers on three
// pools stand for three processes; events are handed to the outbox from all of them at once; the
// sequencer's session is killed by the server (pg_terminate_backend) in the middle — another takes over.
// What must hold: every event gets exactly one leaf, indexes 0..n-1 without gaps, every waiter is told
// its own leaf, the stored subtree hashes give the same root as an independent in-memory tree, and heads
// are signed over it.
import crypto from 'node:crypto';
import t from 'tap';
import pg from 'pg';
import { ed25519Sign, ed25519Verify } from '../../../gateway/crypto/ed25519.js';
import { makeEvent, leafBytes, type AuditEvent } from '../../../gateway/domain/audit-events.js';
import { leafHash, MemoryTree } from '../../../gateway/domain/merkle.js';
import { MerkleFrontier } from '../../../gateway/domain/merkle-frontier.js';
import { openPostgres } from '../../../gateway/storage/postgres/database.js';
import { enqueueEvents, PostgresLogSequencer, type LeafRef } from '../../../gateway/storage/postgres/log-sequencer.js';
import { scratchDatabase } from '../../postgres.js';

function event(i: number): AuditEvent {
  return makeEvent({ kind: 'query.quote', time: 1_767_225_600_000 + i, actor: `insurer-${i % 3}`, actor_role: 'insurer', outcome: 'allowed', purpose: 'eligibility' });
}

const key = crypto.generateKeyPairSync('ed25519');
const signHead = (size: number, timestamp: number, root: Buffer) => ({
  key_id: 'k1', alg: 'Ed25519' as const, signature: ed25519Sign(Buffer.concat([Buffer.from(`${size}|${timestamp}|`), root]), key.privateKey),
});

async function processes(url: string, n: number) {
  const roles: string[][] = [];
  const all = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      roles[i] = [];
      const pool = await openPostgres(url, { max: 4 });
      const seq = new PostgresLogSequencer(pool, () => new pg.Client({ connectionString: url }), {
        pollMs: 25, batch: 64, headIntervalMs: 50, signHead, onRole: (r) => roles[i]!.push(r),
      });
      seq.start();
      return { pool, seq };
    }),
  );
  return { all, roles, close: () => Promise.all(all.map(async (p) => { await p.seq.stop(); await p.pool.end(); })) };
}

/** Hands one event to the outbox from process `p` and waits for its leaf, as an answer does. */
async function append(p: { pool: pg.Pool; seq: PostgresLogSequencer }, e: AuditEvent): Promise<LeafRef> {
  await enqueueEvents(p.pool, [e]);
  const found = await p.seq.waitFor([e.event_id], 30_000);
  return found.get(e.event_id)!;
}

t.test('three processes, one log: no gaps, no duplicates, every waiter told its leaf, a killed sequencer replaced', async (t) => {
  const db = await scratchDatabase(t);
  const { all, roles, close } = await processes(db.url, 3);
  t.teardown(close);
  const events = Array.from({ length: 600 }, (_, i) => event(i));
  const results: Promise<LeafRef>[] = [];
  let killed = false;
  for (let i = 0; i < events.length; i++) {
    results.push(append(all[i % 3]!, events[i]!));
    if (i === 250) {
      // Kill whoever sequences now, from the server side, while appends are in flight.
      const holder = await all[0]!.pool.query(
        // pg_locks spans the server; advisory locks belong to one database (other tests' databases have their own).
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = ($1::bigint & 4294967295)::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        [(0x766f7563_68000002n).toString()],
      );
      t.equal(holder.rows.length, 1, 'exactly one sequencer holds the lock');
      await all[0]!.pool.query('SELECT pg_terminate_backend($1)', [holder.rows[0].pid]);
      killed = true;
    }
    if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  const refs = await Promise.all(results);
  t.ok(killed);
  const indexes = refs.map((r) => r.leaf_index).sort((a, b) => a - b);
  t.same(indexes, events.map((_, i) => i), 'leaf indexes are exactly 0..599: no gap, no duplicate');
  refs.forEach((r, i) => {
    if (!r.leaf_hash.equals(leafHash(leafBytes(events[i]!)))) t.fail(`waiter ${i} was told another event's leaf`);
  });
  t.ok(roles.flat().filter((r) => r === 'sequencer').length >= 2, 'the sequencer changed hands after the kill');

  // The stored tree is the tree of the leaves in index order.
  const pool = all[1]!.pool;
  const { rows } = await pool.query<{ leaf_hash: Buffer }>('SELECT leaf_hash FROM leaves ORDER BY leaf_index');
  const mem = new MemoryTree();
  for (const r of rows) mem.append(r.leaf_hash);
  const nodes = await pool.query<{ level: number; idx: number; hash: Buffer }>('SELECT level, idx, hash FROM nodes');
  const stored = new Map(nodes.rows.map((n) => [`${n.level}/${n.idx}`, n.hash]));
  const rebuilt = MerkleFrontier.fromStore(rows.length, (level, idx) => (level === 0 ? rows[idx]!.leaf_hash : stored.get(`${level}/${idx}`)!));
  t.ok(rebuilt.root().equals(mem.root()), 'the stored subtree hashes give the in-memory root');
  // Complete subtrees of 2^l leaves (l ≥ 1) in a tree of n: Σ floor(n / 2^l) = n − popcount(n); 600 → 596.
  t.equal(nodes.rows.length, 596, 'every complete subtree of 2+ leaves is stored, once');
  const outbox = await pool.query('SELECT count(*)::int AS n FROM audit_outbox');
  t.equal(outbox.rows[0].n, 0, 'the outbox is empty');

  // Heads: signed, sizes rising, each root the tree hash at its size.
  await new Promise((r) => setTimeout(r, 150));
  const heads = await pool.query<{ tree_size: number; timestamp: number; root_hash: Buffer; signature: Buffer }>('SELECT * FROM tree_heads ORDER BY tree_size');
  t.ok(heads.rows.length >= 1, `${heads.rows.length} heads`);
  for (const h of heads.rows) {
    if (!h.root_hash.equals(mem.root(h.tree_size))) t.fail(`head ${h.tree_size} root is not the tree hash`);
    if (!ed25519Verify(Buffer.concat([Buffer.from(`${h.tree_size}|${h.timestamp}|`), h.root_hash]), key.publicKey, h.signature)) t.fail(`head ${h.tree_size} signature`);
  }
  t.equal(heads.rows.at(-1)!.tree_size, 600, 'the newest head covers every leaf');
});

t.test('an event handed in twice is one leaf; a waiter on an event already in the log is answered at once', async (t) => {
  const db = await scratchDatabase(t);
  const { all, close } = await processes(db.url, 2);
  t.teardown(close);
  const e = event(1);
  const first = await append(all[0]!, e);
  const again = await append(all[1]!, e);
  t.same(again, first, 'the same leaf');
  const { rows } = await all[0]!.pool.query('SELECT count(*)::int AS n FROM leaves');
  t.equal(rows[0].n, 1);
});

t.test('events of a transaction that rolled back never reach the log', async (t) => {
  const db = await scratchDatabase(t);
  const { all, close } = await processes(db.url, 1);
  t.teardown(close);
  const client = await all[0]!.pool.connect();
  const lost = event(2);
  await client.query('BEGIN');
  await enqueueEvents(client, [lost]);
  await client.query('ROLLBACK');
  client.release();
  const kept = event(3);
  await append(all[0]!, kept);
  await t.rejects(all[0]!.seq.waitFor([lost.event_id], 300), /did not take the event in time/);
  const { rows } = await all[0]!.pool.query('SELECT event_id FROM leaves');
  t.same(rows.map((r) => r.event_id), [kept.event_id]);
});

t.test('a sequencer stopped while its connections are still opening leaves none of them open', async (t) => {
  const db = await scratchDatabase(t);
  const pool = await openPostgres(db.url, { max: 2 });
  t.teardown(() => pool.end());
  for (const settle of [0, 300]) {
    const clients: { ended: boolean }[] = [];
    const seq = new PostgresLogSequencer(pool, () => {
      const c = new pg.Client({ connectionString: db.url });
      const seen = { ended: false };
      c.once('end', () => (seen.ended = true));
      clients.push(seen);
      return c;
    }, { pollMs: 25 });
    seq.start();
    // 0: stop() at once, both connections still opening (a gateway opened and closed at once: a CLI
    // command, the bench's seeding); 300 ms: the control, both connections open and in use.
    await new Promise((r) => setTimeout(r, settle));
    await seq.stop();
    t.ok(clients.length >= 2, `after ${settle} ms: the listener and the election connection were made`);
    t.same(clients.filter((c) => !c.ended).length, 0, `after ${settle} ms: every connection the sequencer made is closed once stop() resolves`);
  }
});
