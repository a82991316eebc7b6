// The PostgreSQL store's schema (issue 17): migrations apply once however many processes start together,
// a database newer than the build is refused, append-only tables refuse edits, and a server that would
// acknowledge commits it can lose (synchronous_commit=off) is refused. Runs against the PostgreSQL server
// on this machine (VOUCH_TEST_DATABASE_URL, default the local postgres superuser), in a throw-away database.
import t from 'tap';
import { openPostgres, migratePostgres } from '../../../gateway/storage/postgres/database.js';
import { POSTGRES_MIGRATIONS } from '../../../gateway/storage/postgres/schema.js';
import { scratchDatabase } from '../../postgres.js';

t.test('processes starting together migrate once; tables and triggers are in place', async (t) => {
  const db = await scratchDatabase(t);
  const pools = await Promise.all([1, 2, 3].map(() => openPostgres(db.url, { max: 2 })));
  t.teardown(() => Promise.all(pools.map((p) => p.end())));
  const { rows } = await pools[0]!.query('SELECT version FROM schema_migrations ORDER BY version');
  t.same(rows.map((r) => r.version), POSTGRES_MIGRATIONS.map((m) => m.version), 'each step recorded once');
  const tables = await pools[0]!.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
  const names = tables.rows.map((r) => r.table_name as string);
  for (const want of ['consents', 'records', 'policy_periods', 'period_accumulators', 'settlements', 'audit_outbox', 'leaves', 'nodes', 'tree_heads']) {
    t.ok(names.includes(want), `${want} exists`);
  }
  // Idempotent on a second start.
  t.equal(await migratePostgres(pools[1]!, POSTGRES_MIGRATIONS), POSTGRES_MIGRATIONS.length);
});

t.test('the log and the consent ledger refuse edits; BIGINT reads back as a number', async (t) => {
  const db = await scratchDatabase(t);
  const pool = await openPostgres(db.url, { max: 1 });
  t.teardown(() => pool.end());
  await pool.query(
    "INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, outcome) VALUES (0, 'e0', '\\x00', '\\x00', 1767225600000, 'a', 'insurer', 'query.quote', 'allowed')",
  );
  await t.rejects(pool.query('UPDATE leaves SET outcome = $1', ['denied']), /append-only/);
  await t.rejects(pool.query('DELETE FROM leaves'), /append-only/);
  const { rows } = await pool.query('SELECT time, leaf_index FROM leaves');
  t.same(rows[0], { time: 1767225600000, leaf_index: 0 });
});

t.test('a database newer than this build is refused', async (t) => {
  const db = await scratchDatabase(t);
  const pool = await openPostgres(db.url, { max: 1 });
  await pool.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
  await pool.end();
  await t.rejects(openPostgres(db.url, { max: 1 }), /newer than this build knows/);
});

t.test('a server that acknowledges commits it can lose is refused', async (t) => {
  const db = await scratchDatabase(t);
  await db.admin(`ALTER DATABASE ${db.name} SET synchronous_commit = off`);
  await t.rejects(openPostgres(db.url, { max: 1 }), /synchronous_commit is off/);
});

t.test('an unreachable server fails the start clearly', async (t) => {
  await t.rejects(openPostgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connectionTimeoutMillis: 1000 }), /ECONNREFUSED|connect/);
});
