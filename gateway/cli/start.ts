import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { openGateway } from '../context.js';
import { createLogger } from '../logger.js';

/** The most worker processes `vouch start --workers` runs on one machine. */
export const MAX_WORKERS = 64;

/**
 * `vouch start [--workers N]`: the server in this process, or N workers under this one. Resolves with the
 * exit code when the workers have ended (one server in this process exits by itself). A usage mistake
 * is a RangeError.
 */
export async function start(config: Config, rawWorkers: string | undefined, say: (line: string) => void): Promise<number> {
  const workers = workerCount(rawWorkers);
  if (workers > 1) return startWorkers(config, workers, say);
  await import('../server.js');
  return new Promise<number>(() => undefined);
}

/** Reads `--workers`: a whole number from 1 to MAX_WORKERS (1 when absent). */
export function workerCount(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1 || n > MAX_WORKERS) throw new RangeError(`--workers must be a whole number from 1 to ${MAX_WORKERS}`);
  return n;
}

/**
 * Several gateway processes on one machine (issue 17): the primary forks `workers` copies of the server,
 * which share the HTTP and gRPC ports (node:cluster hands connections round-robin) and one PostgreSQL
 * database — any of them answers anything; the access log's sequencer is elected among them. A worker
 * that dies is replaced; SIGTERM or SIGINT is passed on to every worker (each drains its requests) and
 * the primary exits when they have, 0 if every worker did. SQLite has one writer per data directory, so
 * more than one worker needs `VOUCH_DATABASE_URL`.
 */
export async function startWorkers(config: Config, workers: number, say: (line: string) => void): Promise<number> {
  if (workers > 1 && config.storage !== 'postgres') {
    throw new RangeError('--workers above 1 needs VOUCH_DATABASE_URL (PostgreSQL): SQLite takes one gateway process per data directory');
  }
  // Once, before any worker: the schema migrated and, on a new database, the keys made — N workers
  // starting together on an empty keys folder would otherwise each make keys of their own.
  const prepared = await openGateway(config, createLogger('warn'), { writesLog: false });
  await prepared.close();
  cluster.setupPrimary({ exec: fileURLToPath(new URL('../server.js', import.meta.url)) });
  let stopping = false;
  let failed = false;
  // Workers that keep dying at once (the database unreachable at start, keys missing) are not restarted forever.
  const recentDeaths: number[] = [];
  const fork = () => cluster.fork();
  for (let i = 0; i < workers; i++) fork();
  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      if (!stopping) {
        const now = Date.now();
        recentDeaths.push(now);
        while (recentDeaths[0]! < now - 60_000) recentDeaths.shift();
        // A worker that cannot start at all (bad configuration: exit 2), or deaths faster than a restart
        // can help, stop the whole set: starting more would only loop.
        if (code === 2 || recentDeaths.length > 3 * workers) {
          say(`vouch start: worker ${worker.process.pid} ended (${signal ?? `exit ${code}`}); workers keep failing, stopping`);
          stopping = true;
          failed = true;
          for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
        } else {
          say(`vouch start: worker ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting another`);
          fork();
          return;
        }
      }
      if (code !== 0) failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(failed ? 1 : 0);
    });
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGTERM'));
  });
}
