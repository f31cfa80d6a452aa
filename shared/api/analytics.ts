import { z } from 'zod';
import { bundleIdSchema, type Cell } from './common';
import type { DriftMethod } from './drift';
import type { CheckVerdict } from '../verdict';
import type { Severity } from '../severity';

// Analytics contract: lineage, cohort coverage, evals, release health, compliance posture, overview.
// Every metric is defined once in docs/metrics.md. Rates are 0..1 (null when the denominator is 0);
// timestamps are ISO 8601 UTC strings; days are "YYYY-MM-DD".

/** Something a report could not measure from this bundle, and why. */
export interface NotMeasurable {
  metric: string;
  reason: string;
}

// ---------- lineage ----------

export type LineageNodeType = 'dataset_version' | 'training_run' | 'model_version' | 'release' | 'deployment_event';
export type NodeStatus = 'ok' | 'warning' | 'error';

export interface LineageNode {
  /** "<type>:<raw id>", unique in the graph. */
  id: string;
  type: LineageNodeType;
  /** The raw id as the bundle spells it. */
  label: string;
  status: NodeStatus;
  /** Why the status is not ok; empty when ok. */
  issues: string[];
  /** false for ids referenced by another table but not defined in their own table. */
  defined: boolean;
  detail: Record<string, Cell>;
}
export interface LineageEdge {
  from: string;
  to: string;
  /** derived_from (dataset → dataset), trained_on, produced, shipped_in, event. */
  relation: 'derived_from' | 'trained_on' | 'produced' | 'shipped_in' | 'event';
}
export interface LineageGap {
  reason: string;
  count: number;
  /** Up to 5 ids, sorted. */
  examples: string[];
}
export interface LineageCompleteness {
  table: 'spans' | 'records';
  unit: 'trace' | 'record';
  /** Which rows were counted, e.g. "records with split = 'serving'". */
  scope: string;
  total: number;
  with_model_version: number;
  with_dataset_version: number;
  with_release: number;
  complete: number;
  share_complete: number | null;
  gaps: LineageGap[];
}
export interface LineageChain {
  query_id: string;
  found_as: 'trace' | 'span' | 'record' | null;
  trace_id: string | null;
  spans_in_trace: number;
  records: string[];
  dataset_version: string | null;
  /** Where the dataset version came from: the row itself or its model's training run. */
  dataset_version_source: 'row' | 'training_run' | null;
  feature_pipeline: string | null;
  training_run: string | null;
  model_version: string | null;
  release_id: string | null;
  approved_by: string | null;
  deployment_events: { event_id: string; event_type: string | null; ts: string | null; actor: string | null }[];
  evals: { n: number; failures: number };
  missing: string[];
}
export interface ChangeLogEntry {
  release_id: string;
  /** false for a release id referenced by deployment_events or eval_results but missing from releases. */
  defined: boolean;
  released_at: string | null;
  model_version: string | null;
  previous_model_version: string | null;
  dataset_version: string | null;
  previous_dataset_version: string | null;
  prompt_version: string | null;
  previous_prompt_version: string | null;
  changed: ('model_version' | 'dataset_version' | 'prompt_version')[];
  approved_by: string | null;
  approval_source: 'release_record' | 'audit_log' | null;
  /** The pre-release gate (EvalReport.gate stages) has at least one result for this release dated before released_at. */
  eval_before_release: boolean;
  /** The pre-release gate passed (see EvalReport.gate). */
  passing_eval_before_release: boolean;
  outcome: 'promoted' | 'rolled_back' | 'in_canary' | 'unknown';
}
export interface LineageReport {
  nodes: LineageNode[];
  edges: LineageEdge[];
  completeness: LineageCompleteness[];
  changelog: ChangeLogEntry[];
  chain: LineageChain | null;
  not_measurable: NotMeasurable[];
}

// ---------- cohort coverage ----------

