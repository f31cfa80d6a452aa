import type { DriftMethod } from '../../../shared/api/drift';
import type { Atoms } from './profile';

/**
 * Intervals on effects (docs/drift-methods.md, "Intervals"): deterministic, 95 %.
 *
 * - KS D: the DKW band (Massart's constant): each empirical CDF is within ε(n) = √(ln(4/α)/(2n)) of its true
 *   CDF with probability ≥ 1 − α/2, so the true D is within ε(n_b) + ε(n_c) of the estimate (≥ 95 %, a
 *   guaranteed bound, no resampling).
 * - Cohen's h (z, null_rate): 2·asin√p has variance ≈ 1/n, so h ± 1.96·√(1/n_b + 1/n_c) on the signed
 *   difference, folded to |h|.
 * - W1/σ and the binned effects (PSI, JS, KL, Hellinger, L∞, Cramér's V): a seeded Poisson bootstrap
 *   (each row's weight ~ Poisson(1), so a bin's or atom's count ~ Poisson(count)) of BOOTSTRAP_REPLICATES
 *   replicates; the 2.5 % and 97.5 % replicate quantiles, moved so that the replicates' median lands on the
 *   exact effect minus the bootstrap's estimate of its bias (distances are biased upward: two samples of one
 *   distribution are never at distance 0; this also puts the coarse atoms of W1/σ on the exact value). Bins
 *   keep their edges (the interval is conditional on them). The seed is a hash of column, cohort and method,
 *   so the same comparison always gets the same interval.
 */
export const CI_LEVEL = 0.95;
export const BOOTSTRAP_REPLICATES = 200;
const Z = 1.959963984540054;
const ALPHA = 1 - CI_LEVEL;

export type Interval = [number, number];

export interface EffectInterval {
  ci: Interval;
  method: string;
}

/** FNV-1a of a string: the bootstrap seed of one comparison. */
export function seedOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, seeded generator of uniforms in (0, 1). */
export function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** Poisson(λ): exact (Knuth) below 30, the normal approximation rounded to an integer above. */
export function poisson(lambda: number, u: () => number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 30) return knuth(Math.exp(-lambda), u);
  return normalDraw(lambda, Math.sqrt(lambda), u);
}

function knuth(limit: number, u: () => number): number {
  let k = 0;
  let p = u();
  while (p > limit) {
    k++;
    p *= u();
  }
  return k;
}

function normalDraw(lambda: number, root: number, u: () => number): number {
  const z = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return Math.max(0, Math.round(lambda + root * z));
}

/**
 * `poisson` for a fixed list of means, drawn many times (a bootstrap's replicates): exp(−λ) and √λ are taken
 * once per mean instead of once per draw. Every draw takes the same uniforms and operations as `poisson`, so
 * the replicates are the same numbers.
 */
export function poissonSampler(lambdas: ArrayLike<number>): (u: () => number, out: { [i: number]: number; length: number }) => void {
  const k = lambdas.length;
  const lambda = Float64Array.from(lambdas);
  // 0: λ ≤ 0 (no draw), 1: Knuth with limit exp(−λ), 2: normal with √λ.
  const mode = new Uint8Array(k);
  const constant = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const l = lambda[i] as number;
    if (!(l > 0)) mode[i] = 0;
    else if (l < 30) {
      mode[i] = 1;
      constant[i] = Math.exp(-l);
    } else {
      mode[i] = 2;
      constant[i] = Math.sqrt(l);
    }
  }
  return (u, out) => {
    for (let i = 0; i < k; i++) {
      const m = mode[i];
      out[i] = m === 0 ? 0 : m === 1 ? knuth(constant[i] as number, u) : normalDraw(lambda[i] as number, constant[i] as number, u);
    }
  };
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** DKW band for the two-sample KS D. */
export function dkwInterval(d: number, nb: number, nc: number): EffectInterval | null {
  if (!(nb > 0 && nc > 0)) return null;
  const eps = (n: number) => Math.sqrt(Math.log(4 / ALPHA) / (2 * n));
  const e = eps(nb) + eps(nc);
  return { ci: [clip(d - e, 0, 1), clip(d + e, 0, 1)], method: `DKW band: D ± (ε(n_b) + ε(n_c)), ε(n) = √(ln(4/α)/2n) = ${round(e)} here, α = ${round(ALPHA)}; guaranteed ≥ 95 %` };
}

/** Normal interval of Cohen's h on the arcsine scale, folded to |h|. */
export function arcsineInterval(pb: number, nb: number, pc: number, nc: number): EffectInterval | null {
  if (!(nb > 0 && nc > 0)) return null;
  const signed = 2 * Math.asin(Math.sqrt(pc)) - 2 * Math.asin(Math.sqrt(pb));
  const se = Math.sqrt(1 / nb + 1 / nc);
  const lo = signed - Z * se;
  const hi = signed + Z * se;
  const ci: Interval = lo <= 0 && hi >= 0 ? [0, Math.max(-lo, hi)] : [Math.min(Math.abs(lo), Math.abs(hi)), Math.max(Math.abs(lo), Math.abs(hi))];
  return { ci: [ci[0], Math.min(Math.PI, ci[1])], method: `normal interval on the arcsine scale: h ± 1.96·√(1/n_b + 1/n_c), 1.96·se = ${round(Z * se)}` };
}

