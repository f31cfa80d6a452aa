import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb } from '../../../electron/engine/db';
import { computeDrift } from '../../../electron/engine/drift/compute';
import { kolmogorovSf } from '../../../electron/engine/drift/pvalues';
import type { DriftResult } from '../../../shared/api/drift';
import { makeRecords, mulberry32, normalSample, request, round6 } from './helpers';

// Reference numbers computed once with SciPy 1.17.1 / NumPy 2.4.6 on the samples this file generates
// (the generator wrote them to CSV; a throwaway script outside the repo read the CSV and printed
// ks_2samp, wasserstein_distance, np.std, chi2_contingency(correction=False), jensenshannon).

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  ({ instance, conn } = await memoryDb());
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

function only(results: DriftResult[], method: string): DriftResult {
  const r = results.find((x) => x.method === method);
  if (!r) throw new Error(`no ${method}`);
  return r;
}

describe('normal samples, n = 300 vs 250 (exact KS)', () => {
  it('KS D, exact p, W1 and W1/σ match SciPy', async () => {
    const r = mulberry32(20260611);
    const b = normalSample(r, 300, 0, 1).map(round6);
    const c = normalSample(r, 250, 0.3, 1.2).map(round6);
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: b, current: c } });
    const rs = (await computeDrift(conn, request(['x'], { methods: ['ks', 'wasserstein', 'wasserstein_norm'] }))).results;
    expect(only(rs, 'ks').statistic).toBeCloseTo(0.17133333333333334, 15);
    expect(only(rs, 'ks').p_value).toBeCloseTo(0.0005766751985301496, 15);
    expect((only(rs, 'ks').p_value as number) / 0.0005766751985301496).toBeCloseTo(1, 11);
    expect(only(rs, 'wasserstein').statistic).toBeCloseTo(0.36108935133333336, 13);
    expect(only(rs, 'wasserstein_norm').statistic).toBeCloseTo(0.3674823253560926, 13);
    expect(only(rs, 'ks').drifted).toBe(true);
  });
});

describe('normal samples, n = 3000 vs 2500 (shift 0.075 σ)', () => {
  it('KS D and exact p match SciPy; the asymptotic formula matches scipy.special.kolmogorov', async () => {
    const r = mulberry32(7);
    const b = normalSample(r, 3000, 10, 2).map(round6);
    const c = normalSample(r, 2500, 10.15, 2).map(round6);
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: b, current: c } });
    const rs = (await computeDrift(conn, request(['x'], { methods: ['ks', 'wasserstein', 'wasserstein_norm'] }))).results;
    const ks = only(rs, 'ks');
    expect(ks.statistic).toBeCloseTo(0.05059999999999998, 15);
    expect((ks.p_value as number) / 0.0017879484007005469).toBeCloseTo(1, 10);
    expect(only(rs, 'wasserstein').statistic).toBeCloseTo(0.20121418486666665, 13);
    expect(only(rs, 'wasserstein_norm').statistic).toBeCloseTo(0.09923133071200464, 13);
    // significant but small: W1/σ just under 0.1 → not drifted, KS D 0.05 < 0.1 → not drifted
    expect(ks.p_value).toBeLessThan(0.01);
    expect(ks.drifted).toBe(false);
    expect(only(rs, 'wasserstein_norm').drifted).toBe(false);
    // scipy.special.kolmogorov((√nₑ + 0.12 + 0.11/√nₑ)·D) for this D, nₑ = 3000·2500/5500
    const rootEn = Math.sqrt((3000 * 2500) / 5500);
    expect(kolmogorovSf((rootEn + 0.12 + 0.11 / rootEn) * 0.0506) / 0.0017709491175318351).toBeCloseTo(1, 10);
  });
});

describe('categorical sample over a, b, c, d', () => {
  it('chi-square of homogeneity and JS (base 2) match SciPy', async () => {
    const r = mulberry32(99);
    const cats = ['a', 'b', 'c', 'd'];
    const pick = (p: number[]): string => {
      const u = r();
      let acc = 0;
      for (let i = 0; i < p.length; i++) {
        acc += p[i] as number;
        if (u < acc) return cats[i] as string;
      }
      return cats[cats.length - 1] as string;
    };
    const b = Array.from({ length: 400 }, () => pick([0.4, 0.3, 0.2, 0.1]));
    const c = Array.from({ length: 350 }, () => pick([0.35, 0.3, 0.2, 0.15]));
    await makeRecords(conn, { v: { type: 'VARCHAR', baseline: b, current: c } });
    const rs = (await computeDrift(conn, request(['v'], { methods: ['chi2', 'js'] }))).results;
    const chi = only(rs, 'chi2');
    expect(chi.bins?.map((x) => [x.label, x.baseline_count, x.current_count])).toEqual([
      ['a', 149, 124],
      ['b', 122, 102],
      ['c', 95, 75],
      ['d', 34, 49],
    ]);
    expect(chi.statistic).toBeCloseTo(5.831460393471566, 12);
    expect(chi.p_value).toBeCloseTo(0.12010424180250552, 13);
    expect(only(rs, 'js').statistic).toBeCloseTo(0.07486654341338712, 14);
  });
});

describe('heavily tied integer samples', () => {
  it('KS D, exact p and W1 match SciPy (ties are evaluated at the end of each group of equal values)', async () => {
    const b = [1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 5, 5, 6, 7, 7, 7, 7, 7];
    const c = [2, 2, 3, 3, 3, 3, 4, 4, 6, 6, 7, 8, 8, 8, 9, 9];
    // rows shuffled so tied values arrive in mixed order
    const mix = (xs: number[]) => xs.map((x, i) => ({ x, k: (i * 7919) % xs.length })).sort((p, q) => p.k - q.k).map((p) => p.x);
    await makeRecords(conn, { x: { type: 'BIGINT', baseline: mix(b), current: mix(c) } });
    const rs = (await computeDrift(conn, request(['x'], { methods: ['ks', 'wasserstein'] }))).results;
    expect(only(rs, 'ks').statistic).toBe(0.3125);
    expect(only(rs, 'ks').p_value).toBeCloseTo(0.31351433405075513, 14);
    expect(only(rs, 'wasserstein').statistic).toBeCloseTo(1.034722222222222, 14);
  });
});
