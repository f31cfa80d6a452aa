import { z } from 'zod';
import { bundleIdSchema } from './common';
import { selectorSchema, type Selector } from './drift';

// Model performance and fairness per group (issue 17). Formulas and the JSON shape: docs/metrics.md,
// "Performance and fairness". Every proportion carries its 95 % Wilson interval; every number is computed in DuckDB.

export const PERFORMANCE_DEFAULTS = {
  /** A group with fewer rows is reported as excluded (LL 144 practice), never dropped. */
  minRows: 30,
  /** A group under this share of the selection's rows is excluded too. */
  minShare: 0.02,
  /** Equal-width score bins over [0, 1] for ECE and the reliability curve. */
  eceBins: 10,
  /** The four-fifths rule. */
  minImpactRatio: 0.8,
  /** The smallest AUC fall between releases that counts as a drop (headline, severity). */
  minAucDrop: 0.05,
} as const;

export const performanceRequestSchema = z
  .object({
    bundleId: bundleIdSchema,
    /** Table with label / prediction / score columns (records by default). */
    table: z.string().min(1).max(200).optional(),
    /** One cohort attribute, or two for their intersection. */
    by: z.array(z.string().min(1).max(200)).min(1).max(2),
    /** Two selections compared side by side; with neither, one selection (the serving rows). */
    baseline: selectorSchema.optional(),
    current: selectorSchema.optional(),
    /** The label value that is the positive class. */
    positive: z.string().min(1).max(500).optional(),
    /** Predicted positive = score ≥ threshold. */
    threshold: z.number().finite().optional(),
    /** Predicted positive = prediction is one of these values. */
    predictedPositive: z.array(z.string().min(1).max(500)).min(1).max(50).optional(),
    /** Which predicted outcome is favourable to the person (the "selection" of the four-fifths rule). */
    favourable: z.enum(['positive', 'negative']).optional(),
    task: z.enum(['classification', 'regression']).optional(),
    /** Reference group label for disparities ("channel=web"); default: the most-favoured eligible group. */
    reference: z.string().min(1).max(1000).optional(),
    minRows: z.number().int().min(1).max(1_000_000).optional(),
    minShare: z.number().min(0).max(0.5).optional(),
    eceBins: z.number().int().min(2).max(100).optional(),
  })
  .strict();
export type PerformanceRequest = z.infer<typeof performanceRequestSchema>;

export interface Interval {
  low: number;
  high: number;
}

/** k of n with the 95 % Wilson interval; value and ci are null when n = 0. */
export interface Proportion {
  k: number;
  n: number;
  value: number | null;
  ci: Interval | null;
}

/** An estimate with a normal-approximation interval (method named where it is used). */
export interface Estimate {
  value: number | null;
  ci: Interval | null;
  /** Standard error; null when it cannot be estimated (fewer than 2 observations on a side). */
  se: number | null;
  n: number;
}

export interface ReliabilityBin {
  bin: number;
  lower: number;
  upper: number;
  n: number;
  mean_score: number | null;
  /** Share of positive labels in the bin, with its Wilson interval. */
  observed: Proportion;
}

export interface ClassificationMetrics {
  /** Label coverage: rows with a label (k) of all rows (n). */
  label_coverage: Proportion;
  /** Rows whose predicted outcome is the favourable one, of rows with a predicted outcome. */
  selection_rate: Proportion;
  /** Rows predicted positive, of rows with a predicted outcome. */
  positive_rate: Proportion;
  /** Positive labels of labelled rows. */
  prevalence: Proportion;
  /** Over rows with both a label and a predicted outcome. */
  confusion: { tp: number; fp: number; tn: number; fn: number };
  accuracy: Proportion;
  precision: Proportion;
  recall: Proportion;
  fpr: Proportion;
  fnr: Proportion;
  specificity: Proportion;
  /** 2TP / (2TP + FP + FN); not a binomial proportion, so no interval. */
  f1: number | null;
  /** Mann–Whitney AUC (ties count ½) over labelled rows with a score; DeLong standard error. */
  auc: Estimate & { n_pos: number; n_neg: number };
  /** Mean (score − y)² over labelled rows with a score in [0, 1]; normal interval. */
  brier: Estimate;
  /** Σ_b (n_b / n) |mean score_b − positive share_b| over the equal-width bins. */
  ece: { value: number | null; n: number; bins: number };
  reliability: ReliabilityBin[];
}

export interface RegressionMetrics {
  /** Rows with a numeric label and prediction. */
  n: number;
  label_coverage: Proportion;
  /** Mean |prediction − label|. */
  mae: Estimate;
  /** √(mean (prediction − label)²); interval = √ of the MSE's normal interval. */
  rmse: Estimate;
  /** Mean (prediction − label): positive = over-prediction. */
  bias: Estimate;
}

export interface GroupPart {
  attribute: string;
  /** null when the row has no value (NULL or blank). */
  value: string | null;
}

export interface GroupMetrics {
  /** Name of the selection ("all", "baseline", "current"). */
  selection: string;
  /** "(all)" for the whole selection, else "attr=value[,attr=value]" (percent-escaped like cohort params; missing → "(missing)"). */
  group: string;
  parts: GroupPart[];
  n: number;
  /** Share of the selection's rows. */
  share: number;
  /** Why the group is left out of disparities and headlines; null when it is not. */
  excluded: string | null;
  classification: ClassificationMetrics | null;
  regression: RegressionMetrics | null;
}