function round(x: number): number {
  return Number(x.toPrecision(3));
}

/**
 * Bias-corrected percentile interval: the replicates' spread around their median, centred on the exact
 * estimate minus the bootstrap's estimate of the bias (median of the replicates − the statistic on the
 * resampled representation, `reference`), clipped to [0, upper].
 */
function fromReplicates(estimate: number, reps: number[], upper: number, reference: number): Interval | null {
  if (reps.length < BOOTSTRAP_REPLICATES / 2) return null;
  reps.sort((a, b) => a - b);
  const at = (q: number) => reps[Math.min(reps.length - 1, Math.max(0, Math.floor(q * reps.length)))] as number;
  const median = at(0.5);
  const centre = estimate - (median - reference);
  return [clip(centre + at(ALPHA / 2) - median, 0, upper), clip(centre + at(1 - ALPHA / 2) - median, 0, upper)];
}

/** Poisson bootstrap of an effect over bin counts (edges held fixed). */
export function binsBootstrap(
  estimate: number,
  baseline: readonly number[],
  current: readonly number[],
  effect: (b: number[], c: number[]) => number | null,
  seedKey: string,
  upper = Number.POSITIVE_INFINITY,
): EffectInterval | null {
  const u = uniforms(seedOf(seedKey));
  const reps: number[] = [];
  const drawB = poissonSampler(baseline);
  const drawC = poissonSampler(current);
  for (let r = 0; r < BOOTSTRAP_REPLICATES; r++) {
    // Fresh arrays each replicate: `effect` may keep them.
    const b = new Array<number>(baseline.length);
    const c = new Array<number>(current.length);
    drawB(u, b);
    drawC(u, c);
    if (!b.some((x) => x > 0) || !c.some((x) => x > 0)) continue;
    const e = effect(b, c);
    if (e !== null && Number.isFinite(e)) reps.push(e);
  }
  const ci = fromReplicates(estimate, reps, upper, estimate);
  return ci ? { ci, method: `seeded Poisson bootstrap of the bin counts (${BOOTSTRAP_REPLICATES} replicates, edges fixed), 2.5–97.5 % quantiles re-centred on the effect` } : null;
}

/** W1/σ_baseline of two weighted point sets already merged in value order (side 0 baseline, 1 current). */
function w1OverSigma(x: Float64Array, side: Uint8Array, w: Float64Array): number | null {
  const k = x.length;
  let wb = 0;
  let wc = 0;
  let sb = 0;
  for (let i = 0; i < k; i++) {
    if (side[i] === 0) {
      wb += w[i] as number;
      sb += (w[i] as number) * (x[i] as number);
    } else wc += w[i] as number;
  }
  if (!(wb > 0 && wc > 0)) return null;
  const mean = sb / wb;
  let ss = 0;
  for (let i = 0; i < k; i++) if (side[i] === 0) ss += (w[i] as number) * ((x[i] as number) - mean) ** 2;
  const sigma = Math.sqrt(ss / wb);
  if (!(sigma > 0)) return null;
  let fb = 0;
  let fc = 0;
  let w1 = 0;
  for (let i = 0; i < k - 1; i++) {
    if (side[i] === 0) fb += (w[i] as number) / wb;
    else fc += (w[i] as number) / wc;
    w1 += Math.abs(fb - fc) * ((x[i + 1] as number) - (x[i] as number));
  }
  return w1 / sigma;
}

/** Poisson bootstrap of W1/σ_baseline over the atoms of both samples. */
export function atomsBootstrap(estimate: number, atoms: Atoms, seedKey: string): EffectInterval | null {
  const pts: [number, number, number][] = [];
  for (let a = 0; a < atoms.countB.length; a++) {
    if ((atoms.countB[a] as number) > 0) pts.push([atoms.meanB[a] as number, 0, atoms.countB[a] as number]);
    if ((atoms.countC[a] as number) > 0) pts.push([atoms.meanC[a] as number, 1, atoms.countC[a] as number]);
  }
  // Atoms are value ranges of the union, so this is nearly sorted already; sorted once, weights redrawn per replicate
  // into one typed array (no allocation per replicate).
  pts.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const x = Float64Array.from(pts, (p) => p[0]);
  const side = Uint8Array.from(pts, (p) => p[1]);
  const count = Float64Array.from(pts, (p) => p[2]);
  const reference = w1OverSigma(x, side, count);
  if (reference === null) return null;
  const u = uniforms(seedOf(seedKey));
  const reps: number[] = [];
  const draw = poissonSampler(count);
  const w = new Float64Array(count.length);
  for (let r = 0; r < BOOTSTRAP_REPLICATES; r++) {
    draw(u, w);
    const e = w1OverSigma(x, side, w);
    if (e !== null) reps.push(e);
  }
  const ci = fromReplicates(estimate, reps, Number.POSITIVE_INFINITY, reference);
  return ci
    ? { ci, method: `seeded Poisson bootstrap over ${atoms.countB.length} value ranges of the two samples (${BOOTSTRAP_REPLICATES} replicates), 2.5–97.5 % quantiles re-centred on the exact effect` }
    : null;
}

/** Whether a method's effect interval comes from the bins (bootstrap of their counts). */
export function binnedEffect(method: DriftMethod): boolean {
  return method === 'psi' || method === 'js' || method === 'kl' || method === 'hellinger' || method === 'linf' || method === 'chi2';
}
