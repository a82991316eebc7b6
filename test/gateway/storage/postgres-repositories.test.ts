// The PostgreSQL repositories against the SQLite ones (issue 17): one script of calls covering every
// method (repository-script.ts) gives the same result, step by step, on both stores. Then what only a
// server database can get wrong: two processes (two pools) spending one patient's accumulator at once
// under serialiseSubject, a settlement raced on one request_id, and health after a lost connection.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { openDatabase, type Db } from '../../../gateway/storage/sqlite/database.js';
import { MAIN_MIGRATIONS } from '../../../gateway/storage/sqlite/main-schema.js';
import { promisedRepositories as promised, SqliteRepositories } from '../../../gateway/storage/sqlite/repositories.js';
import { subjectLockKey } from '../../../gateway/storage/postgres/policies.js';
import { isPostgresUnavailable, lostRace, openPostgresStorage, type PostgresStorage } from '../../../gateway/storage/postgres/storage.js';
import type { Repositories } from '../../../gateway/storage/repositories.js';
import type { SettlementRow } from '../../../gateway/storage/settlements.js';
import { tempDir } from '../../helpers.js';
import { scratchDatabase } from '../../postgres.js';
import { SCRIPT, type AnyRepositories } from './repository-script.js';

type Outcome = { value: unknown } | { threw: true };

/** Each step in a transaction of its own on SQLite's writer, as group commit runs a unit. */
async function onSqlite(db: Db, repos: AnyRepositories, run: (r: AnyRepositories) => Promise<unknown>): Promise<Outcome> {
  db.exec('BEGIN IMMEDIATE');
  try {
    const value = await run(repos);
    db.exec('COMMIT');
    return { value };
  } catch {
    db.exec('ROLLBACK');
    return { threw: true };
  }
}

async function onPostgres(store: PostgresStorage, run: (r: AnyRepositories) => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await store.write(run) };
  } catch {
    return { threw: true };
  }
}

async function open(t: { teardown(fn: () => unknown): void }, options: Parameters<typeof openPostgresStorage>[1] = {}): Promise<{ url: string; store: PostgresStorage }> {
  const db = await scratchDatabase(t);
  const store = await openPostgresStorage(db.url, options);
  t.teardown(() => store.close());
  return { url: db.url, store };
}

t.test('parity: every repository method gives on PostgreSQL what it gives on SQLite', async (t) => {
  const sqliteDb = openDatabase(path.join(tempDir(), 'vouch.db'), MAIN_MIGRATIONS);
  t.teardown(() => sqliteDb.close());
  const sqlite = promised(new SqliteRepositories(sqliteDb));
  const { store } = await open(t);
  for (const [name, run] of SCRIPT) {
    const expected = await onSqlite(sqliteDb, sqlite, run);
    const got = await onPostgres(store, run);
    t.strictSame(got, expected, name);
  }
  // Reads on the pool (outside any write transaction) see the same committed state.
  t.strictSame(await store.read.policies.of('subj-1'), await sqlite.policies.of('subj-1'), 'reads on the pool');
  t.strictSame(await store.read.parties.list(), await sqlite.parties.list(), 'parties on the pool');
  // Every method SQLite has exists on PostgreSQL and is called by the script (its source names the call).
  const methods = (o: object) => Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((m) => m !== 'constructor');
  const sources = SCRIPT.map(([, run]) => run.toString()).join('\n');
  const reference = new SqliteRepositories(sqliteDb) as unknown as Record<string, object>;
  for (const [name, repo] of Object.entries(store.read)) {
    for (const m of methods(reference[name]!)) {
      t.ok(methods(repo as object).includes(m), `${name}.${m} exists on PostgreSQL`);
      t.ok(sources.includes(`.${name}.${m}(`), `${name}.${m} is in the script`);
    }
  }
});

/** The seed of the accumulator tests: one policy of one patient, its deductible room 350 fen. */
async function seedPolicy(store: PostgresStorage): Promise<void> {
  await store.write((r) => r.policies.save({
    insurer: 'ins-a', policy_no: 'P1', subject: 'subj-x', created_at: 1, updated_at: 1,
    periods: [{ period_no: 1, product: 'p', start_date: '2026-01-01', end_date: '2026-12-31', pre_existing: false, claim_free_years: 0, used_at: null, corrections: 0, created_at: 1, updated_at: 1 }],
  }));
}

