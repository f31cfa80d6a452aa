import type { DuckDBConnection } from '@duckdb/node-api';
import { queryOne } from '../db';
import { sampleCte, type Sample } from './select';

/**
 * One pass over a numeric column: per-side row and null counts, distinct counts, ranges, the
 * baseline mean and population σ, and the exact two-sample KS D and Wasserstein-1 distance from
 * the two empirical CDFs over GROUP BY value. Counts and cumulative counts are exact integers
 * (HUGEINT), so D is exact: dScaled = max |cumB·nC − cumC·nB| = D·nB·nC. Floating sums are
 * aggregated with ORDER BY value, so they do not depend on row order or thread scheduling.
 */
export interface NumericProfile {
  rowsBaseline: number;
  rowsCurrent: number;
  nBaseline: number;
  nCurrent: number;
  distinct: number;
  distinctBaseline: number;
  distinctCurrent: number;
  minBaseline: number | null;
  maxBaseline: number | null;
  minCurrent: number | null;
  maxCurrent: number | null;
  meanBaseline: number | null;
  stdBaseline: number | null;
  /** D·nB·nC as an exact integer. */
  dScaled: number;
  w1: number | null;
}

interface Row extends Record<string, string | number | boolean | null> {
  rows_b: number;
  rows_c: number;
  nb: number;
  nc: number;
  u: number;
  ub: number;
  uc: number;
  minb: number | null;
  maxb: number | null;
  minc: number | null;
  maxc: number | null;
  meanb: number | null;
  varb: number | null;
  dscaled: number | string | null;
  w1scaled: number | null;
}

export async function numericProfile(conn: DuckDBConnection, sample: Sample, expr: string): Promise<NumericProfile> {
  const src = sampleCte(sample, expr);
  const sql = `with ${src.sql},
g as (select v, count(*) filter (where s = 0) as cb, count(*) filter (where s = 1) as cc from src group by v),
rowsum as (select coalesce(sum(cb), 0)::BIGINT as rows_b, coalesce(sum(cc), 0)::BIGINT as rows_c from g),
nn as (select v, cb, cc from g where v is not null),
tot as (
  select coalesce(sum(cb), 0)::BIGINT as nb, coalesce(sum(cc), 0)::BIGINT as nc, count(*) as u,
    count(*) filter (where cb > 0) as ub, count(*) filter (where cc > 0) as uc,
    min(v) filter (where cb > 0) as minb, max(v) filter (where cb > 0) as maxb,
    min(v) filter (where cc > 0) as minc, max(v) filter (where cc > 0) as maxc,
    sum(cb * v order by v) / nullif(sum(cb), 0) as meanb
  from nn),
e as (
  select v, cb,
    sum(cb) over w as cumb, sum(cc) over w as cumc,
    lead(v) over (order by v) as vnext
  from nn window w as (order by v rows between unbounded preceding and current row)),
agg as (
  select max(abs(e.cumb::HUGEINT * tot.nc - e.cumc::HUGEINT * tot.nb)) as dscaled,
    sum(abs(e.cumb::HUGEINT * tot.nc - e.cumc::HUGEINT * tot.nb)::DOUBLE * (e.vnext - e.v) order by e.v) as w1scaled,
    sum(e.cb * (e.v - tot.meanb) * (e.v - tot.meanb) order by e.v) / nullif(any_value(tot.nb), 0) as varb
  from e, tot)
select rowsum.rows_b, rowsum.rows_c, tot.nb, tot.nc, tot.u, tot.ub, tot.uc, tot.minb, tot.maxb, tot.minc, tot.maxc, tot.meanb,
  agg.varb, agg.dscaled::VARCHAR as dscaled, agg.w1scaled
from rowsum, tot left join agg on true`;
  const r = await queryOne<Row>(conn, sql, src.params);
  if (!r) throw new Error('numeric profile returned no row');
  const nb = Number(r.nb);
  const nc = Number(r.nc);
  return {
    rowsBaseline: Number(r.rows_b),
    rowsCurrent: Number(r.rows_c),
    nBaseline: nb,
    nCurrent: nc,
    distinct: Number(r.u),
    distinctBaseline: Number(r.ub),
    distinctCurrent: Number(r.uc),
    minBaseline: r.minb,
    maxBaseline: r.maxb,
    minCurrent: r.minc,
    maxCurrent: r.maxc,
    meanBaseline: r.meanb,
    stdBaseline: r.varb === null ? null : Math.sqrt(Math.max(0, r.varb)),
    dScaled: r.dscaled === null ? 0 : Number(r.dscaled),
    w1: r.w1scaled === null || nb === 0 || nc === 0 ? null : r.w1scaled / (nb * nc),
  };
}
