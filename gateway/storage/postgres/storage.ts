import pg from 'pg';
import { StoreUnavailableError } from '../../errors.js';
import { KEYS_FINGERPRINT, mustKeepFingerprint } from '../integrity.js';
import type { CommitObserver, PostgresStore, StoreOptions } from '../storage.js';
import { connectionSettings, openPostgres, type PostgresOptions } from './database.js';
import { PostgresRepositories } from './repositories.js';
import { SETTLEMENT_REQUEST_KEY } from './settlements.js';
import type { Sql } from './sql.js';

/**
 * SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html) that mean the store
 * failed, not the request: connection exceptions (08), insufficient resources such as a full disk (53),
 * the server shutting down or refusing connections (57P), system and I/O errors (58), internal errors (XX).
 */
const UNAVAILABLE_CLASSES = ['08', '53', '58', 'XX'];
/** A standby after failover refuses writes (read_only_sql_transaction): the primary is elsewhere. */
const READ_ONLY = '25006';
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * True when an error a query raised means the database cannot be reached or cannot write: a SQLSTATE of
 * one of the classes above, or no SQLSTATE at all (the driver's own: connection refused or reset,
 * connection terminated, no connection from the pool in time).
 */
export function isPostgresUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !SQLSTATE.test(code)) return true;
  return UNAVAILABLE_CLASSES.includes(code.slice(0, 2)) || code.startsWith('57P') || code === READ_ONLY;
}

/**
 * True when a unit of work lost a race with another transaction and running it again decides it
 * (issue 17, decision 2): serialization failure (40001), deadlock (40P01), or a concurrent settlement
 * of the same request (23505 on the request key) — the retry finds the winner's row and answers the same.
 */
export function lostRace(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '40001' || e?.code === '40P01' || (e?.code === '23505' && e.constraint === SETTLEMENT_REQUEST_KEY);
}

export interface PostgresStorageOptions extends PostgresOptions {
  /** Told about every committed write (one unit each: PostgreSQL commits each transaction on its own). */
  observer?: CommitObserver;
  /** Runs of a unit that lost a race before its error is given up to the caller (default 5). */
  attempts?: number;
}

/** The store on PostgreSQL: reads on the pool, each write one READ COMMITTED transaction. */
export type PostgresStorage = PostgresStore;

/** Health as the queries find it: any success makes it true, a failure of the store itself false. */
class Health {
  healthy = true;

  ok(): void {
    this.healthy = true;
  }
  failed(err: unknown): void {
    if (isPostgresUnavailable(err)) this.healthy = false;
  }
  /** `q` with every statement's outcome reported here (and to `seen`, when given). */
  watch(q: Sql, seen?: (err: unknown) => void): Sql {
    return {
      query: async (text, values) => {
        try {
          const r = await q.query(text, values);
          this.ok();
          return r;
        } catch (err) {
          this.failed(err);
          seen?.(err);
          throw isPostgresUnavailable(err) ? new StoreUnavailableError(err) : err;
        }
      },
    } as Sql;
  }
}

/** The gateway's store at VOUCH_DATABASE_URL (storage.ts's openStore). */
export function openPostgresStore(url: string, options: StoreOptions): Promise<PostgresStore> {
  return openPostgresStorage(url, {
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.databaseTimeoutMs ? { queryTimeoutMillis: options.databaseTimeoutMs } : {}),
  });
}

/** Opens the pool on `url` (migrating the schema) and the store over it. */
export async function openPostgresStorage(url: string, options: PostgresStorageOptions = {}): Promise<PostgresStore> {
  const pool = await openPostgres(url, options);
  const health = new Health();
  const attempts = options.attempts ?? 5;
  const transact = transactor(pool, health, options.observer);
  // One probe at a time: readiness probes while the database hangs must not take the pool's connections.
  let probing: Promise<boolean> | undefined;
  const probe = () =>
    (probing ??= health.watch(pool).query('SELECT 1').then(() => health.healthy, () => health.healthy).finally(() => {
      probing = undefined;
    }));
  return {
    kind: 'postgres',
    pool,
    connect: () => new pg.Client(connectionSettings(url, options)),
    read: new PostgresRepositories(health.watch(pool)),
    get healthy() {
      return health.healthy;
    },
    async write(work) {
      for (let attempt = 1; ; attempt++) {
        const outcome = await transact(work);
        if (outcome.ok) return outcome.value;
        if (!outcome.lostRace || attempt >= attempts) throw outcome.error;
        // Jittered back-off, doubling: racing units should not meet again at the same instant.
        await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** (attempt - 1) * (0.5 + Math.random())));
      }
    },
    recheck() {
      void probe();
      return health.healthy;
    },
    // The database keeps its own integrity (WAL, checksums); the log's is checked by whoever verifies it.
    checkIntegrity: async () => undefined,
    async holdsData() {
      const { rows } = await pool.query<{ held: boolean }>('SELECT EXISTS (SELECT 1 FROM leaves) OR EXISTS (SELECT 1 FROM parties) AS held');
      return rows[0]!.held;
    },
    async bindKeys(fingerprint) {
      const kept = (await pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [KEYS_FINGERPRINT])).rows[0]?.value;
      if (!mustKeepFingerprint(kept, fingerprint)) return;
      // Two processes starting together on a new database: the first to insert binds it, the other compares.
      await pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [KEYS_FINGERPRINT, fingerprint]);
      const bound = (await pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [KEYS_FINGERPRINT])).rows[0]?.value;
      mustKeepFingerprint(bound, fingerprint);
    },
    close: () => pool.end(),
  };
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; lostRace: boolean };

/** One run of a unit: BEGIN, the work, COMMIT on one client; whether a failure was a lost race. */
function transactor(pool: pg.Pool, health: Health, observer: CommitObserver | undefined) {
  return async <T>(work: (tx: PostgresRepositories) => T | Promise<T>): Promise<Outcome<T>> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      health.failed(error);
      observer?.failed();
      return { ok: false, error: new StoreUnavailableError(error), lostRace: false };
    }
    // A checked-out client whose connection drops between statements (the work awaiting something else)
    // emits 'error'; unheard, that would end the process. The next statement then fails and says so.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
      health.failed(err);
    };
    client.on('error', onError);
    // A lost race is remembered even if the work caught the error and threw its own, or swallowed it.
    let raced = false;
    const tx = health.watch(client, (err) => {
      raced ||= lostRace(err);
    });
    try {
      await tx.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      const value = await work(new PostgresRepositories(tx));
      const started = process.hrtime.bigint();
      const done = await tx.query('COMMIT');
      // COMMIT of a transaction an error aborted (the work swallowed it) answers ROLLBACK, not an error.
      if (done.command !== 'COMMIT') return { ok: false, error: new Error('the transaction was rolled back: a statement in it failed'), lostRace: raced };
      observer?.committed(1, Number(process.hrtime.bigint() - started) / 1e9);
      return { ok: true, value };
    } catch (error) {
      // A connection the database stopped answering on is dropped, not asked to roll back (that would wait
      // as long again): the server rolls back whatever a closed connection left open.
      if (!health.healthy) broken ??= error instanceof Error ? error : new Error(String(error));
      else {
        await client.query('ROLLBACK').catch((err: Error) => {
          broken = err;
        });
      }
      // Told as SQLite's group commit tells a failed batch: only when the store failed, not the work.
      if (!health.healthy) observer?.failed();
      return { ok: false, error, lostRace: raced };
    } finally {
      // A client whose connection failed is destroyed, not handed to the next unit.
      client.off('error', onError);
      client.release(broken);
    }
  };
}