export interface CoverageCohort {
  cohort_id: string;
  attribute: string;
  value: string;
  release_critical: boolean;
  /** Threshold for this cohort: its min_eval_rows, else the default. */
  min_rows: number;
  source: 'definition' | 'attribute';
  /** false when eval_results has no column named like the attribute. */
  measurable: boolean;
}
export interface CoverageCell {
  release_id: string;
  cohort_id: string;
  attribute: string;
  value: string;
  release_critical: boolean;
  /** null when not measurable (no eval_results or no such column). */
  eval_rows: number | null;
  traffic_rows: number | null;
  traffic_share: number | null;
  eval_share: number | null;
  min_rows: number;
  meets_threshold: boolean;
  /** 0 < eval_rows < k: too few rows to read a rate from. */
  small_cell: boolean;
  /** eval_rows = 0. */
  missing: boolean;
}
export interface ReleaseCoverage {
  release_id: string;
  eval_rows_total: number;
  critical_total: number;
  /** Critical cohorts with at least one eval row. */
  critical_represented: number;
  /** Critical cohorts meeting their min-rows threshold. */
  critical_covered: number;
  /** critical_covered / critical_total. */
  coverage: number | null;
  /** Critical cohort ids with zero eval rows. */
  missing: string[];
  /** Critical cohort ids with some rows but fewer than their threshold. */
  below_threshold: string[];
}
export interface DatasetVersionCoverage {
  dataset_version: string;
  rows: number;
  critical_total: number;
  critical_represented: number;
  coverage: number | null;
  missing: string[];
}
export interface CoverageReport {
  min_rows_default: number;
  small_cell_k: number;
  traffic_source: 'records' | 'spans' | null;
  cohorts: CoverageCohort[];
  releases: string[];
  cells: CoverageCell[];
  per_release: ReleaseCoverage[];
  dataset_versions: DatasetVersionCoverage[];
  not_measurable: NotMeasurable[];
}

// ---------- evals ----------

export interface RateWithCi {
  n: number;
  failures: number;
  rate: number | null;
  /** Wilson score interval, 95 %. */
  ci_low: number | null;
  ci_high: number | null;
}
export interface EvalGroup extends RateWithCi {
  stage: string | null;
  evaluator: string | null;
  /** "attribute=value" */
  cohort: string | null;
  release_id: string | null;
  small_cell: boolean;
}
export interface ThresholdCheck {
  evaluator: string | null;
  metric: string | null;
  threshold: number | null;
  n: number;
  failures: number;
  observed_mean: number | null;
  observed_min: number | null;
  observed_max: number | null;
}
export interface PreReleaseGate {
  release_id: string;
  released_at: string | null;
  /** Reached production traffic (canary_start or promote; released_at when there are no events). */
  shipped: boolean;
  n: number;
  failures: number;
  fail_rate: number | null;
  verdict: 'pass' | 'fail' | 'none';
}
export interface EvalReport {
  small_cell_k: number;
  gate: { stages: string[]; max_fail_rate: number };
  by_stage: EvalGroup[];
  by_evaluator: EvalGroup[];
  by_cohort: EvalGroup[];
  by_release: EvalGroup[];
  by_stage_cohort_release: EvalGroup[];
  thresholds: ThresholdCheck[];
  pre_release: PreReleaseGate[];
  shipped_without_passing_eval: string[];
  not_measurable: NotMeasurable[];
}

// ---------- release health ----------

export interface TrafficStats {
  traces: number;
  spans: number;
  /** Exact percentiles (quantile_disc) of per-trace latency in ms. */
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  /** Share of traces with any span in status ERROR. */
  error_rate: number | null;
  /** Share of spans reporting retry_count that retried at least once. */
  retry_rate: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost_usd: number | null;
  fallback_rate: number | null;
  guardrail_block_rate: number | null;
  route_targets: { target: string; spans: number; share: number }[];
}
export interface ReleaseComparison {
  previous_release_id: string;
  p50_ms_delta: number | null;
  p99_ms_delta: number | null;
  error_rate_delta: number | null;
  retry_rate_delta: number | null;
  cost_usd_per_trace_delta: number | null;
}
export interface ReleaseHealth extends TrafficStats {
  release_id: string;
  /** false for a release id referenced by deployment_events or eval_results but missing from releases. */
  defined: boolean;
  released_at: string | null;
  model_version: string | null;
  deployed: boolean;
  canary_runs: number;
  canary_failures: number;
  rollbacks: number;
  rolled_back: boolean;
  incidents: number;
  unresolved_incidents: number;
  /** Deployment caused a failure in production: rollback or incident (DORA). */
  change_failed: boolean;
  time_to_recover_hours: number | null;
  previous_release_id: string | null;
  vs_previous: ReleaseComparison | null;
}
export interface HealthReport {
  releases: ReleaseHealth[];
  overall: {
    releases: number;
    deployments: number;
    canary_runs: number;
    canary_failures: number;
    canary_failure_rate: number | null;
    rollbacks: number;
    rollback_rate: number | null;
    change_failures: number;
    change_failure_rate: number | null;
    mean_time_to_recover_hours: number | null;
    median_time_to_recover_hours: number | null;
    incidents: number;
    traffic: TrafficStats;
    /** Traffic whose traces name no release. */
    unattributed: TrafficStats;
  };
  not_measurable: NotMeasurable[];
}

