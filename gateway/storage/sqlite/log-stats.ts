import type Database from 'better-sqlite3';
import type { Db } from './database.js';

/** One group of access-log leaves: how many leaves of one kind one actor left with one outcome and reason. */
export interface LeafCount {
  action: string;
  actor: string;
  actor_role: string;
  outcome: string;
  reason: string | null;
  n: number;
}

/**
 * Counting queries over the access log (`audit.db`) for the bureau's supervision summary. They read the
 * indexed columns the log writer stores beside each leaf (the same values as the leaf's JSON, which
 * `vouch audit verify` checks), so counts are exact without parsing leaves.
 */
export class LogStats {
  private readonly counts: Database.Statement;

  constructor(db: Db) {
    // leaves_time (time, leaf_index) bounds the scan to the range; the action filter keeps the groups
    // to the kinds asked for.
    this.counts = db.prepare(
      `SELECT action, actor, actor_role, outcome, reason, COUNT(*) AS n
         FROM leaves INDEXED BY leaves_time
        WHERE time >= ? AND time < ? AND action IN (SELECT value FROM json_each(?))
        GROUP BY action, actor, actor_role, outcome, reason
        ORDER BY action, actor, outcome, reason`,
    );
  }

  /** Leaves of the given kinds with `from <= time < to` (epoch ms), grouped by kind, actor, outcome and reason. */
  countsBetween(from: number, to: number, kinds: readonly string[]): LeafCount[] {
    return this.counts.all(from, to, JSON.stringify(kinds)) as LeafCount[];
  }
}
