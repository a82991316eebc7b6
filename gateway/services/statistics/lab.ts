import { setImmediate as yieldTurn } from 'node:timers/promises';
import { VouchError } from '../../errors.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import { makeEvent, type AuditEvent } from '../../domain/audit-events.js';
import { isRealDate, shanghaiDay } from '../../domain/dates.js';
import type { RecordFacts } from '../../domain/facts.js';
import { sampleDiscreteGaussian, stddevOf, type RandomSource, type Rational } from '../../domain/statistics/discrete-gaussian.js';
import { statAmounts, statKeys } from '../../domain/statistics/facts.js';
import {
  aggregate, aggregateGroupedCounts, cellCount, cells, keyOfCell, needsAmounts, parseQuery, parseRho, QueryRefusal, rhoOf, sensitivitySquared, sigmaSquared,
  type QueryContext, type StatsQuery, type VisitAmounts, type VisitFacts,
} from '../../domain/statistics/query.js';
import type { PayerRegistry } from '../../../adapters/payers/registry.js';
import { STAT_KEY_COLUMNS, type StatBudgetRow, type StatKeyColumn, type StatVisitFilter, type StatVisitRow } from '../../storage/statistics.js';
import type { Storage } from '../../storage/storage.js';
import { instant } from '../access-log/queries.js';
import type { Principal } from '../identity/auth.js';
import type { Journal } from '../access-log/journal.js';
import { timeOrderedId } from '../random.js';
import type { Vault } from '../vault.js';
import { csprng } from './randomness.js';

/** The budget as CONTRACT.md shapes it, with exact micro-ρ figures beside the ρ numbers. */
export interface BudgetView {
  party: string;
  rho_total: number;
  rho_spent: number;
  rho_left: number;
  period_end: string | null;
  rho_total_micro: number;
  rho_spent_micro: number;
  rho_left_micro: number;
  /** Every ρ this party was charged over all periods (zCDP composes across periods too). */
  rho_spent_all_periods: number;
}

export interface ReleaseCell {
  key: Record<string, string>;
  value: number;
  stddev: number;
}

export interface ReleaseAnswer {
  release_id: string;
  cells: ReleaseCell[];
  rho_spent: number;
  rho_left: number;
  leaf_index: number;
  metric: StatsQuery['metric'];
  value?: StatsQuery['value'];
  clamp_fen?: number;
  contributions: number;
  /** L2 sensitivity of the release (fen for sums, visits for counts). */
  sensitivity: number;
  stddev: number;
  period_end: string;
}

export interface PreviewAnswer {
  cells: number;
  stddev: number;
  sensitivity: number;
  rho: number;
  rho_left: number;
  /** false when the budget would refuse the release now. */
  affordable: boolean;
  metric: StatsQuery['metric'];
  value?: StatsQuery['value'];
  clamp_fen?: number;
  contributions: number;
  /** Half-width of a 95 % interval for each cell (±1.96 σ), in the cell's unit. */
  ci95_halfwidth: number;
}

/** The question's filters on the clear key columns (products are not a column: they are in the sealed amounts). */
function keyFilter(q: StatsQuery): StatVisitFilter {
  const out: StatVisitFilter = {};
  for (const c of STAT_KEY_COLUMNS) if (q.filters[c]) out[c] = q.filters[c];
  return out;
}

/** A release as the bureau lists it. */
export interface ReleaseRecord {
  release_id: string;
  party: string;
  time: string;
  rho: number;
  rho_micro: number;
  period_end: string;
  /** The question as validated: metric, value, group_by, filters, clamp_fen, contributions, rho_micro. */
  question: Record<string, unknown>;
}

/** Associated data binding a lab row's sealed amounts to its row. */
const statAad = (visitKey: string): string => `stats|${visitKey}`;

/**
 * The pricing statistics lab (docs/statistics.md): per-visit facts written at push time, questions
 * answered with the discrete Gaussian under zero-concentrated DP, budgets per party set by the bureau and
 * charged exactly, every release and refusal in the access log.
 */
export class StatisticsLab {
  constructor(
    private readonly journal: Journal,
    private readonly storage: Storage,
    private readonly vault: Vault,
    private readonly payers: PayerRegistry,
    private readonly options: { rng?: RandomSource; onRelease?: (rhoMicro: number) => void } = {},
  ) {}

