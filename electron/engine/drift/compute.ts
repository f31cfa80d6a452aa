import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { CohortFilter, DriftReport, DriftRequest, DriftResult, DriftSeriesPoint, Selector } from '../../../shared/api/drift';
import { DEFAULT_ALPHA } from './auto';
import { driftBinsIpc, driftSeriesIpc } from './arrow';
import { loadColumnGroups } from './column';
import { EMPTY_RANGE, groupedProfilesOfColumns, groupedRanges, type EcdfMethod } from './ecdf';
import type { NumericRange } from './profile';
import { cohortAttributes, comparableColumns, defaultColumns, resolveColumns } from './columns';
import { compareColumn } from './compare';
import { correctAndDecide } from './decide';
import { queryOne, queryRows, quoteIdent } from '../db';
import { isCanonicalName } from '../bundle/tableRole';
import { timeColumnOf } from '../bundle/mapping';
import { CI_LEVEL } from './interval';
import { labelCoverage, labelCoverageWhy } from './labels';
import { planColumn, planOut, selectionStats, type ColumnPlan, type ColumnStats } from './plan';
import { andParts, cohortLabel, cohortPredicate, describeTable, expandCohorts, parseWindow, SELECTOR_COLUMN, selectorPredicate, type Sample, type SqlPart, type TableInfo } from './select';
import { calendarBuckets, chunkBuckets, seriesPoints, timeSpan, type Bucket, type SeriesTarget } from './series';

export type DriftArgs = Omit<DriftRequest, 'bundleId' | 'jobId'>;

export interface DriftHooks {
  signal?: AbortSignal;
  /** The exact ECDF pass for numeric columns: 'auto' (default: bucketed for large samples), 'bucketed' or 'sorted' (the reference, for A/B and tests). */
  ecdf?: EcdfMethod;
  progress?: (message: string, fraction: number) => void;
}

function checkCancel(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ApiError('cancelled', 'Cancelled.');
}

/** A side's predicate; a time window on a table without a time column selects nothing (and says why per result). */
function sidePredicate(info: TableInfo, selector: Selector, field: string): SqlPart {
  if (selector.key === 'window' && !info.timestampColumn) {
    parseWindow(selector.value, field);
    return { sql: 'false', params: [] };
  }
  // A selector column no file supplied (absent) selects nothing; each result then says why.
  if (selector.key !== 'window') {
    const col = SELECTOR_COLUMN[selector.key];
    if (isCanonicalName(info.name) && !info.columns.some((c) => c.name === col)) return { sql: 'false', params: [] };
  }
  return selectorPredicate(info, selector, field);
}

type TimeRange = { lo: string | null; hi: string | null } | null | undefined;

/** Why a side selected no row, with the fix when there is one. `range`: the table's time range, asked once per comparison. */
async function emptySideReason(conn: DuckDBConnection, info: TableInfo, selector: Selector, filters: CohortFilter[], range: (ts: string) => Promise<TimeRange>): Promise<string> {
  const t = info.name;
  const fix = isCanonicalName(t)
    ? `map one with --map ${t}.${timeColumnOf(t) ?? 'ts'}=COLUMN (in the app: Map columns… on the import summary)`
    : `give one the role "timestamp" in manifest.json ("columns": {"COLUMN": "timestamp"})`;
  const inCohort = filters.length > 0 ? ` in cohort ${cohortLabel(filters)}` : '';
  if (selector.key === 'window') {
    const ts = info.timestampColumn;
    const span = ts ? await range(ts) : null;
    if (!ts || !span?.lo) return `${t} has no time column with values; ${fix}`;
    return `no row of ${t}${inCohort} has ${ts} in ${selector.value} (${t}.${ts} runs from ${span.lo} to ${span.hi})`;
  }
  const col = SELECTOR_COLUMN[selector.key as Exclude<Selector['key'], 'window'>];
  if (!info.columns.some((c) => c.name === col)) return `${t} has no ${col} column (no file supplied one); compare by window, or map one with --map ${t}.${col}=COLUMN`;
  return `no row of ${t}${inCohort} has ${col} = ${JSON.stringify(selector.value)}`;
}


