import type Database from 'better-sqlite3';
import type { Db } from './database.js';
import type { ReadSnapshot } from './read-snapshot.js';

/**
 * Prepared statements on one connection, each prepared once. On the reader connection every statement
 * first enters the turn's read snapshot, so all reads of a turn see one committed state.
 */
export class Statements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Db,
    readonly snapshot?: ReadSnapshot,
  ) {}

  /** A cached statement. */
  get(sql: string): Database.Statement {
    this.snapshot?.enter();
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** An uncached statement (the lab's questions vary in shape; caching each would grow without bound). */
  once(sql: string): Database.Statement {
    this.snapshot?.enter();
    return this.db.prepare(sql);
  }
}
