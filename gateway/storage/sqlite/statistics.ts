import {
  STAT_KEY_COLUMNS, statWhere, type StatBudgetRow, type StatCount, type StatKeyColumn, type StatReleaseRow, type StatVisitFilter, type StatVisitKeyRow, type StatVisitRow,
  type StatisticsRepository,
} from '../statistics.js';
import type { Statements } from './statements.js';

export class SqliteStatisticsRepository implements StatisticsRepository {
  constructor(private readonly st: Statements) {}

  putVisit(r: StatVisitRow): void {
    this.st.get(
      `INSERT INTO stat_visits (visit_key, person, age_band, gender, visit_type, region, year, kek_id, wrapped_dek, sealed_amounts, updated_at)
       VALUES (@visit_key, @person, @age_band, @gender, @visit_type, @region, @year, @kek_id, @wrapped_dek, @sealed_amounts, @updated_at)
       ON CONFLICT (visit_key) DO UPDATE SET person = excluded.person, age_band = excluded.age_band, gender = excluded.gender,
         visit_type = excluded.visit_type, region = excluded.region, year = excluded.year, kek_id = excluded.kek_id,
         wrapped_dek = excluded.wrapped_dek, sealed_amounts = excluded.sealed_amounts, updated_at = excluded.updated_at`,
    ).run(r);
  }
  visits(filter: StatVisitFilter): StatVisitRow[] {
    const { where, args } = statWhere(filter, () => '?');
    return this.st.once(`SELECT * FROM stat_visits ${where} ORDER BY person, visit_key`).all(...args) as StatVisitRow[];
  }
  counts(filter: StatVisitFilter, groupBy: readonly StatKeyColumn[], perPerson: number): StatCount[] {
    const { where, args } = statWhere(filter, () => '?');
    const cols = groupBy.filter((c) => (STAT_KEY_COLUMNS as readonly string[]).includes(c));
    const keys = cols.join(', ');
    return this.st.once(
      `SELECT ${keys ? `${keys}, ` : ''}COUNT(*) AS n FROM (
         SELECT ${keys ? `${keys}, ` : ''}ROW_NUMBER() OVER (PARTITION BY person ORDER BY visit_key) AS rn FROM stat_visits ${where}
       ) WHERE rn <= ? ${keys ? `GROUP BY ${keys}` : ''}`,
    ).all(...args, perPerson) as StatCount[];
  }
  budget(party: string): StatBudgetRow | undefined {
    return this.st.get('SELECT * FROM stat_budgets WHERE party = ?').get(party) as StatBudgetRow | undefined;
  }
  putBudget(b: StatBudgetRow): void {
    this.st.get(
      `INSERT INTO stat_budgets (party, rho_total_micro, rho_spent_micro, period_end, set_by, updated_at)
       VALUES (@party, @rho_total_micro, @rho_spent_micro, @period_end, @set_by, @updated_at)
       ON CONFLICT (party) DO UPDATE SET rho_total_micro = excluded.rho_total_micro, rho_spent_micro = excluded.rho_spent_micro,
         period_end = excluded.period_end, set_by = excluded.set_by, updated_at = excluded.updated_at`,
    ).run(b);
  }
  chargeBudget(party: string, periodEnd: string, rhoMicro: number, at: number): boolean {
    return this.st.get(
      `UPDATE stat_budgets SET rho_spent_micro = rho_spent_micro + @rho, updated_at = @at
       WHERE party = @party AND period_end = @period_end AND rho_spent_micro + @rho <= rho_total_micro`,
    ).run({ party, period_end: periodEnd, rho: rhoMicro, at }).changes === 1;
  }
  insertRelease(r: StatReleaseRow): void {
    this.st.get(
      `INSERT INTO stat_releases (release_id, party, period_end, rho_micro, question, created_at)
       VALUES (@release_id, @party, @period_end, @rho_micro, @question, @created_at)`,
    ).run(r);
  }
  releases(from: number, to: number, party: string | undefined, limit: number): StatReleaseRow[] {
    return (party === undefined
      ? this.st.get('SELECT * FROM stat_releases WHERE created_at >= ? AND created_at < ? ORDER BY created_at, release_id LIMIT ?').all(from, to, limit)
      : this.st.get('SELECT * FROM stat_releases WHERE party = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, release_id LIMIT ?').all(party, from, to, limit)) as StatReleaseRow[];
  }
  spentAllPeriods(party: string): number {
    return this.st.get('SELECT COALESCE(SUM(rho_micro), 0) FROM stat_releases WHERE party = ?').pluck().get(party) as number;
  }
  visitsForRewrap(notKek: string, limit: number): StatVisitKeyRow[] {
    return this.st.get('SELECT visit_key, kek_id, wrapped_dek FROM stat_visits WHERE kek_id <> ? LIMIT ?').all(notKek, limit) as StatVisitKeyRow[];
  }
  updateVisitKey(visitKey: string, kekId: string, wrapped: Buffer): void {
    this.st.get('UPDATE stat_visits SET kek_id = ?, wrapped_dek = ? WHERE visit_key = ?').run(kekId, wrapped, visitKey);
  }
}
