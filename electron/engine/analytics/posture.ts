import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  CoverageReport,
  EvalReport,
  HealthReport,
  ChecklistItem,
  DeploymentAudit,
  LogGap,
  NotMeasurable,
  PostureReport,
  TableLogCoverage,
  Traceability,
} from '../../../shared/api/analytics';
import { queryRows } from '../db';
import { META_TABLES } from '../../../shared/canonical';
import { notApplicable, verdictOver, type CheckVerdict } from '../../../shared/verdict';
import { coverageReport } from './coverage';
import { evalReport } from './evals';
import { healthReport } from './health';
import { changeLog, lineageCompletenessWithGaps, type LineageCompletenessResult } from './lineage';
import { pct } from './format';
import { plural } from '../../../shared/plural';
import { ANALYTICS_DEFAULTS, BundleSchema, count, num } from './schema';

export interface PostureOptions {
  retentionDays?: number;
  auditWindowHours?: number;
  minRows?: number;
}

/** Results of the other analyses, when the caller has them already (overview), so they are not computed twice. */
export interface PostureInputs {
  /** Lineage completeness with what it could not measure (`lineageCompletenessWithGaps`). */
  completeness?: LineageCompletenessResult;
  coverage?: CoverageReport;
  evals?: EvalReport;
  health?: HealthReport;
}

interface LogSource {
  table: string;
  column: string;
  where: string;
  continuous: boolean;
}

const MAX_LISTED_DAYS = 400;

