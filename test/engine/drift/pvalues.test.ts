// Property tests here run with the run's one printed fast-check seed (vitest setup: test/helpers/propertySeed.ts; FC_SEED replays).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chi2Sf, kolmogorovSf, ksExactPValue, ksPValue, normalCdf, normalTwoSided } from '../../../electron/engine/drift/pvalues';
import { adjustPValues } from '../../../electron/engine/drift/correction';

// Reference values computed once with SciPy 1.17.1 (scipy.stats.chi2.sf, norm.sf, scipy.special.kolmogorov,
// ks_2samp(method='exact')); the numbers are pasted here, no Python runs in tests.
describe('chi-square survival function', () => {
  it.each([
    [3.5, 2, 0.1737739434504451],
    [150, 99, 0.0007204453957169282],
    [0.01, 1, 0.920344325445942],
    [400, 30, 2.7954938576565057e-66],
  ])('chi2Sf(%d, %d) matches scipy', (x, df, expected) => {
    expect(chi2Sf(x, df) / expected).toBeCloseTo(1, 11);
  });
  it('is 1 at 0 and decreasing', () => {
    expect(chi2Sf(0, 5)).toBe(1);
    expect(chi2Sf(2, 5)).toBeGreaterThan(chi2Sf(3, 5));
  });
});

describe('normal tails', () => {
  it.each([
    [1.96, 0.04999579029644087],
    [6.5, 8.032001167718176e-11],
    [0.1, 0.920344325445942],
  ])('two-sided p at z=%d matches scipy', (z, expected) => {
    expect(normalTwoSided(z) / expected).toBeCloseTo(1, 11);
    expect(normalTwoSided(-z) / expected).toBeCloseTo(1, 11);
  });
  it('CDF is symmetric', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.3) + normalCdf(-1.3)).toBeCloseTo(1, 14);
  });
});

describe('Kolmogorov distribution', () => {
  it.each([
    [0.5, 0.9639452436648751],
    [1.0, 0.26999967167735456],
    [1.36, 0.049485876755377876],
    [3.0, 3.045995948942526e-8],
  ])('kolmogorovSf(%d) matches scipy.special.kolmogorov', (x, expected) => {
    expect(kolmogorovSf(x) / expected).toBeCloseTo(1, 11);
  });
});

/** The same p-value over the whole lattice, O(n·m): the recursion as it was before the band: the reference the engine's banded one must equal. */
function ksExactPValueFull(n: number, m: number, dScaled: number): number {
  if (n <= 0 || m <= 0) return Number.NaN;
  if (dScaled <= 0) return 1;
  const row = new Float64Array(m + 1);
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (Math.abs(i * m - j * n) >= dScaled) {
        row[j] = 1;
      } else if (i === 0 && j === 0) {
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

describe('exact two-sample KS p-value', () => {
  it('matches scipy for unequal sizes (0..6 vs 3.5..13.5: D = 5/7·… )', () => {
    // scipy ks_2samp(arange(7), arange(11)+3.5, method='exact').pvalue; D computed from the ECDFs:
    // baseline 0..6 (n=7), current 3.5..13.5 (m=11): max gap at x=6 → F_b=1, F_c=3/11 → D·n·m = 77 − 21 = 56.
    expect(ksExactPValue(7, 11, 56)).toBeCloseTo(0.011060834590246352, 14);
  });
  it('p = 1 at D = 0 and uses the exact branch for small n·m', () => {
    expect(ksExactPValue(5, 5, 0)).toBe(1);
    expect(ksPValue(100, 100, 1000).mode).toBe('exact');
    expect(ksPValue(6000, 6000, 300_000).mode).toBe('asymptotic');
  });
  it.each([
    // scipy ks_2samp(a, b, method='exact') with a = arange(n), b = arange(m)·n/m + shift; dScaled = max |i·m − j·n| over the union.
    [50, 80, 670, 0.3165494466568037],
    [200, 150, 3150, 0.2838135411331729],
    [300, 300, 3300, 0.9879477457246794],
    [1000, 700, 29000, 0.4658556866730919],
    [64, 1000, 4296, 0.9315924406749095],
  ])('matches scipy ks_2samp exact for n = %d, m = %d', (n, m, dScaled, expected) => {
    expect(ksExactPValue(n, m, dScaled) / expected).toBeCloseTo(1, 12);
  });
  // The banded recursion computes only the points inside |i·m − j·n| < dScaled: it must give the very same double
  // as the recursion over the whole lattice (the drift JSON is byte-identical to before the speed-up).
  it('the banded recursion gives the same double as the full lattice (property, every D)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, m, frac) => {
        const dScaled = Math.max(1, Math.round(frac * n * m));
        expect(Object.is(ksExactPValue(n, m, dScaled), ksExactPValueFull(n, m, dScaled))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
  it('the banded recursion gives the same double as the full lattice on larger unequal samples', () => {
    for (const [n, m] of [
      [300, 217],
      [217, 300],
      [1000, 30],
      [499, 500],
    ] as const)
      for (let k = 1; k <= 40; k++) {
        const dScaled = Math.round((k / 40) ** 2 * n * m);
        expect(ksExactPValue(n, m, dScaled)).toBe(ksExactPValueFull(n, m, dScaled));
      }
  });
  it('asymptotic p approaches the exact one on large samples', () => {
    // n = m = 1900 (n·m ≤ limit, exact) vs the Stephens-corrected Kolmogorov value at the same D.
    const n = 1900;
    const dScaled = Math.round(0.045 * n) * n;
    const exact = ksExactPValue(n, n, dScaled);
    const rootEn = Math.sqrt(n / 2);
    const approx = kolmogorovSf((rootEn + 0.12 + 0.11 / rootEn) * (dScaled / (n * n)));
    expect(Math.abs(approx - exact) / exact).toBeLessThan(0.05);
  });
});

describe('multiple-testing correction', () => {
  const ps = [0.01, 0.04, 0.03, null, 0.2];
  it('Benjamini–Hochberg matches the step-up definition', () => {
    // sorted 0.01, 0.03, 0.04, 0.2 (m = 4): 0.04, 0.06, 0.0533…, 0.2 → monotone from the top: 0.04, 0.0533, 0.0533, 0.2
    const adj = adjustPValues(ps, 'bh');
    expect(adj[0]).toBeCloseTo(0.04, 15);
    expect(adj[1]).toBeCloseTo((0.04 * 4) / 3, 15);
    expect(adj[2]).toBeCloseTo((0.04 * 4) / 3, 15);
    expect(adj[3]).toBeNull();
    expect(adj[4]).toBeCloseTo(0.2, 15);
  });
  it('Bonferroni multiplies by the number of tests, capped at 1', () => {
    expect(adjustPValues(ps, 'bonferroni')).toEqual([0.04, 0.16, 0.12, null, 0.8]);
    expect(adjustPValues([0.5, 0.6], 'bonferroni')).toEqual([1, 1]);
  });
  it('none leaves p-values as they are', () => {
    expect(adjustPValues(ps, 'none')).toEqual(ps);
  });
});
