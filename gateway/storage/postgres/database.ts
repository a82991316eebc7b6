import pg from 'pg';
import type { Migration } from '../sqlite/database.js';
import { POSTGRES_MIGRATIONS } from './schema.js';

/** Every counter and epoch-millisecond column is BIGINT; all of them stay far below 2^53, so read numbers. */
const INT8_OID = 20;
pg.types.setTypeParser(INT8_OID, (text: string) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError('BIGINT value beyond 2^53 read from PostgreSQL');
  return n;
});

/** The advisory-lock key under which schema migrations run (one process migrates, the others wait). */
const MIGRATION_LOCK = 0x766f7563_68000001n; // "vouch" + 1

export interface PostgresOptions {
  /** Connections in this process's pool. */
  max?: number;
  /** Milliseconds to wait for a connection before failing the request (the store then counts as down). */
  connectionTimeoutMillis?: number;
  /**
   * Milliseconds a statement may go unanswered before it fails (the store then counts as down): a database
   * that stops answering without closing the connection — a frozen network, a hung server — gives 503s
   * and an unready /readyz instead of requests that hang.
   */
  queryTimeoutMillis?: number;
}

/** What every connection of the gateway's is opened with, pooled or on its own (the log's sequencer). */
export function connectionSettings(url: string, options: PostgresOptions = {}): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: 'vouch',
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    query_timeout: options.queryTimeoutMillis ?? 10_000,
    // TCP keepalives find a peer that vanished (power, network) instead of waiting for the next write.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/**
 * A pool on VOUCH_DATABASE_URL. Durability is the server's: `synchronous_commit` must be on (or
 * `local`, `remote_write`, `remote_apply` — the latter two with a synchronous standby) — `off` would acknowledge commits a crash can
 * take back, so the gateway refuses it, as it refuses SQLite without synchronous=FULL.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}, migrations: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<pg.Pool> {
  const pool = new pg.Pool({ ...connectionSettings(url, options), max: options.max ?? 10 });
  // An idle client that loses its server (restart, failover) emits here; the pool drops it and the next
  // request gets a fresh connection. Without a listener the process would crash.
  pool.on('error', () => undefined);
  try {
    await assertDurableCommits(pool);
    await migratePostgres(pool, migrations);
    return pool;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

async function assertDurableCommits(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
  const level = rows[0]?.synchronous_commit;
  if (level === 'off') {
    throw new Error(`PostgreSQL synchronous_commit is ${level}: refusing to run without durable commits`);
  }
}

/**
 * Applies the migrations above the recorded version, all in one transaction under an advisory lock:
 * processes starting together migrate once, the others find the work done. A database newer than this
 * build is refused, as with SQLite.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[]): Promise<number> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    if (current > migrations.length) {
      throw new Error(`database schema version ${current} is newer than this build knows (${migrations.length})`);
    }
    for (const m of migrations.slice(current)) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await client.query('COMMIT');
    return migrations.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
