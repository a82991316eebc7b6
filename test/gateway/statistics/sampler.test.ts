import t from 'tap';
import crypto from 'node:crypto';
import {
  bernoulliExpNeg, isqrt, rational, sampleDiscreteGaussian, sampleDiscreteLaplace, sourceFromBytes, type Rational, type RandomSource,
} from '../../../gateway/domain/statistics/discrete-gaussian.js';
import { csprng } from '../../../gateway/services/statistics/randomness.js';

/**
 * The sampler tested as a statistician would: its draws against the exact discrete Gaussian pmf with a
 * chi-square test. The main test uses a seeded generator (SHA-256 in counter mode), so it is the same
 * 10^5 draws on every run and cannot flake; the production path (the CSPRNG) is tested with a threshold
 * whose false-alarm probability is about 10^-9.
 */
function seeded(seed: string): RandomSource {
  let counter = 0;
  let buf = Buffer.alloc(0);
  let off = 0;
  return sourceFromBytes((n) => {
    if (off + n > buf.length) {
      const blocks: Buffer[] = [buf.subarray(off)];
      let have = buf.length - off;
      while (have < n + 1024) {
        const b = crypto.createHash('sha256').update(`${seed}|${counter++}`).digest();
        blocks.push(b);
        have += b.length;
      }
      buf = Buffer.concat(blocks);
      off = 0;
    }
    const out = buf.subarray(off, off + n);
    off += n;
    return out;
  });
}

/** The exact pmf of N_Z(0, σ²) on [−K, K] (the mass beyond K·σ·12 is below 10^-30; normalised over it). */
function pmf(sigma2: number): Map<number, number> {
  const k = Math.ceil(12 * Math.sqrt(sigma2)) + 2;
  const w = new Map<number, number>();
  let z = 0;
  for (let x = -k; x <= k; x++) {
    const v = Math.exp(-(x * x) / (2 * sigma2));
    w.set(x, v);
    z += v;
  }
  for (const [x, v] of w) w.set(x, v / z);
  return w;
}

/** Chi-square statistic over bins with expectation ≥ 20 (the tails pooled into the end bins), and its df. */
function chiSquare(draws: Map<number, number>, n: number, p: Map<number, number>): { stat: number; df: number } {
  const xs = [...p.keys()].sort((a, b) => a - b);
  const bins: { obs: number; exp: number }[] = [];
  let cur = { obs: 0, exp: 0 };
  for (const x of xs) {
    cur.obs += draws.get(x) ?? 0;
    cur.exp += n * p.get(x)!;
    if (cur.exp >= 20) {
      bins.push(cur);
      cur = { obs: 0, exp: 0 };
    }
  }
  bins[bins.length - 1]!.obs += cur.obs; // the right tail into the last bin
  bins[bins.length - 1]!.exp += cur.exp;
  let stat = 0;
  for (const b of bins) stat += (b.obs - b.exp) ** 2 / b.exp;
  return { stat, df: bins.length - 1 };
}

/** Upper quantile of chi-square with df degrees of freedom for a standard-normal quantile z (Wilson–Hilferty). */
const chiQuantile = (df: number, z: number): number => df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;

function draw(sigma2: Rational, n: number, rng: RandomSource): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const x = Number(sampleDiscreteGaussian(sigma2, rng));
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  return counts;
}

const N = 100_000;

for (const [num, den] of [[7n, 2n], [400n, 3n]] as const) {
  t.test(`10^5 seeded draws of N_Z(0, ${num}/${den}) match the exact pmf (chi-square, p > 0.001)`, async (t) => {
    const sigma2 = rational(num, den);
    const s2 = Number(num) / Number(den);
    const counts = draw(sigma2, N, seeded(`vouch-dg-${num}/${den}`));
    const { stat, df } = chiSquare(counts, N, pmf(s2));
    const critical = chiQuantile(df, 3.09); // z(0.999)
    t.ok(stat < critical, `chi-square ${stat.toFixed(1)} < ${critical.toFixed(1)} on ${df} df`);
    // The test has power: the same draws against σ² 10 % larger are rejected by far.
    const wrong = chiSquare(counts, N, pmf(s2 * 1.1));
    t.ok(wrong.stat > chiQuantile(wrong.df, 3.09) * 2, `a 10 % wrong σ² is rejected (chi-square ${wrong.stat.toFixed(1)})`);
    // Symmetric and centred: the mean is within 4 standard errors of 0.
    let sum = 0;
    for (const [x, c] of counts) sum += x * c;
    t.ok(Math.abs(sum / N) < 4 * Math.sqrt(s2 / N), `mean ${(sum / N).toFixed(4)} ≈ 0`);
  });
}

