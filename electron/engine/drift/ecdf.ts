import type { DuckDBConnection } from '@duckdb/node-api';
import { queryOne, queryRows, quoteIdent, sqlDouble } from '../db';
import { sidesSql, type Sample } from './select';
import { bucketedProfile } from './buckets';
import type { NumericProfile, NumericRange } from './profile';

type Cell = string | number | boolean | null;

interface EcdfRow extends Record<string, Cell> {
  dscaled: string | null;
  u: number | null;
  w1part: number | null;
  sz: number | null;
  sz2: number | null;
}


/**
 * Per-side row and non-null counts and ranges of several column expressions in ONE scan of the
 * selection (a plain streaming aggregate), in the order of `exprs`.
 */
export async function numericRanges(conn: DuckDBConnection, sample: Sample, exprs: readonly string[]): Promise<NumericRange[]> {
  if (exprs.length === 0) return [];
  const t = quoteIdent(sample.table);
  const cols = exprs.map((e, i) => `${e} as v${i}`).join(', ');
  // GROUP BY side with plain aggregates: many `filter (where s = …)` aggregates in one query measured
  // 2–4× slower than one query per column; two groups without filters are faster than both.
  const aggs = exprs.map((_, i) => `count(v${i}) as n${i}, min(v${i}) as mn${i}, max(v${i}) as mx${i}`).join(', ');
  const rows = await queryRows<Record<string, Cell>>(
    conn,
    `select s, count(*) as rows_n, ${aggs}
     from (select 0::UTINYINT as s, ${cols} from ${t} where ${sample.baseline.sql} union all select 1::UTINYINT as s, ${cols} from ${t} where ${sample.current.sql})
     group by s`,
    [...sample.baseline.params, ...sample.current.params],
  );
  const b = rows.find((r) => Number(r['s']) === 0);
  const c = rows.find((r) => Number(r['s']) === 1);
  const num = (x: Cell | undefined): number | null => (x === null || x === undefined ? null : Number(x));
  return exprs.map((_, i) => ({
    rows_b: Number(b?.['rows_n'] ?? 0),
    rows_c: Number(c?.['rows_n'] ?? 0),
    nb: Number(b?.[`n${i}`] ?? 0),
    nc: Number(c?.[`n${i}`] ?? 0),
    minb: num(b?.[`mn${i}`]),
    maxb: num(b?.[`mx${i}`]),
    minc: num(c?.[`mn${i}`]),
    maxc: num(c?.[`mx${i}`]),
  }));
}

/**
 * How the exact ECDF pass runs: 'bucketed' hashes values into value-ordered buckets and sorts only the
 * buckets where it matters (buckets.ts); 'sorted' sorts every value (the reference the bucketed pass is
 * tested against); 'auto' (default) buckets from BUCKETED_MIN_VALUES non-null values on, where it is
 * faster — below that the sort's single query beats the bucketed pass's fixed cost of two or three.
 * Both give the same D, p-values and column kind, and W1 and σ to rounding.
 */
export type EcdfMethod = 'auto' | 'bucketed' | 'sorted';

/** Both sides together; measured crossover 240k–400k values (docs/benchmarks/drift.md). */
export const BUCKETED_MIN_VALUES = 300_000;

/**
 * The exact ECDF profile of one column; `range` may come from a batched `numericRanges` scan.
 *
 * A numeric column in two passes: (1) a plain scan for per-side row, non-null counts and ranges;
 * (2) one sort — a window over the non-null values of both sides ordered by value — for the exact
 * two-sample KS D and Wasserstein-1 distance, the number of distinct values and the baseline mean
 * and population σ.
 *
 * The running sum S of (baseline ? nC : −nB) in value order equals cumB(v)·nC − cumC(v)·nB, an exact
 * integer, on the last row of each group of equal values (whatever order ties take, that row has the
 * whole group behind it): D·nB·nC = max |S| over those rows, W1 = Σ |S|/(nB·nC)·(next − v) (ties add 0).
 * Floating sums are made independent of row order and thread scheduling without an ordered
 * aggregate: each term is scaled into [0, 1] by a range, rounded to DECIMAL (a deterministic
 * per-row step) and summed exactly as 128-bit integers.
 */
