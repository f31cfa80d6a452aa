import type { DuckDBConnection } from '@duckdb/node-api';
import type { CoverageReport, DriftScanFinding, DriftScanReport, EvalReport, HealthReport, HeadlineFinding, Overview, OverviewRelease, PostureReport } from '../../../shared/api/analytics';
import type { ImportSummary } from '../../../shared/api/bundle';
import { queryRows } from '../db';
import { coverageReport } from './coverage';
import { driftScan } from './driftScan';
import { evalReport } from './evals';
import { healthReport } from './health';
import { changeLog, lineageCompletenessWithGaps, loadEvents, type LineageCompletenessResult } from './lineage';
import { postureReport, postureWindow } from './posture';
import { performanceHeadlines, sharedPerformanceScan } from './performanceScan';
import { BundleSchema, byCodePoint } from './schema';

import { pct } from './format';
import { plural } from '../../../shared/plural';
import { DRIFT_METHOD_INFO } from '../../../shared/driftMethods';

const intFmt = new Intl.NumberFormat('en-US');
import { driftSeverity, FIXED_SEVERITY, lineageSeverity, loggingGapSeverity, rejectedRowsSeverity, severityRank } from '../../../shared/severity';

/** Drift headlines shown (strongest first); the rest are summed up in one low-severity line. */
const MAX_DRIFT_HEADLINES = 5;

async function distinctNames(conn: DuckDBConnection, schema: BundleSchema, sources: [string, string][]): Promise<string[]> {
  const parts = sources.filter(([t, c]) => schema.hasColumn(t, c)).map(([t, c]) => `select distinct ${schema.text(t, c)} as v from ${t}`);
  if (parts.length === 0) return [];
  const rows = await queryRows<{ v: string }>(conn, `select distinct v from (${parts.join(' union ')}) where v is not null order by v`);
  return rows.map((r) => r.v);
}

/** Results already computed with default options (the engine's session memo), so they are not computed twice. */
export interface OverviewInputs {
  coverage?: CoverageReport;
  evals?: EvalReport;
  health?: HealthReport;
  completeness?: LineageCompletenessResult;
  posture?: PostureReport;
}

/** Findings of the import itself (manifest mismatch, rejected rows, import checks not met), from its summary. */
function integrityHeadlines(summary: ImportSummary | undefined): HeadlineFinding[] {
  const headline: HeadlineFinding[] = [];
  if (!summary) return headline;
  if (summary.integrity.state === 'altered')
    headline.push({
      id: 'integrity:altered',
      kind: 'integrity',
      severity: FIXED_SEVERITY.integrity_altered,
      title: 'Bundle does not match its manifest',
      detail: summary.integrity.problems.map((p) => `${p.status}: ${p.path}`).join('; '),
      metric: 'integrity_state',
      value: summary.integrity.problems.length,
      target: { screen: 'open', params: { view: 'integrity' } },
    });
  if (summary.rejects_total > 0)
    headline.push({
      id: 'integrity:rejects',
      kind: 'integrity',
      severity: rejectedRowsSeverity(summary.rejects_total, summary.files.reduce((n, f) => n + f.rows_loaded, 0)),
      title: `${plural(summary.rejects_total, 'row')} rejected at import`,
      detail: summary.files.filter((f) => f.rows_rejected > 0).map((f) => `${f.path}: ${plural(f.rows_rejected, 'row')}`).join('; '),
      metric: 'rows_rejected',
      value: summary.rejects_total,
      target: { screen: 'open', params: { view: 'rejects' } },
    });
  for (const c of summary.checks)
    if (c.count > 0)
      headline.push({
        id: `integrity:${c.check}:${c.table}`,
        kind: 'integrity',
        severity: FIXED_SEVERITY.referential_check,
        title: `Import check not met in ${c.table}: ${c.check.replaceAll('_', ' ')} (${plural(c.count, 'hit')})`,
        detail: c.detail,
        metric: c.check,
        value: c.count,
        target: { screen: 'open', params: { view: 'checks', check: c.check } },
      });
  return headline;
}

/**
 * The bundle at a glance before any check has run: period, systems, model versions, the release timeline and the
 * import's own findings. `checks_pending` and `scans_pending` say the rest is still to come; `overviewWithoutScans`
 * adds the checks' findings to exactly this, and `withScanHeadlines` the scans'.
 */
