import type pg from 'pg';
import type { Async } from '../async.js';
import type { EventFilter, EventRow, HeadRow, LeafCount, LogStore, StoredLeaf } from '../log-store.js';

const EVENT_COLUMNS = 'leaf_index, time, actor, actor_role, action, purpose, subject, outcome, reason';
const HEAD_COLUMNS = 'tree_size, timestamp, root_hash, key_id, signature, alg, cosignatures';
const STORED_LEAF_COLUMNS = 'leaf_index, event_id, leaf, leaf_hash, time, actor, action, subject, outcome';

/** A stored subtree hash's place: level 0 is a leaf, level l ≥ 1 covers 2^l leaves from idx·2^l. */
export interface NodeRef {
  level: number;
  idx: number;
}

/** The key of a {@link NodeRef} in the maps {@link PostgresLogStore.nodesAt} returns. */
export const nodeKey = (level: number, idx: number): string => `${level}/${idx}`;

/**
 * The access log's tables on PostgreSQL (leaves, nodes, tree_heads in the one database; schema.ts), read
 * through the pool by any process. The pool must come from openPostgres (BIGINT columns read as numbers).
 *
 * Writing is not this store's: on PostgreSQL the one writer of the log is the sequencer
 * (log-sequencer.ts), which moves outbox rows into leaves and nodes and signs heads under its advisory
 * lock, each batch in one transaction. A second writer here would race it for leaf indexes, so the write
 * methods of {@link LogStore} throw. There is no subject-index table either: `leaves_subject` is a partial
 * index PostgreSQL maintains with each insert, so every committed leaf is searchable at once.
 */
export class PostgresLogStore implements Async<LogStore> {
  constructor(private readonly pool: pg.Pool) {}

  async size(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM leaves');
    return rows[0]!.n;
  }

  async nodeAt(level: number, idx: number): Promise<Buffer | undefined> {
    return (await this.nodesAt([{ level, idx }])).get(nodeKey(level, idx));
  }

  /** Several stored subtree hashes in two statements (a proof's O(log n) nodes in one round trip each). */
  async nodesAt(refs: readonly NodeRef[]): Promise<Map<string, Buffer>> {
    const leafIdx = refs.filter((r) => r.level === 0).map((r) => r.idx);
    const inner = refs.filter((r) => r.level > 0);
    const [leaves, nodes] = await Promise.all([
      leafIdx.length === 0 ? { rows: [] } : this.pool.query<{ idx: number; hash: Buffer }>('SELECT leaf_index AS idx, leaf_hash AS hash FROM leaves WHERE leaf_index = ANY($1::bigint[])', [leafIdx]),
      inner.length === 0
        ? { rows: [] }
        : this.pool.query<{ level: number; idx: number; hash: Buffer }>(
          'SELECT n.level, n.idx, n.hash FROM nodes n JOIN unnest($1::int[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx',
          [inner.map((r) => r.level), inner.map((r) => r.idx)],
        ),
    ]);
    const out = new Map<string, Buffer>();
    for (const r of leaves.rows) out.set(nodeKey(0, r.idx), r.hash);
    for (const r of nodes.rows) out.set(nodeKey(r.level, r.idx), r.hash);
    return out;
  }

