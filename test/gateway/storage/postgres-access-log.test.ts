// The access log of several gateway processes on one PostgreSQL database (issue 17), as the services see
// it: two processes (two pools, two PostgresAccessLogs, two sequencer candidates, one keys folder) append
// at once — plain events, answers with receipts, and events committed in a state transaction then waited
// for as the Journal will. What must hold: leaf indexes 0..n-1 without gaps or duplicates; every receipt
// verifies as `vouch receipt verify` checks it and names its own leaf; inclusion and consistency proofs
// verify against the signed heads; the replay of `vouch audit verify` finds the log whole; searches and
// counts answer as SQLite's; and a sequencer killed by the server in the middle loses nothing.
import path from 'node:path';
import t, { type Test } from 'tap';
import pg from 'pg';
import { KeyStore } from '../../../keys/keystore.js';
import { leafBytes, makeEvent, type AuditEvent, type EventKind } from '../../../gateway/domain/audit-events.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../../../gateway/domain/merkle.js';
import { AccessLog, verifyTreeHead } from '../../../gateway/services/access-log/access-log.js';
import { PostgresAccessLog } from '../../../gateway/services/access-log/postgres-access-log.js';
import { newReceiptId, verifyReceipt, type Receipt, type ReceiptBody } from '../../../gateway/services/access-log/receipts.js';
import { verifyPagedAccessLog } from '../../../gateway/services/access-log/verify.js';
import type { EventFilter } from '../../../gateway/storage/log-store.js';
import { openPostgres } from '../../../gateway/storage/postgres/database.js';
import { enqueueEvents, SEQUENCER_LOCK } from '../../../gateway/storage/postgres/log-sequencer.js';
import { AUDIT_MIGRATIONS } from '../../../gateway/storage/sqlite/audit-schema.js';
import { openDatabase } from '../../../gateway/storage/sqlite/database.js';
import { SqliteLogStore } from '../../../gateway/storage/sqlite/log-store.js';
import { tempDir } from '../../helpers.js';
import { scratchDatabase } from '../../postgres.js';

const SUBJECTS = ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)];
const KINDS: EventKind[] = ['query.quote', 'consent.granted', 'audit.searched'];
const ACTORS = ['INS-1', 'ins-2', 'Ins-3', 'HOSP_9', 'bureau'];

function event(i: number): AuditEvent {
  const denied = i % 7 === 3;
  return makeEvent({
    kind: KINDS[i % 3]!, time: 1_767_225_600_000 + i * 10, actor: ACTORS[i % 5]!, actor_role: 'insurer',
    outcome: denied ? 'denied' : 'allowed', ...(denied && i % 2 ? { reason: 'CONSENT_MISSING' } : {}),
    ...(i % 4 === 0 ? {} : { subject: SUBJECTS[i % 3]! }),
  });
}

const body = (): ReceiptBody => ({ receipt_id: newReceiptId(), issued_at: new Date().toISOString(), result_digest: 'ab'.repeat(32) });

interface Proc {
  pool: pg.Pool;
  keys: KeyStore;
  log: PostgresAccessLog;
}

async function processes(url: string, keysDir: string, n: number): Promise<{ all: Proc[]; close: () => Promise<void> }> {
  const all = await Promise.all(
    Array.from({ length: n }, async () => {
      const pool = await openPostgres(url, { max: 6 });
      const keys = KeyStore.open(keysDir, { keysDir });
      const log = PostgresAccessLog.start(pool, () => new pg.Client({ connectionString: url }), keys, {
        waitMs: 30_000, headPollMs: 20, sequencer: { pollMs: 25, batch: 64, headIntervalMs: 50 },
      });
      return { pool, keys, log };
    }),
  );
  return { all, close: async () => { await Promise.all(all.map(async (p) => { await p.log.close(); await p.pool.end(); })); } };
}

type Outcome = { event: AuditEvent; leaf: number; receipt?: Receipt };