  private get rng(): RandomSource {
    return this.options.rng ?? csprng;
  }

  /**
   * The lab row of a visit, built inside the push's transaction from what only the push has: the ID
   * number (age band and sex), the derived facts and the hospital's level (products' facility scopes).
   */
  visitRow(input: { record_id: string; subject: string; certno: string; facts: RecordFacts; hospitalLevel: number | null; now: number }): StatVisitRow {
    const visitKey = this.vault.digest('stats.visit', input.record_id);
    const aad = statAad(visitKey);
    const { dek, envelope } = this.vault.newDataKey(aad);
    const amounts = statAmounts(input.facts, this.payers.list(), input.hospitalLevel);
    return {
      visit_key: visitKey,
      person: this.vault.digest('stats.person', input.subject),
      ...statKeys(input.certno, input.facts),
      kek_id: envelope.kek_id,
      wrapped_dek: envelope.wrapped_dek,
      sealed_amounts: this.vault.sealPart(dek, aad, 'amounts', amounts),
      updated_at: input.now,
    };
  }

  private context(now: number): QueryContext {
    return { products: this.payers.list().map((p) => p.code), year: Number(shanghaiDay(now).slice(0, 4)) };
  }

  private parse(body: unknown, now: number): StatsQuery {
    try {
      return parseQuery(body, this.context(now));
    } catch (err) {
      if (err instanceof QueryRefusal) throw new VouchError('VALIDATION_FAILED', err.reason);
      throw err;
    }
  }

  /** The bureau sets a party's budget for a period: same period → new total; a new period starts at 0 spent. */
  async setBudget(by: Principal, party: string, body: { rho: unknown; period_end: unknown }, now = Date.now()): Promise<BudgetView> {
    let total: number;
    try {
      total = parseRho(body.rho);
    } catch (err) {
      if (err instanceof QueryRefusal) throw new VouchError('VALIDATION_FAILED', err.reason);
      throw err;
    }
    // Nobody grants themselves a privacy budget: another bureau sets a bureau's.
    if (party === by.code) throw new VouchError('FORBIDDEN', 'A party does not set its own privacy budget.');
    const periodEnd = body.period_end;
    if (!isRealDate(periodEnd)) throw new VouchError('VALIDATION_FAILED', 'period_end must be a date yyyy-MM-dd.');
    if (periodEnd < shanghaiDay(now)) throw new VouchError('VALIDATION_FAILED', 'period_end must not be in the past.');
    const { value } = await this.journal.change(async (tx) => {
      const p = await tx.parties.status(party);
      if (!p || (p.role !== 'insurer' && p.role !== 'bureau')) return { value: undefined, events: [] as AuditEvent[] };
      const old = await tx.statistics.budget(party);
      const row: StatBudgetRow = {
        // While a period is open, moving its end (earlier or later) is the same period: what was spent
        // stays spent. Only after it ended does a new period start from nothing (a refill by a new end
        // date would make every budget unlimited).
        party, rho_total_micro: total, rho_spent_micro: old && (old.period_end === periodEnd || old.period_end >= shanghaiDay(now)) ? old.rho_spent_micro : 0, period_end: periodEnd,
        set_by: by.code, updated_at: now,
      };
      await tx.statistics.putBudget(row);
      return {
        value: this.view(row, await tx.statistics.spentAllPeriods(party), now),
        events: [
          makeEvent({
            kind: 'stats.budget_set', time: now, actor: by.code, actor_role: 'bureau', outcome: 'allowed',
            refs: { party, rho_micro: total, period_end: periodEnd },
          }),
        ],
      };
    });
    if (!value) throw new VouchError('NOT_FOUND');
    return value;
  }

  async budget(by: Principal, now = Date.now()): Promise<BudgetView> {
    const read = this.storage.read;
    const [b, all] = await Promise.all([read.statistics.budget(by.code), read.statistics.spentAllPeriods(by.code)]);
    return this.view(b, all, now, by.code);
  }

