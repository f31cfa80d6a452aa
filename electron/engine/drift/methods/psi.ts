import { chi2Sf } from '../pvalues';
import { smoothedShares, type Smoothing } from './shares';

/** PSI = Σ (b − c)·ln(b / c) over smoothed shares (symmetric in the two sides). */
export function psi(baseline: readonly number[], current: readonly number[], smoothing: Smoothing = 'half_count'): number {
  const b = smoothedShares(baseline, smoothing);
  const c = smoothedShares(current, smoothing);
  let sum = 0;
  for (let i = 0; i < b.length; i++) {
    const bi = b[i] as number;
    const ci = c[i] as number;
    if (bi > 0 && ci > 0) sum += (bi - ci) * Math.log(bi / ci);
  }
  return sum;
}

/**
 * Sample-size-aware significance: under no change PSI ≈ (1/n + 1/m)·χ²(B − 1), so
 * p = P(χ²_{B−1} ≥ PSI / (1/n + 1/m)). B counts bins that are non-empty on either side.
 */
export function psiPValue(value: number, nBaseline: number, nCurrent: number, bins: number): number | null {
  if (bins < 2 || nBaseline <= 0 || nCurrent <= 0) return null;
  return chi2Sf(value / (1 / nBaseline + 1 / nCurrent), bins - 1);
}
