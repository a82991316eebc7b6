/**
 * Money is integer fen inside Vouch. The national platform sends decimal yuan (16,2): at most 14
 * integer digits and 2 decimals, as a JSON string or number. Conversion is done on the decimal text,
 * never with floating-point arithmetic.
 */

/**
 * An amount that is not a yuan amount with at most two decimals. The domain's own error: the edge that
 * reads amounts (adapters/nhsa/record-codec.ts) answers it as the catalogue's INVALID_AMOUNT with this
 * `detail`, which names the field, never the value.
 */
export class InvalidAmountError extends Error {
  readonly code = 'INVALID_AMOUNT';
  readonly detail: string;

  constructor(detail: string) {
    super(detail);
    this.name = 'InvalidAmountError';
    this.detail = detail;
  }
}

const YUAN = /^(-)?(\d{1,14})(?:\.(\d{1,2}))?$/;

/** Largest number of significant digits a double carries through decimal→double→shortest text exactly. */
const EXACT_DOUBLE_DIGITS = 15;

/**
 * Converts a yuan amount to integer fen exactly.
 * Strings must match `-?\d{1,14}(\.\d{1,2})?`. Numbers are accepted when their shortest decimal
 * text (what JSON gave us) has at most 15 significant digits, which is exactly the range where the
 * text is guaranteed to be the one the sender wrote; larger amounts must be sent as strings.
 * @throws InvalidAmountError (its detail names `field`, never the value)
 */
export function yuanToFen(value: unknown, field = 'amount'): number {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidAmountError(`Field: ${field}.`);
    text = String(value);
    if (/e/i.test(text) || text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length > EXACT_DOUBLE_DIGITS) {
      throw new InvalidAmountError(`Field: ${field} (send amounts beyond 15 digits as strings).`);
    }
    if (Object.is(value, -0)) text = '0';
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    throw new InvalidAmountError(`Field: ${field}.`);
  }
  const m = YUAN.exec(text);
  if (!m) throw new InvalidAmountError(`Field: ${field}.`);
  const [, sign, whole, frac = ''] = m;
  const fen = BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
  const signed = sign ? -fen : fen;
  // 14 integer digits + 2 decimals < 2^53, so this is always a safe integer.
  return signed === 0n ? 0 : Number(signed);
}

/** Optional variant: absent (undefined, null or '') means 0 fen. */
export function optionalYuanToFen(value: unknown, field: string): number {
  return value === undefined || value === null || value === '' ? 0 : yuanToFen(value, field);
}

/** Formats fen as a yuan decimal string ("1234.50"), for display and the national platform edge. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError('fen must be a safe integer');
  const neg = fen < 0;
  const abs = BigInt(Math.abs(fen));
  const s = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** Basis points: 10000 = 100 %. Ratios in product terms are whole basis points. */
export const BP = 10_000;

/**
 * `amount × bp / 10000`, rounded half up to the fen (四舍五入, as commercial settlement does).
 * Computed in BigInt so 10^14 fen × 10^4 stays exact.
 */
export function applyRatio(amountFen: number, bp: number): number {
  if (!Number.isSafeInteger(amountFen) || !Number.isInteger(bp) || bp < 0) throw new RangeError('bad ratio input');
  if (amountFen <= 0) return 0;
  const num = BigInt(amountFen) * BigInt(bp);
  return Number((num * 2n + BigInt(BP)) / (2n * BigInt(BP)));
}