// ---------- compliance posture ----------

export interface LogGap {
  table: string;
  /** First silent day (inclusive). */
  start: string;
  /** Day after the last silent day (exclusive). */
  end: string;
  days: number;
}
export interface TableLogCoverage {
  table: string;
  ts_column: string;
  rows: number;
  rows_without_ts: number;
  first_event: string | null;
  last_event: string | null;
  days_with_data: number;
  /** Continuous logs (spans, serving records, audit_log) are checked for silent days; event-driven tables are not. */
  continuous: boolean;
  zero_volume_day_count: number | null;
  /** First 400 silent days, in order. */
  zero_volume_days: string[];
  gaps: LogGap[];
}
export interface Traceability {
  table: 'spans' | 'records';
  unit: 'span' | 'record';
  total: number;
  with_trace_id: number | null;
  with_model_version: number | null;
  with_dataset_version: number | null;
  share_trace_id: number | null;
  share_model_version: number | null;
  share_dataset_version: number | null;
}
export interface DeploymentAudit {
  window_hours: number;
  total: number;
  covered: number;
  share: number | null;
  uncovered: { event_id: string; release_id: string | null; event_type: string | null; ts: string | null }[];
}

/**
 * One compliance checklist item, judged with the shared verdicts (shared/verdict.ts): met, not met, or not
 * applicable with why (nothing to measure in this bundle) — never met over nothing.
 */
export type ChecklistItem = {
  id: string;
  evidence: string;
  frameworks: { eu_ai_act: string[]; nist_ai_rmf: string[]; iso_42001: string[] };
  /** The number behind the verdict, for people. */
  value: string;
  /** The same number, for machines (share, days, count), when there is one. */
  measure: number | null;
  /** Rule that maps the number to the verdict. */
  rule: string;
} & CheckVerdict;
export interface PostureReport {
  /** The logging window: first and last span / serving-record event. */
  first_event: string | null;
  last_event: string | null;
  days_covered: number;
  retention_min_days: number;
  meets_retention: boolean | null;
  /** Days in the window with no span and no serving record. */
  zero_volume_days: string[];
  gaps: LogGap[];
  tables: TableLogCoverage[];
  traceability: Traceability[];
  /** Over spans (one row = one event). */
  share_with_trace_id: number | null;
  share_with_model_version: number | null;
  share_with_dataset_version: number | null;
  /** Share of deployment events with an audit_log entry about the same release within the window. */
  deployment_events_with_audit_entry: number | null;
  deployment_audit: DeploymentAudit;
  checklist: ChecklistItem[];
  not_measurable: NotMeasurable[];
}

// ---------- overview ----------

