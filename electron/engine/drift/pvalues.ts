/**
 * Distribution functions for drift p-values, implemented here so every number is reproducible:
 * log-gamma (Lanczos), regularised incomplete gamma (series / Lentz continued fraction),
 * chi-square and normal tails, the exact two-sample Kolmogorov–Smirnov distribution
 * (lattice-path recursion) and the Kolmogorov limiting distribution.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const MAX_ITER = 100_000;

/** Lower regularised gamma P(a, x) by its power series; converges fast for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let sum = 1 / a;
  let term = sum;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Upper regularised gamma Q(a, x) by its continued fraction (modified Lentz); for x ≥ a + 1. */
function gammaQContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Upper regularised incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < a + 1) return Math.max(0, 1 - gammaPSeries(a, x));
  return Math.min(1, gammaQContinuedFraction(a, x));
}

/** P(χ²_df ≥ x). */
export function chi2Sf(x: number, df: number): number {
  if (df <= 0) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** Two-sided normal tail P(|Z| ≥ |z|) = erfc(|z|/√2) = Q(½, z²/2). */
export function normalTwoSided(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === 0) return 1;
  return gammaQ(0.5, (z * z) / 2);
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  const tail = normalTwoSided(z) / 2;
  return z < 0 ? tail : 1 - tail;
}

/**
 * Exact two-sided p-value of the two-sample KS statistic for samples of sizes n and m without ties:
 * P(D ≥ d) where d = dScaled / (n·m). `dScaled` is the integer max |i·m − j·n| found in SQL, so the
 * boundary test is exact integer arithmetic (no floating tolerance). The recursion walks the lattice
 * of merged orderings, carrying for each point the probability that a uniformly random path to it has
 * already touched the region |i·m − j·n| ≥ dScaled; that tail probability at (n, m) is the p-value,
 * computed directly rather than as 1 − (inside), so small p-values keep their precision.
 *
 * Every point of the region holds exactly 1, so only the band |i·m − j·n| < dScaled is computed: row i
 * spans j in [lo(i), hi(i)] (both non-decreasing in i), the point left of the band is set to 1 before the
 * row, and points right of it were never written (the array starts at 1). Each band point sees the same
 * two neighbours and takes the same floating operations as in the full lattice, so the p-value is the same
 * double (test/engine/drift/pvalues.test.ts checks it against the full recursion). O(n + m + D·n·m)
 * instead of O(n·m): about 2·dScaled points.
 */
export function ksExactPValue(n: number, m: number, dScaled: number): number {
  if (n <= 0 || m <= 0) return Number.NaN;
  if (dScaled <= 0) return 1;
  const row = new Float64Array(m + 1).fill(1);
  const inside = (i: number, j: number): boolean => Math.abs(i * m - j * n) < dScaled;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i <= n; i++) {
    // The band of row i: the first j with j·n > i·m − dScaled and the last with j·n < i·m + dScaled, from
    // a floating estimate corrected by the exact integer test.
    lo = Math.max(lo, Math.floor((i * m - dScaled) / n));
    while (lo <= m && i * m - lo * n >= dScaled) lo++;
    while (lo > 0 && inside(i, lo - 1)) lo--;
    hi = Math.max(hi, Math.min(m, Math.ceil((i * m + dScaled) / n)));
    while (hi >= 0 && hi * n - i * m >= dScaled) hi--;
    while (hi < m && inside(i, hi + 1)) hi++;
    if (lo > 0) row[lo - 1] = 1;
    for (let j = lo; j <= hi; j++) {
      if (i === 0 && j === 0) {
        row[j] = 0;
      } else {
        const fromAbove = i > 0 ? (row[j] as number) * (i / (i + j)) : 0;
        const fromLeft = j > 0 ? (row[j - 1] as number) * (j / (i + j)) : 0;
        row[j] = fromAbove + fromLeft;
      }
    }
  }
  return Math.min(1, Math.max(0, row[m] as number));
}

/** Kolmogorov limiting distribution: P(K > λ). Matches scipy.special.kolmogorov. */
export function kolmogorovSf(lambda: number): number {
  if (Number.isNaN(lambda)) return Number.NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1) {
    // CDF by the theta-function series, accurate where the alternating series converges slowly.
    const k = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let cdf = 0;
    for (let j = 1; j < 1000; j++) {
      const term = Math.exp(k * (2 * j - 1) * (2 * j - 1));
      cdf += term;
      if (term < 1e-300 || term < cdf * 1e-17) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * cdf));
  }
  let sf = 0;
  for (let j = 1; j < 1000; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sf += j % 2 === 1 ? term : -term;
    if (term < 1e-300 || term < Math.abs(sf) * 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sf));
}

/** Largest n·m for which the exact KS distribution is used; above it the asymptotic one. */
export const KS_EXACT_MAX_CELLS = 25_000_000;

export interface KsPValue {
  p: number;
  mode: 'exact' | 'asymptotic';
}

export function ksPValue(n: number, m: number, dScaled: number): KsPValue {
  if (n * m <= KS_EXACT_MAX_CELLS) return { p: ksExactPValue(n, m, dScaled), mode: 'exact' };
  const d = dScaled / (n * m);
  const rootEn = Math.sqrt((n * m) / (n + m));
  // Stephens' (1970) finite-sample correction of the Kolmogorov limit: ~1% from the exact tail at n·m ≈ 10⁷.
  return { p: kolmogorovSf((rootEn + 0.12 + 0.11 / rootEn) * d), mode: 'asymptotic' };
}