/** One settlement's arithmetic on the accumulator: read what is used, add 100 if it fits under 350. */
function spend(lock: boolean) {
  return async (r: Repositories): Promise<boolean> => {
    if (lock) await r.policies.serialiseSubject('subj-x');
    const used = (await r.policies.accumulatorUse('ins-a', 'P1', 1)).get('deductible') ?? 0;
    await sleep(15); // the window another process's read would fall into
    if (used + 100 > 350) return false;
    await r.policies.addAccumulator({ insurer: 'ins-a', policy_no: 'P1', period_no: 1, acc_key: 'deductible', delta_fen: 100 });
    return true;
  };
}

t.test('two processes spending one accumulator under serialiseSubject never both take one remainder', async (t) => {
  const { url, store: a } = await open(t, { max: 10 });
  const b = await openPostgresStorage(url, { max: 10 });
  t.teardown(() => b.close());
  await seedPolicy(a);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).write(spend(true))));
  t.equal(results.filter(Boolean).length, 3, 'exactly one success per 100 fen of room (350 → 3)');
  t.strictSame(await a.read.policies.accumulatorUse('ins-a', 'P1', 1), new Map([['deductible', 300]]));

  // The control: without the lock the same units overspend (the test has teeth).
  await a.write((r) => r.policies.addAccumulator({ insurer: 'ins-a', policy_no: 'P1', period_no: 1, acc_key: 'deductible', delta_fen: -300 }));
  const unlocked = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).write(spend(false))));
  t.ok(unlocked.filter(Boolean).length > 3, `without serialiseSubject ${unlocked.filter(Boolean).length} units spent the room of 3`);
});

/** A unit enrolling policy number P9 for `subject`, as the service does: claimed only if nobody holds it. */
function claim(subject: string, locked: boolean) {
  return async (r: Repositories): Promise<boolean> => {
    if (locked) await r.policies.serialisePolicy('ins-a', 'P9');
    await r.policies.serialiseSubject(subject);
    const held = await r.policies.get('ins-a', 'P9');
    await sleep(15); // the window another process's read would fall into
    if (held) return held.subject === subject;
    await r.policies.save({
      insurer: 'ins-a', policy_no: 'P9', subject, created_at: 1, updated_at: 1,
      periods: [{ period_no: 1, product: 'p1', start_date: '2026-01-01', end_date: '2026-12-31', pre_existing: false, claim_free_years: 0, used_at: null, corrections: 0, created_at: 1, updated_at: 1 }],
    });
    return true;
  };
}

t.test('two processes enrolling one policy number for different people under serialisePolicy: one holds it', async (t) => {
  const { url, store: a } = await open(t, { max: 10 });
  const b = await openPostgresStorage(url, { max: 10 });
  t.teardown(() => b.close());
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).write(claim(`subj-${i}`, true))));
  t.equal(results.filter(Boolean).length, 1, 'exactly one person holds the number');
  const holder = (await a.read.policies.get('ins-a', 'P9'))!.subject;
  t.equal(results.findIndex(Boolean), Number(holder.slice(5)), 'the one told yes is the one stored');

  // The control: without the number's lock, people under different patients' turns all think they hold it.
  await a.pool.query("DELETE FROM policy_periods WHERE policy_no = 'P9'");
  await a.pool.query("DELETE FROM policies WHERE policy_no = 'P9'");
  const unlocked = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).write(claim(`subj-${i}`, false))));
  t.ok(unlocked.filter(Boolean).length > 1, `without serialisePolicy ${unlocked.filter(Boolean).length} people were told they hold it`);
});

t.test('the subject lock key: 64-bit, stable, distinct per subject', async (t) => {
  t.equal(subjectLockKey('subj-x'), subjectLockKey('subj-x'));
  t.not(subjectLockKey('subj-x'), subjectLockKey('subj-y'));
  const k = BigInt(subjectLockKey('subj-x'));
  t.ok(k >= -(2n ** 63n) && k < 2n ** 63n);
});