export type AnalyticsScreen = 'overview' | 'open' | 'drift' | 'coverage' | 'lineage' | 'releases' | 'evals' | 'traces' | 'posture' | 'findings' | 'fairness';
export interface FindingTarget {
  screen: AnalyticsScreen;
  params: Record<string, string>;
}
export interface HeadlineFinding {
  id: string;
  kind: 'drift' | 'coverage' | 'canary' | 'lineage' | 'logging' | 'integrity' | 'eval' | 'performance' | 'fairness';
  /** Graded by the one severity model (shared/severity.ts), as in the report. */
  severity: Severity;
  title: string;
  detail: string;
  /** Metric (docs/metrics.md) and value behind the finding. */
  metric: string;
  value: number | null;
  target: FindingTarget;
}
/** One confirmed drift from the overview's release-to-release scan (docs/metrics.md, "Drift headline"). */
export interface DriftScanFinding {
  table: string;
  column: string;
  /** "all" or "attribute=value". */
  cohort: string;
  cohort_attribute: string | null;
  cohort_value: string | null;
  baseline_release: string;
  current_release: string;
  /** The exact drift engine's result for this column and cohort. */
  method: DriftMethod;
  statistic: number | null;
  effect: number | null;
  effect_name: string;
  threshold: number;
  p_value: number | null;
  /** Benjamini–Hochberg over every test the scan screened for this release pair (unconfirmed ones count as p = 1). */
  p_adjusted: number | null;
  n_baseline: number;
  n_current: number;
  /** The screening statistic that made this a candidate (standardized mean/std difference, JS distance, Cohen's h). */
  screen: number;
}
export interface DriftScanPair {
  table: string;
  baseline_release: string;
  current_release: string;
  /** (column, cohort) cells screened; the correction family is twice this (distribution and null rate). */
  cells_screened: number;
  candidates: number;
  /** Candidates confirmed with the exact engine (at most maxCohortsPerColumn per column). */
  confirmed_with_engine: number;
  /** Candidates beyond the per-column cap: "column · cohort", not confirmed. */
  unconfirmed: string[];
}
export interface DriftScanReport {
  /** Promoted releases in release order, each compared with the previous one. */
  promoted: string[];
  pairs: DriftScanPair[];
  drifted: DriftScanFinding[];
  not_measurable: NotMeasurable[];
}
export interface OverviewRelease {
  release_id: string;
  released_at: string | null;
  model_version: string | null;
  dataset_version: string | null;
  outcome: ChangeLogEntry['outcome'];
  events: { event_type: string | null; ts: string | null }[];
}
export interface Overview {
  period: { start: string | null; end: string | null };
  systems: string[];
  model_names: string[];
  model_versions: string[];
  releases: OverviewRelease[];
  headline: HeadlineFinding[];
  /**
   * Present (true) when the Overview was asked without the release-to-release drift scan and the performance and
   * fairness scan (`scans: false`): `headline` then lacks their findings, which the full Overview adds.
   */
  scans_pending?: true;
  /**
   * Present (true) when the Overview was asked before its checks (`checks: false`): period, systems, model versions,
   * releases and the import's own findings only. The lineage, coverage, canary, eval and logging findings come next
   * (`scans: false`), the scans' last.
   */
  checks_pending?: true;
}

export const analyticsSchemas = {
  lineage: z.object({ bundleId: bundleIdSchema, id: z.string().min(1).max(500).optional() }).strict(),
  coverage: z
    .object({
      bundleId: bundleIdSchema,
      minRows: z.number().int().min(1).max(1_000_000).optional(),
      smallCellK: z.number().int().min(1).max(10_000).optional(),
    })
    .strict(),
  evals: z
    .object({ bundleId: bundleIdSchema, smallCellK: z.number().int().min(1).max(10_000).optional(), gateMaxFailRate: z.number().min(0).max(1).optional() })
    .strict(),
  health: z.object({ bundleId: bundleIdSchema }).strict(),
  posture: z
    .object({
      bundleId: bundleIdSchema,
      retentionDays: z.number().int().min(1).max(36_500).optional(),
      auditWindowHours: z.number().min(0).max(24 * 365).optional(),
    })
    .strict(),
  overview: z
    .object({
      bundleId: bundleIdSchema,
      /** false: everything but the two scans (most of the Overview's time), so the screen can answer first and add them. */
      scans: z.boolean().optional(),
      /** false: only what needs no check (period, releases, the import's findings); implies no scans. The screen's very first answer. */
      checks: z.boolean().optional(),
    })
    .strict(),
} as const;

export interface AnalyticsApi {
  lineage(args: z.infer<typeof analyticsSchemas.lineage>): Promise<LineageReport>;
  coverage(args: z.infer<typeof analyticsSchemas.coverage>): Promise<CoverageReport>;
  evals(args: z.infer<typeof analyticsSchemas.evals>): Promise<EvalReport>;
  health(args: z.infer<typeof analyticsSchemas.health>): Promise<HealthReport>;
  posture(args: z.infer<typeof analyticsSchemas.posture>): Promise<PostureReport>;
  overview(args: z.infer<typeof analyticsSchemas.overview>): Promise<Overview>;
}
