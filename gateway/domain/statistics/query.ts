import { gcd, rational, type Rational } from './discrete-gaussian.js';

/**
 * The statistics lab's questions (CONTRACT.md "Statistics for pricing"): counts and sums of per-visit
 * facts, grouped by pre-declared keys with filters on the same keys — no identifiers, no joins, no
 * free-form predicates. Pure: validation, the cell domain, the person-level sensitivity and the noise
 * scale of a question; the service does the reading, charging and sampling.
 */
export const GROUP_KEYS = ['age_band', 'gender', 'visit_type', 'region', 'year', 'product'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export const VALUES = ['medfee_fen', 'personal_burden_fen', 'out_of_list_fen', 'product_payable_fen'] as const;
export type ValueField = (typeof VALUES)[number];

export const AGE_BANDS = ['0-17', '18-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+'] as const;
export const GENDERS = ['F', 'M'] as const;
export const VISIT_TYPES = ['outpatient', 'chronic_outpatient', 'inpatient', 'pharmacy'] as const;
/** Province-level divisions by the first two digits of an admdvs code (GB/T 2260), then `unknown`. */
export const REGIONS = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', 'unknown',
] as const;

/** The declared bounds a question may ask for. */
export const LIMITS = {
  /** Most cells one release may have (the noise is per cell; a huge table is mostly noise anyway). */
  maxCells: 4096,
  /** Most visits one person may contribute to one release. */
  maxContributions: 20,
  /** Default per-person bound: one visit per person per release. */
  defaultContributions: 1,
  /** Largest clamp: 10^7 yuan. */
  maxClampFen: 1_000_000_000,
  /** Default clamp for sums: 50,000 yuan per visit. */
  defaultClampFen: 5_000_000,
  /** Years a `year` filter may name; without one, grouping by year covers the last five years. */
  minYear: 2000,
  maxYear: 2100,
  defaultYears: 5,
  /** ρ of one release and of a budget, in micro-ρ (10^-6): 1 µρ ≤ ρ ≤ 100. */
  minRhoMicro: 1,
  maxRhoMicro: 100_000_000,
} as const;

/** One µρ = 10^-6 ρ. Budgets and charges are integers of it, so sums and comparisons are exact. */
export const MICRO = 1_000_000n;

export interface StatsQuery {
  metric: 'count' | 'sum';
  /** Present for sums. */
  value?: ValueField;
  group_by: GroupKey[];
  /** Allowed values per key; a row passes when every named key's value is listed. */
  filters: Partial<Record<GroupKey, string[]>>;
  /** Each visit's value is clamped to [0, clamp_fen] (sums only). */
  clamp_fen?: number;
  /** Most visits one person contributes (the privacy unit is the person). */
  contributions: number;
  rho_micro: number;
}

/** A question that cannot be asked, with a closed-vocabulary reason (never echoes a value). */
export class QueryRefusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'QueryRefusal';
  }
}

/**
 * ρ as sent (a JSON number such as 0.05) to integer micro-ρ, exactly: the number's shortest decimal
 * text must have at most six decimals (so 0.1 is 100000 µρ, not 0.1000000000000000055…).
 */
export function parseRho(value: unknown, what = 'rho'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new QueryRefusal(`${what} must be a positive number.`);
  const text = String(value);
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new QueryRefusal(`${what} must have at most six decimals.`);
  const micro = Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
  if (micro < LIMITS.minRhoMicro || micro > LIMITS.maxRhoMicro) throw new QueryRefusal(`${what} must be between 0.000001 and 100.`);
  return micro;
}

/** Integer micro-ρ as a JSON number of ρ (display: 100000 → 0.1). */
export function rhoOf(micro: number): number {
  return Number(`${Math.trunc(micro / 1_000_000)}.${String(micro % 1_000_000).padStart(6, '0')}`);
}

