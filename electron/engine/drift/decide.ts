import type { DriftDecision, DriftResult } from '../../../shared/api/drift';
import { readable, readableInterval, readableP } from '../../../shared/driftMethods';
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

type Decidable = Pick<DriftResult, 'not_computable' | 'p_adjusted' | 'alpha' | 'effect' | 'effect_ci' | 'effect_name' | 'threshold'>;

/**
 * The decision as a person reads it, with why: the effect (and its interval) against the threshold and p
 * against alpha. Inconclusive when the interval straddles the threshold, or when the whole interval is
 * past the threshold but p is not below alpha.
 */
export function decide(r: Decidable, pLabel = 'p (adjusted)'): { drifted: boolean; decision: DriftDecision; why: string } {
  const drifted = isDrifted(r);
  if (r.not_computable !== null) return { drifted, decision: 'not_computable', why: `not computable: ${r.not_computable}` };
  const significant = r.p_adjusted === null || r.p_adjusted < r.alpha;
  const name = r.effect_name || 'effect';
  const ci = r.effect_ci;
  const effectText =
    r.effect === null ? 'no effect size' : `${name} ${readable(r.effect)}${ci ? ` (95 % interval ${readableInterval(ci)})` : ''} ${r.effect >= r.threshold ? '≥' : '<'} threshold ${readable(r.threshold)}`;
  const pText = r.p_adjusted === null ? 'no p-value' : `${pLabel} ${readableP(r.p_adjusted)} ${significant ? '<' : '≥'} α ${readable(r.alpha)}`;
  const both = `${effectText}; ${pText}`;
  if (r.effect !== null && ci && ci[0] < r.threshold && ci[1] >= r.threshold)
    return { drifted, decision: 'inconclusive', why: `inconclusive: the interval straddles the threshold — ${both}` };
  if (drifted) return { drifted, decision: 'drift', why: `drift: ${both}` };
  if (r.effect !== null && ci && ci[0] >= r.threshold && !significant) return { drifted, decision: 'inconclusive', why: `inconclusive: effect past the threshold but not significant — ${both}` };
  return { drifted, decision: 'no_drift', why: `no drift: ${both}` };
}

/**
 * Applies the correction over every drift p-value in the report (data-quality results — the null rate of a
 * label column — are not drift tests and stay out of the family), then decides each result.
 */
export function correctAndDecide(results: DriftResult[], correction: Correction): number {
  const inFamily = results.map((r) => r.section === 'drift');
  const adjusted = adjustPValues(
    results.map((r, i) => (inFamily[i] ? r.p_value : null)),
    correction,
  );
  results.forEach((r, i) => {
    if (!inFamily[i]) {
      r.p_adjusted = null;
      r.drifted = false;
      r.decision = 'data_quality';
      if (!r.why) r.why = `label coverage: missing labels ${readable(r.null_rate_baseline * 100)} % → ${readable(r.null_rate_current * 100)} %; a data-quality question, not drift`;
      return;
    }
    r.p_adjusted = adjusted[i] ?? null;
    const d = decide(r);
    r.drifted = d.drifted;
    r.decision = d.decision;
    r.why = d.why;
  });
  return adjusted.filter((p) => p !== null).length;
}
