/**
 * Calendar dates as `yyyy-MM-dd` strings (policy periods, visit days). Pure; UTC arithmetic on whole
 * days, so no time zone or daylight-saving rule can move a date.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date written `yyyy-MM-dd`. */
export function isRealDate(s: unknown): s is string {
  if (typeof s !== 'string' || !DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function ms(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** `date` plus `n` days (n may be negative). */
export function addDays(date: string, n: number): string {
  return new Date(ms(date) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((ms(to) - ms(from)) / DAY_MS);
}

/**
 * The last day of a term of `years` starting on `start`: the day before the same month and day
 * `years` later, where 29 February rolls over to 1 March in a common year — so a term from 2024-02-29
 * ends on 2025-02-28 and one from 2025-01-01 on 2025-12-31 ("自…零时起至…二十四时止").
 */
export function termLastDay(start: string, years: number): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  // Date.UTC rolls 29 Feb over to 1 Mar (wanted); setUTCFullYear because Date.UTC reads years 0–99 as 19xx.
  const sameDayLater = new Date(Date.UTC(2000, m - 1, 1));
  sameDayLater.setUTCFullYear(y + years, m - 1, d);
  return new Date(sameDayLater.getTime() - DAY_MS).toISOString().slice(0, 10);
}

/** True when the inclusive ranges [a1, a2] and [b1, b2] share a day. */
export function overlaps(a1: string, a2: string, b1: string, b2: string): boolean {
  return a1 <= b2 && b1 <= a2;
}

/** The calendar day (China Standard Time, UTC+8) an instant falls on. */
export function shanghaiDay(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 10);
}
