import type { DuckDBConnection } from '@duckdb/node-api';
import { queryOne } from '../db';
import { sampleCte, type Sample } from './select';

/**
 * One pass over a numeric column: per-side row and null counts, distinct counts, ranges, the
 * baseline mean and population σ, and the exact two-sample KS D and Wasserstein-1 distance from
 * the two empirical CDFs over GROUP BY value. Counts and cumulative counts are exact integers
 * (HUGEINT), so D is exact: dScaled = max |cumB·nC − cumC·nB| = D·nB·nC. Floating sums are exact
 * DECIMAL sums of per-row rounded terms, so they do not depend on row order or thread scheduling.
 */
export interface NumericProfile {
  rowsBaseline: number;
  rowsCurrent: number;
  nBaseline: number;
  nCurrent: number;
  distinct: number;
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
  minb: number | null;
  maxb: number | null;
  minc: number | null;
  maxc: number | null;
  meanb: number | null;
  varb: number | null;
  dscaled: number | string | null;
  w1: number | null;
}

export async function numericProfile(conn: DuckDBConnection, sample: Sample, expr: string): Promise<NumericProfile> {
  const src = sampleCte(sample, expr);
  // One sort: a window over the non-null values ordered by value. The running sum of
  // (s = 0 ? nC : −nB) over the RANGE frame (ties included) is cumB·nC − cumC·nB at every value, so
  // D·nB·nC = max |running sum| exactly; W1 sums |F_b − F_c|·(next value − value) (ties add 0).
  // Floating sums are made order-independent without sorting: each term is scaled into [0, 1] by a
  // range, rounded to DECIMAL (a deterministic per-row step) and summed exactly.
  const sql = `with ${src.sql},
rng as (
  select count(*) filter (where s = 0) as rows_b, count(*) filter (where s = 1) as rows_c,
    count(v) filter (where s = 0) as nb, count(v) filter (where s = 1) as nc,
    min(v) filter (where s = 0) as minb, max(v) filter (where s = 0) as maxb,
    min(v) filter (where s = 1) as minc, max(v) filter (where s = 1) as maxc,
    min(v) as mina, max(v) as maxa
  from src),
tot as (
  select rng.*,
    case when maxb > minb then maxb - minb else 0 end as rb,
    case when maxa > mina then maxa - mina else 0 end as ra
  from rng),
mean as (
  select case when any_value(tot.nb) = 0 then null
    else any_value(tot.minb) + (coalesce(sum(case when tot.rb > 0 then ((src.v - tot.minb) / tot.rb)::DECIMAL(38, 20) else 0 end), 0)::DOUBLE / any_value(tot.nb)) * any_value(tot.rb) end as meanb
  from tot left join src on src.s = 0 and src.v is not null),
e as (
  select v, s,
    sum(case when s = 0 then tot.nc else -tot.nb end) over (order by v) as sd,
    lead(v) over (order by v) as vnext,
    lag(v) over (order by v) as vprev
  from src, tot where v is not null),
agg as (
  select max(abs(e.sd)) as dscaled,
    count(*) filter (where e.vprev is distinct from e.v) as u,
    sum(case when tot.ra > 0 and tot.nb > 0 and tot.nc > 0 and e.vnext is not null and e.vnext > e.v
      then (abs(e.sd)::DOUBLE / (tot.nb * tot.nc)::DOUBLE * ((e.vnext - e.v) / tot.ra))::DECIMAL(38, 30)
      else 0 end) as w1part,
    sum(case when tot.rb > 0 and e.s = 0 then (((e.v - mean.meanb) / tot.rb) * ((e.v - mean.meanb) / tot.rb))::DECIMAL(38, 20) else 0 end) as varpart
  from e, tot, mean)
select tot.rows_b, tot.rows_c, tot.nb, tot.nc, coalesce(agg.u, 0) as u, tot.minb, tot.maxb, tot.minc, tot.maxc, mean.meanb,
  case when tot.nb = 0 then null else (agg.varpart::DOUBLE / tot.nb) * tot.rb * tot.rb end as varb,
  agg.dscaled::VARCHAR as dscaled,
  case when tot.nb = 0 or tot.nc = 0 then null else agg.w1part::DOUBLE * tot.ra end as w1
from tot, mean left join agg on true`;
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
    minBaseline: r.minb,
    maxBaseline: r.maxb,
    minCurrent: r.minc,
    maxCurrent: r.maxc,
    meanBaseline: r.meanb,
    stdBaseline: r.varb === null ? null : Math.sqrt(Math.max(0, r.varb)),
    dScaled: r.dscaled === null ? 0 : Number(r.dscaled),
    w1: r.w1,
  };
}
