import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { CohortFilter, DriftReport, DriftRequest, DriftResult, DriftSeriesPoint, Selector } from '../../../shared/api/drift';
import { DEFAULT_ALPHA } from './auto';
import { driftBinsIpc, driftSeriesIpc } from './arrow';
import { loadColumn } from './column';
import { numericRanges, type EcdfMethod } from './ecdf';
import type { NumericRange } from './profile';
import { cohortAttributes, comparableColumns, defaultColumns, resolveColumns } from './columns';
import { compareColumn } from './compare';
import { correctAndDecide } from './decide';
import { andParts, cohortLabel, cohortPredicate, describeTable, expandCohorts, parseWindow, SELECTOR_COLUMN, selectorPredicate, type Sample, type SqlPart, type TableInfo } from './select';
import { queryOne, quoteIdent } from '../db';
import { isCanonicalName } from '../bundle/tableRole';
import { timeColumnOf } from '../bundle/mapping';
import { calendarBuckets, chunkBuckets, seriesPoints, type Bucket, type SeriesTarget } from './series';

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

/** Why a side selected no row, with the fix when there is one. */
async function emptySideReason(conn: DuckDBConnection, info: TableInfo, selector: Selector, filters: CohortFilter[]): Promise<string> {
  const t = info.name;
  const fix = isCanonicalName(t)
    ? `map one with --map ${t}.${timeColumnOf(t) ?? 'ts'}=COLUMN (in the app: Map columns… on the import summary)`
    : `give one the role "timestamp" in manifest.json ("columns": {"COLUMN": "timestamp"})`;
  const inCohort = filters.length > 0 ? ` in cohort ${cohortLabel(filters)}` : '';
  if (selector.key === 'window') {
    const ts = info.timestampColumn;
    const range = ts ? await queryOne<{ lo: string | null; hi: string | null }>(conn, `select min(${quoteIdent(ts)})::VARCHAR as lo, max(${quoteIdent(ts)})::VARCHAR as hi from ${quoteIdent(t)}`) : null;
    if (!ts || !range?.lo) return `${t} has no time column with values; ${fix}`;
    return `no row of ${t}${inCohort} has ${ts} in ${selector.value} (${t}.${ts} runs from ${range.lo} to ${range.hi})`;
  }
  const col = SELECTOR_COLUMN[selector.key as Exclude<Selector['key'], 'window'>];
  if (!info.columns.some((c) => c.name === col)) return `${t} has no ${col} column (no file supplied one); compare by window, or map one with --map ${t}.${col}=COLUMN`;
  return `no row of ${t}${inCohort} has ${col} = ${JSON.stringify(selector.value)}`;
}

