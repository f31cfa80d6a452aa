import type { PerformanceScan } from './performance';
import { z } from 'zod';
import { DRIFT_METHODS, type DriftBin, type DriftMethod, type DriftResult, type Selector } from './drift';
import type { CheckFinding, CheckOutcome, FileReport, IntegrityProblem, IntegrityState } from './bundle';
import type {
  ChangeLogEntry,
  ChecklistItem,
  CoverageReport,
  EvalReport,
  HealthReport,
  LineageCompleteness,
  PostureReport,
} from './analytics';
import type { Finding, Severity, Signoff } from './workspace';
import type { AsOfSource } from '../reportSignoff';
import type { AuditorMapping } from '../mapping';

/**
 * The audit report as one typed JSON document (results.json). The engine computes it from a bundle
 * session, the workspace (findings, sign-off) and the report parameters; HTML/PDF are renderings of it.
 * Deterministic: no wall clock, stable ordering, rounded numbers, canonical JSON (sorted keys).
 */
export const REPORT_MODEL_VERSION = 1 as const;

const isoInstant = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'expected an ISO 8601 date or date-time, e.g. 2026-09-01T06:00:00Z',
  });

/** "release:r1", "window:2026-03-01T00:00:00Z/2026-04-01T00:00:00Z", "dataset_version:ds-1", "model_version:m:3" or "auto". */
const selectorText = z
  .string()
  .max(300)
  .refine((s) => s === 'auto' || /^(release|window|dataset_version|model_version):.+$/.test(s), {
    message: 'expected "auto" or KEY:VALUE with KEY one of release, window, dataset_version, model_version',
  });

/**
 * Report parameters: flat scalars so they fit the workspace's `params` record and a params.json file.
 * Every key is optional; defaults are filled in and the effective values are recorded in the model.
 */
export const reportParamsSchema = z
  .object({
    /** The report's as-of time; default: the end of the bundle's period, else its exported_at (shared/reportSignoff.ts). */
    as_of: isoInstant.optional(),
    paper: z.enum(['A4', 'Letter']).optional(),
    /** Report title; default "AI system audit report". */
    title: z.string().min(1).max(300).optional(),
    /** Drift baseline; "auto" = the first promoted release. */
    drift_baseline: selectorText.optional(),
    /** Drift current side; "auto" = the last release. */
    drift_current: selectorText.optional(),
    /** Comma-separated tables to compare; default "records,spans". */
    drift_tables: z.string().max(1000).optional(),
    /** Comma-separated cohort attributes to compare per value; "auto" = every cohort attribute, "none" = overall only. */
    drift_cohort_attributes: z.string().max(2000).optional(),
    drift_bins: z.number().int().min(2).max(100).optional(),
    drift_binning: z.enum(['quantile', 'equal_width']).optional(),
    drift_correction: z.enum(['bh', 'bonferroni', 'none']).optional(),
    /** Significance level for p-value gates; default: the drift engine's (0.05). */
    drift_alpha: z.number().gt(0).lt(1).optional(),
    /** Comma-separated columns; "auto" = every comparable column except ground-truth labels (their null rate changes as labels arrive late); "all" = include labels. */
    drift_columns: z.string().max(5000).optional(),
    /** Comma-separated drift methods; "auto" = the engine's automatic choice per column. */
    drift_methods: z.string().max(500).optional(),
    /** How many bin charts the drift section draws at most. */
    drift_max_charts: z.number().int().min(0).max(200).optional(),
    /** Per cohort attribute, how many cohorts (the largest by rows) the drift section compares; the rest are counted and named. Default: every cohort. */
    drift_max_cohorts: z.number().int().min(0).max(1000).optional(),
    coverage_min_rows: z.number().int().min(1).max(1_000_000).optional(),
    coverage_small_cell_k: z.number().int().min(1).max(10_000).optional(),
    retention_days: z.number().int().min(1).max(36_500).optional(),
  })
  .strict();
export type ReportParams = z.infer<typeof reportParamsSchema>;
export const REPORT_PARAM_KEYS = Object.keys(reportParamsSchema.shape) as (keyof ReportParams)[];

export interface EffectiveReportParams {
  /** null when neither a parameter, the sign-off nor the bundle gives one: the model can be checked, never rendered. */
  as_of: string | null;
  as_of_source: AsOfSource;
  paper: 'A4' | 'Letter';
  title: string;
  drift_baseline: string;
  drift_current: string;
  drift_tables: string[];
  drift_cohort_attributes: string;
  drift_bins: number;
  drift_binning: 'quantile' | 'equal_width';
  drift_correction: 'bh' | 'bonferroni' | 'none';
  drift_alpha: number;
  drift_columns: string;
  drift_methods: string;
  drift_max_charts: number;
  /** null: every cohort of every attribute is compared (the default). */
  drift_max_cohorts: number | null;
  coverage_min_rows: number;
  coverage_small_cell_k: number;
  retention_days: number;
}

export const DRIFT_METHOD_NAMES = DRIFT_METHODS;

/** A section that could not be computed says why, instead of disappearing. */
export type Availability<T> = { status: 'ok'; data: T } | { status: 'unavailable'; reason: string };

