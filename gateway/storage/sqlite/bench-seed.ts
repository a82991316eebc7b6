import Database from 'better-sqlite3';
import { AUDIT_MIGRATIONS } from './audit-schema.js';
import { openDatabase } from './database.js';

/**
 * Bulk writing of an access-log database for the benchmark's proof trees (`npm run bench`, bench/log.ts),
 * never used by the gateway: leaves and completed subtrees go in exactly as the log stores them, but
 * without the search indexes and with synchronous OFF — building 10^7 real events through the append path
 * would take the whole budget, and proofs read only leaf hashes and subtrees. The caller computes the hashes.
 */
export interface BenchTreeWriter {
  /** Runs `fill` as one transaction. */
  transaction(fill: () => void): void;
  leaf(index: number, eventId: string, leaf: Buffer, leafHash: Buffer): void;
  /** The hash of the complete subtree of 2^level leaves starting at idx·2^level. */
  node(level: number, idx: number, hash: Buffer): void;
  close(): void;
}

/** Creates the log's schema in `file`, then opens it for bulk writing. */
export function openBenchTreeWriter(file: string): BenchTreeWriter {
  openDatabase(file, AUDIT_MIGRATIONS).close();
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF'); // bulk build only; the measured log is reopened by openDatabase, with FULL
  for (const idx of ['leaves_time', 'leaves_actor', 'leaves_action']) raw.exec(`DROP INDEX ${idx}`);
  const insLeaf = raw.prepare("INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, outcome) VALUES (?, ?, ?, ?, 0, 'b', 'insurer', 'query.quote', 'allowed')");
  const insNode = raw.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)');
  return {
    transaction: (fill) => raw.transaction(fill)(),
    leaf: (index, eventId, leaf, leafHash) => void insLeaf.run(index, eventId, leaf, leafHash),
    node: (level, idx, hash) => void insNode.run(level, idx, hash),
    close: () => raw.close(),
  };
}
