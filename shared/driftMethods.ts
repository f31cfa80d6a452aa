import type { DriftDecision, DriftMethod } from './api/drift';

/**
 * Plain words for every drift method, the same on the Drift screen, in the CLI and in the report: a name a
 * reviewer can read, a one-line meaning of the effect, and the formula for whoever wants it.
 */
export interface DriftMethodInfo {
  /** "Distribution shift (Wasserstein)" */
  name: string;
  /** What the effect number means, in one line. */
  meaning: string;
  /** The statistic and its effect, as in docs/drift-methods.md. */
  formula: string;
}

export const DRIFT_METHOD_INFO: Readonly<Record<DriftMethod, DriftMethodInfo>> = {
  ks: {
    name: 'Largest gap in the distribution (KS)',
    meaning: 'largest difference between the share of values below any point, 0 to 1',
    formula: 'D = max |F_b(x) − F_c(x)| (two-sample Kolmogorov–Smirnov), exact; p from the KS distribution',
  },
  wasserstein: {
    name: 'Distribution shift (Wasserstein, units)',
    meaning: 'how far values moved, in column units; decided on the shift in baseline standard deviations',
    formula: 'W1 = ∫ |F_b(x) − F_c(x)| dx, exact; effect W1 / σ_baseline; p from KS on the same samples',
  },
  wasserstein_norm: {
    name: 'Distribution shift (Wasserstein)',
    meaning: 'shift in the distribution, in baseline standard deviations',
    formula: 'W1 / σ_baseline, W1 = ∫ |F_b(x) − F_c(x)| dx exact, σ_baseline the population standard deviation; p from KS',
  },
  psi: {
    name: 'Population stability (PSI)',
    meaning: 'change in the share of rows per bin; 0.10 and 0.25 are the banking bands',
    formula: 'PSI = Σ (b − c)·ln(b / c) over baseline-quantile bins, half-count smoothing; p from (1/n_b + 1/n_c)·χ²(B − 1)',
  },
  js: {
    name: 'Category mix change (Jensen–Shannon)',
    meaning: 'how different the two mixes are, 0 (same) to 1 (no overlap)',
    formula: '√JSD, log base 2, over one bin per value; p from the χ² homogeneity test on the same bins',
  },
  kl: {
    name: 'Surprise of the current mix (KL divergence)',
    meaning: 'information lost describing current with baseline shares, in nats',
    formula: 'KL(b‖c) = Σ b·ln(b / c), half-count smoothing; p from the χ² homogeneity test',
  },
  hellinger: {
    name: 'Distribution overlap (Hellinger)',
    meaning: 'how little the two distributions overlap, 0 (same) to 1 (disjoint)',
    formula: '√(½ Σ (√b − √c)²); p from the χ² homogeneity test',
  },
  chi2: {
    name: 'Category count change (chi-square)',
    meaning: "strength of the association between side and value (Cramér's V), 0 to 1",
    formula: "χ² test of homogeneity on the 2×B table; effect Cramér's V = √(χ²/N)",
  },
  z: {
    name: 'Yes/no share change (z-test)',
    meaning: "change in the share of the positive value, on the arcsine scale (Cohen's h)",
    formula: "pooled two-proportion z-test; effect Cohen's h = |2·asin√p_c − 2·asin√p_b|",
  },
  linf: {
    name: 'Largest change in one bin (L∞)',
    meaning: 'largest change in the share of any single bin, 0 to 1',
    formula: 'max |b − c| over bins; p from the χ² homogeneity test',
  },
  null_rate: {
    name: 'Missing-value change',
    meaning: "change in the share of missing values, on the arcsine scale (Cohen's h)",
    formula: "current − baseline missing share; pooled two-proportion z-test; effect Cohen's h",
  },
};

export const DRIFT_DECISION_LABEL: Readonly<Record<DriftDecision, string>> = {
  drift: 'drift',
  no_drift: 'no drift',
  inconclusive: 'inconclusive',
  not_computable: 'not computable',
  data_quality: 'label coverage',
};

/** A plain-text mark for terminals and dense tables (never colour alone). */
export const DRIFT_DECISION_MARK: Readonly<Record<DriftDecision, string>> = {
  drift: '▲',
  no_drift: '✓',
  inconclusive: '?',
  not_computable: '–',
  data_quality: 'ⓘ',
};

/** A number rounded for reading (3 significant digits; full precision stays in the JSON). */
export function readable(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(Math.max(0, digits - 1)).replace('e+', 'e');
  return String(Number(x.toPrecision(digits)));
}

/** A p-value for reading: "< 0.0001" below that, else 2 significant digits. */
export function readableP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  if (p < 1e-4) return '< 0.0001';
  return String(Number(p.toPrecision(2)));
}

export function readableInterval(ci: readonly [number, number] | null | undefined): string {
  return ci ? `[${readable(ci[0])}, ${readable(ci[1])}]` : '—';
}