export async function overviewBasics(conn: DuckDBConnection, summary?: ImportSummary): Promise<Overview> {
  const schema = await BundleSchema.load(conn);
  const changelog = await changeLog(conn, schema);
  const events = await loadEvents(conn, schema);
  const window = await postureWindow(conn);
  const releases: OverviewRelease[] = changelog.map((c) => ({
    release_id: c.release_id,
    released_at: c.released_at,
    model_version: c.model_version,
    dataset_version: c.dataset_version,
    outcome: c.outcome,
    events: events.filter((e) => e.release_id === c.release_id).map((e) => ({ event_type: e.event_type, ts: e.ts })),
  }));
  return {
    period: { start: window.first ?? summary?.period.start ?? null, end: window.last ?? summary?.period.end ?? null },
    systems: await distinctNames(conn, schema, [['spans', 'service_name']]),
    model_names: await distinctNames(conn, schema, [
      ['model_versions', 'model_name'],
      ['spans', 'model_name'],
    ]),
    model_versions: await distinctNames(conn, schema, [
      ['model_versions', 'model_version'],
      ['releases', 'model_version'],
    ]),
    releases,
    headline: integrityHeadlines(summary).sort(byHeadlineOrder),
    checks_pending: true,
    scans_pending: true,
  };
}

/**
 * The bundle at a glance, without the two scans (drift, performance and fairness) that take most of its time:
 * `scans_pending` says so, and `withScanHeadlines` completes it. Built on `overviewBasics` (computed here unless
 * given): the lineage, coverage, canary, eval and logging findings are added to its headline.
 */
export async function overviewWithoutScans(
  conn: DuckDBConnection,
  summary?: ImportSummary,
  inputs: OverviewInputs = {},
  basics?: Overview,
): Promise<Overview> {
  const base = basics ?? (await overviewBasics(conn, summary));
  const schema = await BundleSchema.load(conn);
  const coverage = inputs.coverage ?? (await coverageReport(conn));
  const evals = inputs.evals ?? (await evalReport(conn));
  const health = inputs.health ?? (await healthReport(conn));
  const lineage = inputs.completeness ?? (await lineageCompletenessWithGaps(conn, schema));
  const completeness = lineage.completeness;
  // The posture with default options: the overview reads its logging window, gaps and retention only.
  const posture = inputs.posture ?? (await postureReport(conn, {}, { coverage, evals, health, completeness: lineage }));

  const headline: HeadlineFinding[] = [...base.headline];
  for (const c of completeness)
    if (c.share_complete !== null && c.share_complete < 1)
      headline.push({
        id: `lineage:${c.table}`,
        kind: 'lineage',
        severity: lineageSeverity(c.share_complete),
        title: `${intFmt.format(c.total - c.complete)} of ${plural(c.total, c.unit)} ${c.total - c.complete === 1 ? 'does' : 'do'} not resolve to a model version, dataset version and release`,
        detail: c.gaps.map((g) => `${g.reason}: ${intFmt.format(g.count)}`).join('; '),
        metric: 'lineage_completeness',
        value: c.share_complete,
        target: { screen: 'lineage', params: { view: 'completeness', table: c.table } },
      });
  for (const r of coverage.per_release) {
    if (r.missing.length > 0)
      headline.push({
        id: `coverage:missing:${r.release_id}`,
        kind: 'coverage',
        severity: FIXED_SEVERITY.critical_cohort_missing,
        title: `Release-critical cohort${r.missing.length > 1 ? 's' : ''} ${r.missing.join(', ')} missing from ${r.release_id} eval data`,
        detail: `${r.critical_covered} of ${r.critical_total} critical cohorts meet their threshold in ${r.release_id}`,
        metric: 'cohort_coverage',
        value: r.coverage,
        target: { screen: 'coverage', params: { release: r.release_id } },
      });
    if (r.below_threshold.length > 0)
      headline.push({
        id: `coverage:below:${r.release_id}`,
        kind: 'coverage',
        severity: FIXED_SEVERITY.critical_cohort_below_min_rows,
        title: `${r.below_threshold.join(', ')} below the minimum eval rows in ${r.release_id}`,
        detail: `default threshold ${coverage.min_rows_default} rows`,
        metric: 'cohort_coverage',
        value: r.coverage,
        target: { screen: 'coverage', params: { release: r.release_id } },
      });
  }
  for (const r of health.releases)
    if (r.canary_failures > 0 || r.rolled_back)
      headline.push({
        id: `canary:${r.release_id}`,
        kind: 'canary',
        severity: FIXED_SEVERITY.release_failure,
        title: `${r.release_id}: ${[r.canary_failures > 0 ? 'canary failed' : '', r.rolled_back ? 'rolled back' : ''].filter(Boolean).join(', ')}`,
        detail: `error rate ${pct(r.error_rate)}${r.vs_previous?.error_rate_delta != null ? ` (${r.vs_previous.error_rate_delta >= 0 ? '+' : ''}${(r.vs_previous.error_rate_delta * 100).toFixed(1)} pts vs ${r.vs_previous.previous_release_id})` : ''}; ${plural(r.incidents, 'incident')}; time to recover ${r.time_to_recover_hours === null ? 'n/a' : `${r.time_to_recover_hours.toFixed(1)} h`}`,
        metric: 'canary_failure_rate',
        value: r.canary_runs > 0 ? r.canary_failures / r.canary_runs : null,
        target: { screen: 'releases', params: { release: r.release_id } },
      });
  for (const rid of evals.shipped_without_passing_eval) {
    const g = evals.pre_release.find((x) => x.release_id === rid);
    headline.push({
      id: `eval:${rid}`,
      kind: 'eval',
      severity: FIXED_SEVERITY.shipped_without_passing_eval,
      title: `${rid} shipped without a passing pre-release eval`,
      detail: g && g.n > 0 ? `${intFmt.format(g.failures)} of ${plural(g.n, `${evals.gate.stages.join('/')} result`)} failed before release` : `no ${evals.gate.stages.join('/')} result dated before release`,
      metric: 'releases_without_passing_eval',
      value: g?.fail_rate ?? null,
      target: { screen: 'evals', params: { release: rid } },
    });
  }
  for (const g of posture.gaps)
    headline.push({
      id: `logging:${g.table}:${g.start}`,
      kind: 'logging',
      severity: loggingGapSeverity(g.table, g.days),
      title: `No ${g.table} entries from ${g.start} to ${g.end} (${g.days} day${g.days > 1 ? 's' : ''})`,
      detail: `zero-volume days in ${g.table} inside the logging window ${posture.first_event?.slice(0, 10) ?? '?'} → ${posture.last_event?.slice(0, 10) ?? '?'}`,
      metric: 'log_gap_days',
      value: g.days,
      target: { screen: 'posture', params: { table: g.table, start: g.start, end: g.end } },
    });
  if (posture.meets_retention === false)
    headline.push({
      id: 'logging:retention',
      kind: 'logging',
      severity: FIXED_SEVERITY.retention_short,
      title: `Logs cover ${plural(posture.days_covered, 'day')}, below the ${posture.retention_min_days}-day minimum`,
      detail: `${posture.first_event ?? '?'} → ${posture.last_event ?? '?'}`,
      metric: 'days_covered',
      value: posture.days_covered,
      target: { screen: 'posture', params: { view: 'retention' } },
    });
  headline.sort(byHeadlineOrder);

  return {
    period: base.period,
    systems: base.systems,
    model_names: base.model_names,
    model_versions: base.model_versions,
    releases: base.releases,
    headline,
    scans_pending: true,
  };
}

