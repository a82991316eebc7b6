/** The statistics lab's storage (docs/statistics.md): visit rows, privacy budgets and releases. */

/** One visit in the statistics lab: pseudonyms, coarse keys in clear, sealed amounts. */
export interface StatVisitRow {
  visit_key: string;
  person: string;
  age_band: string;
  gender: string;
  visit_type: string;
  region: string;
  year: string;
  kek_id: string;
  wrapped_dek: Buffer;
  sealed_amounts: Buffer;
  updated_at: number;
}

/** The lab's clear key columns. */
export const STAT_KEY_COLUMNS = ['age_band', 'gender', 'visit_type', 'region', 'year'] as const;
export type StatKeyColumn = (typeof STAT_KEY_COLUMNS)[number];

/** Filters on the lab's clear keys: a row passes when each named column's value is listed. */
export type StatVisitFilter = Partial<Record<StatKeyColumn, readonly string[]>>;

/** A visit count for one combination of key values. */
export type StatCount = Partial<Record<StatKeyColumn, string>> & { n: number };

/** A party's privacy budget for a period, in integer micro-ρ. */
export interface StatBudgetRow {
  party: string;
  rho_total_micro: number;
  rho_spent_micro: number;
  /** Last day of the period (yyyy-MM-dd, inclusive, Asia/Shanghai). */
  period_end: string;
  set_by: string;
  updated_at: number;
}

export interface StatReleaseRow {
  release_id: string;
  party: string;
  period_end: string;
  rho_micro: number;
  /** The question as canonical JSON (keys and filters only: nothing personal). */
  question: string;
  created_at: number;
}

export type StatVisitKeyRow = Pick<StatVisitRow, 'visit_key' | 'kek_id' | 'wrapped_dek'>;

export interface StatisticsRepository {
  /** Writes a visit's lab row (a newer version of the record replaces it). */
  putVisit(r: StatVisitRow): void;
  /** Lab rows passing the filter, grouped by person (ordered by person, then visit). */
  visits(filter: StatVisitFilter): StatVisitRow[];
  /**
   * Visit counts per combination of `groupBy` columns over the rows passing the filter, each person's
   * first `perPerson` passing visits only (in visit-key order) — the per-person bound, done by the store.
   */
  counts(filter: StatVisitFilter, groupBy: readonly StatKeyColumn[], perPerson: number): StatCount[];
  budget(party: string): StatBudgetRow | undefined;
  putBudget(b: StatBudgetRow): void;
  /** Adds `rhoMicro` to the spent budget if it fits and the period is `periodEnd`; false (nothing charged) otherwise. */
  chargeBudget(party: string, periodEnd: string, rhoMicro: number, at: number): boolean;
  insertRelease(r: StatReleaseRow): void;
  /** Releases in [from, to) (ms), of one party or all, oldest first. */
  releases(from: number, to: number, party: string | undefined, limit: number): StatReleaseRow[];
  /** Every micro-ρ the party was ever charged, over all periods. */
  spentAllPeriods(party: string): number;
  visitsForRewrap(notKek: string, limit: number): StatVisitKeyRow[];
  updateVisitKey(visitKey: string, kekId: string, wrapped: Buffer): void;
}

/**
 * WHERE over the lab's key columns, for either store: column names only from the closed list, values bound
 * as parameters written by `placeholder` (1-based position: `?` for SQLite, `$n` for PostgreSQL).
 */
export function statWhere(filter: StatVisitFilter, placeholder: (position: number) => string): { where: string; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  for (const col of STAT_KEY_COLUMNS) {
    const vals = filter[col];
    if (!vals) continue;
    parts.push(`${col} IN (${vals.map((_, i) => placeholder(args.length + i + 1)).join(', ')})`);
    args.push(...vals);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}
