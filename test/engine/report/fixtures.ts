// Small hand-made report inputs typed by the contract, for tests that must not depend on the importer or analytics.
import type { ImportSummary } from '../../../shared/api/bundle';
import type { DriftBin, DriftResult } from '../../../shared/api/drift';
import type { CoverageReport, EvalReport, HealthReport, LineageReport, PostureReport, ReleaseHealth, TrafficStats } from '../../../shared/api/analytics';
import type { ReportInputs } from '../../../electron/engine/report/gather';
import type { Finding, Signoff } from '../../../shared/api/workspace';

const H = (c: string): string => c.repeat(64);

export function summary(over: Partial<ImportSummary> = {}): ImportSummary {
  return {
    bundleId: 'b-1',
    path: '/tmp/some/bundle',
    name: 'bundle',
    format_version: '1.0',
    exporter: 'acme-ml-platform',
    exported_at: '2026-09-01T06:00:00Z',
    files: [
      { path: 'spans.jsonl', bytes: 2048, sha256: H('b'), table: 'spans', format: 'jsonl', rows_read: 100, rows_loaded: 99, rows_rejected: 1, status: 'ok', manifest_sha256: H('b'), manifest_rows: 100 },
      { path: 'manifest.json', bytes: 300, sha256: H('a'), table: null, format: 'manifest', rows_read: 0, rows_loaded: 0, rows_rejected: 0, status: 'ok' },
      { path: 'records.parquet', bytes: 4096, sha256: H('c'), table: 'records', format: 'parquet', rows_read: 50, rows_loaded: 50, rows_rejected: 0, status: 'ok', manifest_sha256: H('c'), manifest_rows: 50 },
    ],
    tables: [
      { name: 'spans', canonical: true, rows: 99, columns: [] },
      { name: 'records', canonical: true, rows: 50, columns: [{ name: 'label', type: 'VARCHAR', role: 'label' }] },
    ],
    integrity: { state: 'verified', root_hash: H('d'), problems: [] },
    checks: [],
    check_outcomes: [
      { check: 'orphan_parent_span', table: 'spans', examined: 60, count: 0, verdict: 'met' },
      { check: 'unknown_eval_span', table: 'eval_results', examined: 0, count: 0, verdict: 'not_applicable', why: 'no eval result names a span_id' },
    ],
    rejects_total: 1,
    period: { start: '2026-03-01T00:00:00Z', end: '2026-08-31T23:59:59Z' },
    tool_version: '0.1.0',
    duckdb_version: 'v1.5.6',
    import_ms: 1234,
    auditor_mapping: {},
    auditor_mapping_from: null,
    open_problems: [],
    ...over,
  };
}

const traffic = (over: Partial<TrafficStats> = {}): TrafficStats => ({
  traces: 40,
  spans: 80,
  p50_ms: 120,
  p95_ms: 300.123456789,
  p99_ms: 420,
  error_rate: 0.0125,
  retry_rate: 0.02,
  input_tokens: 1000,
  output_tokens: 500,
  total_tokens: 1500,
  cost_usd: 0.12345678,
  fallback_rate: null,
  guardrail_block_rate: null,
  route_targets: [],
  ...over,
});

function release(id: string, at: string, over: Partial<ReleaseHealth> = {}): ReleaseHealth {
  return {
    ...traffic(),
    release_id: id,
    defined: true,
    released_at: at,
    model_version: `m:${id}`,
    deployed: true,
    canary_runs: 1,
    canary_failures: 0,
    rollbacks: 0,
    rolled_back: false,
    incidents: 0,
    unresolved_incidents: 0,
    change_failed: false,
    time_to_recover_hours: null,
    previous_release_id: null,
    vs_previous: null,
    ...over,
  };
}

