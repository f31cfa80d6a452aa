import type { DriftMethod } from '../../../shared/api/drift';

/** Drift methods in plain words, with the technical name and formula for the tooltip. */
export const METHOD_WORDS: Readonly<Record<DriftMethod, { words: string; technical: string }>> = {
  ks: { words: 'largest gap between the two distributions', technical: 'Kolmogorov–Smirnov test: D = max |F_baseline(x) − F_current(x)|' },
  wasserstein: { words: 'average shift of values', technical: 'Wasserstein-1 (earth mover’s) distance W1 = ∫ |F_baseline − F_current| dx, in the column’s units' },
  wasserstein_norm: { words: 'average shift of values, in baseline standard deviations', technical: 'normalised Wasserstein: W1 / σ_baseline' },
  psi: { words: 'population stability index', technical: 'PSI = Σ (c_i − b_i) · ln(c_i / b_i) over baseline-quantile bins' },
  js: { words: 'overlap of the two distributions (0 = same, 1 = disjoint)', technical: 'Jensen–Shannon distance, base 2' },
  kl: { words: 'information lost using the baseline for the current data', technical: 'Kullback–Leibler divergence KL(current ‖ baseline)' },
  hellinger: { words: 'distance between the two distributions (0–1)', technical: 'Hellinger distance H = √(1 − Σ √(b_i c_i))' },
  chi2: { words: 'change in category shares', technical: 'Pearson chi-squared test; effect: Cramér’s V' },
  z: { words: 'change in the share of positives', technical: 'two-proportion z-test; effect: Cohen’s h' },
  linf: { words: 'largest change in any category’s share', technical: 'L∞ distance: max_i |c_i − b_i|' },
  null_rate: { words: 'change in the share of missing values', technical: 'two-proportion z-test on null rates; effect: Cohen’s h' },
};

export function methodWords(m: DriftMethod): string {
  return METHOD_WORDS[m]?.words ?? m;
}

export function methodTooltip(m: DriftMethod, detail?: string): string {
  const w = METHOD_WORDS[m];
  return `${m}${w ? ` — ${w.technical}` : ''}${detail ? `\n${detail}` : ''}`;
}
