/**
 * Exact sampling of the discrete Gaussian N_Z(0, σ²) — P(x) ∝ exp(−x²/(2σ²)) for every integer x —
 * after Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020,
 * arXiv:2004.00010), Algorithms 1–3. Every step is a comparison of uniform integers, so with σ² given as
 * a rational the sampler is exact: no floating point anywhere on the noise path (floating-point Laplace
 * and Gaussian samplers leak through their rounding, Mironov 2012), and the output is an integer that
 * adds to integer counts and fen sums without rounding.
 *
 * Pure: randomness comes in through {@link RandomSource}. Production passes the CSPRNG
 * (services/statistics/randomness.ts); the statistical test passes a seeded generator so it cannot flake.
 */

/** Uniform integers: `below(n)` is uniform on {0, …, n−1} (n ≥ 1). */
export interface RandomSource {
  below(n: bigint): bigint;
}

/** A rational p/q with q > 0, p ≥ 0 (reduced). */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(num: bigint, den: bigint): Rational {
  if (den <= 0n) throw new RangeError('denominator must be positive');
  if (num < 0n) throw new RangeError('numerator must be non-negative');
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

/** ⌊√n⌋ for n ≥ 0, exactly (Newton's method on integers). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2)); // 2^⌈b/2⌉ ≥ √n: Newton's iterates then fall monotonically to ⌊√n⌋
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  return x;
}

/** Bernoulli(num/den), 0 ≤ num ≤ den: one uniform draw below den. */
export function bernoulli(num: bigint, den: bigint, rng: RandomSource): boolean {
  return rng.below(den) < num;
}

/**
 * Bernoulli(exp(−γ)) for rational γ = num/den ≥ 0 (CKS Algorithm 1). For γ ≤ 1: draw A_k ~ Bernoulli(γ/k)
 * for k = 1, 2, … until the first 0; the index K of that 0 is odd with probability exp(−γ) (the
 * alternating series of e^{−γ}). For γ > 1: ⌊γ⌋ independent Bernoulli(exp(−1)) then one for the fraction.
 */
export function bernoulliExpNeg(num: bigint, den: bigint, rng: RandomSource): boolean {
  if (num < 0n || den <= 0n) throw new RangeError('γ must be a non-negative rational');
  if (num <= den) {
    let k = 1n;
    while (bernoulli(num, den * k, rng)) k += 1n;
    return k % 2n === 1n;
  }
  const whole = num / den;
  for (let i = 0n; i < whole; i += 1n) if (!bernoulliExpNeg(1n, 1n, rng)) return false;
  return bernoulliExpNeg(num - whole * den, den, rng);
}

/**
 * The discrete Laplace with scale t (integer ≥ 1): P(x) ∝ exp(−|x|/t) (CKS Algorithm 2 with s = 1).
 * X = U + t·V with U uniform on {0..t−1} accepted with probability exp(−U/t) and V geometric with
 * parameter 1 − e^{−1}; a fair sign, rejecting "negative zero" so 0 is not counted twice.
 */
export function sampleDiscreteLaplace(t: bigint, rng: RandomSource): bigint {
  if (t < 1n) throw new RangeError('scale must be a positive integer');
  for (;;) {
    const u = rng.below(t);
    if (!bernoulliExpNeg(u, t, rng)) continue;
    let v = 0n;
    while (bernoulliExpNeg(1n, 1n, rng)) v += 1n;
    const x = u + t * v;
    const negative = rng.below(2n) === 1n;
    if (negative && x === 0n) continue;
    return negative ? -x : x;
  }
}

/**
 * One draw of N_Z(0, σ²) for rational σ² = num/den > 0 (CKS Algorithm 3): a discrete Laplace proposal
 * with t = ⌊σ⌋ + 1, accepted with probability exp(−(|Y| − σ²/t)² / (2σ²)). With σ² = n/d that exponent
 * is (|Y|·t·d − n)² / (2·t²·d·n), a rational, so acceptance is exact too. The acceptance probability
 * is bounded below for every σ (CKS §5), so a draw needs a small constant number of proposals on average.
 */
export function sampleDiscreteGaussian(sigma2: Rational, rng: RandomSource): bigint {
  const { num, den } = sigma2;
  if (num <= 0n || den <= 0n) throw new RangeError('σ² must be a positive rational');
  const t = isqrt(num / den) + 1n; // ⌊√(n/d)⌋ = ⌊√⌊n/d⌋⌋
  const acceptDen = 2n * t * t * den * num;
  for (;;) {
    const y = sampleDiscreteLaplace(t, rng);
    const a = y < 0n ? -y : y;
    const diff = a * t * den - num;
    if (bernoulliExpNeg(diff * diff, acceptDen, rng)) return y;
  }
}

/** Bit length of n > 0. */
function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/**
 * A {@link RandomSource} over a byte generator, by rejection: draw ⌈bits/8⌉ bytes, mask to the bit length
 * of n − 1, retry when the result is ≥ n (fewer than 2 tries on average). Uniform whenever the bytes are.
 */
export function sourceFromBytes(bytes: (n: number) => Uint8Array): RandomSource {
  return {
    below(n: bigint): bigint {
      if (n < 1n) throw new RangeError('below(n) needs n ≥ 1');
      if (n === 1n) return 0n;
      const bits = bitLength(n - 1n);
      const nBytes = Math.ceil(bits / 8);
      const topMask = (1 << (bits - (nBytes - 1) * 8)) - 1;
      if (bits <= 48) {
        const limit = Number(n);
        for (;;) {
          const b = bytes(nBytes);
          let v = b[0]! & topMask;
          for (let i = 1; i < nBytes; i++) v = v * 256 + b[i]!;
          if (v < limit) return BigInt(v);
        }
      }
      for (;;) {
        const b = bytes(nBytes);
        let hex = (b[0]! & topMask).toString(16).padStart(2, '0');
        for (let i = 1; i < nBytes; i++) hex += b[i]!.toString(16).padStart(2, '0');
        const v = BigInt(`0x${hex}`);
        if (v < n) return v;
      }
    },
  };
}

/**
 * The variance bound the answer states: Var[N_Z(0, σ²)] ≤ σ² (CKS 2020 bound the discrete Gaussian's variance by that of the continuous one), so σ is an upper bound
 * on each cell's noise standard deviation. A display number only; it never feeds back into sampling.
 */
export function stddevOf(sigma2: Rational): number {
  return Math.sqrt(Number(sigma2.num) / Number(sigma2.den));
}