const row = (id: string): SettlementRow => ({
  settlement_id: id, hospital: 'H1', request_id: 'req-1', request_digest: 'rd', record_id: 'R1', record_version: 1, subject: 'subj-x', mdtrt_id: 'M1',
  status: 'settled', kek_id: 'k', wrapped_dek: Buffer.from('w'), sealed_answer: Buffer.from(id), created_at: 1, reversed_at: null,
});

/**
 * Two processes settle the same request at once: both look it up before either inserts (a barrier), the
 * second's insert waits on the first's key and fails 23505 after its COMMIT.
 */
async function race(a: PostgresStorage, b: PostgresStorage) {
  let looked = 0;
  let release!: () => void;
  const barrier = new Promise<void>((resolve) => (release = resolve));
  let runs = 0;
  const settle = (id: string) => async (r: Repositories): Promise<string> => {
    runs++;
    const found = await r.settlements.byRequest('H1', 'req-1');
    if (++looked === 2) release();
    if (found) return `found ${found.settlement_id}`;
    await barrier;
    await r.settlements.insert(row(id), [], []);
    return `inserted ${id}`;
  };
  const results = await Promise.allSettled([a.write(settle('st-a')), b.write(settle('st-b'))]);
  return { results, runs: () => runs };
}

t.test('a duplicate request_id raced from two processes: the loser is retried whole and answers the winner', async (t) => {
  const { url, store: a } = await open(t);
  const b = await openPostgresStorage(url);
  t.teardown(() => b.close());
  const { results, runs } = await race(a, b);
  const values = results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')).sort();
  const winner = values.find((v) => v.startsWith('inserted '))?.slice('inserted '.length);
  t.ok(winner, 'one inserted');
  t.strictSame(values, [`found ${winner}`, `inserted ${winner}`].sort(), 'the other found the same settlement');
  t.equal(runs(), 3, 'the loser ran twice');
});

t.test('without retries the loser sees the unique violation (the retry is what answers it)', async (t) => {
  const { url, store: a } = await open(t, { attempts: 1 });
  const b = await openPostgresStorage(url, { attempts: 1 });
  t.teardown(() => b.close());
  const { results } = await race(a, b);
  const failed = results.find((r) => r.status === 'rejected');
  t.ok(failed && lostRace(failed.reason), 'a 23505 on the request key');
});

t.test('health: false after the connection is lost, true again once a query succeeds', async (t) => {
  const db = await scratchDatabase(t);
  const told = { committed: 0, failed: 0 };
  const observer = { committed: () => void told.committed++, failed: () => void told.failed++ };
  const store = await openPostgresStorage(db.url, { max: 1, observer });
  t.teardown(() => store.close());
  await store.write((r) => r.outbox.depth());
  t.strictSame(told, { committed: 1, failed: 0 }, 'the observer is told of a commit');
  t.equal(store.healthy, true);
  const slow = store.read.outbox.depth().then(() => store.write((r) => r.policies.serialiseSubject('s').then(() => sleep(2_000))));
  await sleep(300);
  await db.admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND pid <> pg_backend_pid()`);
  await t.rejects(slow, 'the write on the killed connection fails');
  t.equal(store.healthy, false, 'unhealthy after the failure');
  t.equal(told.failed, 1, 'the observer is told of the failed write');
  t.equal(store.recheck(), false, 'recheck answers what it knows now and asks the database in the background');
  for (let i = 0; i < 50 && !store.healthy; i++) await sleep(20);
  t.equal(store.healthy, true, 'a query on a fresh connection succeeded');
  t.equal(store.recheck(), true);
  t.equal(await store.read.outbox.depth(), 0);
});

t.test('what counts as the store being unavailable', async (t) => {
  t.ok(isPostgresUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })));
  t.ok(isPostgresUnavailable(new Error('Connection terminated unexpectedly')));
  for (const code of ['08006', '53100', '57P01', '58030', 'XX001', '25006']) t.ok(isPostgresUnavailable(Object.assign(new Error('x'), { code })), code);
  for (const code of ['23505', '40001', '22P02', '42P01']) t.notOk(isPostgresUnavailable(Object.assign(new Error('x'), { code })), code);
});