/** One operation as a service does it, by `i`: a plain append, an answer with its receipt, or a change. */
async function operate(p: Proc, e: AuditEvent, i: number): Promise<Outcome> {
  if (i % 3 === 0) return { event: e, leaf: await p.log.append(e) };
  if (i % 3 === 1) {
    const receipt = await p.log.appendWithReceipt(e, body());
    return { event: e, leaf: receipt.leaf_index, receipt };
  }
  // The Journal's way: the event goes to the outbox in the state change's transaction, then the wait.
  const client = await p.pool.connect();
  try {
    await client.query('BEGIN');
    await enqueueEvents(client, [e]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const [r] = await p.log.committed([e], [body()]);
  return { event: e, leaf: r!.leaf, receipt: r!.receipt! };
}

function checkOutcomes(t: Test, outcomes: Outcome[], keys: KeyStore): void {
  t.same(outcomes.map((o) => o.leaf).sort((a, b) => a - b), outcomes.map((_, i) => i), 'leaf indexes are exactly 0..n-1: no gap, no duplicate');
  let receipts = 0;
  for (const o of outcomes) {
    if (!o.receipt) continue;
    receipts++;
    if (!verifyReceipt(o.receipt, (kid) => keys.verifyKey(kid))) t.fail(`receipt of leaf ${o.leaf} does not verify`);
    if (o.receipt.leaf_hash !== leafHash(leafBytes(o.event)).toString('hex')) t.fail(`receipt of leaf ${o.leaf} names another leaf`);
  }
  t.ok(receipts > 0, `${receipts} receipts verify and name their own leaves`);
}

t.test('two processes append at once: one gapless log, receipts and proofs verify, the replay finds it whole', async (t) => {
  const db = await scratchDatabase(t);
  const keysDir = path.join(tempDir(), 'keys');
  const { all, close } = await processes(db.url, keysDir, 2);
  t.teardown(close);
  const lookup = (kid: string) => all[0]!.keys.verifyKey(kid);
  const events = Array.from({ length: 360 }, (_, i) => event(i));
  const outcomes = await Promise.all(events.map((e, i) => operate(all[i % 2]!, e, i)));
  checkOutcomes(t, outcomes, all[0]!.keys);

  const head = await all[1]!.log.treeHead();
  t.equal(head.tree_size, events.length, 'a signed head covers every leaf');
  t.ok(verifyTreeHead(head, lookup), 'the head verifies with the gateway keys');
  t.ok((await all[0]!.log.rootAt(head.tree_size)).equals(Buffer.from(head.root_hash, 'hex')), 'the stored tree gives the signed root');
  const root = Buffer.from(head.root_hash, 'hex');
  for (const o of outcomes.filter((o) => o.receipt).slice(0, 40)) {
    const p = await all[o.leaf % 2]!.log.inclusionProof(o.leaf, head.tree_size);
    t.equal(p.leaf_hash, o.receipt!.leaf_hash);
    if (!verifyInclusion(o.leaf, head.tree_size, Buffer.from(p.leaf_hash, 'hex'), p.audit_path.map((h) => Buffer.from(h, 'hex')), root)) {
      t.fail(`inclusion of leaf ${o.leaf}`);
    }
  }
  const heads = await all[0]!.log.store.heads();
  const earlier = heads.find((h) => h.tree_size > 0 && h.tree_size < head.tree_size);
  if (earlier) {
    const proof = (await all[1]!.log.consistencyProof(earlier.tree_size, head.tree_size)).map((h) => Buffer.from(h, 'hex'));
    t.ok(verifyConsistency(earlier.tree_size, head.tree_size, earlier.root_hash, root, proof), `head ${earlier.tree_size} is consistent with head ${head.tree_size}`);
  }
  await t.rejects(all[0]!.log.inclusionProof(0, head.tree_size + 1), { code: 'VALIDATION_FAILED' });

  const report = await verifyPagedAccessLog(all[1]!.log.store, lookup);
  t.same(report, { ok: true, leaves: events.length, heads: heads.length }, 'the replay of vouch audit verify finds the log whole');
  t.same(await all[0]!.log.store.storedLeaves(), await collect(all[0]!.log.store.pagedLeaves(50)), 'whole and paged reads agree');
  await t.rejects(all[0]!.log.store.insertNode(), /written by its sequencer only/);
  await t.rejects(all[0]!.log.store.transaction(), /written by its sequencer only/);
});

t.test('searches and counts answer as the SQLite log over the same leaves', async (t) => {
  const db = await scratchDatabase(t);
  const dir = tempDir();
  const { all, close } = await processes(db.url, path.join(dir, 'keys'), 1);
  t.teardown(close);
  const p = all[0]!;
  const events = Array.from({ length: 120 }, (_, i) => event(i));
  await Promise.all(events.map((e) => p.log.append(e)));
  // The same leaves in the same order into SQLite, half of them in its subject index.
  const stored = (await p.log.store.leaves(0, events.length)).map((l) => JSON.parse(l.leaf.toString('utf8')) as AuditEvent);
  const sdb = openDatabase(path.join(dir, 'audit.db'), AUDIT_MIGRATIONS);
  const sqlite = new SqliteLogStore(sdb);
  const slog = new AccessLog(sqlite, p.keys, { maxDelayMs: 0, headIntervalMs: 0 });
  t.teardown(async () => { await slog.close(); sdb.close(); });
  t.same(await Promise.all(stored.map((e) => slog.append(e))), stored.map((_, i) => i));
  sqlite.indexSubjects(0, 60);

  const base = 1_767_225_600_000;
  const filters: EventFilter[] = [
    { limit: 1000 }, { limit: 7 }, { limit: 10, after: 33 }, { subject: SUBJECTS[1]!, limit: 1000 }, { subject: SUBJECTS[2]!, limit: 5, after: 50 },
    { subject: SUBJECTS[0]!, actor: 'ins-2', limit: 100 }, { from: base + 200, to: base + 900, limit: 100 }, { action: 'consent.granted', outcome: 'denied', limit: 100 },
    { actor: 'INS-1', subject: SUBJECTS[1]!, from: base + 300, limit: 3 },
  ];
  for (const f of filters) {
    t.same(await p.log.store.search(f, events.length), sqlite.search(f, events.length), `search ${JSON.stringify(f)}`);
  }
  t.same(await p.log.store.search({ limit: 1000 }, 50), sqlite.search({ limit: 1000 }, 50), 'only leaves below the committed size');
  t.same(await p.log.store.countsBetween(base, base + 1000, KINDS), sqlite.countsBetween(base, base + 1000, KINDS), 'counts, in the same order');
  t.same(await p.log.store.countsBetween(base + 100, base + 400, ['query.quote']), sqlite.countsBetween(base + 100, base + 400, ['query.quote']));
  t.equal(await p.log.store.indexedUpto(), events.length, 'PostgreSQL indexes every leaf as it is stored');
});

t.test('the sequencer killed mid-load: another process takes over, nothing is lost, the log verifies', async (t) => {
  const db = await scratchDatabase(t);
  const { all, close } = await processes(db.url, path.join(tempDir(), 'keys'), 2);
  t.teardown(close);
  const events = Array.from({ length: 300 }, (_, i) => event(i));
  const pending: Promise<Outcome>[] = [];
  for (let i = 0; i < events.length; i++) {
    pending.push(operate(all[i % 2]!, events[i]!, i));
    if (i === 150) {
      const holder = await all[0]!.pool.query(
        // pg_locks spans the server; advisory locks belong to one database (other tests' databases have their own).
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = ($1::bigint & 4294967295)::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        [SEQUENCER_LOCK.toString()],
      );
      t.equal(holder.rows.length, 1, 'one sequencer holds the lock');
      await all[0]!.pool.query('SELECT pg_terminate_backend($1)', [holder.rows[0].pid]);
    }
    if (i % 30 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  const outcomes = await Promise.all(pending);
  checkOutcomes(t, outcomes, all[0]!.keys);
  const head = await all[0]!.log.treeHead();
  t.equal(head.tree_size, events.length);
  const report = await verifyPagedAccessLog(all[1]!.log.store, (kid) => all[1]!.keys.verifyKey(kid));
  t.ok(report.ok, report.problem ?? 'the log verifies after the kill');
  t.equal(report.leaves, events.length);
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}
