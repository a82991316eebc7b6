/**
 * Canonical JSON for hashing and signing: object keys sorted by UTF-16 code units, no insignificant
 * white space, `undefined` members dropped (as JSON.stringify does). Numbers must be safe integers or
 * finite values JSON can round-trip; money inside Vouch is always integer fen, so no float appears.
 * (The same rules as RFC 8785 for the values Vouch produces: strings, integers, booleans, null.)
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}