export const BINS: DriftBin[] = [
      { label: '[0, 0.5)', lower: 0, upper: 0.5, baseline_count: 600, current_count: 200, baseline_share: 0.6, current_share: 0.2222222 },
      { label: '[0.5, 1]', lower: 0.5, upper: 1, baseline_count: 400, current_count: 700, baseline_share: 0.4, current_share: 0.7777778 },
    ];

export function driftResult(column: string, cohort: string, drifted: boolean, over: Partial<DriftResult> = {}): DriftResult {
  return {
    column,
    cohort,
    column_kind: 'numeric',
    method: 'wasserstein_norm',
    statistic: drifted ? 0.61234567 : 0.01234567,
    p_value: null,
    p_adjusted: null,
    alpha: 0.05,
    effect: drifted ? 0.61234567 : 0.01234567,
    effect_name: 'W1/σ',
    effect_ci: drifted ? [0.5, 0.7] : [0, 0.05],
    effect_ci_method: 'seeded Poisson bootstrap (fixture)',
    threshold: 0.1,
    drifted,
    decision: drifted ? 'drift' : 'no_drift',
    why: drifted ? 'drift: W1/σ 0.612 ≥ threshold 0.1' : 'no drift: W1/σ 0.0123 < threshold 0.1',
    section: 'drift',
    n_baseline: 1000,
    n_current: 900,
    null_rate_baseline: 0,
    null_rate_current: 0,
    detail: 'auto: n>1000 numeric',
    not_computable: null,
    ...over,
  };
}