/** The values of a cohort attribute among the rows the fixed cohort filters keep (NULL is in no cohort). */
async function cohortValues(conn: DuckDBConnection, table: string, attribute: string, filters: SqlPart): Promise<string[]> {
  const a = quoteIdent(attribute);
  const rows = await queryRows<{ g: string }>(conn, `select distinct ${a}::VARCHAR as g from ${quoteIdent(table)} where (${filters.sql}) and ${a} is not null`, filters.params);
  return rows.map((r) => r.g);
}

/**
 * One pass of the comparison: a sample (cohort filters applied), grouped by the cohort attribute when
 * every cohort of it is compared at once; `label` names a group's cohort.
 */
interface Pass {
  sample: Sample;
  /** The cohort filters alone (no baseline/current selection). */
  cohort: SqlPart;
  label: (group: string) => string;
  /** For series: the filters of each group. */
  filters: (group: string) => CohortFilter[];
}

function passesFor(info: TableInfo, args: DriftArgs, baseline: Sample['baseline'], current: Sample['current']): Pass[] {
  if (args.cohort_by) {
    const attr = args.cohort_by;
    if (!info.columns.some((c) => c.name === attr)) throw new ApiError('bad_argument', `table "${info.name}" has no column "${attr}"`, { field: 'cohort_by', column: attr });
    if (args.by || args.chunks) throw new ApiError('bad_argument', 'cohort_by compares every cohort at once and has no series; ask for a series one cohort at a time', { field: 'cohort_by' });
    const fixed = expandCohorts(args.cohort);
    if (fixed.length > 1 || (fixed[0] ?? []).some((f) => f.attribute === attr))
      throw new ApiError('bad_argument', `with cohort_by, cohort filters must name other attributes than "${attr}", one value each`, { field: 'cohort' });
    const base = fixed[0] ?? [];
    const pred = cohortPredicate(info, base);
    const filters = (g: string): CohortFilter[] => [...base, { attribute: attr, value: g }];
    return [{ sample: { table: info.name, baseline: andParts(baseline, pred), current: andParts(current, pred), group: `${quoteIdent(attr)}::VARCHAR` }, cohort: pred, label: (g) => cohortLabel(filters(g)), filters }];
  }
  return expandCohorts(args.cohort).map((filters) => {
    const pred = cohortPredicate(info, filters);
    return { sample: { table: info.name, baseline: andParts(baseline, pred), current: andParts(current, pred) }, cohort: pred, label: () => cohortLabel(filters), filters: () => filters };
  });
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compares baseline and current selections of one table, column by column, inside DuckDB. */
export async function computeDrift(conn: DuckDBConnection, args: DriftArgs, hooks: DriftHooks = {}): Promise<DriftReport> {
  const started = performance.now();
  const info = await describeTable(conn, args.table);
  const all = comparableColumns(info);
  const cohortAttrs = await cohortAttributes(conn, info);
  const columns = args.columns && args.columns.length > 0 ? resolveColumns(info, all, args.columns) : defaultColumns(info, all, cohortAttrs);
  const baseline = sidePredicate(info, args.baseline, 'baseline');
  const current = sidePredicate(info, args.current, 'current');
  const passes = passesFor(info, args, baseline, current);
  const alpha = args.alpha ?? DEFAULT_ALPHA;
  const correction = args.correction ?? 'bh';
  const binOpts = { bins: args.bins, binning: args.binning };
  const notes: string[] = [
    `baseline: ${args.baseline.key}=${args.baseline.value}; current: ${args.current.key}=${args.current.value}${args.baseline.key === 'window' || args.current.key === 'window' ? ' (windows are half-open [start, end), UTC)' : ''}`,
    'decision: drifted when p_adjusted < alpha (where the method has a p-value) and effect ≥ threshold; inconclusive when the 95 % interval of the effect straddles the threshold',
  ];
  if (columns.length === 0) notes.push(`table "${info.name}" has no comparable columns`);
  if (args.cohort_by) notes.push(`every cohort of ${args.cohort_by} compared in one pass; rows without a ${args.cohort_by} are in no cohort`);

  // One kind and method per column for every cohort, from the whole selection (plan.ts). Without cohorts the
  // whole selection is the one comparison, so its own data decides.
  const whole: Sample = { table: info.name, baseline, current };
  const cohorted = args.cohort_by !== undefined || (args.cohort?.length ?? 0) > 0;
  const stats: Map<string, ColumnStats> | null = cohorted ? await selectionStats(conn, whole, columns) : null;
  const plans = new Map<string, ColumnPlan>();
  const scope = 'over both selections, all cohorts';
  if (stats) for (const spec of columns) plans.set(spec.name, planColumn(spec, stats.get(spec.name) ?? { nBaseline: 0, distinct: 0 }, args.methods, scope));

  let span: Promise<TimeRange> | null = null;
  const tableRange = (ts: string): Promise<TimeRange> =>
    (span ??= queryOne<{ lo: string | null; hi: string | null }>(conn, `select min(${quoteIdent(ts)})::VARCHAR as lo, max(${quoteIdent(ts)})::VARCHAR as hi from ${quoteIdent(info.name)}`));

  const results: DriftResult[] = [];
  const targets: SeriesTarget[] = [];
  const numeric = columns.filter((s) => s.valueType === 'float' || s.valueType === 'integer');
  let done = 0;
  for (const pass of passes) {
    checkCancel(hooks.signal);
    // One scan gives every numeric column's counts and ranges, per group (instead of one scan per column and cohort).
    const ranges = await groupedRanges(conn, pass.sample, numeric.map((s) => s.expr));
    const found = new Set(ranges.keys());
    // Every cohort of the attribute, also one neither selection reaches: it gets the same not-computable
    // results (and 0-row reasons) as asking for that cohort alone, instead of silently missing from the grid.
    if (pass.sample.group && args.cohort_by) for (const g of await cohortValues(conn, info.name, args.cohort_by, pass.cohort)) found.add(g);
    const groups = [...found].sort(byCodePoint);
    if (!pass.sample.group && groups.length === 0) groups.push('');
    // Why a side of a cohort selected no row: once per side and cohort (not per column), the time range once.
    const reasons = new Map<string, Promise<string>>();
    const whyEmpty = (side: 'baseline' | 'current', g: string): Promise<string> => {
      const key = `${side}\u0000${g}`;
      let r = reasons.get(key);
      if (!r) reasons.set(key, (r = emptySideReason(conn, info, side === 'baseline' ? args.baseline : args.current, pass.filters(g), tableRange)));
      return r;
    };
    const perGroup = new Map<string, DriftResult[]>(groups.map((g) => [g, []]));
    const rowsOf = (k: number) => new Map<string, NumericRange>(groups.map((g) => [g, (ranges.get(g) ?? [])[Math.max(0, k)] ?? EMPTY_RANGE]));
    // Every numeric column's exact ECDF profile in one query (ecdf.ts), instead of one sort per column.
    const profiles = await groupedProfilesOfColumns(conn, pass.sample, numeric.map((s) => s.expr), numeric.map((_, k) => rowsOf(k)), hooks.ecdf);
    for (const spec of columns) {
      checkCancel(hooks.signal);
      const k = numeric.indexOf(spec);
      const rows = rowsOf(k);
      const data = await loadColumnGroups(conn, pass.sample, spec, binOpts, rows, hooks.ecdf, plans.get(spec.name)?.kind, k >= 0 ? profiles.get(k) : undefined);
      const label = spec.role === 'label' ? await labelCoverage(conn, info, pass.cohort, current, pass.sample.group, spec) : null;
      for (const g of groups) {
        const col = data.get(g);
        if (!col) continue;
        let plan = plans.get(spec.name);
        if (!plan) {
          plan = planColumn(spec, { nBaseline: col.nBaseline, distinct: col.distinct }, args.methods, 'over both selections');
          plans.set(spec.name, plan);
        }
        const cohort = pass.label(g);
        const rs = await compareColumn(col, { methods: args.methods, plan, alpha, thresholds: args.thresholds, cohort, nullRate: true });
        for (const r of rs) {
          if (r.not_computable === 'baseline selection has no rows') {
            const b = await whyEmpty('baseline', g);
            const c = col.rowsCurrent === 0 ? await whyEmpty('current', g) : null;
            r.not_computable = `baseline selection has 0 rows: ${b}${c !== null && c !== b ? `; current selection has 0 rows too: ${c}` : ''}`;
          } else if (r.not_computable === 'current selection has no rows') r.not_computable = `current selection has 0 rows: ${await whyEmpty('current', g)}`;
        }
        for (const r of rs) if (r.section === 'data_quality' && label) r.why = labelCoverageWhy(r.null_rate_baseline, r.null_rate_current, label.get(g));
        perGroup.get(g)?.push(...rs);
        const first = rs.find((r) => r.method !== 'null_rate' && r.not_computable === null) ?? rs.find((r) => r.method !== 'null_rate');
        if (first && !pass.sample.group) targets.push({ spec, kind: col.kind, method: first.method, cohort, sample: pass.sample });
      }
      done++;
      hooks.progress?.(`${pass.sample.group ? `${args.cohort_by}: ${groups.length} cohorts` : pass.label('')}: ${spec.name}`, done / Math.max(1, columns.length * passes.length));
    }
    for (const g of groups) results.push(...(perGroup.get(g) ?? []));
  }
  const tested = correctAndDecide(results, correction);
  notes.push(
    correction === 'none'
      ? `no multiple-testing correction over ${tested} p-values`
      : `${correction === 'bh' ? 'Benjamini–Hochberg' : 'Bonferroni'} correction over ${tested} p-values (p_adjusted)${passes.length > 1 || args.cohort_by ? ', across every cohort and column' : ''}`,
  );
  if (results.some((r) => r.section === 'data_quality')) notes.push('the missing share of a label column is reported as label coverage (data quality), not as drift, and is not in the correction');

  const series: DriftSeriesPoint[] = [];
  if ((args.by || args.chunks) && !info.timestampColumn) {
    // No time column: there is no series to draw; the comparison results above say why a window selects nothing.
    notes.push(`series: not computed — ${info.name} has no time column with values`);
  } else if (args.by || args.chunks) {
    const span = args.by ? await timeSpan(conn, info, current) : { first: null, last: null };
    const cohorts = [...new Set(targets.map((t) => t.cohort))];
    for (const cohort of cohorts) {
      checkCancel(hooks.signal);
      const ts = targets.filter((t) => t.cohort === cohort);
      const sample = (ts[0] as SeriesTarget).sample;
      const buckets: Bucket[] = args.by ? await calendarBuckets(conn, info, sample.current, args.by, span) : await chunkBuckets(conn, info, sample.current, args.chunks as number);
      hooks.progress?.(`series: ${cohort}`, 1);
      series.push(...(await seriesPoints(conn, info, ts, buckets, args.by, { ...binOpts, alpha, thresholds: args.thresholds }, hooks.signal)));
    }
    notes.push(
      `series: ${args.by ? `per ${args.by} (UTC${args.by === 'week' ? ', weeks start Monday' : ''}); a first or last bucket covering less than 90 % of its span is partial (marked, left out of trend lines)` : `${args.chunks} equal-count chunks`} of the current side, each against the whole baseline; series p-values are not corrected`,
    );
  }

  const report: DriftReport = {
    request: args,
    correction,
    alpha,
    tests_corrected: tested,
    ci_level: CI_LEVEL,
    plan: columns.map((c) => plans.get(c.name)).filter((p): p is ColumnPlan => p !== undefined).map(planOut),
    notes,
    results,
    series,
    elapsed_ms: 0,
  };
  if (args.arrow) report.arrow = { bins: driftBinsIpc(report), series: driftSeriesIpc(report) };
  report.elapsed_ms = Math.round(performance.now() - started);
  return report;
}