const byHeadlineOrder = (a: HeadlineFinding, b: HeadlineFinding): number =>
  severityRank(a.severity) - severityRank(b.severity) || byCodePoint(a.kind, b.kind) || byCodePoint(a.id, b.id);

/** The Overview without its scans plus the scans' findings: the full Overview (same order as if built at once). */
export function withScanHeadlines(base: Overview, scanned: HeadlineFinding[]): Overview {
  const { scans_pending: _pending, ...rest } = base;
  return { ...rest, headline: [...base.headline, ...scanned].sort(byHeadlineOrder) };
}

/** The drift scan's and the performance and fairness scan's headline findings (`drift` already under way, if given). */
export async function scanHeadlines(conn: DuckDBConnection, drift?: Promise<HeadlineFinding[]>): Promise<HeadlineFinding[]> {
  return [...(await (drift ?? driftScanHeadlines(conn))), ...(await performanceScanHeadlines(conn))];
}

/** The whole Overview in one call (tests, tools); the engine builds it from the memoised scan-free one instead. */
export async function overviewReport(
  conn: DuckDBConnection,
  summary?: ImportSummary,
  inputs: OverviewInputs = {},
): Promise<Overview> {
  return withScanHeadlines(await overviewWithoutScans(conn, summary, inputs), await scanHeadlines(conn));
}

/** A bundle the scan cannot read must not take the Overview down: the failure becomes a finding pointing at Drift. */
export async function driftScanHeadlines(conn: DuckDBConnection): Promise<HeadlineFinding[]> {
  try {
    return driftHeadlines(await driftScan(conn));
  } catch (e) {
    return [
      {
        id: 'drift:scan-failed',
        kind: 'drift',
        severity: 'low',
        title: 'Release-to-release drift scan could not run',
        detail: e instanceof Error ? e.message : String(e),
        metric: 'drift_scan',
        value: null,
        target: { screen: 'drift', params: {} },
      },
    ];
  }
}

