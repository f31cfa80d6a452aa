/** Bin counts → shares, with the empty-bin smoothing used by PSI and KL (log terms need non-zero shares). */

export type Smoothing = 'half_count' | 'evidently' | 'none';

export const SMOOTHING_NOTE = 'empty bins get half a count on that side, then shares are renormalised (half-count smoothing)';

export function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * half_count: a zero count becomes 0.5 and the side is renormalised, so the floor shrinks with n
 * (a bin empty among 10 rows is less surprising than among 10⁶).
 * evidently: Evidently's rule, kept to reproduce its published numbers: a zero share becomes
 * min_nonzero/10⁶ when min_nonzero ≤ 1e-4, else 1e-4; no renormalisation.
 */
export function smoothedShares(counts: readonly number[], smoothing: Smoothing): number[] {
  if (smoothing === 'none') return shares(counts);
  if (smoothing === 'half_count') return shares(counts.map((c) => (c === 0 ? 0.5 : c)));
  const raw = shares(counts);
  const nonzero = raw.filter((p) => p > 0);
  const minNonzero = nonzero.length > 0 ? Math.min(...nonzero) : 1;
  const fill = minNonzero <= 1e-4 ? minNonzero / 1e6 : 1e-4;
  return raw.map((p) => (p === 0 ? fill : p));
}
