import { z } from 'zod';
import { bundleIdSchema } from './common';

// First cut of the analytics contract; the analytics module owns and refines these types.

export interface LineageNode {
  id: string;
  type: 'dataset_version' | 'training_run' | 'model_version' | 'release' | 'deployment_event';
  label: string;
  status: 'ok' | 'warning' | 'error';
  detail: Record<string, string | number | boolean | null>;
}
export interface LineageEdge {
  from: string;
  to: string;
}
export interface LineageCompleteness {
  table: 'spans' | 'records';
  unit: 'trace' | 'record';
  total: number;
  with_model_version: number;
  with_dataset_version: number;
  with_release: number;
  complete: number;
  share_complete: number;
  gaps: { reason: string; count: number; examples: string[] }[];
}
export interface LineageChain {
  query_id: string;
  found_as: 'trace' | 'span' | 'record' | null;
  dataset_version: string | null;
  feature_pipeline: string | null;
  training_run: string | null;
  model_version: string | null;
  release_id: string | null;
  deployment_events: { event_type: string; ts: string | null }[];
  missing: string[];
}
export interface ChangeLogEntry {
  release_id: string;
  released_at: string | null;
  model_version: string | null;
  previous_model_version: string | null;
  dataset_version: string | null;
  previous_dataset_version: string | null;
  approved_by: string | null;
  approval_source: 'release_record' | 'audit_log' | null;
  eval_before_release: boolean;
  outcome: 'promoted' | 'rolled_back' | 'in_canary' | 'unknown';
}
export interface LineageReport {
  nodes: LineageNode[];
  edges: LineageEdge[];
  completeness: LineageCompleteness[];
  changelog: ChangeLogEntry[];
  chain: LineageChain | null;
}

export interface CoverageCell {
  release_id: string;
  cohort_id: string;
  attribute: string;
  value: string;
  release_critical: boolean;
  eval_rows: number;
  traffic_share: number | null;
  eval_share: number | null;
  min_rows: number;
  meets_threshold: boolean;
  small_cell: boolean;
}
export interface CoverageReport {
  min_rows_default: number;
  small_cell_k: number;
  cohorts: { cohort_id: string; attribute: string; value: string; release_critical: boolean; source: 'definition' | 'attribute' }[];
  releases: string[];
  cells: CoverageCell[];
  per_release: { release_id: string; critical_total: number; critical_covered: number; coverage: number; missing: string[] }[];
}

export interface RateWithCi {
  n: number;
  failures: number;
  rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
}
export interface EvalGroup extends RateWithCi {
  stage: string | null;
  evaluator: string | null;
  cohort: string | null;
  release_id: string | null;
}
export interface EvalReport {
  by_stage: EvalGroup[];
  by_evaluator: EvalGroup[];
  by_cohort: EvalGroup[];
  by_release: EvalGroup[];
  by_stage_cohort_release: EvalGroup[];
  thresholds: { evaluator: string; metric: string; threshold: number | null; observed_mean: number | null; n: number; failures: number }[];
  shipped_without_passing_eval: string[];
}

export interface ReleaseHealth {
  release_id: string;
  released_at: string | null;
  model_version: string | null;
  canary_runs: number;
  canary_failures: number;
  rolled_back: boolean;
  incidents: number;
  time_to_recover_hours: number | null;
  spans: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  error_rate: number | null;
  retry_rate: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
  fallback_rate: number | null;
  guardrail_block_rate: number | null;
  previous_release_id: string | null;
}
export interface HealthReport {
  releases: ReleaseHealth[];
  overall: {
    releases: number;
    canary_failure_rate: number | null;
    rollback_rate: number | null;
    change_failure_rate: number | null;
    mean_time_to_recover_hours: number | null;
    incidents: number;
  };
}

export type ChecklistStatus = 'met' | 'partly' | 'not_met' | 'not_measurable';
export interface ChecklistItem {
  id: string;
  evidence: string;
  frameworks: { eu_ai_act: string[]; nist_ai_rmf: string[]; iso_42001: string[] };
  status: ChecklistStatus;
  value: string;
}
export interface PostureReport {
  first_event: string | null;
  last_event: string | null;
  days_covered: number;
  retention_min_days: number;
  meets_retention: boolean;
  zero_volume_days: string[];
  gaps: { table: string; start: string; end: string; days: number }[];
  share_with_trace_id: number | null;
  share_with_model_version: number | null;
  share_with_dataset_version: number | null;
  deployment_events_with_audit_entry: number | null;
  checklist: ChecklistItem[];
}

export interface Overview {
  period: { start: string | null; end: string | null };
  systems: string[];
  model_versions: string[];
  releases: { release_id: string; released_at: string | null; events: { event_type: string; ts: string | null }[] }[];
  headline: { kind: 'drift' | 'coverage' | 'canary' | 'lineage' | 'logging' | 'integrity' | 'eval'; severity: 'high' | 'medium' | 'low'; title: string; detail: string; target: string }[];
}

export const analyticsSchemas = {
  lineage: z.object({ bundleId: bundleIdSchema, id: z.string().max(500).optional() }).strict(),
  coverage: z.object({ bundleId: bundleIdSchema, minRows: z.number().int().min(1).max(1_000_000).optional(), smallCellK: z.number().int().min(1).max(10_000).optional() }).strict(),
  evals: z.object({ bundleId: bundleIdSchema }).strict(),
  health: z.object({ bundleId: bundleIdSchema }).strict(),
  posture: z.object({ bundleId: bundleIdSchema, retentionDays: z.number().int().min(1).max(36_500).optional() }).strict(),
  overview: z.object({ bundleId: bundleIdSchema }).strict(),
} as const;

export interface AnalyticsApi {
  lineage(args: z.infer<typeof analyticsSchemas.lineage>): Promise<LineageReport>;
  coverage(args: z.infer<typeof analyticsSchemas.coverage>): Promise<CoverageReport>;
  evals(args: z.infer<typeof analyticsSchemas.evals>): Promise<EvalReport>;
  health(args: z.infer<typeof analyticsSchemas.health>): Promise<HealthReport>;
  posture(args: z.infer<typeof analyticsSchemas.posture>): Promise<PostureReport>;
  overview(args: z.infer<typeof analyticsSchemas.overview>): Promise<Overview>;
}
