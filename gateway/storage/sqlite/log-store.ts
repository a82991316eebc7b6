import type Database from 'better-sqlite3';
import type { AuditEvent } from '../../domain/audit-events.js';
import type { EventFilter, EventRow, HeadRow, LeafCount, LogStore, StoredLeaf } from '../log-store.js';
import type { Db } from './database.js';

const EVENT_COLUMNS = ['leaf_index', 'time', 'actor', 'actor_role', 'action', 'purpose', 'subject', 'outcome', 'reason'];

/** The access log in its own SQLite file (`audit.db`, schema in audit-schema.ts). */
export class SqliteLogStore implements LogStore {
  private readonly cache = new Map<string, Database.Statement>();

  /** `owned`: the store opened the connection and closes it with {@link close}. */
  constructor(
    private readonly db: Db,
    private readonly owned = false,
  ) {}

  private st(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  size(): number {
    return this.st('SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM leaves').pluck().get() as number;
  }

  nodeAt(level: number, idx: number): Buffer | undefined {
    return (level === 0
      ? this.st('SELECT leaf_hash FROM leaves WHERE leaf_index = ?').pluck().get(idx)
      : this.st('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck().get(level, idx)) as Buffer | undefined;
  }

  eventIndex(eventId: string): number | undefined {
    return this.st('SELECT leaf_index FROM leaves WHERE event_id = ?').pluck().get(eventId) as number | undefined;
  }

  lastHead(): HeadRow | undefined {
    return this.st('SELECT * FROM tree_heads ORDER BY tree_size DESC LIMIT 1').get() as HeadRow | undefined;
  }

  heads(): HeadRow[] {
    return this.st('SELECT * FROM tree_heads ORDER BY tree_size').all() as HeadRow[];
  }

  indexedUpto(): number {
    return this.st('SELECT indexed_upto FROM search_progress WHERE id = 1').pluck().get() as number;
  }

  leaves(start: number, end: number): { leaf_index: number; leaf: Buffer }[] {
    return this.st('SELECT leaf_index, leaf FROM leaves WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index').all(start, end) as { leaf_index: number; leaf: Buffer }[];
  }

  /**
   * By subject, the leaves already in the subject index are found through it and the few the log writer
   * has not indexed yet are read from the table behind them, so every committed leaf is found.
   */
  search(f: EventFilter, committed: number): EventRow[] {
    const filters = (col: (name: string) => string, args: (string | number)[]): string[] => {
      const where: string[] = [];
      const add = (sql: string, v: string | number | undefined) => {
        if (v === undefined) return;
        where.push(sql);
        args.push(v);
      };
      add(`${col('leaf_index')} > ?`, f.after);
      add(`${col('time')} >= ?`, f.from);
      add(`${col('time')} < ?`, f.to);
      add(`${col('actor')} = ?`, f.actor);
      add(`${col('action')} = ?`, f.action);
      add(`${col('outcome')} = ?`, f.outcome);
      return where;
    };
    const columns = (p: string) => EVENT_COLUMNS.map((c) => `${p}${c}`).join(', ');
    if (f.subject === undefined) {
      const args: (string | number)[] = [committed];
      const where = ['leaf_index < ?', ...filters((c) => c, args)];
      return this.db.prepare(`SELECT ${columns('')} FROM leaves WHERE ${where.join(' AND ')} ORDER BY leaf_index LIMIT ?`).all(...args, f.limit) as EventRow[];
    }
    const indexed = Math.min(committed, this.indexedUpto());
    const a: (string | number)[] = [f.subject, indexed];
    const whereA = ['s.subject = ?', 's.leaf_index < ?', ...filters((c) => (c === 'leaf_index' ? 's.leaf_index' : `l.${c}`), a)];
    const rows = this.db
      .prepare(`SELECT ${columns('l.')} FROM leaf_subjects s JOIN leaves l ON l.leaf_index = s.leaf_index WHERE ${whereA.join(' AND ')} ORDER BY s.leaf_index LIMIT ?`)
      .all(...a, f.limit) as EventRow[];
    if (rows.length < f.limit && indexed < committed) {
      const b: (string | number)[] = [indexed, committed, f.subject];
      const whereB = ['leaf_index >= ?', 'leaf_index < ?', 'subject = ?', ...filters((c) => c, b)];
      rows.push(...(this.db.prepare(`SELECT ${columns('')} FROM leaves WHERE ${whereB.join(' AND ')} ORDER BY leaf_index LIMIT ?`).all(...b, f.limit - rows.length) as EventRow[]));
    }
    return rows;
  }

  /**
   * Counts from the indexed columns the log writer stores beside each leaf (the same values as the leaf's
   * JSON, which `vouch audit verify` checks), so counts are exact without parsing leaves. leaves_time
   * (time, leaf_index) bounds the scan to the range; the action filter keeps the groups to the kinds asked for.
   */
  countsBetween(from: number, to: number, kinds: readonly string[]): LeafCount[] {
    return this.st(
      `SELECT action, actor, actor_role, outcome, reason, COUNT(*) AS n
         FROM leaves INDEXED BY leaves_time
        WHERE time >= ? AND time < ? AND action IN (SELECT value FROM json_each(?))
        GROUP BY action, actor, actor_role, outcome, reason
        ORDER BY action, actor, outcome, reason`,
    ).all(from, to, JSON.stringify(kinds)) as LeafCount[];
  }

  storedLeaves(): Iterable<StoredLeaf> {
    return this.db
      .prepare('SELECT leaf_index, event_id, leaf, leaf_hash, time, actor, action, subject, outcome FROM leaves ORDER BY leaf_index')
      .iterate() as IterableIterator<StoredLeaf>;
  }

  storedNodes(): Iterable<{ level: number; idx: number; hash: Buffer }> {
    return this.db.prepare('SELECT level, idx, hash FROM nodes ORDER BY level, idx').iterate() as IterableIterator<{ level: number; idx: number; hash: Buffer }>;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  insertLeaf(index: number, e: AuditEvent, bytes: Buffer, hash: Buffer): void {
    this.st(
      `INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, purpose, subject, outcome, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(index, e.event_id, bytes, hash, e.time, e.actor, e.actor_role, e.kind, e.purpose ?? null, e.subject ?? null, e.outcome, e.reason ?? null);
  }

  insertNode(level: number, idx: number, hash: Buffer): void {
    this.st('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)').run(level, idx, hash);
  }

  insertHead(h: HeadRow): void {
    this.st('INSERT OR IGNORE INTO tree_heads (tree_size, timestamp, root_hash, key_id, signature, alg, cosignatures) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      h.tree_size, h.timestamp, h.root_hash, h.key_id, h.signature, h.alg, h.cosignatures,
    );
  }

  indexSubjects(from: number, to: number): void {
    this.transaction(() => {
      this.st(
        'INSERT OR IGNORE INTO leaf_subjects (subject, leaf_index) SELECT subject, leaf_index FROM leaves WHERE leaf_index >= ? AND leaf_index < ? AND subject IS NOT NULL',
      ).run(from, to);
      this.st('UPDATE search_progress SET indexed_upto = ? WHERE id = 1').run(to);
    });
  }

  close(): void {
    if (this.owned) this.db.close();
  }
}
