/**
 * Resident ID numbers (公民身份号码, GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
 * sequence, 1 check character computed with ISO 7064 MOD 11-2.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character for the first 17 digits. */
export function certnoCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** Returns the normalised ID number (upper-case X) or undefined when it is not valid. */
export function normaliseCertno(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length !== 18) return undefined;
  const v = value.toUpperCase();
  if (!/^[1-9]\d{16}[\dX]$/.test(v)) return undefined;
  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  const d = Number(v.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  if (certnoCheckChar(v) !== v[17]) return undefined;
  return v;
}