export interface QueryContext {
  /** Product codes the lab knows (the payer adapters' products). */
  products: readonly string[];
  /** The current year (Asia/Shanghai): the default `year` domain ends here. */
  year: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The values a key may take in this deployment (the closed domain cells are drawn from). */
export function domainOf(key: GroupKey, ctx: QueryContext): readonly string[] {
  switch (key) {
    case 'age_band':
      return AGE_BANDS;
    case 'gender':
      return GENDERS;
    case 'visit_type':
      return VISIT_TYPES;
    case 'region':
      return REGIONS;
    case 'product':
      return ctx.products;
    case 'year': {
      const out: string[] = [];
      for (let y = ctx.year - LIMITS.defaultYears + 1; y <= ctx.year; y++) out.push(String(y));
      return out;
    }
  }
}

function yearOk(v: string): boolean {
  return /^\d{4}$/.test(v) && Number(v) >= LIMITS.minYear && Number(v) <= LIMITS.maxYear;
}

/** Validates a question's body (already shaped by the route schema) into a {@link StatsQuery}. */
export function parseQuery(body: unknown, ctx: QueryContext): StatsQuery {
  if (!isObject(body)) throw new QueryRefusal('The question must be an object.');
  const metric = body.metric;
  if (metric !== 'count' && metric !== 'sum') throw new QueryRefusal('metric must be count or sum.');
  let value: ValueField | undefined;
  if (metric === 'sum') {
    if (!(VALUES as readonly unknown[]).includes(body.value)) throw new QueryRefusal('A sum names its value.');
    value = body.value as ValueField;
  } else if (body.value !== undefined) {
    throw new QueryRefusal('A count takes no value.');
  }
  const groupBy = body.group_by ?? [];
  if (!Array.isArray(groupBy) || !groupBy.every((k) => (GROUP_KEYS as readonly unknown[]).includes(k))) {
    throw new QueryRefusal('group_by names only the declared keys.');
  }
  if (new Set(groupBy).size !== groupBy.length) throw new QueryRefusal('group_by names a key twice.');
  const filters: Partial<Record<GroupKey, string[]>> = {};
  if (body.filters !== undefined) {
    if (!isObject(body.filters)) throw new QueryRefusal('filters must be an object.');
    for (const [k, raw] of Object.entries(body.filters)) {
      if (!(GROUP_KEYS as readonly string[]).includes(k)) throw new QueryRefusal('filters name only the declared keys.');
      const key = k as GroupKey;
      const list = (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === 'number' && key === 'year' ? String(v) : v));
      if (!list.length || list.length > 64) throw new QueryRefusal('A filter lists 1 to 64 values.');
      const ok = key === 'year' ? list.every((v) => typeof v === 'string' && yearOk(v)) : list.every((v) => (domainOf(key, ctx) as readonly unknown[]).includes(v));
      if (!ok) throw new QueryRefusal(`A ${key} filter names a value outside the declared domain.`);
      filters[key] = [...new Set(list as string[])].sort();
    }
  }
  let clamp: number | undefined;
  if (metric === 'sum') {
    const c = body.clamp_fen ?? LIMITS.defaultClampFen;
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 1 || c > LIMITS.maxClampFen) throw new QueryRefusal('clamp_fen must be an integer from 1 to 1000000000.');
    clamp = c;
  } else if (body.clamp_fen !== undefined) {
    throw new QueryRefusal('A count takes no clamp.');
  }
  const contributions = body.contributions ?? LIMITS.defaultContributions;
  if (typeof contributions !== 'number' || !Number.isSafeInteger(contributions) || contributions < 1 || contributions > LIMITS.maxContributions) {
    throw new QueryRefusal('contributions must be an integer from 1 to 20.');
  }
  const q: StatsQuery = {
    metric,
    ...(value ? { value } : {}),
    group_by: groupBy as GroupKey[],
    filters,
    ...(clamp !== undefined ? { clamp_fen: clamp } : {}),
    contributions,
    rho_micro: parseRho(body.rho),
  };
  if (q.value === 'product_payable_fen' && !productScope(q)) throw new QueryRefusal('product_payable_fen needs a product filter or grouping.');
  if (cellCount(q, ctx) > LIMITS.maxCells) throw new QueryRefusal('The question has too many cells.');
  return q;
}

