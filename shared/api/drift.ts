import { z } from 'zod';
import { bundleIdSchema, jobIdSchema } from './common';

export const DRIFT_METHODS = ['ks', 'wasserstein', 'wasserstein_norm', 'psi', 'js', 'kl', 'hellinger', 'chi2', 'z', 'linf', 'null_rate'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

export const SELECTOR_KEYS = ['window', 'release', 'dataset_version', 'model_version'] as const;
export type SelectorKey = (typeof SELECTOR_KEYS)[number];

/** Baseline / current selection. window value is an ISO 8601 half-open interval START/END. */
export const selectorSchema = z.object({ key: z.enum(SELECTOR_KEYS), value: z.string().min(1).max(200) }).strict();
export type Selector = z.infer<typeof selectorSchema>;

export const cohortFilterSchema = z.object({ attribute: z.string().min(1).max(200), value: z.string().max(500) }).strict();
export type CohortFilter = z.infer<typeof cohortFilterSchema>;

export const driftRequestSchema = z
  .object({
    bundleId: bundleIdSchema,
    /** records, spans, or any table with a timestamp column. */
    table: z.string().min(1).max(200),
    /** Empty or missing = every comparable column (features, score, prediction, label; derived LLM signals for spans). */
    columns: z.array(z.string().min(1).max(200)).max(500).optional(),
    baseline: selectorSchema,
    current: selectorSchema,
    cohort: z.array(cohortFilterSchema).max(20).optional(),
    /**
     * Compare every cohort of this attribute in one pass (grouped SQL): one result set per value present in
     * either selection, p-values corrected over the whole grid. `cohort` filters on other attributes still apply.
     */
    cohort_by: z.string().min(1).max(200).optional(),
    /** Missing = automatic choice per column (docs/drift-methods.md). */
    methods: z.array(z.enum(DRIFT_METHODS)).max(DRIFT_METHODS.length).optional(),
    bins: z.number().int().min(2).max(1000).optional(),
    binning: z.enum(['quantile', 'equal_width']).optional(),
    /** Per-time-bucket series of the current side. */
    by: z.enum(['day', 'week', 'month']).optional(),
    chunks: z.number().int().min(2).max(500).optional(),
    correction: z.enum(['bh', 'bonferroni', 'none']).optional(),
    /** Also return bins and series as Arrow IPC streams (report.arrow) for charts. */
    arrow: z.boolean().optional(),
    /** Significance level for p-value gates (default 0.05). */
    alpha: z.number().gt(0).lt(1).optional(),
    /** Effect-size thresholds per method, overriding the defaults in docs/drift-methods.md. */
    thresholds: z.partialRecord(z.enum(DRIFT_METHODS), z.number().min(0)).optional(),
    jobId: jobIdSchema.optional(),
  })
  .strict();
export type DriftRequest = z.infer<typeof driftRequestSchema>;

export interface DriftBin {
  /** Label for people: "[0.1, 0.5)", "EU", "(out of baseline range: below)", "(unseen in baseline)", "(null)". */
  label: string;
  lower: number | null;
  upper: number | null;
  baseline_count: number;
  current_count: number;
  baseline_share: number;
  current_share: number;
}

/** How a result reads for a person: drift, no drift, inconclusive (the interval straddles the threshold), not computable, or data quality (label coverage). */
export const DRIFT_DECISIONS = ['drift', 'no_drift', 'inconclusive', 'not_computable', 'data_quality'] as const;
export type DriftDecision = (typeof DRIFT_DECISIONS)[number];

export interface DriftResult {
  column: string;
  /** "all" or "attr=value[,attr=value]" */
  cohort: string;
  column_kind: 'numeric' | 'categorical' | 'binary';
  method: DriftMethod;
  /** null when not computable. */
  statistic: number | null;
  p_value: number | null;
  /** p-value after multiple-testing correction, for methods with a p-value. */
  p_adjusted: number | null;
  /** Significance level the adjusted p-value is compared with. */
  alpha: number;
  /** Effect size the decision uses (D, W1/σ, PSI, JS, Cramér's V, Cohen's h, ...), named in effect_name. */
  effect: number | null;
  effect_name: string;
  /** 95 % interval of `effect` ([low, high], docs/drift-methods.md "Intervals"), null when there is no effect. */
  effect_ci: [number, number] | null;
  /** How effect_ci was made (DKW band, seeded bootstrap, arcsine normal interval). */
  effect_ci_method: string | null;
  /** Threshold on `effect`: drifted = p_adjusted < alpha (when there is a p-value) AND effect ≥ threshold. */
  threshold: number;
  drifted: boolean;
  /** drifted, refined by the interval: inconclusive when effect_ci straddles the threshold. */
  decision: DriftDecision;
  /** One sentence: the effect against the threshold and p against alpha (or why not computable / data quality). */
  why: string;
  /** 'data_quality' for the null rate of a label column (label coverage, not drift). */
  section: 'drift' | 'data_quality';
  n_baseline: number;
  n_current: number;
  null_rate_baseline: number;
  null_rate_current: number;
  /** e.g. "exact", "asymptotic", "reference-quantile bins (10)", "auto: n>1000 numeric". */
  detail: string;
  not_computable: string | null;
  bins?: DriftBin[];
}

export interface DriftSeriesPoint {
  /** "2026-06-15" (day/week/month start) or "chunk 3/10". */
  bucket: string;
  bucket_start: string;
  /** Exclusive end of the bucket (ISO), null for the last chunk. */
  bucket_end: string | null;
  column: string;
  cohort: string;
  method: DriftMethod;
  statistic: number | null;
  /** Unadjusted p-value of this bucket's comparison (series points are not multiple-testing corrected). */
  p_value: number | null;
  effect: number | null;
  effect_ci: [number, number] | null;
  threshold: number;
  drifted: boolean;
  decision: DriftDecision;
  why: string;
  n_baseline: number;
  n_current: number;
  not_computable: string | null;
  /**
   * The bucket covers only part of its calendar span (the current side starts or ends inside it): shown
   * faded with its n and left out of the trend line by default. Chunks are never partial.
   */
  partial: boolean;
  /** Share of the bucket's span between the first and last timestamp of the current side (1 = whole bucket). */
  coverage: number;
}

export interface DriftReport {
  request: Omit<DriftRequest, 'bundleId' | 'jobId'>;
  correction: 'bh' | 'bonferroni' | 'none';
  alpha: number;
  /** How many p-values the correction was applied over. */
  tests_corrected: number;
  /** Confidence level of every effect_ci. */
  ci_level: number;
  /** Kind and method per column, chosen once from the whole selection (all cohorts) so every cohort is the same statistic. */
  plan: DriftColumnPlan[];
  /** Human-readable notes: selections, cohorts, decision rule, skipped columns. */
  notes: string[];
  results: DriftResult[];
  series: DriftSeriesPoint[];
  /** Present when the request asked for it: Arrow IPC streams of every result's bins and of the series. */
  arrow?: { bins: Uint8Array; series: Uint8Array };
  elapsed_ms: number;
}

export interface DriftColumnPlan {
  column: string;
  column_kind: 'numeric' | 'categorical' | 'binary';
  /** The methods every cohort of this column uses (null_rate is added where there are missing values). */
  methods: DriftMethod[];
  /** Why: "auto: numeric (u > 10 over both selections), n_baseline 2498 > 1000 → wasserstein_norm". */
  reason: string;
}

export interface DriftOptions {
  tables: {
    name: string;
    timestamp_column: string | null;
    /** `distinct`: approximate count of distinct values (approx_count_distinct), e.g. to offer only few-valued columns as groups. */
    columns: { name: string; kind: 'numeric' | 'categorical' | 'binary'; role: string | null; distinct: number }[];
  }[];
  releases: { release_id: string; released_at: string | null }[];
  dataset_versions: string[];
  model_versions: string[];
  /**
   * Cohort attributes: declared (role cohort, the cohorts table) or, when a table declares none, offered — the file's
   * own text columns with 2–50 values (`offered: true`; the report's automatic cohorts leave them out).
   */
  cohort_attributes: { attribute: string; values: string[]; offered?: true }[];
  period: { start: string | null; end: string | null };
  /**
   * The comparison this bundle starts from, derived from its own data: the first vs the last release when there
   * are two or more, else the first vs the second half of its period; null where neither exists. `why` says which.
   */
  defaults: { table: string | null; baseline: Selector | null; current: Selector | null; why: string };
}

export const driftSchemas = {
  driftOptions: z.object({ bundleId: bundleIdSchema }).strict(),
  computeDrift: driftRequestSchema,
} as const;

export interface DriftApi {
  driftOptions(args: z.infer<typeof driftSchemas.driftOptions>): Promise<DriftOptions>;
  computeDrift(args: DriftRequest): Promise<DriftReport>;
}
