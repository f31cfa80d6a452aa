import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { DriftMethod, DriftSeriesPoint } from '../../../shared/api/drift';
import { queryRows, quoteIdent, quoteLiteral } from '../db';
import { loadColumnGroups, type BinOptions } from './column';
import { EMPTY_RANGE, groupedRanges } from './ecdf';
import type { NumericRange } from './profile';
import type { ColumnKind, ColumnSpec } from './columns';
import { compareColumn } from './compare';
import { decide } from './decide';
import type { Sample, SqlPart, TableInfo } from './select';

export interface Bucket {
  label: string;
  /** The bucket's value of `bucketKeySql` (how rows are grouped into buckets in one pass). */
  key: string;
  start: string;
  end: string | null;
  predicate: SqlPart;
  /** Share of the bucket's span between the current side's first and last timestamp (1 for chunks). */
  coverage: number;
}

/** A calendar bucket covering less than this share of its span (first or last) is partial. */
export const PARTIAL_BELOW = 0.9;

/** A UTC timestamp as DuckDB returns it ("2026-08-03T00:00:00.000Z") or casts it to text ("2026-08-05 12:02:00.856"). */
function utcMillis(text: string): number {
  const iso = text.includes('T') ? text : text.replace(' ', 'T');
  return Date.parse(/(Z|[+-]\d\d(:?\d\d)?)$/.test(iso) ? iso : `${iso}Z`);
}

function coverageOf(start: string, end: string, span: { first: string | null; last: string | null }): number {
  const s = utcMillis(start);
  const e = utcMillis(end);
  const f = span.first ? utcMillis(span.first) : s;
  const l = span.last ? utcMillis(span.last) : e;
  if (!(e > s) || Number.isNaN(f) || Number.isNaN(l)) return 1;
  const covered = Math.min(e, l) - Math.max(s, f);
  return Math.max(0, Math.min(1, covered / (e - s)));
}

const UNIT_SQL = { day: 'day', week: 'week', month: 'month' } as const;

function toSqlTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

/**
 * Calendar buckets (UTC; weeks start on Monday) of the current side that hold rows. `span` is the first and
 * last timestamp of the whole current selection (all cohorts): a bucket it covers only partly is marked.
 */
export async function calendarBuckets(
  conn: DuckDBConnection,
  info: TableInfo,
  current: SqlPart,
  by: 'day' | 'week' | 'month',
  span: { first: string | null; last: string | null },
): Promise<Bucket[]> {
  if (!info.timestampColumn) throw new ApiError('bad_argument', `table "${info.name}" has no timestamp column to bucket by ${by}`, { field: 'by' });
  const ts = quoteIdent(info.timestampColumn);
  const unit = UNIT_SQL[by];
  const rows = await queryRows<{ b: string; e: string; k: string }>(
    conn,
    `select distinct date_trunc('${unit}', ${ts}::TIMESTAMP) as b, date_trunc('${unit}', ${ts}::TIMESTAMP) + interval 1 ${unit} as e,
       date_trunc('${unit}', ${ts}::TIMESTAMP)::VARCHAR as k
     from ${quoteIdent(info.name)} where ${current.sql} and ${ts} is not null order by b`,
    current.params,
  );
  return rows.map((r) => ({
    label: by === 'month' ? r.b.slice(0, 7) : r.b.slice(0, 10),
    key: r.k,
    start: r.b,
    end: r.e,
    predicate: { sql: `date_trunc('${unit}', ${ts}::TIMESTAMP) = ?::TIMESTAMP`, params: [toSqlTimestamp(r.b)] },
    coverage: coverageOf(r.b, r.e, span),
  }));
}

/** First and last timestamp of a selection. */
export async function timeSpan(conn: DuckDBConnection, info: TableInfo, where: SqlPart): Promise<{ first: string | null; last: string | null }> {
  if (!info.timestampColumn) return { first: null, last: null };
  const ts = quoteIdent(info.timestampColumn);
  const rows = await queryRows<{ f: string | null; l: string | null }>(conn, `select min(${ts}::TIMESTAMP)::VARCHAR as f, max(${ts}::TIMESTAMP)::VARCHAR as l from ${quoteIdent(info.name)} where ${where.sql}`, where.params);
  return { first: rows[0]?.f ?? null, last: rows[0]?.l ?? null };
}

