import type { DuckDBConnection } from '@duckdb/node-api';
import type { Cell } from '../../../shared/api/common';
import { queryOne, sqlDouble } from '../db';
import { ATOMS, atomsFromSums, type NumericProfile, type NumericRange } from './profile';
import { sidesSql, type Sample, type SqlPart } from './select';

/**
 * Exact KS D and Wasserstein-1 without sorting the whole column.
 *
 * Each value becomes the integer Y = round((v − min)·B/range·2^40) (monotone in v, so bucket order
 * is value order) and falls in bucket k = round(Y/2^40), 0 ≤ k ≤ B. One hash aggregation gives, per
 * bucket, the count on each side and the exact sums of z = Y − k·2^40. With S = cum_b·n_c − cum_c·n_b
 * (an exact integer), a running sum over the buckets gives S at every bucket end; inside bucket k S
 * stays within [S_prev − n_b·c_c, S_prev + n_c·c_b].
 *
 * - Where S cannot change sign inside a bucket, ∫|S| dY over it is
 *   |S_prev·2^40 + n_c·Σ_b(2^39 − z) − n_b·Σ_c(2^39 − z)|, an exact integer; across empty buckets
 *   S is constant.
 * - D·n_b·n_c is the largest |S| at a bucket end unless some bucket's bound could exceed it.
 * - The rows of the buckets where S may change sign or may hold the maximum ("refined": 0.5–10 % of
 *   the rows on continuous data) are sorted once, each run of such buckets starting from its S_prev.
 *
 * Running sums stream over an ORDER BY subquery (cheaper than a window); both queries check that the
 * order held and the caller sorts the whole column should it ever not.
 *
 * Everything is integer arithmetic (HUGEINT) until one final division, so results do not depend on
 * row order or threads. Positions are quantised to range·2^-40/B (below a double's resolution of the
 * range); D and the counts are exact.
 */
export const DEFAULT_BUCKETS = 65536;

/** Bucket count for a sample: about 32 values per bucket, between 1 024 and 65 536 (a power of two). */
export function bucketCount(n: number): number {
  let b = 1024;
  while (b < DEFAULT_BUCKETS && b * 32 < n) b *= 2;
  return b;
}

interface BucketSummary extends Record<string, Cell> {
  ordered: boolean | null;
  dl: string | null;
  nonempty: number;
  /** ∫|S| dY outside refined buckets, Y in fixed point (2^40 per bucket). */
  wpart: string | null;
  sy: string | null;
  sy2: string | null;
  /** JSON list of [k, S before k, S after k] for the buckets to sort row by row, in k order. */
  refined: string | null;
  /** JSON list of [count b, count c, ΣY b, ΣY c] per atom (runs of buckets of about equal count), in value order. */
  atoms: string | null;
}

/** Consecutive refined buckets a..b, with S before a and after b. */
interface Run {
  a: number;
  b: number;
  sp: bigint;
  se: bigint;
}

/** Refined buckets [k, S before, S after] (as JSON numbers or strings) grouped into runs of consecutive k. */
export function refinedRuns(refined: readonly (readonly [number | string, number | string, number | string])[]): Run[] {
  const runs: Run[] = [];
  for (const [kRaw, sp, se] of refined) {
    const k = Number(kRaw);
    const last = runs[runs.length - 1];
    if (last && last.b === k - 1) {
      last.b = k;
      last.se = BigInt(se);
    } else runs.push({ a: k, b: k, sp: BigInt(sp), se: BigInt(se) });
  }
  return runs;
}

interface RefineRow extends Record<string, Cell> {
  ordered: boolean | null;
  dmax: string | null;
  wpart: string | null;
  ylast: string | null;
}

/** Fixed-point bits per bucket: a value's position y is held as the integer Y = round(y·2^40). */
const SHIFT = 40n;
const ONE = 1n << SHIFT;
const HALF = 1n << (SHIFT - 1n);
/** z = Y − k·2^40 shifted down 12 bits before squaring (σ only), keeping Σ k²·c·2^56 below 2^127. */
const SQ_SHIFT = 12n;

const hugeint = (x: bigint): string => `'${x.toString()}'::HUGEINT`;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/**
 * The same profile as the full-sort `numericProfile`, from buckets. `distinct` is exact up to 10
 * (all the column-kind rules need); above that it is the number of non-empty buckets, a lower bound.
 * Returns null when the column cannot be bucketed safely (infinite range, 2^31 or more values a
 * side, order not preserved): the caller sorts instead.
 */
