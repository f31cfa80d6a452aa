import { shares } from './shares';

/** L∞ distance: the largest absolute difference of bin (category) shares. */
export function lInfinity(baseline: readonly number[], current: readonly number[]): number {
  const p = shares(baseline);
  const q = shares(current);
  let max = 0;
  for (let i = 0; i < p.length; i++) max = Math.max(max, Math.abs((p[i] as number) - (q[i] as number)));
  return max;
}
