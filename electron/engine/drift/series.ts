import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { DriftMethod, DriftSeriesPoint } from '../../../shared/api/drift';
import { queryRows, quoteIdent } from '../db';
import { loadColumn, type BinOptions } from './column';
import type { ColumnSpec } from './columns';
import { compareColumn } from './compare';
import { isDrifted } from './decide';
import { andParts, type Sample, type SqlPart, type TableInfo } from './select';

export interface Bucket {
  label: string;
  start: string;
  end: string | null;
  predicate: SqlPart;
}

const UNIT_SQL = { day: 'day', week: 'week', month: 'month' } as const;

function toSqlTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

/** Calendar buckets (UTC; weeks start on Monday) of the current side that hold rows. */
export async function calendarBuckets(conn: DuckDBConnection, info: TableInfo, current: SqlPart, by: 'day' | 'week' | 'month'): Promise<Bucket[]> {
  if (!info.timestampColumn) throw new ApiError('bad_argument', `table "${info.name}" has no timestamp column to bucket by ${by}`, { field: 'by' });
  const ts = quoteIdent(info.timestampColumn);
  const unit = UNIT_SQL[by];
  const rows = await queryRows<{ b: string; e: string }>(
    conn,
    `select distinct date_trunc('${unit}', ${ts}::TIMESTAMP) as b, date_trunc('${unit}', ${ts}::TIMESTAMP) + interval 1 ${unit} as e
     from ${quoteIdent(info.name)} where ${current.sql} and ${ts} is not null order by b`,
    current.params,
  );
  return rows.map((r) => ({
    label: by === 'month' ? r.b.slice(0, 7) : r.b.slice(0, 10),
    start: r.b,
    end: r.e,
    predicate: { sql: `date_trunc('${unit}', ${ts}::TIMESTAMP) = ?::TIMESTAMP`, params: [toSqlTimestamp(r.b)] },
  }));
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
      start: b,
      end,
      predicate: { sql, params: end === null ? [toSqlTimestamp(b)] : [toSqlTimestamp(b), toSqlTimestamp(end)] },
    };
  });
}

export interface SeriesTarget {
  spec: ColumnSpec;
  method: DriftMethod;
  cohort: string;
  sample: Sample;
}

/** The same comparison per bucket of the current side; p-values are not corrected across buckets. */
export async function seriesPoints(
  conn: DuckDBConnection,
  target: SeriesTarget,
  buckets: Bucket[],
  opts: BinOptions & { alpha: number; thresholds?: Partial<Record<DriftMethod, number>> | undefined },
  signal?: AbortSignal,
): Promise<DriftSeriesPoint[]> {
  const out: DriftSeriesPoint[] = [];
  for (const b of buckets) {
    if (signal?.aborted) throw new ApiError('cancelled', 'Cancelled.');
    const sample: Sample = { ...target.sample, current: andParts(target.sample.current, b.predicate) };
    const col = await loadColumn(conn, sample, target.spec, opts);
    const [r] = await compareColumn(col, { methods: [target.method], alpha: opts.alpha, thresholds: opts.thresholds, cohort: target.cohort, nullRate: false });
    if (!r) continue;
    r.p_adjusted = r.p_value;
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
      threshold: r.threshold,
      drifted: isDrifted(r),
      n_baseline: r.n_baseline,
      n_current: r.n_current,
      not_computable: r.not_computable,
    });
  }
  return out;
}
