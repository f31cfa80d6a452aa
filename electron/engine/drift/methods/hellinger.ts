import { shares } from './shares';

/** Hellinger distance √(½·Σ (√b − √c)²) in [0, 1]; equals √(1 − Σ √(b·c)) without its rounding below zero. */
export function hellinger(baseline: readonly number[], current: readonly number[]): number {
  const p = shares(baseline);
  const q = shares(current);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const d = Math.sqrt(p[i] as number) - Math.sqrt(q[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum / 2);
}