/** Whether the question looks at products (each visit then counts once per product that would pay for it). */
export function productScope(q: Pick<StatsQuery, 'group_by' | 'filters'>): boolean {
  return q.group_by.includes('product') || q.filters.product !== undefined;
}

/** The values a grouped key ranges over in this question: its filter's values, else its whole domain. */
export function cellDomain(q: StatsQuery, key: GroupKey, ctx: QueryContext): readonly string[] {
  return q.filters[key] ?? domainOf(key, ctx);
}

export function cellCount(q: StatsQuery, ctx: QueryContext): number {
  return q.group_by.reduce((n, k) => n * cellDomain(q, k, ctx).length, 1);
}

/** Every cell of the release, in a fixed order: cells are declared up front, so an empty cell is released too. */
export function cells(q: StatsQuery, ctx: QueryContext): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const k of q.group_by) out = out.flatMap((c) => cellDomain(q, k, ctx).map((v) => ({ ...c, [k]: v })));
  return out;
}

/** The products a visit is counted under in this question (empty when it is not product-scoped). */
export function productsInScope(q: StatsQuery, ctx: QueryContext): readonly string[] {
  return productScope(q) ? (q.filters.product ?? ctx.products) : [];
}

/**
 * The squared L2 sensitivity of the whole release (all cells at once) when one person is added or
 * removed — the privacy unit is the person, whatever the number of their visits:
 *
 * - a person contributes at most L = `contributions` visits (more are dropped, per person, before
 *   aggregation), each clamped to [0, C] for sums (C = 1 for counts);
 * - without products, each visit adds to exactly one cell: the person's change is a vector of
 *   non-negative cell changes n_c·C with Σ n_c ≤ L, whose squared norm is at most (L·C)² (all in one cell);
 * - grouped by product over P products, a visit adds to up to P cells, one per product, and per product
 *   the person's visits add at most L·C: squared norm at most P·(L·C)²;
 * - filtered to P products but not grouped by product, a visit's P product rows land in the same cell:
 *   at most (P·L·C)².
 *
 * Returned as an exact integer (BigInt); test/gateway/statistics/sensitivity.test.ts checks it against
 * brute force over neighbouring datasets.
 */
export function sensitivitySquared(q: StatsQuery, ctx: QueryContext): bigint {
  const c = BigInt(q.metric === 'count' ? 1 : q.clamp_fen!);
  const lc = BigInt(q.contributions) * c;
  if (!productScope(q)) return lc * lc;
  const p = BigInt(productsInScope(q, ctx).length);
  return q.group_by.includes('product') ? p * lc * lc : p * p * lc * lc;
}

/**
 * The noise scale for a release with budget ρ: zCDP of the discrete Gaussian with squared sensitivity
 * Δ² is ρ = Δ²/(2σ²) (CKS 2020, §3: the multivariate discrete Gaussian with L2 sensitivity Δ is Δ²/(2σ²)-zCDP), so σ² = Δ²/(2ρ) = Δ²·10^6 / (2·ρ_µ) — a rational, exactly.
 */
export function sigmaSquared(deltaSquared: bigint, rhoMicro: number): Rational {
  return rational(deltaSquared * MICRO, 2n * BigInt(rhoMicro));
}

