/**
 * Disparities against a reference group and changes between two selections, computed by DuckDB from the per-group
 * integer counts and estimates (passed as a VALUES list: counts are exact, doubles round-trip through their shortest
 * decimal form). Intervals: Newcombe's hybrid score interval for a difference of proportions (method 10, from the two
 * Wilson intervals), the log (Katz) interval for a ratio of proportions, a normal interval for AUC / Brier / error
 * differences of independent selections (variances add).
 */
import { sqlDouble, quoteLiteral } from '../db';
import { wilsonSql } from './wilson';
import { Z95 } from './schema';

const Z = String(Z95);

const lit = (v: string | number | boolean | null): string =>
  v === null ? 'NULL' : typeof v === 'string' ? quoteLiteral(v) : typeof v === 'boolean' ? String(v) : Number.isInteger(v) ? String(v) : sqlDouble(v);

export function valuesTable(name: string, columns: string[], rows: (string | number | boolean | null)[][]): string {
  if (rows.length === 0) return `${name} as (select ${columns.map((c) => `NULL as ${c}`).join(', ')} where false)`;
  return `${name} as (select * from (values ${rows.map((r) => `(${r.map(lit).join(', ')})`).join(', ')}) t(${columns.join(', ')}))`;
}

/**
 * Adds Wilson bounds `<p>_lo`, `<p>_hi` for each (k, n) column pair of table `from` (the formula written once, in a lambda).
 */
function wilsonColumns(from: string, pairs: [string, string, string][]): string {
  const w = wilsonSql('x.k', 'x.n');
  const list = `[${pairs.map(([k, n]) => `{'k': CAST(${k} AS BIGINT), 'n': CAST(${n} AS BIGINT)}`).join(', ')}]`;
  const cols = pairs.map(([, , p], i) => `w[${i + 1}].lo as ${p}_lo, w[${i + 1}].hi as ${p}_hi`).join(', ');
  return `select * exclude (w), ${cols} from (select *, list_transform(${list}, lambda x: {'lo': ${w.low}, 'hi': ${w.high}}) as w from ${from})`;
}

/** SQL for p1 − p2 with Newcombe's interval (Wilson bounds l/u given as columns): value, lo, hi, z (unpooled) prefixed by `name`. */
export function newcombeSql(k1: string, n1: string, l1: string, u1: string, k2: string, n2: string, l2: string, u2: string, name: string): string {
  const p1 = `(CAST(${k1} AS DOUBLE) / ${n1})`;
  const p2 = `(CAST(${k2} AS DOUBLE) / ${n2})`;
  const ok = `${n1} > 0 and ${n2} > 0`;
  const se = `sqrt(${p1} * (1 - ${p1}) / ${n1} + ${p2} * (1 - ${p2}) / ${n2})`;
  return `CASE WHEN ${ok} THEN ${p1} - ${p2} END as ${name}_v,
          CASE WHEN ${ok} THEN ${p1} - ${p2} - sqrt((${p1} - ${l1}) * (${p1} - ${l1}) + (${u2} - ${p2}) * (${u2} - ${p2})) END as ${name}_lo,
          CASE WHEN ${ok} THEN ${p1} - ${p2} + sqrt((${u1} - ${p1}) * (${u1} - ${p1}) + (${p2} - ${l2}) * (${p2} - ${l2})) END as ${name}_hi,
          CASE WHEN ${ok} and ${se} > 0 THEN (${p1} - ${p2}) / ${se} END as ${name}_z`;
}

export const DISPARITY_COLUMNS = ['side', 'grp', 'elig', 'sk', 'sn', 'tk', 'tn', 'fk', 'fn'];

/**
 * One row per group (reference included) with the reference chosen per side: `chosen` when given, else the eligible
 * group with the highest selection rate (ties: the smaller label).
 */
export function disparitySql(values: string, chosen: string | null): string {
  const ir = `(CAST(d.sk AS DOUBLE) / d.sn) / (CAST(r.sk AS DOUBLE) / r.sn)`;
  const irSe = `sqrt(1.0 / d.sk - 1.0 / d.sn + 1.0 / r.sk - 1.0 / r.sn)`;
  const irOk = `d.sn > 0 and r.sn > 0 and d.sk > 0 and r.sk > 0`;
  const nc = (p: string, name: string): string => newcombeSql(`d.${p}k`, `d.${p}n`, `d.${p}_lo`, `d.${p}_hi`, `r.${p}k`, `r.${p}n`, `r.${p}_lo`, `r.${p}_hi`, name);
  return `with ${values.replace(/^v as/, 'v0 as')},
  v as (${wilsonColumns('v0', [['sk', 'sn', 's'], ['tk', 'tn', 't'], ['fk', 'fn', 'f']])}),
  ref as (select side, ${chosen === null ? 'NULL' : quoteLiteral(chosen)} as chosen,
                 first(grp order by CAST(sk AS DOUBLE) / sn desc, grp) filter (where elig and sn > 0) as best from v group by side),
  rr as (select side, coalesce(chosen, best) as rg from ref)
  select d.side, d.grp, rr.rg as reference, d.elig, d.sn, d.sk, d.tn, d.fn, r.sn as r_sn, r.tn as r_tn, r.fn as r_fn,
         CASE WHEN d.sn > 0 and r.sn > 0 and r.sk > 0 THEN ${ir} END as ir_v,
         CASE WHEN ${irOk} THEN exp(ln(${ir}) - ${Z} * ${irSe}) END as ir_lo,
         CASE WHEN ${irOk} THEN exp(ln(${ir}) + ${Z} * ${irSe}) END as ir_hi,
         ${nc('s', 'dp')},
         ${nc('t', 'eo')}, ${nc('f', 'fd')}
    from v d join rr on rr.side = d.side left join v r on r.side = d.side and r.grp = rr.rg
   order by d.side, d.grp`;
}

export const CHANGE_COLUMNS = ['grp', 'metric', 'bk', 'bn', 'ck', 'cn', 'bv', 'bvar', 'cv', 'cvar'];

/** Baseline → current per group and metric: proportions by Newcombe, estimates by a normal interval. */
export function changeSql(values: string): string {
  const nc = newcombeSql('ck', 'cn', 'c_lo', 'c_hi', 'bk', 'bn', 'b_lo', 'b_hi', 'p');
  const est = `cv - bv`;
  const se = `sqrt(bvar + cvar)`;
  return `with ${values.replace(/^v as/, 'v0 as')},
  v as (${wilsonColumns('v0', [['bk', 'bn', 'b'], ['ck', 'cn', 'c']])})
  select grp, metric, ${nc},
         CASE WHEN bv is not null and cv is not null THEN ${est} END as e_v,
         CASE WHEN bvar is not null and cvar is not null THEN ${est} - ${Z} * ${se} END as e_lo,
         CASE WHEN bvar is not null and cvar is not null THEN ${est} + ${Z} * ${se} END as e_hi,
         CASE WHEN bvar is not null and cvar is not null and ${se} > 0 THEN (${est}) / ${se} END as e_z
    from v order by grp, metric`;
}
