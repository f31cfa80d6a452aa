import { ksPValue, KS_EXACT_MAX_CELLS } from '../pvalues';
import type { NumericProfile } from '../profile';
import { notComputable, type ColumnData, type Outcome } from './types';
import { dkwInterval } from '../interval';

export interface KsOutcome {
  d: number;
  p: number;
  mode: 'exact' | 'asymptotic';
  note: string;
}

export function ksFromProfile(p: NumericProfile): KsOutcome {
  const d = p.dScaled / (p.nBaseline * p.nCurrent);
  const { p: pValue, mode } = ksPValue(p.nBaseline, p.nCurrent, p.dScaled);
  const note =
    mode === 'exact'
      ? `KS p-value exact (two-sided, n·m = ${p.nBaseline * p.nCurrent} ≤ ${KS_EXACT_MAX_CELLS})`
      : `KS p-value asymptotic (Kolmogorov distribution at (√nₑ + 0.12 + 0.11/√nₑ)·D, nₑ = nm/(n+m); n·m > ${KS_EXACT_MAX_CELLS})`;
  return { d, p: pValue, mode, note };
}

/** Two-sample KS: exact D from the two ECDFs (SQL), p-value exact or asymptotic. */
export function ks(col: ColumnData): Outcome {
  if (!col.profile) return notComputable(`ks needs a numeric column; "${col.spec.name}" holds ${col.spec.valueType} values`, 'D');
  const r = ksFromProfile(col.profile);
  return {
    statistic: r.d,
    p_value: r.p,
    effect: r.d,
    effect_name: 'D',
    detail: [`exact D from the two empirical CDFs`, r.note],
    not_computable: null,
    ci: dkwInterval(r.d, col.profile.nBaseline, col.profile.nCurrent),
  };
}