export function inputs(over: Partial<ReportInputs> = {}): ReportInputs {
  const lineage: LineageReport = {
    nodes: [
      { id: 'release:r1', type: 'release', label: 'r1', status: 'ok', issues: [], defined: true, detail: {} },
      { id: 'release:r2', type: 'release', label: 'r2', status: 'warning', issues: ['rolled back'], defined: true, detail: {} },
      { id: 'model_version:m:r1', type: 'model_version', label: 'm:r1', status: 'ok', issues: [], defined: true, detail: {} },
      { id: 'model_version:m:r2', type: 'model_version', label: 'm:r2', status: 'ok', issues: [], defined: true, detail: {} },
      { id: 'deployment_event:e1', type: 'deployment_event', label: 'e1', status: 'ok', issues: [], defined: true, detail: { release_id: 'r1', event_type: 'promote', ts: '2026-03-02T00:00:00Z' } },
    ],
    edges: [],
    completeness: [
      { table: 'spans', unit: 'trace', scope: 'all traces', total: 40, with_model_version: 36, with_dataset_version: 36, with_release: 40, complete: 36, share_complete: 0.9, gaps: [{ reason: 'no model_version on any span', count: 4, examples: ['t1', 't2'] }] },
    ],
    changelog: [
      { release_id: 'r1', defined: true, released_at: '2026-03-01T00:00:00Z', model_version: 'm:r1', previous_model_version: null, dataset_version: 'ds1', previous_dataset_version: null, prompt_version: 'v1', previous_prompt_version: null, changed: ['model_version'], approved_by: 'm.chen', approval_source: 'release_record', eval_before_release: true, passing_eval_before_release: true, outcome: 'promoted' },
      { release_id: 'r2', defined: true, released_at: '2026-05-01T00:00:00Z', model_version: 'm:r2', previous_model_version: 'm:r1', dataset_version: 'ds2', previous_dataset_version: 'ds1', prompt_version: 'v1', previous_prompt_version: 'v1', changed: ['model_version', 'dataset_version'], approved_by: null, approval_source: null, eval_before_release: false, passing_eval_before_release: false, outcome: 'rolled_back' },
    ],
    chain: null,
    not_measurable: [],
  };
  const coverage: CoverageReport = {
    min_rows_default: 30,
    small_cell_k: 10,
    traffic_source: 'records',
    cohorts: [
      { cohort_id: 'language=es', attribute: 'language', value: 'es', release_critical: true, min_rows: 30, source: 'definition', measurable: true },
      { cohort_id: 'region=EU', attribute: 'region', value: 'EU', release_critical: true, min_rows: 30, source: 'definition', measurable: true },
    ],
    releases: ['r1', 'r2'],
    cells: [
      { release_id: 'r1', cohort_id: 'language=es', attribute: 'language', value: 'es', release_critical: true, eval_rows: 50, traffic_rows: 100, traffic_share: 0.1, eval_share: 0.1, min_rows: 30, meets_threshold: true, small_cell: false, missing: false },
      { release_id: 'r2', cohort_id: 'language=es', attribute: 'language', value: 'es', release_critical: true, eval_rows: 0, traffic_rows: 100, traffic_share: 0.1, eval_share: 0, min_rows: 30, meets_threshold: false, small_cell: false, missing: true },
      { release_id: 'r1', cohort_id: 'region=EU', attribute: 'region', value: 'EU', release_critical: true, eval_rows: 80, traffic_rows: 300, traffic_share: 0.3, eval_share: 0.3, min_rows: 30, meets_threshold: true, small_cell: false, missing: false },
      { release_id: 'r2', cohort_id: 'region=EU', attribute: 'region', value: 'EU', release_critical: true, eval_rows: 70, traffic_rows: 300, traffic_share: 0.3, eval_share: 0.3, min_rows: 30, meets_threshold: true, small_cell: false, missing: false },
    ],
    per_release: [
      { release_id: 'r1', eval_rows_total: 130, critical_total: 2, critical_represented: 2, critical_covered: 2, coverage: 1, missing: [], below_threshold: [] },
      { release_id: 'r2', eval_rows_total: 70, critical_total: 2, critical_represented: 1, critical_covered: 1, coverage: 0.5, missing: ['language=es'], below_threshold: [] },
    ],
    dataset_versions: [],
    not_measurable: [],
  };
  const group = { n: 100, failures: 3, rate: 0.03, ci_low: 0.0103, ci_high: 0.0846, stage: 'validation', evaluator: 'accuracy', cohort: null, release_id: 'r1', small_cell: false };
  const evals: EvalReport = {
    small_cell_k: 10,
    gate: { stages: ['validation'], max_fail_rate: 0.1 },
    by_stage: [group],
    by_evaluator: [group],
    by_cohort: [],
    by_release: [group, { ...group, release_id: 'r2', failures: 40, rate: 0.4 }],
    by_stage_cohort_release: [],
    thresholds: [{ evaluator: 'accuracy', metric: 'accuracy', threshold: 0.9, n: 100, failures: 3, observed_mean: 0.95, observed_min: 0.8, observed_max: 1 }],
    pre_release: [],
    shipped_without_passing_eval: ['r2'],
    not_measurable: [{ metric: 'accuracy per cohort', reason: 'no cohort columns in eval_results' }],
  };
  const health: HealthReport = {
    releases: [
      release('r1', '2026-03-01T00:00:00Z'),
      release('r2', '2026-05-01T00:00:00Z', { canary_failures: 1, rollbacks: 1, rolled_back: true, incidents: 1, change_failed: true, time_to_recover_hours: 20.5, error_rate: 0.15, previous_release_id: 'r1' }),
    ],
    overall: {
      releases: 2,
      deployments: 2,
      canary_runs: 2,
      canary_failures: 1,
      canary_failure_rate: 0.5,
      rollbacks: 1,
      rollback_rate: 0.5,
      change_failures: 1,
      change_failure_rate: 0.5,
      mean_time_to_recover_hours: 20.5,
      median_time_to_recover_hours: 20.5,
      incidents: 1,
      traffic: traffic(),
      unattributed: traffic({ traces: 0, spans: 0 }),
    },
    not_measurable: [],
  };
  const posture: PostureReport = {
    first_event: '2026-03-01T00:00:00Z',
    last_event: '2026-08-31T23:59:00Z',
    days_covered: 184,
    retention_min_days: 183,
    meets_retention: true,
    zero_volume_days: [],
    gaps: [{ table: 'audit_log', start: '2026-06-10', end: '2026-06-17', days: 7 }],
    tables: [],
    traceability: [],
    share_with_trace_id: 1,
    share_with_model_version: 0.92,
    share_with_dataset_version: 0.92,
    deployment_events_with_audit_entry: 1,
    deployment_audit: { window_hours: 24, total: 4, covered: 4, share: 1, uncovered: [] },
    checklist: [
      { id: 'logging', evidence: 'Automatic logging over the lifetime', frameworks: { eu_ai_act: ['Art. 12'], nist_ai_rmf: ['MEASURE 2.4'], iso_42001: ['A.6.2.8'] }, verdict: 'not_met', value: '1 gap of 7 days', measure: 7, rule: 'no gap > 1 day' },
      { id: 'accuracy_groups', evidence: 'Accuracy for groups of persons', frameworks: { eu_ai_act: ['Annex IV 3'], nist_ai_rmf: ['MEASURE 2.11'], iso_42001: [] }, verdict: 'not_applicable', why: 'no labels in eval data', value: 'no labels in eval data', measure: null, rule: '—' },
    ],
    not_measurable: [],
  };
  return {
    summary: summary(),
    lineage: { status: 'ok', data: lineage },
    coverage: { status: 'ok', data: coverage },
    evals: { status: 'ok', data: evals },
    health: { status: 'ok', data: health },
    posture: { status: 'ok', data: posture },
    fairness: { status: 'ok', data: { rule: null, attributes: [], promoted: [], per_attribute: [], release_changes: [], tested: 0, drops: [], impact: [], not_measurable: [] } },
    drift: {
      status: 'ok',
      data: {
        baseline: { key: 'release', value: 'r1' },
        current: { key: 'release', value: 'r2' },
        baseline_source: 'first promoted release',
        current_source: 'last release',
        comparisons: [
          { table: 'records', baseline: { key: 'release', value: 'r1' }, current: { key: 'release', value: 'r2' }, cohort: 'all', status: 'ok', reason: null, correction: 'bh', alpha: 0.05, notes: [], tested: 2, drifted: 0, results: [driftResult('amount', 'all', false), driftResult('merchant_risk', 'all', false)] },
          { table: 'records', baseline: { key: 'release', value: 'r1' }, current: { key: 'release', value: 'r2' }, cohort: 'region=EU', status: 'ok', reason: null, correction: 'bh', alpha: 0.05, notes: ['cohort region=EU'], tested: 2, drifted: 1, results: [driftResult('amount', 'region=EU', false), driftResult('merchant_risk', 'region=EU', true)] },
        ],
        charts: [
          { table: 'records', cohort: 'region=EU', column: 'merchant_risk', method: 'wasserstein_norm', bins_method: 'psi', bins_detail: 'baseline-quantile bins (2); half-count smoothing', bins: BINS },
        ],
        cohorts_skipped: [],
        attributes_absent: [],
      },
    },
    data_facts: { records_labelled: 35, records_total: 50 },
    ...over,
  };
}

export const signoff = (over: Partial<Signoff> = {}): Signoff => ({ system: 'Northwind fraud scoring', auditor: 'J. Auditor', approver: 'K. Approver', as_of: '', notes: '', ...over });

export const finding = (over: Partial<Finding> = {}): Finding => ({
  id: 'f1',
  created_at: '2026-09-02T10:00:00Z',
  severity: 'high',
  title: 'EU merchant risk drift',
  note: 'Merchant risk rose for EU after r4.\nEscalated to model owner.',
  source: { screen: 'drift', params: { column: 'merchant_risk', cohort: 'region=EU' } },
  evidence: [{ column: 'merchant_risk', statistic: 0.61, drifted: true }],
  ...over,
});
