import { ksFromProfile } from './ks';
import { atomsBootstrap } from '../interval';
import { notComputable, type ColumnData, type Outcome } from './types';

/** W1 in column units (exact, from the ECDFs); effect W1/σ_baseline; significance from KS on the same samples. */
export function wasserstein(col: ColumnData, seedKey: string): Outcome {
  const p = col.profile;
  if (!p || p.w1 === null) return notComputable(`wasserstein needs a numeric column; "${col.spec.name}" holds ${col.spec.valueType} values`, 'W1/σ_baseline');
  const k = ksFromProfile(p);
  const sigma = p.stdBaseline ?? 0;
  return {
    statistic: p.w1,
    p_value: k.p,
    effect: sigma > 0 ? p.w1 / sigma : null,
    ci: sigma > 0 && p.atoms ? atomsBootstrap(p.w1 / sigma, p.atoms, seedKey) : null,
    effect_name: 'W1/σ_baseline',
    detail: [
      'exact W1 = Σ |F_b − F_c|·Δx over the sorted union of values',
      sigma > 0 ? `σ_baseline (population) = ${sigma}` : 'baseline is constant (σ = 0): decided on the p-value alone',
      `p-value from the KS test on the same samples; ${k.note}`,
    ],
    not_computable: null,
  };
}

/** W1 / σ_baseline (population std), as Evidently normalises it, but without its 0.001 floor. */
export function wassersteinNorm(col: ColumnData, seedKey: string): Outcome {
  const p = col.profile;
  if (!p || p.w1 === null) return notComputable(`wasserstein_norm needs a numeric column; "${col.spec.name}" holds ${col.spec.valueType} values`, 'W1/σ_baseline');
  const sigma = p.stdBaseline ?? 0;
  if (!(sigma > 0)) return notComputable('baseline is constant (σ = 0): normalised Wasserstein is undefined; use ks or wasserstein', 'W1/σ_baseline');
  const k = ksFromProfile(p);
  const value = p.w1 / sigma;
  return {
    statistic: value,
    p_value: k.p,
    effect: value,
    ci: p.atoms ? atomsBootstrap(value, p.atoms, seedKey) : null,
    effect_name: 'W1/σ_baseline',
    detail: [`exact W1 = ${p.w1} over σ_baseline (population) = ${sigma}`, `p-value from the KS test on the same samples; ${k.note}`],
    not_computable: null,
  };
}