export async function numericProfile(conn: DuckDBConnection, sample: Sample, expr: string, range?: NumericRange, method: EcdfMethod = 'auto'): Promise<NumericProfile> {
  const src = sidesSql(sample, expr);
  const r = range ?? (await numericRanges(conn, sample, [expr]))[0];
  if (!r) throw new Error('numeric range query returned no row');
  const nb = Number(r.nb);
  const nc = Number(r.nc);
  const base: NumericProfile = {
    rowsBaseline: Number(r.rows_b),
    rowsCurrent: Number(r.rows_c),
    nBaseline: nb,
    nCurrent: nc,
    distinct: 0,
    minBaseline: r.minb,
    maxBaseline: r.maxb,
    minCurrent: r.minc,
    maxCurrent: r.maxc,
    meanBaseline: null,
    stdBaseline: null,
    dScaled: 0,
    w1: null,
  };
  if (nb + nc === 0) return base;
  if (method === 'bucketed' || (method === 'auto' && nb + nc >= BUCKETED_MIN_VALUES)) {
    const bucketed = await bucketedProfile(conn, sample, expr, r, base);
    if (bucketed) return bucketed;
  }
  const mins = [r.minb, r.minc].filter((x): x is number => x !== null);
  const maxs = [r.maxb, r.maxc].filter((x): x is number => x !== null);
  // Half ranges and half values: a difference of two finite doubles can overflow, of their halves not
  // (halving is exact, so the quotients are the same doubles as with whole values).
  const ra2 = Math.max(...maxs) / 2 - Math.min(...mins) / 2;
  const minb = r.minb ?? 0;
  const rb2 = r.maxb !== null && r.minb !== null ? r.maxb / 2 - r.minb / 2 : 0;
  // nB·nC < 2^63 for any realistic sample; the running sum is exact in HUGEINT.
  const w1Term =
    nb > 0 && nc > 0 && ra2 > 0
      ? `sum(case when vnext > v then (abs(sd)::DOUBLE / ${sqlDouble(nb * nc)} * ((vnext / 2 - v / 2) / ${sqlDouble(ra2)}))::DECIMAL(38, 30) else 0 end)`
      : 'null';
  const zTerm = rb2 > 0 ? `((v / 2 - ${sqlDouble(minb / 2)}) / ${sqlDouble(rb2)})` : '0';
  const e = await queryOne<EcdfRow>(
    conn,
    `select max(abs(sd)) filter (where vnext is distinct from v)::VARCHAR as dscaled,
       count(*) filter (where vnext is distinct from v) as u,
       ${w1Term}::DOUBLE as w1part,
       sum(case when s = 0 then (${zTerm})::DECIMAL(38, 20) end)::DOUBLE as sz,
       sum(case when s = 0 then (${zTerm} * ${zTerm})::DECIMAL(38, 20) end)::DOUBLE as sz2
     from (
       select s, v,
         sum(case when s = 0 then ${nc}::BIGINT else -${nb}::BIGINT end) over (order by v rows between unbounded preceding and current row) as sd,
         lead(v) over (order by v) as vnext
       from (${src.sql}) where v is not null)`,
    src.params,
  );
  if (!e) throw new Error('ECDF query returned no row');
  const zMean = nb > 0 && e.sz !== null ? e.sz / nb : null;
  // var/rb² = E[z²] − E[z]² with z in [0, 1]: both sums exact, so only the final doubles round.
  const zVar = zMean !== null && e.sz2 !== null ? Math.max(0, e.sz2 / nb - zMean * zMean) : null;
  return {
    ...base,
    distinct: Number(e.u ?? 0),
    meanBaseline: zMean === null ? null : minb + zMean * rb2 * 2,
    stdBaseline: zVar === null ? null : Math.sqrt(zVar) * rb2 * 2,
    dScaled: e.dscaled === null ? 0 : Number(e.dscaled),
    w1: nb > 0 && nc > 0 ? (e.w1part ?? 0) * ra2 * 2 : null,
  };
}
