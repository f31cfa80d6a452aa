import { smoothedShares, type Smoothing } from './shares';

/** KL(baseline ‖ current) = Σ b·ln(b / c), natural log, over smoothed shares. Not symmetric. */
export function klDivergence(baseline: readonly number[], current: readonly number[], smoothing: Smoothing = 'half_count'): number {
  const b = smoothedShares(baseline, smoothing);
  const c = smoothedShares(current, smoothing);
  let sum = 0;
  for (let i = 0; i < b.length; i++) {
    const bi = b[i] as number;
    const ci = c[i] as number;
    if (bi > 0 && ci > 0) sum += bi * Math.log(bi / ci);
  }
  return sum;
}