export async function bucketedProfile(conn: DuckDBConnection, sample: Sample, expr: string, r: NumericRange, base: NumericProfile): Promise<NumericProfile | null> {
  const nb = base.nBaseline;
  const nc = base.nCurrent;
  const mins = [r.minb, r.minc].filter((x): x is number => x !== null);
  const maxs = [r.maxb, r.maxc].filter((x): x is number => x !== null);
  const mn = Math.min(...mins);
  const ra = Math.max(...maxs) - mn;
  if (ra === 0) {
    return { ...base, distinct: 1, dScaled: 0, w1: nb > 0 && nc > 0 ? 0 : null, meanBaseline: nb > 0 ? r.minb : null, stdBaseline: nb > 0 ? 0 : null, atoms: { countB: [nb], countC: [nc], meanB: [nb > 0 ? mn : Number.NaN], meanC: [nc > 0 ? mn : Number.NaN] } };
  }
  const B = bucketCount(nb + nc);
  // (v − min)·(B/range)·2^40 in one multiplication: scaling by a power of two is exact.
  const scale = (B / ra) * Number(ONE);
  // Integer headroom: S and c·n fit in 64 bits, ∫|S| in fixed point ≤ nB·nC·(B + 1)·2^40 < 2^127.
  const headroom = nb < 2 ** 31 && nc < 2 ** 31 && (nb + nc) * Math.max(nb, nc) < 2 ** 62;
  if (!Number.isFinite(ra) || !Number.isFinite(scale) || !(scale > 0) || !headroom) return null;

  const src = sidesSql(sample, expr);
  const NB = `${nb}::BIGINT`;
  const NC = `${nc}::BIGINT`;
  const NBC = `${nb + nc}::BIGINT`;
  const rows = `select s, v, ((v - ${sqlDouble(mn)}) * ${sqlDouble(scale)})::BIGINT as y from (${src.sql}) where v is not null`;
  const summary = await queryOne<BucketSummary>(
    conn,
    `with g as materialized (
       select k, count(*) as c, sum(s)::BIGINT as cc, sum(z) as z, sum(s * z) as zc, sum((1 - s) * ((z >> ${SQ_SHIFT}) * (z >> ${SQ_SHIFT}))) as z2b
       from (select s, k, y - (k << ${SHIFT}) as z from (select s, y, (y + ${HALF}) >> ${SHIFT} as k from (${rows})))
       group by k),
     w as materialized (
       select *, se - (cb * ${NC} - cc * ${NB}) as sp, k - coalesce(kprev, -1) - 1 as gap
       from (
         select k, c - cc as cb, cc, z - zc as zb, zc, z2b,
           sum(c * ${NC} - cc * ${NBC}) over (rows between unbounded preceding and current row)::BIGINT as se,
           sum(c) over (rows between unbounded preceding and current row) as cume,
           lag(k) over () as kprev
         from (select * from g order by k))),
     atoms as (
       select ((cume - 1) * ${ATOMS}) // ${NBC} as atom, sum(cb) as ab, sum(cc) as ac,
         sum(k * ${hugeint(ONE)} * cb + zb) as yb, sum(k * ${hugeint(ONE)} * cc + zc) as yc
       from w group by atom),
     e as (
       select *,
         (sp - ${NB} * cc < 0 and sp + ${NC} * cb > 0) as crosses,
         greatest(abs(sp - ${NB} * cc), abs(sp + ${NC} * cb)) as bound
       from w),
     f as (select *, crosses or bound > max(abs(se)) over () as refine from e)
     select bool_and(gap >= 0) as ordered, max(abs(se))::VARCHAR as dl, count(*) as nonempty,
       sum(case when refine then 0 else abs(sp::HUGEINT * ${hugeint(ONE)} + ${NC} * (cb * ${hugeint(HALF)} - zb) - ${NB} * (cc * ${hugeint(HALF)} - zc)) end
         + case when gap > 0 then abs(sp)::HUGEINT * gap * ${hugeint(ONE)} else 0 end)::VARCHAR as wpart,
       sum(k * ${hugeint(ONE)} * cb + zb)::VARCHAR as sy,
       sum(k::HUGEINT * k * cb * ${hugeint(1n << (2n * (SHIFT - SQ_SHIFT)))} + 2 * k * zb * ${hugeint(1n << (SHIFT - 2n * SQ_SHIFT))} + z2b)::VARCHAR as sy2,
       to_json(list([k, sp, se] order by k) filter (where refine))::VARCHAR as refined,
       (select to_json(list([ab::DOUBLE, ac::DOUBLE, yb::DOUBLE, yc::DOUBLE] order by atom)) from atoms)::VARCHAR as atoms
     from f`,
    src.params,
  );
  if (!summary) throw new Error('bucket query returned no row');
  // The running sums stream over an ORDER BY subquery; should an engine change ever break that order, sort instead.
  if (summary.ordered !== true) return null;

  let dScaled = summary.dl === null ? 0n : BigInt(summary.dl);
  let wFixed = summary.wpart === null ? 0n : BigInt(summary.wpart);
  const runs = summary.refined === null ? [] : refinedRuns((JSON.parse(summary.refined) as [number, number, number][] | null) ?? []);
  if (runs.length > 0) {
    // One global sort of the refined rows (runs are disjoint in value order): S before a row =
    // off + running sum − own step, where off removes the steps of earlier runs' rows.
    let before = 0n;
    const values = runs
      .map((x) => {
        const off = x.sp - before;
        before += x.se - x.sp;
        return `(${x.a}, ${x.b}, ${off}::BIGINT, ${x.se}::BIGINT)`;
      })
      .join(', ');
    const first = runs[0] as Run;
    const last = runs[runs.length - 1] as Run;
    const lo = BigInt(first.a) * ONE - HALF;
    const hi = BigInt(last.b) * ONE + HALF;
    const refined = await queryOne<RefineRow>(
      conn,
      `with runs(a, b, off, se) as (values ${values}),
       rk as (select unnest(range(a, b + 1)) as k, a, b, off, se from runs),
       r as (select y.s, y.v, y.y, rk.a, rk.b, rk.off, rk.se from (${rows}) y join rk on (y.y + ${HALF}) >> ${SHIFT} = rk.k
             where y.y >= ${lo} and y.y < ${hi}),
       o as (
         select a, v, y,
           off + sum(delta) over (rows between unbounded preceding and current row) - delta as sb,
           lag(v) over () as vprev, lag(y) over () as yprev, lag(a) over () as aprev, lag(b) over () as bprev, lag(se) over () as seprev
         from (select *, case when s = 0 then ${NC} else -${NB} end as delta from r order by v))
       select bool_and(vprev <= v or vprev is null) as ordered,
         max(abs(sb)) filter (where aprev = a and vprev is distinct from v)::VARCHAR as dmax,
         sum(abs(sb)::HUGEINT * (y - case when aprev = a then yprev else a * ${hugeint(ONE)} - ${HALF} end)
           + case when aprev <> a then abs(seprev)::HUGEINT * (bprev * ${hugeint(ONE)} + ${HALF} - yprev) else 0 end)::VARCHAR as wpart,
         max(y)::VARCHAR as ylast
       from o`,
      src.params,
    );
    if (!refined || refined.ordered !== true) return null;
    // The stretch after the last refined row up to the end of its bucket, where S = S after that run.
    if (refined.ylast !== null) wFixed += abs(last.se) * (BigInt(last.b) * ONE + HALF - BigInt(refined.ylast));
    if (refined?.dmax !== null && refined?.dmax !== undefined) {
      const m = BigInt(refined.dmax);
      if (m > dScaled) dScaled = m;
    }
    if (refined?.wpart !== null && refined?.wpart !== undefined) wFixed += BigInt(refined.wpart);
  }

  const nonempty = Number(summary.nonempty);
  const distinct = nonempty <= 10 ? await exactDistinct(conn, src) : nonempty;
  const unit = ra / B;
  let meanBaseline: number | null = null;
  let stdBaseline: number | null = null;
  if (nb > 0 && summary.sy !== null && summary.sy2 !== null) {
    if (r.minb === r.maxb) {
      meanBaseline = r.minb;
      stdBaseline = 0;
    } else {
      // In bucket units y: Σy = sy/2^40, Σy² ≈ sy2/2^56; var·n² = n·Σy² − (Σy)² exactly in integers, rounded once.
      const sy = BigInt(summary.sy);
      const sy2 = BigInt(summary.sy2);
      const num = BigInt(nb) * sy2 * (1n << (2n * SQ_SHIFT)) - sy * sy;
      const varY = Number(num < 0n ? 0n : num) / 2 ** 80 / (nb * nb);
      meanBaseline = mn + (Number(sy) / Number(ONE) / nb) * unit;
      stdBaseline = Math.sqrt(varY) * unit;
    }
  }
  return {
    ...base,
    distinct,
    meanBaseline,
    stdBaseline,
    atoms: summary.atoms === null ? null : atomsFromSums(JSON.parse(summary.atoms) as [number, number, number, number][], (y) => mn + y / scale),
    dScaled: Number(dScaled),
    w1: nb > 0 && nc > 0 ? (Number(wFixed) / Number(ONE) / (nb * nc)) * unit : null,
  };
}

async function exactDistinct(conn: DuckDBConnection, src: SqlPart): Promise<number> {
  const row = await queryOne<{ u: number }>(conn, `select count(distinct v) as u from (${src.sql})`, src.params);
  return Number(row?.u ?? 0);
}
