import { addDays, isRealDate, overlaps, termLastDay } from './dates.js';

/**
 * Policy periods (保险期间) and the rules an insurer's enrollment feed must keep. Pure.
 *
 * A policy number holds a chain of periods: the first, then renewals that each begin the day after the
 * previous one ends. A period is exactly one product term (one year for every shipped product) and is
 * one policy year: its deductibles and caps accumulate from its first day to its last, inclusive, with
 * no anniversary arithmetic inside it. Earlier periods and their accumulators stay when a renewal is
 * added, and keep serving the visits they cover.
 *
 * Against probing (docs/privacy.md, class 2): once any answer used a period, its product, dates and
 * flags are frozen, corrections included; before that a correction is an explicit, logged new version of
 * the period, at most {@link MAX_CORRECTIONS} times. A person holds one policy per product family at a time.
 */
export interface PeriodTerms {
  product: string;
  start_date: string;
  end_date: string;
  pre_existing: boolean;
  claim_free_years: number;
}

export interface StoredPeriod extends PeriodTerms {
  period_no: number;
  /** An answer (eligibility, quote, settlement, claim) used this period: its terms are frozen. */
  used: boolean;
  /** Explicit corrections made to the period (only before an answer used it). */
  corrections: number;
}

/** A period of another policy of the same person in the same product family. */
export interface OtherCover {
  start_date: string;
  end_date: string;
}

export interface EnrollmentRequest extends PeriodTerms {
  /** An explicit correction of the latest period's terms, allowed only while no answer has used it. */
  correction: boolean;
}

export const MAX_CORRECTIONS = 2;
/** The calendar a policy period may lie in: wide enough for any real policy, not year 9999. */
const EARLIEST = '1990-01-01';
const LATEST = '2199-12-31';
export const MAX_PERIODS_PER_POLICY = 30;

export type EnrollmentRefusal =
  | { refuse: 'VALIDATION_FAILED'; detail: string }
  | { refuse: 'POLICY_OVERLAP' | 'POLICY_TERMS_FROZEN' | 'POLICY_LIMIT_REACHED'; detail?: string };

export type EnrollmentKind = 'created' | 'renewed' | 'updated' | 'corrected' | 'unchanged';

export type EnrollmentPlan = { kind: EnrollmentKind; period_no: number; periods: StoredPeriod[] } | EnrollmentRefusal;

const sameTerms = (a: PeriodTerms, b: PeriodTerms): boolean =>
  a.product === b.product && a.start_date === b.start_date && a.end_date === b.end_date &&
  a.pre_existing === b.pre_existing && a.claim_free_years === b.claim_free_years;

/** The end dates a period starting on `start` may carry: the term's last day, or its anniversary. */
export function allowedEndDates(start: string, termYears: number): [string, string] {
  const last = termLastDay(start, termYears);
  return [last, addDays(last, 1)];
}

/** Checks the dates of one requested period; a refusal names the field. */
function checkDates(r: PeriodTerms, termYears: number): EnrollmentRefusal | undefined {
  if (!isRealDate(r.start_date)) return { refuse: 'VALIDATION_FAILED', detail: 'Field start_date must be a date yyyy-MM-dd.' };
  if (!isRealDate(r.end_date)) return { refuse: 'VALIDATION_FAILED', detail: 'Field end_date must be a date yyyy-MM-dd.' };
  if (r.start_date < EARLIEST || r.end_date > LATEST) return { refuse: 'VALIDATION_FAILED', detail: `Field start_date: policy periods lie between ${EARLIEST} and ${LATEST}.` };
  if (!allowedEndDates(r.start_date, termYears).includes(r.end_date)) {
    return {
      refuse: 'VALIDATION_FAILED',
      detail: `Field end_date: a period is exactly the product's term of ${termYears} year${termYears > 1 ? 's' : ''}, ending the day before the start date's anniversary.`,
    };
  }
  return undefined;
}

/** The chain after the change must stay contiguous and must not overlap the person's other cover. */
function checkChain(periods: readonly StoredPeriod[], others: readonly OtherCover[]): EnrollmentRefusal | undefined {
  for (let i = 1; i < periods.length; i++) {
    if (periods[i]!.start_date !== addDays(periods[i - 1]!.end_date, 1)) {
      return { refuse: 'VALIDATION_FAILED', detail: 'Field start_date: a renewal begins the day after the previous period ends.' };
    }
  }
  for (const p of periods) {
    if (others.some((o) => overlaps(p.start_date, p.end_date, o.start_date, o.end_date))) return { refuse: 'POLICY_OVERLAP' };
  }
  return undefined;
}

