/**
 * `npm run bench` — how fast, measured against bare baselines in the same run on the same machine.
 * Not part of `npm test`. Prints a readable table and, as the last line, one JSON object.
 *
 * Environment: BENCH_PATIENTS (default 100000), BENCH_SECONDS per scenario (default 8),
 * BENCH_CONNECTIONS (default 64), BENCH_QUICK=1 for a short smoke run (small sizes, 3 s scenarios),
 * BENCH_ONLY=http|log|proofs|scaling|suites|postgres to re-measure one part (log and proofs run together).
 * The postgres part (SQLite beside PostgreSQL with one and N processes) also reads BENCH_PG_PATIENTS and
 * BENCH_DATABASE_URL (the server its scratch databases are made on; default the local postgres superuser).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONNECTIONS, PATIENTS, PROOF_SIZES, SCALE_SIZES, SECONDS, log, quick, results, round, seedInChild, table } from './harness.js';
import { httpScenarios } from './http.js';
import { buildProofTree, logAppendThroughput, proofLatency, type ProofTree } from './log.js';
import { seed } from './population.js';
import { postgresStores } from './postgres.js';
import { scaling } from './scaling.js';
import { suiteCosts } from './suites.js';

async function main(): Promise<void> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vouch-bench-'));
  log(`Vouch benchmark: ${PATIENTS} patients, ${SECONDS} s per scenario, ${CONNECTIONS} connections, ${os.cpus().length} cores, node ${process.version}`);
  const only = process.env.BENCH_ONLY; // http | log | proofs | scaling | suites | postgres: one part, for re-measuring
  const part = (name: string) => !only || only === name;

  // Setting the stage, on both cores: the large scaling population in a child process, the rest here.
  log('setting the stage (not measured):');
  const scaleDirs = SCALE_SIZES.map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `vouch-bench-scale-${n}-`)));
  // Removed on the way out whatever happens (a failed part exits through process.exit, so does Ctrl-C in the postgres part).
  process.once('exit', () => {
    for (const d of [dir, ...scaleDirs]) fs.rmSync(d, { recursive: true, force: true });
  });
  const bigSeed = part('scaling') ? seedInChild(scaleDirs[1]!, SCALE_SIZES[1]!) : Promise.resolve(0);
  bigSeed.catch(() => undefined); // awaited below; a failure is reported there
  if (part('http')) log(`  seeded ${PATIENTS} patients (consents, policies, sealed records) in ${(await seed(dir, PATIENTS)).toFixed(0)} s`);
  const trees: ProofTree[] = [];
  if (part('log') || part('proofs')) {
    for (const size of PROOF_SIZES) {
      trees.push(buildProofTree(size));
      log(`  built a tree of ${size} leaves in ${trees[trees.length - 1]!.buildS.toFixed(0)} s`);
    }
  }
  if (part('scaling')) {
    log(`  seeded ${SCALE_SIZES[0]} patients in ${(await seed(scaleDirs[0]!, SCALE_SIZES[0]!)).toFixed(0)} s`);
    log(`  seeded ${SCALE_SIZES[1]} patients in ${(await bigSeed).toFixed(0)} s (child process)`);
  }

  if (part('http')) await httpScenarios(dir);
  if (part('log') || part('proofs')) {
    log('access log and proofs:');
    await logAppendThroughput();
    results.proof_ms_1e6 = await proofLatency(trees[0]!);
    results.proof_ms_1e7 = await proofLatency(trees[1]!);
  }
  if (part('scaling')) {
    log('records scaling:');
    await scaling(scaleDirs);
  }
  if (part('suites')) {
    log('crypto suites (VOUCH_CRYPTO), in process:');
    for (const r of await suiteCosts(quick)) {
      table.push([`quote, one at a time (${r.suite})`, `${r.quote_ms.toFixed(2)} ms`, `32 in flight: ${Math.round(r.quote_per_s)} answers/s; receipt signature ${Math.round(r.sign_us)} µs`]);
      table.push([`record push (${r.suite})`, `${r.push_ms.toFixed(2)} ms`, `in the SM4/SM2 envelope: ${r.envelope_push_ms.toFixed(2)} ms`]);
      Object.assign(results, {
        [`suite_${r.suite}_quote_ms`]: round(r.quote_ms), [`suite_${r.suite}_quote_per_s`]: Math.round(r.quote_per_s),
        [`suite_${r.suite}_push_ms`]: round(r.push_ms), [`suite_${r.suite}_envelope_push_ms`]: round(r.envelope_push_ms), [`suite_${r.suite}_sign_us`]: Math.round(r.sign_us),
      });
    }
  }
  if (part('postgres')) {
    log('stores: SQLite and PostgreSQL, one process and several:');
    await postgresStores();
  }
  results.total_s = Math.round((Date.now() - started) / 1000);

  const w = Math.max(...table.map((r) => r[0].length));
  process.stdout.write('\n');
  for (const [a, b, c] of table) process.stdout.write(`${a.padEnd(w)}  ${b.padStart(16)}  ${c}\n`);
  if (results.quote_vs_hello !== undefined) {
    process.stdout.write(`\nquote/hello ${results.quote_vs_hello}   settle/hello ${results.settle_vs_hello}   grpc quote/echo ${results.grpc_quote_vs_echo}   peak RSS ${results.rss_mb} MB\n`);
  }
  if (results.pg1_vs_sqlite1_quote !== undefined) {
    process.stdout.write(`PG-1/SQLite-1 quote ${results.pg1_vs_sqlite1_quote} settle ${results.pg1_vs_sqlite1_settle}   PG-${results.pg_workers}/PG-1 quote ${results.pgn_vs_pg1_quote} settle ${results.pgn_vs_pg1_settle}\n`);
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

if (process.env.BENCH_SEED_DIR) {
  // A child started by seedInChild: seed, print the seconds taken, exit.
  seed(process.env.BENCH_SEED_DIR, Number(process.env.BENCH_SEED_N)).then(
    (seconds) => process.stdout.write(`${seconds}\n`),
    (err: unknown) => {
      process.stderr.write(`seeding failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
