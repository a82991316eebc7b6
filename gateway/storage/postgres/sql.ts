import type pg from 'pg';

/**
 * Where repositories send their statements: the pool (reads, each statement on its own) or the one
 * client of a write transaction. Both are node-postgres queryables; the storage wraps them to watch health.
 */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * Placeholders for a multi-row INSERT: `rows` groups of `width` parameters from `$first` on,
 * "($1, $2), ($3, $4)" — one round trip for a settlement's deltas or lines instead of one each.
 */
export function rowPlaceholders(rows: number, width: number, first = 1): string {
  const groups: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cols: string[] = [];
    for (let c = 0; c < width; c++) cols.push(`$${first + r * width + c}`);
    groups.push(`(${cols.join(', ')})`);
  }
  return groups.join(', ');
}
