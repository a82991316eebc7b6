/** The access log alone: durable appends per second, and inclusion-proof latency at 10^6 and 10^7 leaves. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessLog } from '../gateway/services/access-log/access-log.js';
import { WorkerLogWriter } from '../gateway/services/access-log/writer.js';
import { makeEvent } from '../gateway/domain/audit-events.js';
import { leafHash, nodeHash, verifyInclusion } from '../gateway/domain/merkle.js';
import { openBenchTreeWriter } from '../gateway/storage/sqlite/bench-seed.js';
import { openLogStore } from '../gateway/storage/storage.js';
import { KeyStore } from '../keys/keystore.js';
import { pick, quick, results, round, table } from './harness.js';
import { HHB } from './population.js';

/** Throughput of the access log alone: events appended durably per second (group commit). */
export async function logAppendThroughput(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vouch-bench-log-'));
  const keys = KeyStore.open(dir);
  const db = openLogStore({ storage: 'sqlite', dataDir: dir });
  // The writer the server uses: its own thread and connection.
  const audit = new AccessLog(db, keys, { maxDelayMs: 0, headIntervalMs: 0, writer: new WorkerLogWriter({ storage: 'sqlite', dataDir: dir }) });
  const n = quick ? 20_000 : 200_000;
  const subject = 'b'.repeat(64);
  const t0 = Date.now();
  for (let s = 0; s < n; s += 1000) {
    await Promise.all(Array.from({ length: 1000 }, (_, k) => audit.append(makeEvent({ kind: 'query.quote', time: t0 + s + k, actor: HHB, actor_role: 'insurer', outcome: 'allowed', subject, purpose: 'settlement' }))));
  }
  results.log_append_per_s = Math.round(n / ((Date.now() - t0) / 1000));
  table.push(['access-log append (durable, group commit)', `${results.log_append_per_s} leaves/s`, `${n} leaves`]);
  await audit.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A log for inclusion-proof latency at large sizes. The tree is bulk-built (leaf hashes and completed
 * subtrees, written exactly as the log stores them, without the search indexes: gateway/storage/bench-seed.ts)
 * — building 10^7 real events through the append path would take the whole budget; proofs read only leaf
 * hashes and subtrees.
 */
export interface ProofTree {
  dir: string;
  size: number;
  buildS: number;
}

export function buildProofTree(size: number): ProofTree {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vouch-bench-proof-'));
  const writer = openBenchTreeWriter(path.join(dir, 'audit.db'));
  // The roots of the complete subtrees still waiting for a right sibling, by level (RFC 6962 §2.1).
  const frontier = new Map<number, Buffer>();
  const t0 = Date.now();
  const chunk = 200_000;
  for (let start = 0; start < size; start += chunk) {
    writer.transaction(() => {
      for (let i = start; i < Math.min(size, start + chunk); i++) {
        const bytes = Buffer.alloc(8);
        bytes.writeBigUInt64BE(BigInt(i));
        let h = leafHash(bytes);
        writer.leaf(i, i.toString(36).padStart(8, '0'), bytes, h); // ids in index order, as the gateway's grow with time
        let idx = i;
        let level = 0;
        while (idx % 2 === 1) {
          h = nodeHash(frontier.get(level)!, h);
          frontier.delete(level);
          level++;
          idx = Math.floor(idx / 2);
          writer.node(level, idx, h);
        }
        frontier.set(level, h);
      }
    });
  }
  writer.close();
  return { dir, size, buildS: (Date.now() - t0) / 1000 };
}

/** Mean time to produce an inclusion proof of a random leaf (each one verified against the signed head). */
export async function proofLatency({ dir, size, buildS }: ProofTree): Promise<number> {
  const keys = KeyStore.open(dir);
  const db = openLogStore({ storage: 'sqlite', dataDir: dir });
  const audit = new AccessLog(db, keys, { maxDelayMs: 0, headIntervalMs: 0 });
  const head = await audit.treeHead();
  const root = Buffer.from(head.root_hash, 'hex');
  const samples = 2000;
  let bad = 0;
  const t1 = process.hrtime.bigint();
  for (let k = 0; k < samples; k++) {
    const i = pick(size);
    const p = audit.inclusionProof(i, size);
    if (!verifyInclusion(i, size, Buffer.from(p.leaf_hash, 'hex'), p.audit_path.map((x) => Buffer.from(x, 'hex')), root)) bad++;
  }
  const ms = Number(process.hrtime.bigint() - t1) / 1e6 / samples;
  if (bad) throw new Error(`${bad} proofs failed to verify at size ${size}`);
  table.push([`inclusion proof at ${size.toExponential(0)} leaves`, `${ms.toFixed(3)} ms`, `tree built in ${buildS.toFixed(0)} s`]);
  await audit.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return round(ms);
}
