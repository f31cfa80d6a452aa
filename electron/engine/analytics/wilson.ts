import { Z95 } from './schema';

export interface WilsonInterval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for k successes in n trials (docs/metrics.md#wilson). null when n = 0.
 * Clamped to [0, 1] so rounding never yields a negative lower bound at k = 0.
 */
export function wilson(k: number, n: number, z: number = Z95): WilsonInterval | null {
  if (!(n > 0) || k < 0 || k > n) return null;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, (centre - half) / denom), high: Math.min(1, (centre + half) / denom) };
}

/**
 * The same interval as SQL expressions over a failures column `k` and a count column `n` (both numeric SQL
 * expressions). Used so rates and intervals are computed inside DuckDB next to the counts.
 */
export function wilsonSql(k: string, n: string, z: number = Z95): { low: string; high: string } {
  const zz = String(z);
  const z2 = `(${zz} * ${zz})`;
  const p = `(CAST(${k} AS DOUBLE) / ${n})`;
  const centre = `(${p} + ${z2} / (2.0 * ${n}))`;
  const half = `(${zz} * sqrt(${p} * (1 - ${p}) / ${n} + ${z2} / (4.0 * ${n} * ${n})))`;
  const denom = `(1 + ${z2} / ${n})`;
  return {
    low: `CASE WHEN ${n} > 0 THEN greatest(0.0, (${centre} - ${half}) / ${denom}) END`,
    high: `CASE WHEN ${n} > 0 THEN least(1.0, (${centre} + ${half}) / ${denom}) END`,
  };
}