  private view(b: StatBudgetRow | undefined, allPeriods: number, now: number, party = b?.party ?? ''): BudgetView {
    const open = b !== undefined && b.period_end >= shanghaiDay(now);
    const total = b?.rho_total_micro ?? 0;
    const spent = b?.rho_spent_micro ?? 0;
    const left = open ? Math.max(0, total - spent) : 0;
    return {
      party, rho_total: rhoOf(total), rho_spent: rhoOf(spent), rho_left: rhoOf(left), period_end: b?.period_end ?? null,
      rho_total_micro: total, rho_spent_micro: spent, rho_left_micro: left, rho_spent_all_periods: rhoOf(allPeriods),
    };
  }

  private scale(q: StatsQuery, ctx: QueryContext): { delta2: bigint; sigma2: Rational } {
    const delta2 = sensitivitySquared(q, ctx);
    return { delta2, sigma2: sigmaSquared(delta2, q.rho_micro) };
  }

  /** The error bars a release would have, free: nothing is read but the question and the caller's budget. */
  async preview(by: Principal, body: unknown, now = Date.now()): Promise<PreviewAnswer> {
    const ctx = this.context(now);
    const q = this.parse(body, now);
    const { delta2, sigma2 } = this.scale(q, ctx);
    const left = (await this.budget(by, now)).rho_left_micro;
    const sd = stddevOf(sigma2);
    return {
      cells: cellCount(q, ctx), stddev: sd, sensitivity: Math.sqrt(Number(delta2)), rho: rhoOf(q.rho_micro), rho_left: rhoOf(left),
      affordable: q.rho_micro <= left, ...this.shape(q), ci95_halfwidth: 1.96 * sd,
    };
  }

  private shape(q: StatsQuery): Pick<ReleaseAnswer, 'metric' | 'value' | 'clamp_fen' | 'contributions'> {
    return { metric: q.metric, ...(q.value ? { value: q.value } : {}), ...(q.clamp_fen !== undefined ? { clamp_fen: q.clamp_fen } : {}), contributions: q.contributions };
  }

  /**
   * One release: the exact cell values from the committed lab rows, then — in one transaction with its
   * leaf — the budget charge (refused with 429 when it does not fit, and that refusal logged too), then
   * discrete Gaussian noise on every declared cell. Answered only after the leaf is committed.
   */
  async release(by: Principal, body: unknown, now = Date.now()): Promise<ReleaseAnswer> {
    const ctx = this.context(now);
    const q = this.parse(body, now);
    const { delta2, sigma2 } = this.scale(q, ctx);
    const question = canonicalJson(q);
    const actorRole = by.role === 'bureau' ? 'bureau' : 'insurer';
    // Refuse before reading anything when the budget cannot cover it (the charge below re-checks atomically).
    const before = await this.storage.read.statistics.budget(by.code);
    if (!this.fits(before, q.rho_micro, now)) return this.refuse(by, actorRole, q, now);
    const exact = needsAmounts(q)
      ? aggregate(q, ctx, await this.visits(q))
      : aggregateGroupedCounts(q, ctx, await this.storage.read.statistics.counts(keyFilter(q), q.group_by as StatKeyColumn[], q.contributions));
    const releaseId = timeOrderedId('rel', now);
    const { value, leaves } = await this.journal.change(async (tx) => {
      const b = await tx.statistics.budget(by.code);
      if (!b || !this.fits(b, q.rho_micro, now) || !(await tx.statistics.chargeBudget(by.code, b.period_end, q.rho_micro, now))) {
        return { value: undefined, events: [] as AuditEvent[] };
      }
      await tx.statistics.insertRelease({ release_id: releaseId, party: by.code, period_end: b.period_end, rho_micro: q.rho_micro, question, created_at: now });
      const after = (await tx.statistics.budget(by.code))!;
      return {
        value: { left: Math.max(0, after.rho_total_micro - after.rho_spent_micro), periodEnd: b.period_end },
        events: [
          makeEvent({
            kind: 'stats.released', time: now, actor: by.code, actor_role: actorRole, outcome: 'allowed',
            refs: { release_id: releaseId, rho_micro: q.rho_micro, period_end: b.period_end }, digests: { request: this.vault.digest('stats.question', q) },
          }),
        ],
      };
    });
    if (!value) return this.refuse(by, actorRole, q, now);
    this.options.onRelease?.(q.rho_micro);
    const sd = stddevOf(sigma2);
    const out: ReleaseCell[] = cells(q, ctx).map((key) => {
      const noisy = exact.get(keyOfCell(q, key))! + sampleDiscreteGaussian(sigma2, this.rng);
      return { key, value: Number(noisy), stddev: sd };
    });
    return {
      release_id: releaseId, cells: out, rho_spent: rhoOf(q.rho_micro), rho_left: rhoOf(value.left), leaf_index: leaves[0]!, ...this.shape(q),
      sensitivity: Math.sqrt(Number(delta2)), stddev: sd, period_end: value.periodEnd,
    };
  }

