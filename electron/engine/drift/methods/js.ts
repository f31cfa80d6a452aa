import { shares } from './shares';

/**
 * Jensen–Shannon distance √JSD with logarithm base `base` (default 2, so the distance is in [0, 1]).
 * No smoothing is needed: 0·log 0 = 0 and the mixture is non-zero wherever either side is.
 */
export function jensenShannon(baseline: readonly number[], current: readonly number[], base = 2): number {
  const p = shares(baseline);
  const q = shares(current);
  let div = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    const mi = (pi + qi) / 2;
    if (pi > 0) div += 0.5 * pi * Math.log(pi / mi);
    if (qi > 0) div += 0.5 * qi * Math.log(qi / mi);
  }
  return Math.sqrt(Math.max(0, div / Math.log(base)));
}
