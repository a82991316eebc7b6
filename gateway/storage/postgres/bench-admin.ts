import { execFileSync } from 'node:child_process';
import pg from 'pg';

/**
 * Scratch databases for the benchmark's PostgreSQL part (`npm run bench`, bench/postgres.ts), never used
 * by the gateway: made on a server the bench is given (BENCH_DATABASE_URL), copied from a seeded one
 * (CREATE DATABASE … TEMPLATE: a file-level copy, so every store measured starts from the same state
 * without seeding twice), and dropped — with any sessions left on them — at the end of the run, even a
 * failed one (the synchronous drop is for process exit, where nothing asynchronous runs any more).
 */
const NAME = /^[a-z][a-z0-9_]{0,62}$/;

function checked(name: string): string {
  if (!NAME.test(name)) throw new RangeError(`not a scratch database name: ${name}`);
  return name;
}

/** The URL of database `name` on the server of `serverUrl` (same host, port and user). */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${checked(name)}`;
  return url.toString();
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'vouch-bench' });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates database `name` (empty, or a copy of `template`, which nobody may be connected to); returns its URL. */
export async function createScratchDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  await onServer(serverUrl, `CREATE DATABASE ${checked(name)}${template ? ` TEMPLATE ${checked(template)}` : ''}`);
  return databaseUrl(serverUrl, name);
}

/** Drops database `name` if it exists, ending the sessions still on it. */
export function dropScratchDatabase(serverUrl: string, name: string): Promise<void> {
  return onServer(serverUrl, `DROP DATABASE IF EXISTS ${checked(name)} WITH (FORCE)`);
}

/** The same, synchronously (psql): for a process that is exiting. */
export function dropScratchDatabaseSync(serverUrl: string, name: string): void {
  execFileSync('psql', [serverUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `DROP DATABASE IF EXISTS ${checked(name)} WITH (FORCE)`], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Gathers the planner's statistics after a bulk load (what autovacuum would do within its next minute). */
export function analyzeDatabase(url: string): Promise<void> {
  return onServer(url, 'ANALYZE');
}

/** Batches the log sequencer committed while watched, and the leaves they added. */
export interface BatchCount {
  batches: number;
  leaves: number;
}

/**
 * Counts the access log's sequencer batches on the database at `url`: every batch the sequencer
 * commits sends one NOTIFY on `vouch_log` (storage/postgres/log-sequencer.ts, appendBatch). `take()`
 * answers the batches and leaves committed since the previous take (the first take sets the start).
 */
export async function watchLogBatches(url: string): Promise<{ take(): Promise<BatchCount>; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url, application_name: 'vouch-bench' });
  client.on('error', () => undefined);
  await client.connect();
  let batches = 0;
  client.on('notification', (n) => {
    if (n.channel === 'vouch_log') batches++;
  });
  await client.query('LISTEN vouch_log');
  const size = async () => (await client.query<{ n: string }>('SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM leaves')).rows[0]!.n;
  let since = Number(await size());
  return {
    async take() {
      const now = Number(await size());
      const out = { batches, leaves: now - since };
      batches = 0;
      since = now;
      return out;
    },
    close: () => client.end(),
  };
}