/** Compares baseline and current selections of one table, column by column, inside DuckDB. */
export async function computeDrift(conn: DuckDBConnection, args: DriftArgs, hooks: DriftHooks = {}): Promise<DriftReport> {
  const started = performance.now();
  const info = await describeTable(conn, args.table);
  const all = comparableColumns(info);
  const cohortAttrs = await cohortAttributes(conn, info);
  const columns = args.columns && args.columns.length > 0 ? resolveColumns(info, all, args.columns) : defaultColumns(info, all, cohortAttrs);
  const baseline = sidePredicate(info, args.baseline, 'baseline');
  const current = sidePredicate(info, args.current, 'current');
  const cohorts = expandCohorts(args.cohort);
  const alpha = args.alpha ?? DEFAULT_ALPHA;
  const correction = args.correction ?? 'bh';
  const binOpts = { bins: args.bins, binning: args.binning };
  const notes: string[] = [
    `baseline: ${args.baseline.key}=${args.baseline.value}; current: ${args.current.key}=${args.current.value}${args.baseline.key === 'window' || args.current.key === 'window' ? ' (windows are half-open [start, end), UTC)' : ''}`,
    'decision: drifted when p_adjusted < alpha (where the method has a p-value) and effect ≥ threshold',
  ];
  if (columns.length === 0) notes.push(`table "${info.name}" has no comparable columns`);

  const results: DriftResult[] = [];
  const targets: SeriesTarget[] = [];
  const total = cohorts.length * columns.length;
  let done = 0;
  for (const filters of cohorts) {
    const cohortSql = cohortPredicate(info, filters);
    const sample: Sample = { table: info.name, baseline: andParts(baseline, cohortSql), current: andParts(current, cohortSql) };
    const cohort = cohortLabel(filters);
    // One scan gives every numeric column's counts and ranges (instead of one scan per column).
    const numeric = columns.filter((s) => s.valueType === 'float' || s.valueType === 'integer');
    const ranges = new Map<string, NumericRange>();
    const rs = await numericRanges(conn, sample, numeric.map((s) => s.expr));
    numeric.forEach((s, k) => {
      const r = rs[k];
      if (r) ranges.set(s.name, r);
    });
    for (const spec of columns) {
      checkCancel(hooks.signal);
      hooks.progress?.(`${cohort}: ${spec.name}`, total > 0 ? done / total : 0);
      const col = await loadColumn(conn, sample, spec, binOpts, ranges.get(spec.name), hooks.ecdf);
      const rs = await compareColumn(col, { methods: args.methods, alpha, thresholds: args.thresholds, cohort, nullRate: true });
      for (const r of rs) {
        if (r.not_computable === 'baseline selection has no rows') r.not_computable = `baseline selection has 0 rows: ${await emptySideReason(conn, info, args.baseline, filters)}`;
        else if (r.not_computable === 'current selection has no rows') r.not_computable = `current selection has 0 rows: ${await emptySideReason(conn, info, args.current, filters)}`;
      }
      results.push(...rs);
      const first = rs.find((r) => r.method !== 'null_rate' && r.not_computable === null) ?? rs.find((r) => r.method !== 'null_rate');
      if (first) targets.push({ spec, method: first.method, cohort, sample });
      done++;
    }
  }
  const tested = correctAndDecide(results, correction);
  notes.push(
    correction === 'none'
      ? `no multiple-testing correction over ${tested} p-values`
      : `${correction === 'bh' ? 'Benjamini–Hochberg' : 'Bonferroni'} correction over ${tested} p-values (p_adjusted)`,
  );

  const series: DriftSeriesPoint[] = [];
  if ((args.by || args.chunks) && !info.timestampColumn) {
    // No time column: there is no series to draw; the comparison results above say why a window selects nothing.
    notes.push(`series: not computed — ${info.name} has no time column with values`);
  } else if (args.by || args.chunks) {
    const bucketCache = new Map<string, Bucket[]>();
    for (const t of targets) {
      checkCancel(hooks.signal);
      let buckets = bucketCache.get(t.cohort);
      if (!buckets) {
        buckets = args.by ? await calendarBuckets(conn, info, t.sample.current, args.by) : await chunkBuckets(conn, info, t.sample.current, args.chunks as number);
        bucketCache.set(t.cohort, buckets);
      }
      hooks.progress?.(`series: ${t.cohort}: ${t.spec.name}`, 1);
      series.push(...(await seriesPoints(conn, t, buckets, { ...binOpts, alpha, thresholds: args.thresholds }, hooks.signal)));
    }
    notes.push(`series: ${args.by ? `per ${args.by} (UTC${args.by === 'week' ? ', weeks start Monday' : ''})` : `${args.chunks} equal-count chunks`} of the current side, each against the whole baseline; series p-values are not corrected`);
  }

  const report: DriftReport = {
    request: args,
    correction,
    alpha,
    tests_corrected: tested,
    notes,
    results,
    series,
    elapsed_ms: 0,
  };
  if (args.arrow) report.arrow = { bins: driftBinsIpc(report), series: driftSeriesIpc(report) };
  report.elapsed_ms = Math.round(performance.now() - started);
  return report;
}