/** N chunks of (nearly) equal row count in time order; rows with the same timestamp stay in one chunk. */
export async function chunkBuckets(conn: DuckDBConnection, info: TableInfo, current: SqlPart, chunks: number): Promise<Bucket[]> {
  if (!info.timestampColumn) throw new ApiError('bad_argument', `table "${info.name}" has no timestamp column to cut into chunks`, { field: 'chunks' });
  const ts = quoteIdent(info.timestampColumn);
  // Boundary k is the timestamp of the row at position ⌊k·n/N⌋ in time order; tied timestamps fall on one side.
  const rows = await queryRows<{ t: string }>(
    conn,
    `with o as (select ${ts}::TIMESTAMP as t, row_number() over (order by ${ts}) - 1 as rn, count(*) over () as n
       from ${quoteIdent(info.name)} where ${current.sql} and ${ts} is not null)
     select t from o where rn > 0 and (rn * ${chunks}) // n > ((rn - 1) * ${chunks}) // n order by rn`,
    current.params,
  );
  const first = await queryRows<{ t: string | null }>(conn, `select min(${ts}::TIMESTAMP) as t from ${quoteIdent(info.name)} where ${current.sql}`, current.params);
  const start = first[0]?.t;
  if (!start) return [];
  const bounds = [start];
  for (const r of rows) if (r.t > (bounds[bounds.length - 1] as string)) bounds.push(r.t);
  return bounds.map((b, i) => {
    const end = bounds[i + 1] ?? null;
    const sql = end === null ? `${ts}::TIMESTAMP >= ?::TIMESTAMP` : `(${ts}::TIMESTAMP >= ?::TIMESTAMP and ${ts}::TIMESTAMP < ?::TIMESTAMP)`;
    return {
      label: `chunk ${i + 1}/${bounds.length}`,
      key: `chunk ${i + 1}/${bounds.length}`,
      start: b,
      end,
      predicate: { sql, params: end === null ? [toSqlTimestamp(b)] : [toSqlTimestamp(b), toSqlTimestamp(end)] },
      coverage: 1,
    };
  });
}

export interface SeriesTarget {
  spec: ColumnSpec;
  /** The column's kind for the whole comparison (plan.ts). */
  kind: ColumnKind;
  method: DriftMethod;
  cohort: string;
  sample: Sample;
}

/** SQL giving each current row's bucket key: the calendar unit's start, or the chunk it falls in. */
export function bucketKeySql(info: TableInfo, buckets: readonly Bucket[], by: 'day' | 'week' | 'month' | undefined): string {
  const ts = `${quoteIdent(info.timestampColumn ?? '')}::TIMESTAMP`;
  if (by) return `date_trunc('${UNIT_SQL[by]}', ${ts})::VARCHAR`;
  const arms = [...buckets]
    .reverse()
    .map((b) => `when ${ts} >= ${quoteLiteral(toSqlTimestamp(b.start))}::TIMESTAMP then ${quoteLiteral(b.key)}`)
    .join(' ');
  return arms ? `(case ${arms} end)` : 'null::VARCHAR';
}

/**
 * The same comparison per bucket of the current side, every bucket in one grouped pass (each bucket
 * against the whole baseline: the baseline rows join every bucket's group); p-values are not corrected
 * across buckets. A bucket gets the same numbers as compared alone.
 */
export async function seriesPoints(
  conn: DuckDBConnection,
  info: TableInfo,
  targets: readonly SeriesTarget[],
  buckets: readonly Bucket[],
  by: 'day' | 'week' | 'month' | undefined,
  opts: BinOptions & { alpha: number; thresholds?: Partial<Record<DriftMethod, number>> | undefined },
  signal?: AbortSignal,
): Promise<DriftSeriesPoint[]> {
  const first = targets[0];
  if (!first || buckets.length === 0) return [];
  const sample: Sample = { ...first.sample, group: bucketKeySql(info, buckets, by), baselineIn: buckets.map((b) => b.key) };
  const numeric = targets.filter((t) => t.spec.valueType === 'float' || t.spec.valueType === 'integer');
  const ranges = await groupedRanges(conn, sample, numeric.map((t) => t.spec.expr));
  const out: DriftSeriesPoint[] = [];
  for (const target of targets) {
    if (signal?.aborted) throw new ApiError('cancelled', 'Cancelled.');
    const k = numeric.indexOf(target);
    const rows = new Map<string, NumericRange>(buckets.map((b) => [b.key, (ranges.get(b.key) ?? [])[Math.max(0, k)] ?? EMPTY_RANGE]));
    const data = await loadColumnGroups(conn, sample, target.spec, opts, rows, undefined, target.kind);
    for (const b of buckets) {
      const col = data.get(b.key);
      if (!col || col.rowsCurrent === 0) continue;
      const [r] = await compareColumn(col, { methods: [target.method], alpha: opts.alpha, thresholds: opts.thresholds, cohort: target.cohort, nullRate: false, seedSuffix: b.label });
      if (!r) continue;
      r.p_adjusted = r.p_value;
      const d = decide(r, 'p (this bucket, uncorrected)');
      const partial = b.coverage < PARTIAL_BELOW;
      out.push({
        bucket: b.label,
        bucket_start: b.start,
        bucket_end: b.end,
        column: target.spec.name,
        cohort: target.cohort,
        method: target.method,
        statistic: r.statistic,
        p_value: r.p_value,
        effect: r.effect,
        effect_ci: r.effect_ci,
        threshold: r.threshold,
        drifted: d.drifted,
        decision: d.decision,
        why: partial ? `partial bucket (${Math.round(b.coverage * 100)} % of its span, n = ${r.n_current}), left out of the trend line; ${d.why}` : d.why,
        n_baseline: r.n_baseline,
        n_current: r.n_current,
        not_computable: r.not_computable,
        partial,
        coverage: b.coverage,
      });
    }
  }
  return out;
}
