import type { DriftMethod } from '../../../shared/api/drift';
import type { ColumnKind, ValueType } from './columns';

/** Integer columns with at most this many distinct values are categorical (Evidently's current rule). */
export const INTEGER_CATEGORICAL_MAX_DISTINCT = 10;
/** Numeric columns with at most this many distinct values are compared as categories (Evidently: 5). */
export const NUMERIC_FEW_VALUES = 5;
/** Evidently switches from tests to distances above this many baseline values. */
export const SMALL_SAMPLE = 1000;

export function columnKind(valueType: ValueType, distinct: number): ColumnKind {
  // No values: the kind is what the storage says (an empty selection is not a yes/no column).
  if (distinct === 0) return valueType === 'float' || valueType === 'integer' ? 'numeric' : 'categorical';
  if (distinct <= 2) return 'binary';
  if (valueType === 'string' || valueType === 'boolean') return 'categorical';
  if (valueType === 'integer' && distinct <= INTEGER_CATEGORICAL_MAX_DISTINCT) return 'categorical';
  if (distinct <= NUMERIC_FEW_VALUES) return 'categorical';
  return 'numeric';
}

export interface AutoChoice {
  method: DriftMethod;
  reason: string;
}

/**
 * Evidently's defaults, kept where they are right, with its users' complaints fixed elsewhere
 * (every choice is gated by a sample-size-aware p-value AND an effect size, so large samples no
 * longer flag every column):
 *   binary                        → z (two-proportion; effect Cohen's h)
 *   categorical, n_baseline ≤ 1000 → chi2 (homogeneity; effect Cramér's V)
 *   categorical, n_baseline > 1000 → js (base 2, in [0, 1]; p from chi2 on the same bins)
 *   numeric,     n_baseline ≤ 1000 → ks (exact p for small samples; effect D)
 *   numeric,     n_baseline > 1000 → wasserstein_norm (exact W1 / σ_baseline; p from KS)
 */
export function autoMethod(kind: ColumnKind, nBaseline: number): AutoChoice {
  if (kind === 'binary') return { method: 'z', reason: 'auto: binary column → z' };
  if (kind === 'categorical')
    return nBaseline <= SMALL_SAMPLE
      ? { method: 'chi2', reason: `auto: categorical, n_baseline ${nBaseline} ≤ ${SMALL_SAMPLE} → chi2` }
      : { method: 'js', reason: `auto: categorical, n_baseline ${nBaseline} > ${SMALL_SAMPLE} → js` };
  return nBaseline <= SMALL_SAMPLE
    ? { method: 'ks', reason: `auto: numeric, n_baseline ${nBaseline} ≤ ${SMALL_SAMPLE} → ks` }
    : { method: 'wasserstein_norm', reason: `auto: numeric, n_baseline ${nBaseline} > ${SMALL_SAMPLE} → wasserstein_norm` };
}

/** Default effect-size thresholds (the decision also needs p_adjusted < alpha where a p-value exists). */
export const DEFAULT_THRESHOLDS: Record<DriftMethod, number> = {
  ks: 0.1,
  wasserstein: 0.1,
  wasserstein_norm: 0.1,
  psi: 0.1,
  js: 0.1,
  kl: 0.1,
  hellinger: 0.1,
  chi2: 0.1,
  z: 0.1,
  linf: 0.1,
  null_rate: 0.1,
};

export const DEFAULT_ALPHA = 0.05;
