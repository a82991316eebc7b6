import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import pg from 'pg';

/** The server the PostgreSQL tests use: the local superuser unless VOUCH_TEST_DATABASE_URL names another. */
export const TEST_SERVER_URL = process.env.VOUCH_TEST_DATABASE_URL ?? 'postgres://postgres@localhost:5432/postgres';

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Runs a statement on the server's maintenance database (ALTER DATABASE …). */
  admin(sql: string): Promise<void>;
}

/** A new empty database for one test, dropped (with any connections left to it) when the test ends. */
export async function scratchDatabase(t: { teardown(fn: () => unknown): void }): Promise<ScratchDatabase> {
  const name = `vouch_t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: TEST_SERVER_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  t.teardown(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), admin };
}

/**
 * Which store the suite runs on: `VOUCH_TEST_STORE=postgres` runs every gateway the tests start on a
 * PostgreSQL database of its own (CI runs the suite on both). SQLite otherwise.
 */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.VOUCH_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

const databasesOfDirs = new Map<string, string>();

/** Runs one statement on the test server's maintenance database, synchronously (psql), for set-up and exit. */
function adminSync(sql: string): void {
  execFileSync('psql', [TEST_SERVER_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

process.once('exit', () => {
  for (const name of databasesOfDirs.values()) {
    try {
      adminSync(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch {
      // the server went away first: nothing left to drop
    }
  }
});

/**
 * The store variables for a gateway on `dataDir`: none on SQLite; on PostgreSQL the URL of a database
 * made for that data directory (the same one every time it is asked: a restart finds its data), dropped
 * when the test process exits.
 */
export function storeEnvFor(dataDir: string): Record<string, string> {
  if (TEST_STORE !== 'postgres') return {};
  let name = databasesOfDirs.get(dataDir);
  if (!name) {
    name = `vouch_h_${crypto.createHash('sha256').update(`${process.pid}:${dataDir}`).digest('hex').slice(0, 16)}`;
    adminSync(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    adminSync(`CREATE DATABASE ${name}`);
    databasesOfDirs.set(dataDir, name);
  }
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return { VOUCH_DATABASE_URL: url.toString() };
}

/** Skips a test that is about the embedded store itself (its files, its lock, its disk) when the suite runs on PostgreSQL. */
export const sqliteOnly = TEST_STORE === 'postgres' ? { skip: 'about the embedded SQLite store (VOUCH_TEST_STORE=postgres)' } : {};

/** A plain-SQL dump of the database the suite made for `dataDir` (what an operator's backup would hold). */
export function dumpOf(dataDir: string): Buffer {
  return execFileSync('pg_dump', ['--data-only', '--no-owner', databaseUrlOf(dataDir)], { maxBuffer: 512 * 1024 * 1024 });
}

/** The database URL the suite made for `dataDir` (PostgreSQL runs only). */
export function databaseUrlOf(dataDir: string): string {
  const url = storeEnvFor(dataDir).VOUCH_DATABASE_URL;
  if (!url) throw new Error('no PostgreSQL database for this data directory');
  return url;
}