export type DisparityMetric = 'impact_ratio' | 'demographic_parity_difference' | 'equal_opportunity_difference' | 'equalized_odds_difference';

export interface Disparity {
  selection: string;
  group: string;
  reference: string;
  /** selection rate / reference selection rate; log (Katz) interval. */
  impact_ratio: Estimate | null;
  /** true when the impact ratio is under the four-fifths threshold. */
  below_four_fifths: boolean | null;
  /** selection rate − reference; Newcombe hybrid-score interval. */
  demographic_parity_difference: Estimate | null;
  /** TPR − reference TPR; Newcombe interval. */
  equal_opportunity_difference: Estimate | null;
  /** max(|ΔTPR|, |ΔFPR|); interval combined from the two component intervals (joint coverage ≥ 90 %). */
  equalized_odds_difference: Estimate | null;
  /** Why a value is null, e.g. "too few rows: 12 labelled positives". */
  notes: string[];
}

export type ComparedMetric = 'selection_rate' | 'accuracy' | 'precision' | 'recall' | 'fpr' | 'auc' | 'brier' | 'mae' | 'rmse' | 'bias';

export interface MetricChange {
  group: string;
  metric: ComparedMetric;
  baseline: number | null;
  current: number | null;
  /** current − baseline. */
  diff: number | null;
  ci: Interval | null;
  /** The 95 % interval of the difference lies wholly above or below 0. */
  excludes_zero: boolean | null;
  /** Two-sided p-value of the difference (normal approximation). */
  p_value: number | null;
  method: string;
}

export interface SelectionInfo {
  name: string;
  selector: Selector | null;
  /** The SQL-level description of the rows, for people ("split = 'serving' and release_id = 'r4'"). */
  scope: string;
  rows: number;
}

export interface PredictionRule {
  kind: 'label_values' | 'prediction_values' | 'threshold' | 'per_model_version';
  /** Prediction values read as positive (kind prediction_values). */
  values: string[] | null;
  threshold: number | null;
  /** option, model_versions, or label vocabulary. */
  source: string;
  /** Per model version when the rule comes from model_versions and differs between versions. */
  by_model_version: { model_version: string; values: string[] | null; threshold: number | null }[];
  /** Sentence for people: "prediction in (block, review) — from model_versions.positive_predictions". */
  description: string;
}

export interface PerformanceReport {
  table: string;
  by: string[];
  task: 'classification' | 'regression';
  positive_label: string | null;
  positive_source: string | null;
  prediction_rule: PredictionRule | null;
  favourable: 'positive' | 'negative';
  favourable_source: string;
  min_rows: number;
  min_share: number;
  ece_bins: number;
  confidence: number;
  selections: SelectionInfo[];
  groups: GroupMetrics[];
  /** Reference group per selection and how it was chosen. */
  references: { selection: string; group: string | null; source: 'chosen' | 'most_favoured'; why: string | null }[];
  disparities: Disparity[];
  /** Groups left out of disparities, with their size (also flagged in `groups`). */
  excluded: { selection: string; group: string; n: number; share: number; reason: string }[];
  /** baseline → current per group, when two selections were given. */
  changes: MetricChange[];
  notes: string[];
}

/** An AUC drop between consecutive promoted releases that the scan reports (docs/metrics.md, "headline"). */
export interface AucDrop extends MetricChange {
  attribute: string;
  baseline_release: string;
  current_release: string;
  /** Bonferroni over every comparison the scan made. */
  p_adjusted: number;
}

export interface ImpactFinding extends Disparity {
  attribute: string;
}

/**
 * Every cohort attribute of the records at once (the Overview's headline and the report's section): per-group metrics
 * over all serving rows, disparities, and the changes between consecutive promoted releases.
 */
export interface PerformanceScan {
  /** How outcomes were read (as in PerformanceReport); null when nothing could be measured. */
  rule: Pick<PerformanceReport, 'table' | 'positive_label' | 'positive_source' | 'prediction_rule' | 'favourable' | 'favourable_source' | 'min_rows' | 'min_share' | 'ece_bins'> | null;
  attributes: string[];
  /** Promoted releases in release order (the compared pairs are consecutive ones). */
  promoted: string[];
  per_attribute: {
    attribute: string;
    /** Selection "all" (the serving rows), reliability bins included. */
    groups: GroupMetrics[];
    reference: string | null;
    disparities: Disparity[];
    excluded: PerformanceReport['excluded'];
  }[];
  release_changes: { attribute: string; baseline_release: string; current_release: string; changes: MetricChange[] }[];
  /** AUC comparisons made (the Bonferroni family). */
  tested: number;
  drops: AucDrop[];
  impact: ImpactFinding[];
  not_measurable: { metric: string; reason: string }[];
}

export const performanceSchemas = {
  performance: performanceRequestSchema,
  performanceScan: z.object({ bundleId: bundleIdSchema }).strict(),
} as const;

export interface PerformanceApi {
  performance(args: PerformanceRequest): Promise<PerformanceReport>;
  performanceScan(args: z.infer<typeof performanceSchemas.performanceScan>): Promise<PerformanceScan>;
}
