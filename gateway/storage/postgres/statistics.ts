import type { Async } from '../async.js';
import {
  STAT_KEY_COLUMNS, statWhere, type StatBudgetRow, type StatCount, type StatKeyColumn, type StatReleaseRow, type StatVisitFilter, type StatVisitKeyRow, type StatVisitRow,
  type StatisticsRepository,
} from '../statistics.js';
import type { Sql } from './sql.js';

export class PostgresStatisticsRepository implements Async<StatisticsRepository> {
  constructor(private readonly sql: Sql) {}

  async putVisit(r: StatVisitRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO stat_visits (visit_key, person, age_band, gender, visit_type, region, year, kek_id, wrapped_dek, sealed_amounts, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (visit_key) DO UPDATE SET person = excluded.person, age_band = excluded.age_band, gender = excluded.gender,
         visit_type = excluded.visit_type, region = excluded.region, year = excluded.year, kek_id = excluded.kek_id,
         wrapped_dek = excluded.wrapped_dek, sealed_amounts = excluded.sealed_amounts, updated_at = excluded.updated_at`,
      [r.visit_key, r.person, r.age_band, r.gender, r.visit_type, r.region, r.year, r.kek_id, r.wrapped_dek, r.sealed_amounts, r.updated_at],
    );
  }
  async visits(filter: StatVisitFilter): Promise<StatVisitRow[]> {
    const { where, args } = statWhere(filter, (n) => `$${n}`);
    return (await this.sql.query<StatVisitRow>(`SELECT * FROM stat_visits ${where} ORDER BY person COLLATE "C", visit_key COLLATE "C"`, args)).rows;
  }
  async counts(filter: StatVisitFilter, groupBy: readonly StatKeyColumn[], perPerson: number): Promise<StatCount[]> {
    const { where, args } = statWhere(filter, (n) => `$${n}`);
    const cols = groupBy.filter((c) => (STAT_KEY_COLUMNS as readonly string[]).includes(c));
    const keys = cols.join(', ');
    // ORDER BY the group keys: SQLite's GROUP BY hands groups back sorted (it groups by sorting); PostgreSQL
    // may hash, so the order is asked for.
    const order = cols.map((c) => `${c} COLLATE "C"`).join(', ');
    const r = await this.sql.query<StatCount>(
      `SELECT ${keys ? `${keys}, ` : ''}COUNT(*) AS n FROM (
         SELECT ${keys ? `${keys}, ` : ''}ROW_NUMBER() OVER (PARTITION BY person ORDER BY visit_key COLLATE "C") AS rn FROM stat_visits ${where}
       ) AS v WHERE rn <= $${args.length + 1} ${keys ? `GROUP BY ${keys} ORDER BY ${order}` : ''}`,
      [...args, perPerson],
    );
    return r.rows;
  }
  async budget(party: string): Promise<StatBudgetRow | undefined> {
    return (await this.sql.query<StatBudgetRow>('SELECT * FROM stat_budgets WHERE party = $1', [party])).rows[0];
  }
  async putBudget(b: StatBudgetRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO stat_budgets (party, rho_total_micro, rho_spent_micro, period_end, set_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (party) DO UPDATE SET rho_total_micro = excluded.rho_total_micro, rho_spent_micro = excluded.rho_spent_micro,
         period_end = excluded.period_end, set_by = excluded.set_by, updated_at = excluded.updated_at`,
      [b.party, b.rho_total_micro, b.rho_spent_micro, b.period_end, b.set_by, b.updated_at],
    );
  }
  async chargeBudget(party: string, periodEnd: string, rhoMicro: number, at: number): Promise<boolean> {
    // One statement: the row lock orders concurrent charges, and each re-checks the room after the other's.
    const r = await this.sql.query(
      `UPDATE stat_budgets SET rho_spent_micro = rho_spent_micro + $3, updated_at = $4
       WHERE party = $1 AND period_end = $2 AND rho_spent_micro + $3 <= rho_total_micro`,
      [party, periodEnd, rhoMicro, at],
    );
    return r.rowCount === 1;
  }
  async insertRelease(r: StatReleaseRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO stat_releases (release_id, party, period_end, rho_micro, question, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [r.release_id, r.party, r.period_end, r.rho_micro, r.question, r.created_at],
    );
  }
  async releases(from: number, to: number, party: string | undefined, limit: number): Promise<StatReleaseRow[]> {
    const r = party === undefined
      ? await this.sql.query<StatReleaseRow>(
        'SELECT * FROM stat_releases WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, release_id COLLATE "C" LIMIT $3', [from, to, limit])
      : await this.sql.query<StatReleaseRow>(
        'SELECT * FROM stat_releases WHERE party = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, release_id COLLATE "C" LIMIT $4',
        [party, from, to, limit]);
    return r.rows;
  }
  async spentAllPeriods(party: string): Promise<number> {
    // SUM over BIGINT is NUMERIC in PostgreSQL (read as a string): cast back to BIGINT, read as a number.
    const r = await this.sql.query<{ n: number }>('SELECT COALESCE(SUM(rho_micro), 0)::bigint AS n FROM stat_releases WHERE party = $1', [party]);
    return r.rows[0]!.n;
  }
  async visitsForRewrap(notKek: string, limit: number): Promise<StatVisitKeyRow[]> {
    return (await this.sql.query<StatVisitKeyRow>('SELECT visit_key, kek_id, wrapped_dek FROM stat_visits WHERE kek_id <> $1 LIMIT $2', [notKek, limit])).rows;
  }
  async updateVisitKey(visitKey: string, kekId: string, wrapped: Buffer): Promise<void> {
    await this.sql.query('UPDATE stat_visits SET kek_id = $1, wrapped_dek = $2 WHERE visit_key = $3', [kekId, wrapped, visitKey]);
  }
}
