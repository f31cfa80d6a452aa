import type { DriftResult } from '../../../shared/api/drift';
import { adjustPValues, type Correction } from './correction';

/**
 * drifted = not computable → false; otherwise (p_adjusted < alpha, when there is a p-value) AND
 * (effect ≥ threshold, when there is an effect). Significance alone flags everything on huge
 * samples; effect alone flags noise on tiny ones.
 */
export function isDrifted(r: Pick<DriftResult, 'not_computable' | 'p_adjusted' | 'alpha' | 'effect' | 'threshold'>): boolean {
  if (r.not_computable !== null) return false;
  if (r.p_adjusted === null && r.effect === null) return false;
  const significant = r.p_adjusted === null || r.p_adjusted < r.alpha;
  const large = r.effect === null || r.effect >= r.threshold;
  return significant && large;
}

/** Applies the correction over every p-value in the report, then decides each result. */
export function correctAndDecide(results: DriftResult[], correction: Correction): number {
  const adjusted = adjustPValues(
    results.map((r) => r.p_value),
    correction,
  );
  results.forEach((r, i) => {
    r.p_adjusted = adjusted[i] ?? null;
    r.drifted = isDrifted(r);
  });
  return adjusted.filter((p) => p !== null).length;
}