  /**
   * The releases for the bureau: who asked what, when, at which ρ — the questions themselves (keys,
   * filters, clamp, bound; nothing personal), so a differencing pattern is visible, not just its cost.
   */
  async releases(q: { party?: string | undefined; from?: string | undefined; to?: string | undefined; limit?: string | undefined }): Promise<{ releases: ReleaseRecord[] }> {
    const from = instant(q.from, 'from') ?? 0;
    const to = instant(q.to, 'to') ?? 8.64e15;
    const limit = q.limit === undefined || q.limit === '' ? 100 : Number(q.limit);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new VouchError('VALIDATION_FAILED', 'Query limit must be from 1 to 1000.');
    return {
      releases: (await this.storage.read.statistics.releases(from, to, q.party || undefined, limit)).map((r) => ({
        release_id: r.release_id, party: r.party, time: new Date(r.created_at).toISOString(), rho: rhoOf(r.rho_micro), rho_micro: r.rho_micro,
        period_end: r.period_end, question: JSON.parse(r.question) as Record<string, unknown>,
      })),
    };
  }

  private fits(b: StatBudgetRow | undefined, rhoMicro: number, now: number): boolean {
    return b !== undefined && b.period_end >= shanghaiDay(now) && b.rho_spent_micro + rhoMicro <= b.rho_total_micro;
  }

  private async refuse(by: Principal, actorRole: 'bureau' | 'insurer', q: StatsQuery, now: number): Promise<never> {
    await this.journal.record(
      makeEvent({
        kind: 'stats.refused', time: now, actor: by.code, actor_role: actorRole, outcome: 'denied', reason: 'PRIVACY_BUDGET_EXHAUSTED',
        refs: { rho_micro: q.rho_micro }, digests: { request: this.vault.digest('stats.question', q) },
      }),
    );
    throw new VouchError('PRIVACY_BUDGET_EXHAUSTED');
  }

  /**
   * The lab rows a question reads, as {@link VisitFacts} grouped by person. Amounts are opened only when
   * the question needs them; opening yields the event loop every 2,000 rows so a large sum does not stall
   * other requests.
   */
  private async visits(q: StatsQuery): Promise<VisitFacts[]> {
    const rows = await this.storage.read.statistics.visits(keyFilter(q));
    const open = needsAmounts(q);
    const out: VisitFacts[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const v: VisitFacts = { person: r.person, visit: r.visit_key, age_band: r.age_band, gender: r.gender, visit_type: r.visit_type, region: r.region, year: r.year };
      if (open) {
        const aad = statAad(r.visit_key);
        v.amounts = this.vault.openPart<VisitAmounts>(this.vault.dataKey(r, aad), aad, 'amounts', r.sealed_amounts);
      }
      out.push(v);
      if (open && i % 2000 === 1999) await yieldTurn();
    }
    return out;
  }
}

/** What the record service needs of the lab: the lab row of a visit it is storing. */
export type StatVisitWriter = Pick<StatisticsLab, 'visitRow'>;

/**
 * KEK rotation's second half for the lab rows (as rewrapRecords for records): re-wraps every lab row's
 * data key still under an older KEK, 500 rows per group-committed batch; the sealed amounts stay as they are.
 */
export async function rewrapStatVisits(vault: Vault, storage: Storage, currentKek: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const n = await storage.write(async (tx) => {
      const rows = await tx.statistics.visitsForRewrap(currentKek, 500);
      for (const r of rows) {
        const env = vault.rewrap(r, statAad(r.visit_key));
        await tx.statistics.updateVisitKey(r.visit_key, env.kek_id, env.wrapped_dek);
      }
      return rows.length;
    });
    if (n === 0) return moved;
    moved += n;
  }
}