/** ρ = Δ²/(2σ²) back from σ² (the accounting identity tests check). */
export function rhoOfSigma(deltaSquared: bigint, sigma2: Rational): Rational {
  const num = deltaSquared * sigma2.den;
  const den = 2n * sigma2.num;
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

/** One visit as the lab sees it: coarse keys in clear, amounts once opened (sums and product questions). */
export interface VisitFacts {
  /** Keyed pseudonym of the person (never the blind index or the ID number). */
  person: string;
  /** Keyed pseudonym of the visit; the per-person order is by it (independent of everyone else's data). */
  visit: string;
  age_band: string;
  gender: string;
  visit_type: string;
  region: string;
  year: string;
  amounts?: VisitAmounts;
}

export interface VisitAmounts {
  medfee_fen: number;
  personal_burden_fen: number;
  out_of_list_fen: number;
  /** What each product would pay for this visit alone (see docs/statistics.md), by product code; 0 omitted. */
  products: Record<string, number>;
}

/** Whether a query needs the sealed amounts (a count without products reads only the clear keys). */
export function needsAmounts(q: StatsQuery): boolean {
  return q.metric === 'sum' || productScope(q);
}

const cellKey = (q: StatsQuery, v: Record<string, string>): string => q.group_by.map((k) => v[k]).join('\u0000');

/**
 * The exact (noise-free) value of every cell: filters, then each person's first L qualifying visits (in
 * visit-pseudonym order), each visit's rows (one, or one per product in scope that would pay for it)
 * clamped and added to their cell. Visits must arrive grouped by person.
 */
export function aggregate(q: StatsQuery, ctx: QueryContext, visits: Iterable<VisitFacts>): Map<string, bigint> {
  const out = new Map<string, bigint>(cells(q, ctx).map((c) => [cellKey(q, c), 0n]));
  const products = productsInScope(q, ctx);
  const clamp = BigInt(q.clamp_fen ?? 0);
  let person: string | undefined;
  let taken = 0;
  for (const v of visits) {
    if (v.person !== person) {
      person = v.person;
      taken = 0;
    }
    if (taken >= q.contributions) continue;
    const rec = v as unknown as Record<string, string>;
    if (!GROUP_KEYS.every((k) => k === 'product' || !q.filters[k] || q.filters[k].includes(rec[k]!))) continue;
    const rows: { key: Record<string, string>; value: number }[] = [];
    const base = (): number => {
      if (q.metric === 'count') return 1;
      const a = v.amounts!;
      return q.value === 'medfee_fen' ? a.medfee_fen : q.value === 'personal_burden_fen' ? a.personal_burden_fen : a.out_of_list_fen;
    };
    if (products.length) {
      for (const p of products) {
        const pays = v.amounts!.products[p] ?? 0;
        if (pays <= 0) continue;
        rows.push({ key: { ...rec, product: p }, value: q.value === 'product_payable_fen' ? pays : base() });
      }
      if (!rows.length) continue;
    } else {
      rows.push({ key: rec, value: base() });
    }
    taken += 1;
    for (const r of rows) {
      const k = cellKey(q, r.key);
      const cur = out.get(k);
      if (cur === undefined) continue; // a key outside the declared domain (a year outside the default window)
      let x = BigInt(Math.trunc(r.value));
      if (q.metric === 'sum') x = x < 0n ? 0n : x > clamp ? clamp : x;
      out.set(k, cur + x);
    }
  }
  return out;
}

/**
 * The same cell values as {@link aggregate} for a count that is not product-scoped, from counts already
 * grouped by the question's keys over each person's first L passing visits (storage does that part in
 * SQL, so a count over millions of visits never brings rows into JavaScript). Groups outside the
 * declared cells (a year outside the default window) are dropped, as aggregate() drops them.
 */
export function aggregateGroupedCounts(q: StatsQuery, ctx: QueryContext, groups: Iterable<Partial<Record<GroupKey, string>> & { n: number }>): Map<string, bigint> {
  if (q.metric !== 'count' || productScope(q)) throw new Error('grouped counts answer only counts without products');
  const out = new Map<string, bigint>(cells(q, ctx).map((c) => [cellKey(q, c), 0n]));
  for (const g of groups) {
    const k = cellKey(q, g as unknown as Record<string, string>);
    const cur = out.get(k);
    if (cur !== undefined) out.set(k, cur + BigInt(g.n));
  }
  return out;
}

/** The cell map's key for a cell (exposed for the service, which zips cells with their values). */
export function keyOfCell(q: StatsQuery, cell: Record<string, string>): string {
  return cellKey(q, cell);
}