/** `list` cells arrive JSON-encoded (db.toCell). */
function stringList(cell: unknown): string[] {
  if (typeof cell !== 'string') return [];
  const v: unknown = JSON.parse(cell);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * A log the bundle carries: its table has rows, or an input file was loaded into it (an empty file is a silent log).
 * The importer creates every canonical table, so an empty table no file fed is a log the bundle does not include —
 * not applicable, not a gap of every day.
 */
async function carried(conn: DuckDBConnection, schema: BundleSchema, table: string): Promise<boolean> {
  if (!schema.has(table)) return false;
  if (!schema.has(META_TABLES.files)) return true;
  const row = (await queryRows<{ n: number }>(conn, `select (select count(*) from ${table}) + (select count(*) from ${META_TABLES.files} where table_name = ?) as n`, [table]))[0];
  return count(row?.n) > 0;
}

async function logSources(conn: DuckDBConnection, schema: BundleSchema): Promise<LogSource[]> {
  const out: LogSource[] = [];
  if (await carried(conn, schema, 'spans')) out.push({ table: 'spans', column: 'start_time', where: 'true', continuous: true });
  if (await carried(conn, schema, 'records')) {
    const split = schema.hasColumn('records', 'split') ? schema.text('records', 'split') : null;
    const serving = split ? count((await queryRows(conn, `select count(*) as n from records where lower(${split}) = 'serving'`))[0]?.['n']) > 0 : false;
    out.push({ table: 'records', column: 'ts', where: serving && split ? `lower(${split}) = 'serving'` : 'true', continuous: true });
  }
  if (await carried(conn, schema, 'audit_log')) out.push({ table: 'audit_log', column: 'ts', where: 'true', continuous: true });
  if (await carried(conn, schema, 'deployment_events')) out.push({ table: 'deployment_events', column: 'ts', where: 'true', continuous: false });
  if (await carried(conn, schema, 'eval_results')) out.push({ table: 'eval_results', column: 'ts', where: 'true', continuous: false });
  return out;
}

function tsOf(schema: BundleSchema, s: LogSource): string {
  return schema.ts(s.table, s.column);
}

/** The logging window: first and last event over spans and serving records (the system's own logs). */
async function loggingWindow(conn: DuckDBConnection, schema: BundleSchema, sources: LogSource[]): Promise<{ first: string | null; last: string | null; days: number }> {
  const traffic = sources.filter((s) => s.table === 'spans' || s.table === 'records');
  const use = traffic.length > 0 ? traffic : sources;
  if (use.length === 0) return { first: null, last: null, days: 0 };
  const union = use.map((s) => `select min(${tsOf(schema, s)}) as lo, max(${tsOf(schema, s)}) as hi from ${s.table} where ${s.where}`).join(' union all ');
  const row = (await queryRows<{ lo: string | null; hi: string | null; days: number | null }>(conn, `select min(lo) as lo, max(hi) as hi, date_diff('day', CAST(min(lo) AS DATE), CAST(max(hi) AS DATE)) + 1 as days from (${union})`))[0];
  return { first: row?.lo ?? null, last: row?.hi ?? null, days: count(row?.days) };
}

/** The logging window the posture reports (first to last span or serving record), on its own: the Overview's period. */
export async function postureWindow(conn: DuckDBConnection): Promise<{ first: string | null; last: string | null }> {
  const schema = await BundleSchema.load(conn);
  const { first, last } = await loggingWindow(conn, schema, await logSources(conn, schema));
  return { first, last };
}

async function tableCoverage(conn: DuckDBConnection, schema: BundleSchema, s: LogSource, window: { first: string | null; last: string | null }): Promise<TableLogCoverage> {
  const ts = tsOf(schema, s);
  const base = (
    await queryRows<{ rows: number; no_ts: number; first: string | null; last: string | null; days: number }>(
      conn,
      `select count(*) as rows, count(*) filter (where ${ts} is null) as no_ts, min(${ts}) as first, max(${ts}) as last, count(distinct CAST(${ts} AS DATE)) as days
         from ${s.table} where ${s.where}`,
    )
  )[0];
  const cov: TableLogCoverage = {
    table: s.table,
    ts_column: s.column,
    rows: count(base?.rows),
    rows_without_ts: count(base?.no_ts),
    first_event: base?.first ?? null,
    last_event: base?.last ?? null,
    days_with_data: count(base?.days),
    continuous: s.continuous,
    zero_volume_day_count: null,
    zero_volume_days: [],
    gaps: [],
  };
  // Rows that exist but cannot be placed in time say nothing about silent days; an empty table is silent every day.
  const unplaceable = cov.rows > 0 && cov.first_event === null;
  if (!s.continuous || !window.first || !window.last || unplaceable) return cov;
  const zeroCte = `with days as (select distinct CAST(${ts} AS DATE) as d from ${s.table} where ${s.where} and ${ts} is not null),
        cal as (select CAST(g AS DATE) as d from generate_series(CAST(CAST(? AS TIMESTAMP) AS DATE), CAST(CAST(? AS TIMESTAMP) AS DATE), INTERVAL 1 DAY) t(g)),
        zero as (select cal.d from cal anti join days on days.d = cal.d)`;
  const params = [window.first, window.last];
  // Islands of consecutive silent days: day minus its rank is constant within a run.
  const gaps = await queryRows<{ start: string; end: string; days: number; list: string }>(
    conn,
    `${zeroCte}, runs as (select d, d - CAST(row_number() over (order by d) AS INTEGER) as grp from zero)
     select strftime(min(d), '%Y-%m-%d') as start, strftime(max(d) + 1, '%Y-%m-%d') as "end", count(*) as days,
            list(strftime(d, '%Y-%m-%d') order by d) as list
       from runs group by grp order by min(d)`,
    params,
  );
  cov.zero_volume_day_count = gaps.reduce((a, g) => a + count(g.days), 0);
  cov.zero_volume_days = gaps.flatMap((g) => stringList(g.list)).slice(0, MAX_LISTED_DAYS);
  cov.gaps = gaps.map((g): LogGap => ({ table: s.table, start: g.start, end: g.end, days: count(g.days) }));
  return cov;
}

async function traceability(conn: DuckDBConnection, schema: BundleSchema, sources: LogSource[]): Promise<Traceability[]> {
  const out: Traceability[] = [];
  for (const s of sources.filter((x) => x.table === 'spans' || x.table === 'records')) {
    const t = s.table as 'spans' | 'records';
    const has = (c: string) => schema.hasColumn(t, c);
    const cnt = (c: string) => (has(c) ? `count(${schema.text(t, c)})` : 'CAST(NULL AS BIGINT)');
    const row = (
      await queryRows<{ total: number; tid: number | null; mv: number | null; dv: number | null; s_tid: number | null; s_mv: number | null; s_dv: number | null }>(
        conn,
        `select *, CASE WHEN total > 0 THEN CAST(tid AS DOUBLE) / total END as s_tid, CASE WHEN total > 0 THEN CAST(mv AS DOUBLE) / total END as s_mv,
                CASE WHEN total > 0 THEN CAST(dv AS DOUBLE) / total END as s_dv
           from (select count(*) as total, ${cnt('trace_id')} as tid, ${cnt('model_version')} as mv, ${cnt('dataset_version')} as dv from ${t} where ${s.where})`,
      )
    )[0];
    const total = count(row?.total);
    out.push({
      table: t,
      unit: t === 'spans' ? 'span' : 'record',
      total,
      with_trace_id: num(row?.tid),
      with_model_version: num(row?.mv),
      with_dataset_version: num(row?.dv),
      share_trace_id: num(row?.s_tid),
      share_model_version: num(row?.s_mv),
      share_dataset_version: num(row?.s_dv),
    });
  }
  return out;
}

/** Each deployment event is covered when audit_log has an entry targeting its release within ± window hours. */
async function deploymentAudit(conn: DuckDBConnection, schema: BundleSchema, windowHours: number, notMeasurable: NotMeasurable[]): Promise<DeploymentAudit> {
  const empty: DeploymentAudit = { window_hours: windowHours, total: 0, covered: 0, share: null, uncovered: [] };
  if (!schema.hasColumn('deployment_events', 'release_id')) {
    notMeasurable.push({ metric: 'audit_coverage_of_deployments', reason: 'the bundle has no deployment_events with release_id' });
    return empty;
  }
  const d = 'deployment_events';
  const a = 'audit_log';
  const audit = schema.hasColumn(a, 'target_id') ? `select ${schema.text(a, 'target_id')} as target, ${schema.ts(a, 'ts')} as ts from audit_log` : null;
  if (!audit) notMeasurable.push({ metric: 'audit_coverage_of_deployments', reason: 'the bundle has no audit_log with target_id: no deployment event can be matched' });
  const windowUs = Math.round(windowHours * 3600 * 1_000_000);
  const rows = await queryRows<{ event_id: string; release_id: string | null; event_type: string | null; ts: string | null; covered: boolean }>(
    conn,
    `with ev as (select coalesce(${schema.text(d, 'event_id')}, '(row ' || row_number() over () || ')') as event_id, ${schema.text(d, 'release_id')} as release_id,
                        lower(${schema.text(d, 'event_type')}) as event_type, ${schema.ts(d, 'ts')} as ts from deployment_events),
          au as (${audit ?? 'select CAST(NULL AS VARCHAR) as target, CAST(NULL AS TIMESTAMP) as ts where false'})
     select ev.*, exists (select 1 from au where au.target = ev.release_id and ev.ts is not null and au.ts is not null
                                  and abs(date_diff('microsecond', au.ts, ev.ts)) <= ${windowUs}) as covered
       from ev order by ev.ts nulls last, ev.event_id`,
  );
  const covered = rows.filter((r) => r.covered).length;
  return {
    window_hours: windowHours,
    total: rows.length,
    covered,
    share: rows.length > 0 ? covered / rows.length : null,
    uncovered: rows.filter((r) => !r.covered).map((r) => ({ event_id: r.event_id, release_id: r.release_id, event_type: r.event_type, ts: r.ts })),
  };
}


/** Months (YYYY-MM) of the window with at least one monitoring-stage eval, over all months of the window. */
async function monitoringMonths(conn: DuckDBConnection, schema: BundleSchema, window: { first: string | null; last: string | null }): Promise<{ months: number; with_eval: number } | null> {
  if (!schema.hasColumn('eval_results', 'stage') || !window.first || !window.last) return null;
  const row = (
    await queryRows<{ months: number; with_eval: number }>(
      conn,
      `with cal as (select strftime(g, '%Y-%m') as m from generate_series(date_trunc('month', CAST(? AS TIMESTAMP)), date_trunc('month', CAST(? AS TIMESTAMP)), INTERVAL 1 MONTH) t(g)),
            mon as (select distinct strftime(${schema.ts('eval_results', 'ts')}, '%Y-%m') as m from eval_results where lower(${schema.text('eval_results', 'stage')}) = 'monitoring')
       select count(*) as months, count(mon.m) as with_eval from cal left join mon on mon.m = cal.m`,
      [window.first, window.last],
    )
  )[0];
  return { months: count(row?.months), with_eval: count(row?.with_eval) };
}

/** Met when the measure meets its bar; not applicable, with why, when there is nothing to measure. */
function judge(x: number | null, met: (v: number) => boolean, whyNone: string): CheckVerdict {
  return x === null ? notApplicable(whyNone) : { verdict: met(x) ? 'met' : 'not_met' };
}

/** A pass/fail item over `n` things (not applicable when n = 0). */
function over(n: number, ok: boolean, whyNone: string): CheckVerdict {
  return verdictOver(n, ok, whyNone);
}

export async function postureReport(conn: DuckDBConnection, opts: PostureOptions = {}, inputs: PostureInputs = {}): Promise<PostureReport> {
  const schema = await BundleSchema.load(conn);
  const retention = opts.retentionDays ?? ANALYTICS_DEFAULTS.retentionDays;
  const auditWindow = opts.auditWindowHours ?? ANALYTICS_DEFAULTS.auditWindowHours;
  const notMeasurable: NotMeasurable[] = [];
  const sources = await logSources(conn, schema);
  const window = await loggingWindow(conn, schema, sources);
  if (!window.first) notMeasurable.push({ metric: 'logging_window', reason: 'no timestamped span or record' });
  const tables: TableLogCoverage[] = [];
  for (const s of sources) tables.push(await tableCoverage(conn, schema, s, window));
  for (const t of tables) if (t.rows_without_ts > 0) notMeasurable.push({ metric: `logging_coverage.${t.table}`, reason: `${t.rows_without_ts} rows have no usable ${t.ts_column}` });
  if (!sources.some((x) => x.table === 'audit_log')) notMeasurable.push({ metric: 'logging_coverage.audit_log', reason: 'the bundle has no audit_log table' });

  // Days with neither a span nor a serving record: the system's own log is silent.
  const traffic = sources.filter((s) => s.table === 'spans' || s.table === 'records');
  let silentDays: string[] = [];
  if (traffic.length > 0 && window.first && window.last) {
    const union = traffic.map((s) => `select distinct CAST(${tsOf(schema, s)} AS DATE) as d from ${s.table} where ${s.where}`).join(' union ');
    silentDays = (
      await queryRows<{ d: string }>(
        conn,
        `select strftime(CAST(g AS DATE), '%Y-%m-%d') as d from generate_series(CAST(CAST(? AS TIMESTAMP) AS DATE), CAST(CAST(? AS TIMESTAMP) AS DATE), INTERVAL 1 DAY) t(g)
          where CAST(g AS DATE) not in (select d from (${union}) where d is not null) order by g limit ${MAX_LISTED_DAYS}`,
        [window.first, window.last],
      )
    ).map((r) => r.d);
  }
  const trace = await traceability(conn, schema, sources);
  const spansTrace = trace.find((t) => t.table === 'spans');
  const audit = await deploymentAudit(conn, schema, auditWindow, notMeasurable);

  // Evidence from the other analyses, for the checklist.
  const { completeness, notMeasurable: lineageGaps } = inputs.completeness ?? (await lineageCompletenessWithGaps(conn, schema));
  const changelog = await changeLog(conn, schema);
  const coverage = inputs.coverage ?? (await coverageReport(conn, { minRows: opts.minRows }));
  const evals = inputs.evals ?? (await evalReport(conn));
  const health = inputs.health ?? (await healthReport(conn));
  const months = await monitoringMonths(conn, schema, window);
  const chains = await releaseChains(conn, schema, changelog.map((c) => ({ release_id: c.release_id, model_version: c.model_version })));

  const continuous = tables.filter((t) => t.continuous && t.zero_volume_day_count !== null);
  const worstSilentShare = continuous.length > 0 && window.days > 0 ? Math.max(...continuous.map((t) => (t.zero_volume_day_count ?? 0) / window.days)) : null;
  const silentDetail = continuous.map((t) => `${t.table} ${plural(t.zero_volume_day_count, 'silent day')}`).join(', ');
  const traceUnit = completeness.find((c) => c.table === 'spans') ?? completeness.find((c) => c.table === 'records');
  const shipped = evals.pre_release.filter((g) => g.shipped);
  const shippedPass = shipped.filter((g) => g.verdict === 'pass').length;
  const approved = changelog.filter((c) => c.approved_by).length;
  const coverageMin = coverage.per_release.length > 0 && coverage.per_release.every((r) => r.coverage !== null) ? Math.min(...coverage.per_release.map((r) => r.coverage ?? 0)) : null;
  const cohortCells = evals.by_cohort.filter((g) => !g.small_cell).length;
  const episodesUnresolved = health.releases.reduce((a, r) => a + r.unresolved_incidents, 0);
  const o = health.overall;

  const checklist: ChecklistItem[] = [
    {
      id: 'log_retention',
      evidence: `Logs cover at least ${retention} days (first to last span / serving record)`,
      frameworks: { eu_ai_act: ['Art. 12(1)', 'Art. 19(1)', 'Art. 26(6)'], nist_ai_rmf: ['MEASURE 2.4'], iso_42001: ['A.6.2.8'] },
      ...(window.first ? { verdict: window.days >= retention ? 'met' : 'not_met' } : notApplicable('no timestamped span or serving record: the logging window cannot be measured')),
      value: window.first ? `${window.days} days covered (${window.first.slice(0, 10)} → ${(window.last ?? '').slice(0, 10)}); minimum ${retention}` : 'no timestamped events',
      measure: window.first ? window.days : null,
      rule: `met: days covered ≥ ${retention}; not met otherwise`,
    },
    {
      id: 'log_continuity',
      evidence: 'Continuous logging: no silent day in spans, serving records or the audit log',
      frameworks: { eu_ai_act: ['Art. 12(1)', 'Art. 12(2)'], nist_ai_rmf: ['MEASURE 2.4'], iso_42001: ['A.6.2.8'] },
      ...judge(worstSilentShare, (v) => v === 0, window.first ? 'no continuous log (spans, serving records, audit log) with timestamps' : 'the logging window cannot be measured'),
      value: continuous.length > 0 ? silentDetail : 'no continuous log with timestamps',
      measure: worstSilentShare,
      rule: 'met: no silent day in any continuous log; not met otherwise (the value says how many)',
    },
    {
      id: 'traceability',
      evidence: 'Each trace resolves to a model version, a dataset version and a release',
      frameworks: { eu_ai_act: ['Art. 12(2)', 'Annex IV 1(a)'], nist_ai_rmf: ['MEASURE 2.4'], iso_42001: ['A.6.2.8', 'A.7.5'] },
      ...judge(traceUnit && traceUnit.total > 0 ? traceUnit.share_complete : null, (v) => v >= 0.99, 'no traces or serving records to trace'),
      value: traceUnit ? `${pct(traceUnit.share_complete)} of ${plural(traceUnit.total, traceUnit.unit)} complete` : 'no spans or records',
      measure: traceUnit?.share_complete ?? null,
      rule: 'met: ≥ 99 % complete; not met otherwise',
    },
    {
      id: 'release_lineage',
      evidence: 'Every release traces to a model version, its training run and its dataset version',
      frameworks: { eu_ai_act: ['Art. 10', 'Art. 11', 'Annex IV 2(d)', 'Annex IV 6'], nist_ai_rmf: ['MEASURE 2.1'], iso_42001: ['A.7.5', 'A.6.2.6'] },
      ...over(chains.total, chains.complete === chains.total, 'the bundle has no releases'),
      value: `${chains.complete} of ${chains.total} releases with a complete chain`,
      measure: chains.total > 0 ? chains.complete / chains.total : null,
      rule: 'met: all releases; not met otherwise',
    },
    {
      id: 'release_approval',
      evidence: 'Each release approved by a named person (release record or audit log)',
      frameworks: { eu_ai_act: ['Annex IV 2(g)', 'Annex IV 6'], nist_ai_rmf: [], iso_42001: ['7.5.2', '7.5.3'] },
      ...over(changelog.length, approved === changelog.length, 'the bundle has no releases'),
      value: `${approved} of ${changelog.length} releases approved; ${changelog.filter((c) => c.approval_source === 'audit_log').length} only in the audit log`,
      measure: changelog.length > 0 ? approved / changelog.length : null,
      rule: 'met: all releases; not met otherwise',
    },
    {
      id: 'pre_release_eval',
      evidence: 'Every shipped release passed its pre-release evaluation before release',
      frameworks: { eu_ai_act: ['Art. 15(1)', 'Annex IV 2(g)'], nist_ai_rmf: ['MEASURE 2.1', 'MEASURE 2.3'], iso_42001: ['A.6.2.4'] },
      ...over(shipped.length, shippedPass === shipped.length, 'no shipped release with a release time'),
      value: `${shippedPass} of ${shipped.length} shipped releases passed${evals.shipped_without_passing_eval.length > 0 ? `; without: ${evals.shipped_without_passing_eval.join(', ')}` : ''}`,
      measure: shipped.length > 0 ? shippedPass / shipped.length : null,
      rule: `gate = ${evals.gate.stages.join(', ')} results before released_at with fail rate ≤ ${evals.gate.max_fail_rate}; met: every shipped release passed; not met when one failed or has no gate results`,
    },
    {
      id: 'cohort_coverage',
      evidence: 'Release-critical cohorts represented with enough rows in every release’s eval data',
      frameworks: { eu_ai_act: ['Art. 10(3)', 'Annex IV 2(g)', 'Annex IV 3'], nist_ai_rmf: ['MEASURE 2.3', 'MEASURE 2.11'], iso_42001: ['A.6.2.4'] },
      ...judge(coverageMin, (v) => v === 1, 'no release with release-critical cohorts and eval data'),
      value:
        coverage.per_release.length > 0
          ? coverage.per_release.map((r) => `${r.release_id} ${r.critical_covered}/${r.critical_total}${r.missing.length > 0 ? ` (missing ${r.missing.join(', ')})` : ''}`).join('; ')
          : 'no release or no cohort',
      measure: coverageMin,
      rule: `lowest per-release share of critical cohorts with ≥ min rows (default ${coverage.min_rows_default}); met: 1; not met otherwise`,
    },
    {
      id: 'cohort_performance',
      evidence: 'Eval fail rate per cohort with a 95 % Wilson interval',
      frameworks: { eu_ai_act: ['Art. 15(1)', 'Annex IV 3'], nist_ai_rmf: ['MEASURE 2.11'], iso_42001: ['A.6.2.4'] },
      ...over(evals.by_cohort.length, cohortCells === evals.by_cohort.length, 'no eval results with a cohort'),
      value: `${cohortCells} of ${plural(evals.by_cohort.length, 'cohort')} with ≥ ${evals.small_cell_k} results`,
      measure: evals.by_cohort.length > 0 ? cohortCells / evals.by_cohort.length : null,
      rule: 'met: every cohort has ≥ k results; not met when some cells are small',
    },
    {
      id: 'release_health',
      evidence: 'Canary, rollback, change failure rate and recovery recorded per release',
      frameworks: { eu_ai_act: ['Art. 15(4)'], nist_ai_rmf: ['MEASURE 2.6', 'MEASURE 2.7'], iso_42001: ['A.6.2.6'] },
      ...over(o.deployments, o.change_failures === 0 || (o.mean_time_to_recover_hours !== null && episodesUnresolved === 0), 'no deployment events'),
      value: `change failure rate ${pct(o.change_failure_rate)} (${o.change_failures}/${o.deployments}), rollback rate ${pct(o.rollback_rate)}, canary failure rate ${pct(o.canary_failure_rate)}, mean time to recover ${o.mean_time_to_recover_hours === null ? 'n/a' : `${o.mean_time_to_recover_hours.toFixed(1)} h`}`,
      measure: o.change_failure_rate,
      rule: 'met: every failed change has a recorded recovery; not met when some failure has none',
    },
    {
      id: 'incidents',
      evidence: 'Incidents recorded per release and resolved',
      frameworks: { eu_ai_act: ['Art. 26(5)', 'Art. 73'], nist_ai_rmf: ['MEASURE 3.1'], iso_42001: ['A.6.2.6'] },
      ...over(schema.has('deployment_events') ? o.deployments : 0, episodesUnresolved === 0, 'no deployment events to hold incidents'),
      value: `${plural(o.incidents, 'incident')}, ${episodesUnresolved} unresolved`,
      measure: o.incidents,
      rule: 'met: every incident_open has a later resolution or rollback; not met otherwise',
    },
    {
      id: 'post_market_monitoring',
      evidence: 'Monitoring-stage evaluations in every month of the logging window',
      frameworks: { eu_ai_act: ['Art. 72'], nist_ai_rmf: ['MEASURE 2.4', 'MEASURE 4.3'], iso_42001: ['A.6.2.6'] },
      ...judge(months && months.months > 0 ? months.with_eval / months.months : null, (v) => v === 1, 'no eval_results with a stage, or no logging window'),
      value: months ? `${months.with_eval} of ${months.months} months with a monitoring eval` : 'no eval_results with stage or no logging window',
      measure: months && months.months > 0 ? months.with_eval / months.months : null,
      rule: 'met: every month; not met otherwise',
    },
    {
      id: 'deployment_audit_trail',
      evidence: `Deployment events matched by an audit-log entry on the same release within ±${auditWindow} h`,
      frameworks: { eu_ai_act: ['Art. 12(2)'], nist_ai_rmf: ['MEASURE 2.4'], iso_42001: ['A.6.2.8', '7.5.3'] },
      ...(sources.some((x) => x.table === 'audit_log') ? over(audit.total, audit.covered === audit.total, 'no deployment events to match') : notApplicable('the bundle has no audit_log table')),
      value: `${audit.covered} of ${plural(audit.total, 'deployment event')}`,
      measure: audit.share,
      rule: 'met: all; not met otherwise',
    },
  ];
  const allNotMeasurable = [...notMeasurable, ...lineageGaps];
  checklist.push({
    id: 'limitations',
    evidence: 'What this bundle cannot measure is stated',
    frameworks: { eu_ai_act: ['Annex IV 2(g)'], nist_ai_rmf: ['MEASURE 1.1'], iso_42001: [] },
    verdict: 'met',
    value: `${plural(checklist.filter((c) => c.verdict === 'not_applicable').length, 'checklist item')} not applicable and ${plural(allNotMeasurable.length, 'posture metric')} not measurable, each with its reason`,
    measure: checklist.filter((c) => c.verdict === 'not_applicable').length,
    rule: 'met: the report lists every not-applicable item and not-measurable metric with a reason',
  });

  return {
    first_event: window.first,
    last_event: window.last,
    days_covered: window.days,
    retention_min_days: retention,
    meets_retention: window.first ? window.days >= retention : null,
    zero_volume_days: silentDays,
    gaps: tables.flatMap((t) => t.gaps),
    tables,
    traceability: trace,
    share_with_trace_id: spansTrace?.share_trace_id ?? null,
    share_with_model_version: spansTrace?.share_model_version ?? null,
    share_with_dataset_version: spansTrace?.share_dataset_version ?? null,
    deployment_events_with_audit_entry: audit.share,
    deployment_audit: audit,
    checklist,
    not_measurable: allNotMeasurable,
  };
}

/** Releases whose model version is defined, names a defined training run, which names a defined dataset version. */
async function releaseChains(conn: DuckDBConnection, schema: BundleSchema, releases: { release_id: string; model_version: string | null }[]): Promise<{ total: number; complete: number }> {
  if (releases.length === 0) return { total: 0, complete: 0 };
  if (!schema.hasColumn('model_versions', 'model_version') || !schema.hasColumn('training_runs', 'run_id') || !schema.hasColumn('dataset_versions', 'dataset_version'))
    return { total: releases.length, complete: 0 };
  const rows = await queryRows<{ mv: string }>(
    conn,
    `select distinct ${schema.text('model_versions', 'model_version', 'm')} as mv
       from model_versions m join training_runs r on ${schema.text('training_runs', 'run_id', 'r')} = ${schema.text('model_versions', 'run_id', 'm')}
       join dataset_versions d on ${schema.text('dataset_versions', 'dataset_version', 'd')} = ${schema.text('training_runs', 'dataset_version', 'r')}
      order by mv`,
  );
  const ok = new Set(rows.map((r) => r.mv));
  return { total: releases.length, complete: releases.filter((r) => r.model_version !== null && ok.has(r.model_version)).length };
}