/** Like the drift scan: a failure becomes a low finding pointing at the Performance & fairness screen. */
async function performanceScanHeadlines(conn: DuckDBConnection): Promise<HeadlineFinding[]> {
  try {
    return performanceHeadlines(await sharedPerformanceScan(conn));
  } catch (e) {
    return [
      {
        id: 'performance:scan-failed',
        kind: 'performance',
        severity: 'low',
        title: 'Performance and fairness scan could not run',
        detail: e instanceof Error ? e.message : String(e),
        metric: 'performance_scan',
        value: null,
        target: { screen: 'fairness', params: {} },
      },
    ];
  }
}

function fmtStat(x: number | null): string {
  if (x === null) return 'n/a';
  const a = Math.abs(x);
  return a !== 0 && (a < 0.01 || a >= 1e4) ? x.toExponential(2) : x.toFixed(2);
}

function fmtP(p: number | null): string {
  if (p === null) return 'n/a';
  return p < 1e-300 ? '< 1e-300' : p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** "Distribution shift (Wasserstein)" → "distribution shift": the plain name without the technical one, for a title. */
function shortMethodName(method: DriftScanFinding['method']): string {
  const name = DRIFT_METHOD_INFO[method].name.replace(/\s*\([^)]*\)\s*$/, '');
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function driftParams(f: DriftScanFinding): Record<string, string> {
  const params: Record<string, string> = { table: f.table, base: `release:${f.baseline_release}`, cur: `release:${f.current_release}`, column: f.column };
  if (f.cohort_attribute !== null && f.cohort_value !== null) {
    params.cohort = `${f.cohort_attribute}=${f.cohort_value}`;
    params.hattr = f.cohort_attribute;
  }
  if (f.method === 'null_rate') params.method = 'null_rate';
  return params;
}

/**
 * One finding per (table, column, release pair), titled by its strongest confirmed cohort; the other confirmed cohorts
 * are named in the detail. Strongest first; beyond MAX_DRIFT_HEADLINES one line counts the rest.
 */
export function driftHeadlines(scan: DriftScanReport): HeadlineFinding[] {
  const groups = new Map<string, DriftScanFinding[]>();
  for (const f of scan.drifted) {
    const key = `${f.table}\u0000${f.column}\u0000${f.baseline_release}\u0000${f.current_release}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  // scan.drifted is sorted strongest first, so each group's first entry is its strongest cohort.
  const findings = [...groups.values()].map((fs): HeadlineFinding => {
    const top = fs[0] as DriftScanFinding;
    const where = top.cohort === 'all' ? '' : ` for ${top.cohort}`;
    const others = fs.slice(1).map((f) => `${f.cohort} (${fmtStat(f.effect)})`);
    const info = DRIFT_METHOD_INFO[top.method];
    const pair = scan.pairs.find((p) => p.table === top.table && p.baseline_release === top.baseline_release && p.current_release === top.current_release);
    const unconfirmed = pair?.unconfirmed.filter((u) => u.startsWith(`${top.column} · `)).length ?? 0;
    return {
      id: `drift:${top.table}:${top.column}:${top.baseline_release}:${top.current_release}`,
      kind: 'drift',
      severity: driftSeverity(top.effect, top.threshold),
      title: `${top.column} drifted${where}: release ${top.baseline_release} → ${top.current_release} (${shortMethodName(top.method)} ${fmtStat(top.effect)}, threshold ${fmtStat(top.threshold)})`,
      detail:
        `${top.table}; ${info.name}: ${fmtStat(top.effect)} vs threshold ${fmtStat(top.threshold)} (${info.meaning}); p adjusted (Benjamini–Hochberg) ${fmtP(top.p_adjusted)}; n ${intFmt.format(top.n_baseline)} / ${intFmt.format(top.n_current)}` +
        (others.length > 0 ? `; also drifted: ${others.join(', ')}` : '') +
        (unconfirmed > 0 ? `; ${plural(unconfirmed, 'more cohort')} crossed the threshold in the quick scan but not in the full test` : ''),
      metric: `drift_${top.method}`,
      value: top.statistic,
      target: { screen: 'drift', params: driftParams(top) },
    };
  });
  if (findings.length <= MAX_DRIFT_HEADLINES) return findings;
  const rest = findings.slice(MAX_DRIFT_HEADLINES);
  return [
    ...findings.slice(0, MAX_DRIFT_HEADLINES),
    {
      id: 'drift:more',
      kind: 'drift',
      severity: FIXED_SEVERITY.drift_remainder,
      title: `${rest.length} more drifted column${rest.length > 1 ? 's' : ''} between promoted releases`,
      detail: rest.map((f) => f.title).join('; '),
      metric: 'drifted_columns',
      value: rest.length,
      target: rest[0]?.target ?? { screen: 'drift', params: {} },
    },
  ];
}