t.test('the production path (CSPRNG) draws the same distribution (chi-square at p > 10^-9)', async (t) => {
  const sigma2 = rational(9n, 1n);
  const n = 20_000;
  const counts = draw(sigma2, n, csprng);
  const { stat, df } = chiSquare(counts, n, pmf(9));
  t.ok(stat < chiQuantile(df, 6.0), `chi-square ${stat.toFixed(1)} on ${df} df`);
});

t.test('large σ (sums in fen): exact integers, scale right, fast enough for a release', async (t) => {
  // σ² = (5·10^6)² / (2·0.1) = 1.25·10^14 fen²: σ ≈ 1.118·10^7 fen.
  const sigma2 = rational(25_000_000_000_000n * 1_000_000n, 2n * 100_000n);
  const rng = seeded('vouch-large');
  const n = 2000;
  let sumSq = 0;
  let integers = true;
  for (let i = 0; i < n; i++) {
    const x = sampleDiscreteGaussian(sigma2, rng);
    integers &&= typeof x === 'bigint';
    sumSq += Number(x) ** 2;
  }
  t.ok(integers, 'every draw is an exact integer');
  const ratio = sumSq / n / 1.25e14;
  // The sample variance over σ² has standard error √(2/n) ≈ 0.032: 0.85 < ratio < 1.15 is > 4.5 s.e.
  t.ok(ratio > 0.85 && ratio < 1.15, `sample variance / σ² = ${ratio.toFixed(3)}`);
});

t.test('Bernoulli(exp(−γ)) is exact in expectation for rational γ (seeded)', async (t) => {
  const rng = seeded('vouch-bern');
  for (const [num, den] of [[1n, 3n], [1n, 1n], [5n, 2n]] as const) {
    const n = 40_000;
    let ones = 0;
    for (let i = 0; i < n; i++) if (bernoulliExpNeg(num, den, rng)) ones++;
    const p = Math.exp(-Number(num) / Number(den));
    t.ok(Math.abs(ones / n - p) < 4.5 * Math.sqrt((p * (1 - p)) / n), `γ=${num}/${den}: ${(ones / n).toFixed(4)} vs ${p.toFixed(4)}`);
  }
  t.throws(() => bernoulliExpNeg(-1n, 1n, rng), RangeError);
});

t.test('discrete Laplace: P(0) = (1 − e^{−1/t}) / (1 + e^{−1/t})', async (t) => {
  const rng = seeded('vouch-lap');
  const n = 40_000;
  let zeros = 0;
  for (let i = 0; i < n; i++) if (sampleDiscreteLaplace(2n, rng) === 0n) zeros++;
  const q = Math.exp(-1 / 2);
  const p0 = (1 - q) / (1 + q);
  t.ok(Math.abs(zeros / n - p0) < 4.5 * Math.sqrt((p0 * (1 - p0)) / n), `${(zeros / n).toFixed(4)} vs ${p0.toFixed(4)}`);
});

t.test('integer square root and uniform integers', async (t) => {
  for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 10n ** 30n, 10n ** 30n - 1n, 2n ** 107n + 12345n]) {
    const r = isqrt(n);
    t.ok(r * r <= n && (r + 1n) * (r + 1n) > n, `isqrt(${n})`);
  }
  let allRight = true;
  for (let i = 0n; i < 2000n; i++) {
    const n = i * i * i * 7919n + i; // squares, near-squares and large values alike
    const r = isqrt(n);
    allRight &&= r * r <= n && (r + 1n) * (r + 1n) > n;
    const sq = isqrt(i * i);
    allRight &&= sq === i && isqrt(i * i - 1n + (i === 0n ? 1n : 0n)) === (i === 0n ? 0n : i - 1n);
  }
  t.ok(allRight, 'isqrt is ⌊√n⌋ on 6,000 more values, squares and their predecessors included');
  const rng = seeded('vouch-below');
  const big = 2n ** 70n + 3n;
  let inRange = true;
  for (let i = 0; i < 200; i++) {
    const v = rng.below(big);
    inRange &&= v >= 0n && v < big;
  }
  t.ok(inRange, 'uniform integers below 2^70 + 3 stay in range');
  const seen = new Set<bigint>();
  for (let i = 0; i < 600; i++) seen.add(rng.below(6n));
  t.same([...seen].sort(), [0n, 1n, 2n, 3n, 4n, 5n], 'every value of a small range appears');
  t.throws(() => sampleDiscreteGaussian({ num: 0n, den: 1n }, rng), RangeError);
});
