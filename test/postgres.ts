import crypto from 'node:crypto';
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
