import crypto from 'node:crypto';

/**
 * Random bytes drawn from the CSPRNG 64 KiB at a time. Each crypto.randomBytes call is a system call;
 * sealing a record needs a data key and two IVs, and profiling showed those calls as the largest single
 * cost of writing records. Same generator, fewer calls; each slice is copied out and wiped from the pool
 * so no key material lingers in it.
 */
const POOL_SIZE = 65_536;
let pool = Buffer.alloc(0);
let offset = 0;

export function randomBytes(n: number): Buffer {
  if (n > POOL_SIZE / 4) return crypto.randomBytes(n);
  if (offset + n > pool.length) {
    pool = crypto.randomBytes(POOL_SIZE);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}

/** A prefixed random id, hex: `prefix_` + 24 hex digits. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/**
 * A prefixed id that grows with time: `prefix_` + 12 hex digits of milliseconds + 12 random hex digits
 * (same shape as {@link randomId}). Rows keyed by it are appended at the right edge of their primary key
 * instead of on a random page — for the tables every push and settlement writes.
 */
export function timeOrderedId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(16).padStart(12, '0').slice(-12)}${randomBytes(6).toString('hex')}`;
}