export type FindingOrigin = 'auditor' | 'automatic';
export type ReportSectionId =
  | 'integrity'
  | 'logging'
  | 'lineage'
  | 'evals'
  | 'drift'
  | 'coverage'
  | 'fairness'
  | 'health'
  | 'compliance'
  | 'auditor';

export interface ReportFinding {
  id: string;
  origin: FindingOrigin;
  severity: Severity;
  title: string;
  detail: string;
  section: ReportSectionId;
}

export interface ReportTitle {
  title: string;
  system: string;
  exporter: string | null;
  format_version: string | null;
  period_start: string | null;
  period_end: string | null;
  as_of: string | null;
  auditor: string;
  approver: string;
  root_hash: string;
  integrity_state: IntegrityState;
  model_versions: string[];
}

/** An input file as the report lists it: the import's FileReport, with the manifest's claims always present (null when none). */
export type ReportFile = Omit<FileReport, 'inferred' | 'manifest_sha256' | 'manifest_rows'> & {
  manifest_sha256: string | null;
  manifest_rows: number | null;
};

export interface IntegritySection {
  state: IntegrityState;
  root_hash: string;
  files: ReportFile[];
  tables: { name: string; rows: number; canonical: boolean }[];
  problems: IntegrityProblem[];
  checks: CheckFinding[];
  /** Every import check with its verdict (not applicable over zero rows, counted apart from passes). */
  check_outcomes: CheckOutcome[];
  rejects_total: number;
  tool_name: string;
  tool_version: string;
  duckdb_version: string;
  /** The auditor's column mapping the bundle was opened with (absent when none): verify reopens it the same way. */
  auditor_mapping?: AuditorMapping;
}

export interface LineageSection {
  completeness: LineageCompleteness[];
  changelog: ChangeLogEntry[];
  node_counts: { type: string; count: number; warnings: number; errors: number }[];
}

export interface DriftComparison {
  table: string;
  baseline: Selector;
  current: Selector;
  /** "all" or "attr=value". */
  cohort: string;
  status: 'ok' | 'unavailable';
  reason: string | null;
  correction: 'bh' | 'bonferroni' | 'none' | null;
  alpha: number | null;
  /** The drift engine's notes: selections, decision rule, skipped columns. */
  notes: string[];
  tested: number;
  drifted: number;
  /** Results without bins: the binned distributions of drifted columns are in DriftSection.charts. */
  results: DriftResult[];
}

/** One chart of a drifted result: baseline vs current share per bin. */
export interface DriftChart {
  table: string;
  cohort: string;
  column: string;
  /** The method that flagged the drift. */
  method: DriftMethod;
  /** Where the bins come from: that method's own bins, or a PSI run over baseline-quantile bins for methods without bins (KS, Wasserstein). */
  bins_method: DriftMethod;
  bins_detail: string;
  bins: DriftBin[];
}

/** An attribute with more values than `drift_max_cohorts`: which cohorts were left out of the drift comparison. */
export interface SkippedCohorts {
  attribute: string;
  values_total: number;
  compared: number;
  /** Rows (over the drift tables) of the cohorts left out. */
  skipped_rows: number;
  skipped: string[];
}

export interface DriftSection {
  baseline: Selector | null;
  current: Selector | null;
  baseline_source: string;
  current_source: string;
  comparisons: DriftComparison[];
  /** Charts in reading order: per drifted column its all-rows result and its strongest cohort, then by effect size. */
  charts: DriftChart[];
  cohorts_skipped: SkippedCohorts[];
  /** A cohort attribute a drift table does not carry: that table has no comparison for its cohorts (one line, not one per cohort). */
  attributes_absent: { table: string; attribute: string; cohorts: number }[];
}

export interface ReportLimitation {
  id: string;
  section: ReportSectionId | 'general';
  text: string;
  /** How many like cases this line stands for (1 for a single one); `examples` names some of them. */
  count: number;
  examples: string[];
}

export interface MetricDefinition {
  term: string;
  definition: string;
}

export interface ReportModel {
  model_version: typeof REPORT_MODEL_VERSION;
  tool: { name: string; version: string; duckdb_version: string };
  /** Parameters as given (workspace + params file + command line); verify recomputes from these. */
  requested_params: ReportParams;
  params: EffectiveReportParams;
  title: ReportTitle;
  /** Sign-off fields and findings as the auditor entered them (inputs, kept verbatim so verify can recompute). */
  signoff: Signoff;
  auditor_findings: Finding[];
  executive_summary: { counts: Record<Severity, number>; findings: ReportFinding[] };
  integrity: IntegritySection;
  logging: Availability<PostureReport>;
  lineage: Availability<LineageSection>;
  evals: Availability<EvalReport>;
  drift: Availability<DriftSection>;
  coverage: Availability<CoverageReport>;
  /** Performance and fairness per group over the serving records (docs/metrics.md). */
  fairness: Availability<PerformanceScan>;
  health: Availability<HealthReport>;
  compliance: Availability<{ items: ChecklistItem[] }>;
  data_facts: { records_labelled: number | null; records_total: number | null };
  limitations: ReportLimitation[];
  definitions: MetricDefinition[];
}