function withPeriod(periods: readonly StoredPeriod[], p: StoredPeriod): StoredPeriod[] {
  return periods.filter((x) => x.period_no !== p.period_no).concat(p).sort((a, b) => a.period_no - b.period_no);
}

/**
 * Decides what an enrollment does to a policy's periods: creates the first, renews, updates a period no
 * answer has used yet, corrects the latest one explicitly, or refuses.
 */
export function planEnrollment(periods: readonly StoredPeriod[], others: readonly OtherCover[], r: EnrollmentRequest, termYears: number): EnrollmentPlan {
  const bad = checkDates(r, termYears);
  if (bad) return bad;
  const terms: PeriodTerms = { product: r.product, start_date: r.start_date, end_date: r.end_date, pre_existing: r.pre_existing, claim_free_years: r.claim_free_years };
  const last = periods[periods.length - 1];
  const plan = (kind: EnrollmentKind, p: StoredPeriod): EnrollmentPlan => {
    const next = withPeriod(periods, p);
    return checkChain(next, others) ?? { kind, period_no: p.period_no, periods: next };
  };

  if (r.correction) {
    if (!last) return { refuse: 'VALIDATION_FAILED', detail: 'Field correction: there is no period to correct.' };
    if (sameTerms(last, terms)) return { kind: 'unchanged', period_no: last.period_no, periods: [...periods] };
    // After an answer used the period, a correction is a probe like any other change (a flag turned to
    // lower the deductible, then back, read a zero-pay visit's bill; moved dates bisect a visit's day):
    // frozen means frozen. Before use a correction changes what nobody has seen, at most MAX_CORRECTIONS times.
    if (last.used) return { refuse: 'POLICY_TERMS_FROZEN' };
    if (last.corrections >= MAX_CORRECTIONS) return { refuse: 'POLICY_TERMS_FROZEN', detail: `This period was corrected ${MAX_CORRECTIONS} times already.` };
    return plan('corrected', { ...last, ...terms, corrections: last.corrections + 1 });
  }

  const same = periods.find((p) => p.start_date === r.start_date);
  if (same) {
    if (sameTerms(same, terms)) return { kind: 'unchanged', period_no: same.period_no, periods: [...periods] };
    if (same.used) return { refuse: 'POLICY_TERMS_FROZEN' };
    return plan('updated', { ...same, ...terms });
  }
  if (!last) return plan('created', { ...terms, period_no: 1, used: false, corrections: 0 });
  if (r.start_date === addDays(last.end_date, 1)) {
    if (periods.length >= MAX_PERIODS_PER_POLICY) return { refuse: 'POLICY_LIMIT_REACHED', detail: 'This policy has as many periods as a policy may hold.' };
    return plan('renewed', { ...terms, period_no: last.period_no + 1, used: false, corrections: 0 });
  }
  // A single period no answer has used yet may still be moved: nothing about any visit was revealed.
  if (periods.length === 1 && !last.used) return plan('updated', { ...last, ...terms });
  const clash = periods.find((p) => overlaps(p.start_date, p.end_date, r.start_date, r.end_date));
  if (clash) return clash.used ? { refuse: 'POLICY_TERMS_FROZEN' } : { refuse: 'POLICY_OVERLAP' };
  return { refuse: 'VALIDATION_FAILED', detail: 'Field start_date: a renewal begins the day after the previous period ends.' };
}

/** The period of a policy that covers a day (inclusive), if any. */
export function periodCovering<P extends { start_date: string; end_date: string }>(periods: readonly P[], day: string): P | undefined {
  return periods.find((p) => p.start_date <= day && day <= p.end_date);
}

/** How a period stands on a given day: the answer to PUT and GET /v1/policies/{policy_no}. */
export function periodStatus(p: { start_date: string; end_date: string }, today: string): 'active' | 'expired' | 'upcoming' {
  return today < p.start_date ? 'upcoming' : today > p.end_date ? 'expired' : 'active';
}
