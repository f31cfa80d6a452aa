import { describe, expect, it } from 'vitest';
import { arcsineInterval, atomsBootstrap, binsBootstrap, dkwInterval, poisson, poissonSampler, seedOf, uniforms } from '../../../electron/engine/drift/interval';
import { psi } from '../../../electron/engine/drift/methods/psi';
import { jensenShannon } from '../../../electron/engine/drift/methods/js';

describe('effect intervals', () => {
  it('KS D: the DKW band D ± (ε(n_b) + ε(n_c)), ε(n) = √(ln(4/α)/2n), clipped to [0, 1]', () => {
    const e = (n: number) => Math.sqrt(Math.log(80) / (2 * n));
    const r = dkwInterval(0.3, 100, 400);
    expect(r?.ci[0]).toBeCloseTo(0.3 - e(100) - e(400), 15);
    expect(r?.ci[1]).toBeCloseTo(0.3 + e(100) + e(400), 15);
    expect(dkwInterval(0.1, 24, 24)?.ci).toEqual([0, expect.closeTo(0.1 + 2 * e(24), 15)]);
    expect(dkwInterval(0.5, 0, 10)).toBeNull();
  });

  it("Cohen's h: normal interval on the arcsine scale, folded at 0", () => {
    const h = 2 * Math.asin(Math.sqrt(0.6)) - 2 * Math.asin(Math.sqrt(0.5));
    const se = Math.sqrt(1 / 1000 + 1 / 1000);
    const r = arcsineInterval(0.5, 1000, 0.6, 1000);
    expect(r?.ci[0]).toBeCloseTo(h - 1.959963984540054 * se, 12);
    expect(r?.ci[1]).toBeCloseTo(h + 1.959963984540054 * se, 12);
    // A difference whose interval spans 0 starts at 0.
    expect(arcsineInterval(0.5, 50, 0.52, 50)?.ci[0]).toBe(0);
  });

  it('the per-mean sampler draws exactly what poisson draws, uniform for uniform (bootstrap replicates unchanged)', () => {
    const lambdas = [0, 0.5, 3, 29.999, 30, 31, 470, 12_000, -1, 7];
    const a = uniforms(seedOf('sampler'));
    const b = uniforms(seedOf('sampler'));
    const draw = poissonSampler(lambdas);
    const out = new Float64Array(lambdas.length);
    for (let r = 0; r < 300; r++) {
      draw(a, out);
      expect([...out]).toEqual(lambdas.map((l) => poisson(l, b)));
    }
    // Both generators consumed the same uniforms.
    expect(a()).toBe(b());
  });

  it('Poisson draws have the right mean below and above the exact/normal switch', () => {
    const u = uniforms(seedOf('poisson'));
    for (const lambda of [0.5, 4, 29, 31, 500]) {
      let s = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) s += poisson(lambda, u);
      expect(Math.abs(s / n - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
    }
  });

  it('bootstrap intervals are deterministic per comparison, contain the effect and shrink with n', () => {
    const b = [120, 300, 330, 250];
    const c = [100, 280, 350, 270];
    const est = psi(b, c);
    const one = binsBootstrap(est, b, c, (x, y) => psi(x, y), 'amount\0all\0psi');
    const again = binsBootstrap(est, b, c, (x, y) => psi(x, y), 'amount\0all\0psi');
    const other = binsBootstrap(est, b, c, (x, y) => psi(x, y), 'amount\0region=EU\0psi');
    expect(one).toEqual(again);
    expect(one?.ci).not.toEqual(other?.ci);
    expect(one?.ci[0]).toBeLessThanOrEqual(est);
    expect(one?.ci[1]).toBeGreaterThanOrEqual(est);
    const big = binsBootstrap(est, b.map((x) => x * 100), c.map((x) => x * 100), (x, y) => psi(x, y), 'k');
    expect((big?.ci[1] ?? 0) - (big?.ci[0] ?? 0)).toBeLessThan(((one?.ci[1] ?? 0) - (one?.ci[0] ?? 0)) / 5);
    // Bounded effects stay in [0, 1].
    const js = binsBootstrap(jensenShannon([5, 0], [0, 5], 2), [5, 0], [0, 5], (x, y) => jensenShannon(x, y, 2), 'js', 1);
    expect(js?.ci[1]).toBeLessThanOrEqual(1);
  });

  it('W1/σ over atoms: a clear shift gives an interval away from 0, identical samples one reaching 0', () => {
    const mean = Array.from({ length: 64 }, (_, a) => -2 + (4 * (a + 0.5)) / 64);
    const counts = mean.map(() => 500);
    // 32 000 values a side, uniform on [−2, 2] (σ = 4/√12), shifted by 0.5: W1/σ = 0.433.
    const est = 0.5 / (4 / Math.sqrt(12));
    const shifted = atomsBootstrap(est, { countB: counts, countC: counts, meanB: mean, meanC: mean.map((x) => x + 0.5) }, 'x');
    expect(shifted?.ci[0]).toBeGreaterThan(est - 0.05);
    expect(shifted?.ci[0]).toBeLessThan(est);
    expect(shifted?.ci[1]).toBeLessThan(est + 0.05);
    const same = atomsBootstrap(0, { countB: counts, countC: counts, meanB: mean, meanC: mean }, 'x');
    expect(same?.ci[0]).toBe(0);
    expect(same?.ci[1]).toBeGreaterThan(0);
    expect(same?.ci[1]).toBeLessThan(0.05);
  });
});