  async eventIndex(eventId: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ leaf_index: number }>('SELECT leaf_index FROM leaves WHERE event_id = $1', [eventId]);
    return rows[0]?.leaf_index;
  }

  async lastHead(): Promise<HeadRow | undefined> {
    const { rows } = await this.pool.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM tree_heads ORDER BY tree_size DESC LIMIT 1`);
    return rows[0];
  }

  async heads(): Promise<HeadRow[]> {
    return (await this.pool.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM tree_heads ORDER BY tree_size`)).rows;
  }

  /** Every stored leaf: the subject search is the partial index `leaves_subject`, kept by each insert. */
  indexedUpto(): Promise<number> {
    return this.size();
  }

  async leaves(start: number, end: number): Promise<{ leaf_index: number; leaf: Buffer }[]> {
    const { rows } = await this.pool.query<{ leaf_index: number; leaf: Buffer }>(
      'SELECT leaf_index, leaf FROM leaves WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index',
      [start, end],
    );
    return rows;
  }

  /**
   * The SQLite store's search (same filters, order by leaf index, cursor, limit) in one statement: by
   * subject through the partial index `leaves_subject (subject, leaf_index)`, otherwise through the index
   * of whichever column the planner finds most selective.
   */
  async search(f: EventFilter, committed: number): Promise<EventRow[]> {
    const args: (string | number)[] = [committed];
    const where = ['leaf_index < $1'];
    const add = (column: string, op: string, v: string | number | undefined) => {
      if (v === undefined) return;
      args.push(v);
      where.push(`${column} ${op} $${args.length}`);
    };
    add('leaf_index', '>', f.after);
    add('time', '>=', f.from);
    add('time', '<', f.to);
    add('actor', '=', f.actor);
    add('action', '=', f.action);
    add('outcome', '=', f.outcome);
    add('subject', '=', f.subject);
    args.push(f.limit);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM leaves WHERE ${where.join(' AND ')} ORDER BY leaf_index LIMIT $${args.length}`,
      args,
    );
    return rows;
  }

  /**
   * The SQLite store's counts, in its order: text compared byte-wise (COLLATE "C", as SQLite's BINARY,
   * whatever the database's locale) and a missing reason first (SQLite sorts NULL lowest).
   */
  async countsBetween(from: number, to: number, kinds: readonly string[]): Promise<LeafCount[]> {
    const { rows } = await this.pool.query<LeafCount>(
      `SELECT action, actor, actor_role, outcome, reason, COUNT(*) AS n
         FROM leaves
        WHERE time >= $1 AND time < $2 AND action = ANY($3::text[])
        GROUP BY action, actor, actor_role, outcome, reason
        ORDER BY action COLLATE "C", actor COLLATE "C", outcome COLLATE "C", reason COLLATE "C" NULLS FIRST`,
      [from, to, [...kinds]],
    );
    return rows;
  }

  /**
   * Every stored leaf, read whole into memory (what {@link LogStore.storedLeaves} promises, as an array).
   * A large log is better replayed page by page through {@link pagedLeaves}.
   */
  async storedLeaves(): Promise<StoredLeaf[]> {
    return collect(this.pagedLeaves());
  }

  /** Every stored subtree hash, by level then index, read whole; {@link pagedNodes} pages. */
  async storedNodes(): Promise<{ level: number; idx: number; hash: Buffer }[]> {
    return collect(this.pagedNodes());
  }

  /** Every stored leaf in index order, `page` rows per statement (keyset paging: no cursor held open). */
  async *pagedLeaves(page = 2000): AsyncGenerator<StoredLeaf> {
    for (let after = -1; ;) {
      const { rows } = await this.pool.query<StoredLeaf>(
        `SELECT ${STORED_LEAF_COLUMNS} FROM leaves WHERE leaf_index > $1 ORDER BY leaf_index LIMIT $2`,
        [after, page],
      );
      yield* rows;
      if (rows.length < page) return;
      after = rows[rows.length - 1]!.leaf_index;
    }
  }

  /** Every stored subtree hash by level then index, `page` rows per statement. */
  async *pagedNodes(page = 5000): AsyncGenerator<{ level: number; idx: number; hash: Buffer }> {
    for (let level = 0, idx = -1; ;) {
      const { rows } = await this.pool.query<{ level: number; idx: number; hash: Buffer }>(
        'SELECT level, idx, hash FROM nodes WHERE (level, idx) > ($1, $2) ORDER BY level, idx LIMIT $3',
        [level, idx, page],
      );
      yield* rows;
      if (rows.length < page) return;
      ({ level, idx } = rows[rows.length - 1]!);
    }
  }

  transaction(): Promise<never> {
    return sequencerOnly('transaction');
  }

  insertLeaf(): Promise<never> {
    return sequencerOnly('insertLeaf');
  }

  insertNode(): Promise<never> {
    return sequencerOnly('insertNode');
  }

  insertHead(): Promise<never> {
    return sequencerOnly('insertHead');
  }

  indexSubjects(): Promise<never> {
    return sequencerOnly('indexSubjects');
  }

  /** The pool is the caller's (shared with the state repositories and the sequencer): nothing to close here. */
  async close(): Promise<void> {}
}

/** Refuses a write: on PostgreSQL only the sequencer appends (see {@link PostgresLogStore}). */
function sequencerOnly(method: string): Promise<never> {
  return Promise.reject(new Error(`PostgresLogStore.${method}: on PostgreSQL the log is written by its sequencer only (log-sequencer.ts); hand events to the outbox instead`));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}
