/**
 * The SQL behind per-group performance (docs/metrics.md, "Performance and fairness"). One query per request computes,
 * per selection × group (and for the whole selection): counts, the confusion matrix, every proportion with its Wilson
 * interval, AUC with its DeLong variance, Brier with its variance, ECE and the reliability bins. Counts and the AUC
 * components are integers (HUGEINT), sums of doubles are DECIMAL sums of terms rounded to 12 decimals: nothing depends
 * on row order or thread count.
 */
import { quoteIdent, quoteLiteral, type SqlParam } from '../db';
import { wilsonSql } from './wilson';
import { groupExpr, type PerformanceSpec } from './performanceSpec';
import { Z95 } from './schema';

const dec = (expr: string): string => `CAST(${expr} AS DECIMAL(38, 12))`;

/** Separates a selection's name from the index of its attribute list when several lists share one query. */
export const SIDE_SEP = '\u0001';

/**
 * The rows of every selection: side, group attributes a1/a2, y, yhat, s (or regression label/prediction). With several
 * attribute lists (the Overview's scan), every selection is repeated per list and its side reads "name␁index".
 */
function baseCte(spec: PerformanceSpec, byList: readonly (readonly string[])[]): { sql: string; params: SqlParam[] } {
  const t = quoteIdent(spec.table);
  const attrs = [...new Set(byList.flat())];
  const col = (a: string | undefined): string => (a === undefined ? 'CAST(NULL AS VARCHAR)' : `g${attrs.indexOf(a)}`);
  const params: SqlParam[] = [];
  const flags = spec.sides.map((s, i) => {
    params.push(...s.where.params);
    return `(${s.where.sql}) as w${i}`;
  });
  // Every row expression once (materialized), then one cheap branch per selection × attribute list.
  const rows = `rowset as MATERIALIZED (select * from (select ${flags.join(', ')}, ${attrs.map((a, i) => `${groupExpr(a, spec.info.columns.find((c) => c.name === a)?.type)} as g${i}`).join(', ')},
      ${spec.expr.y} as y, ${spec.expr.yhat} as yhat, ${spec.expr.score} as s, ${spec.expr.regLabel} as rl, ${spec.expr.regPred} as rp
      from ${t}) where ${spec.sides.map((_, i) => `w${i}`).join(' or ')})`;
  const parts: string[] = [];
  byList.forEach((by, k) => {
    spec.sides.forEach((s, i) => {
      const side = byList.length > 1 ? `${s.name}${SIDE_SEP}${k}` : s.name;
      parts.push(`select ${quoteLiteral(side)} as side, ${col(by[0])} as a1, ${col(by[1])} as a2, y, yhat, s, rl, rp from rowset where w${i}`);
    });
  });
  return { sql: `${rows}, base as (${parts.join(' union all ')})`, params };
}

/** Adds the whole-selection rows (is_all) to a per-group aggregate `name` by summing its additive columns. */
function withAll(name: string, keys: string, sums: string[], extraKey = ''): string {
  return `select side, false as is_all, a1, a2${extraKey ? `, ${extraKey}` : ''}, ${sums.map((c) => c).join(', ')} from ${name}
          union all
          select side, true, NULL, NULL${extraKey ? `, ${extraKey}` : ''}, ${sums.map((c) => `sum(${c}) as ${c}`).join(', ')} from ${name} group by side${keys}`;
}

/** A proportion as a struct {m, k, n}; Wilson intervals are added once for the whole list (see withWilson). */
function prop(k: string, n: string, name: string): string {
  return `{'m': '${name}', 'k': CAST(${k} AS BIGINT), 'n': CAST(${n} AS BIGINT)}`;
}

/**
 * Adds value and Wilson interval to every {m, k, n} of a list column, as JSON text. The interval formula appears once
 * in the SQL (a lambda over the list), which keeps the statement short to plan.
 */
function withWilson(list: string): string {
  const w = wilsonSql('x.k', 'x.n');
  return `to_json(list_transform(${list}, lambda x: {'m': x.m, 'k': x.k, 'n': x.n, 'v': CASE WHEN x.n > 0 THEN CAST(x.k AS DOUBLE) / x.n END, 'lo': ${w.low}, 'hi': ${w.high}}))::VARCHAR`;
}

const Z = String(Z95);

export const PROPORTIONS = ['label_coverage', 'selection_rate', 'positive_rate', 'prevalence', 'accuracy', 'precision', 'recall', 'fpr', 'fnr', 'specificity'] as const;
export type ProportionName = (typeof PROPORTIONS)[number];

/** Classification: one row per side × group (is_all marks the whole selection). */
export function classificationSql(spec: PerformanceSpec, byList: readonly (readonly string[])[] = [spec.by]): { sql: string; params: SqlParam[] } {
  const base = baseCte(spec, byList);
  const B = spec.eceBins;
  const fav = spec.favourable === 'positive' ? 'g.pred_pos' : '(g.n_pred - g.pred_pos)';
  const counts = ['n', 'n_lab', 'n_pred', 'pred_pos', 'lab_pos', 'tp', 'fp', 'tn', 'fn', 'n_cal', 'b_sum', 'b_sq'];
  const sql = `with ${base.sql},
  g0 as (
    select side, a1, a2, count(*)::BIGINT as n, count(y)::BIGINT as n_lab, count(yhat)::BIGINT as n_pred,
           count_if(yhat = 1)::BIGINT as pred_pos, count_if(y = 1)::BIGINT as lab_pos,
           count_if(y = 1 and yhat = 1)::BIGINT as tp, count_if(y = 0 and yhat = 1)::BIGINT as fp,
           count_if(y = 0 and yhat = 0)::BIGINT as tn, count_if(y = 1 and yhat = 0)::BIGINT as fn,
           count_if(y is not null and s >= 0 and s <= 1)::BIGINT as n_cal,
           sum(CASE WHEN y is not null and s >= 0 and s <= 1 THEN ${dec('(s - y) * (s - y)')} END) as b_sum,
           sum(CASE WHEN y is not null and s >= 0 and s <= 1 THEN ${dec('(s - y) * (s - y) * (s - y) * (s - y)')} END) as b_sq
      from base group by side, a1, a2),
  g as (${withAll('g0', '', counts)}),
  -- Integer ids for the groups (and whole selections): the cumulative window then partitions by one integer.
  gids as (select side, is_all, a1, a2, row_number() over (order by side, is_all, a1 nulls last, a2 nulls last) as gid from g),
  sc0 as (select side, a1, a2, s, count_if(y = 1)::BIGINT as p, count_if(y = 0)::BIGINT as q from base where y is not null and s is not null and isfinite(s) group by side, a1, a2, s),
  sc as (
    select gids.gid, sc0.s, sc0.p, sc0.q from sc0 join gids on gids.side = sc0.side and not gids.is_all and gids.a1 is not distinct from sc0.a1 and gids.a2 is not distinct from sc0.a2
    union all
    select gids.gid, sc0.s, sum(sc0.p)::BIGINT, sum(sc0.q)::BIGINT from sc0 join gids on gids.side = sc0.side and gids.is_all group by gids.gid, sc0.s),
  w as (
    select gid, p, q,
           CAST(sum(CAST(q AS DOUBLE)) over (partition by gid order by s rows between unbounded preceding and current row) AS BIGINT) - q as qb,
           CAST(sum(CAST(p AS DOUBLE)) over (partition by gid order by s rows between unbounded preceding and current row) AS BIGINT) as cp
      from sc),
  au0 as (
    select gid, CAST(sum(p) AS BIGINT) as n1, CAST(sum(q) AS BIGINT) as n0,
           sum(CAST(p AS HUGEINT) * (2 * qb + q)) as a1s, sum(CAST(p AS HUGEINT) * (2 * qb + q) * (2 * qb + q)) as b1s,
           sum(CAST(q AS HUGEINT) * (2 * cp - p)) as qc, sum(CAST(q AS HUGEINT) * (2 * cp - p) * (2 * cp - p)) as qc2
      from w group by gid),
  -- Per negative, 2·(positives above) + (positives tied) = 2·n1 − (2·cp − p), cp = positives at or below its score.
  au as (
    select gids.side, gids.is_all, gids.a1, gids.a2, n1, n0, a1s, b1s,
           2 * CAST(n1 AS HUGEINT) * n0 - qc as a0s,
           4 * CAST(n1 AS HUGEINT) * n1 * n0 - 4 * CAST(n1 AS HUGEINT) * qc + qc2 as b0s
      from au0 join gids on gids.gid = au0.gid),
  cb0 as (
    select side, a1, a2, CAST(least(floor(s * ${B}), ${B - 1}) AS INTEGER) as bin, count(*)::BIGINT as bn, sum(${dec('s')}) as bs, count_if(y = 1)::BIGINT as bp
      from base where y is not null and s >= 0 and s <= 1 group by side, a1, a2, bin),
  cb as (${withAll('cb0', ', bin', ['bn', 'bs', 'bp'], 'bin')}),
  cal as (
    select side, is_all, a1, a2, CAST(sum(abs(bs - bp)) AS DOUBLE) / sum(bn) as ece,
           list({'m': CAST(bin AS VARCHAR), 'k': bp, 'n': bn} order by bin) as bins, list(CAST(bs AS DOUBLE) / bn order by bin) as bin_means
      from cb group by side, is_all, a1, a2)
  select g.side, g.is_all, g.a1, g.a2, g.n,
         sum(g.n) over (partition by g.side, g.is_all) as side_n,
         ${withWilson(`[${[
           prop('g.n_lab', 'g.n', 'label_coverage'),
           prop(fav, 'g.n_pred', 'selection_rate'),
           prop('g.pred_pos', 'g.n_pred', 'positive_rate'),
           prop('g.lab_pos', 'g.n_lab', 'prevalence'),
           prop('g.tp + g.tn', 'g.tp + g.tn + g.fp + g.fn', 'accuracy'),
           prop('g.tp', 'g.tp + g.fp', 'precision'),
           prop('g.tp', 'g.tp + g.fn', 'recall'),
           prop('g.fp', 'g.fp + g.tn', 'fpr'),
           prop('g.fn', 'g.tp + g.fn', 'fnr'),
           prop('g.tn', 'g.fp + g.tn', 'specificity'),
         ].join(', ')}]`)} as props,
         g.tp, g.fp, g.tn, g.fn,
         CASE WHEN 2 * g.tp + g.fp + g.fn > 0 THEN 2.0 * g.tp / (2 * g.tp + g.fp + g.fn) END as f1,
         coalesce(au.n1, 0) as auc_pos, coalesce(au.n0, 0) as auc_neg,
         CASE WHEN au.n1 > 0 and au.n0 > 0 THEN CAST(au.a1s AS DOUBLE) / (2.0 * au.n1 * au.n0) END as auc,
         CASE WHEN au.n1 > 1 and au.n0 > 1 THEN
              CAST(au.n1 * au.b1s - au.a1s * au.a1s AS DOUBLE) / (4.0 * au.n0 * au.n0 * au.n1 * (au.n1 - 1)) / au.n1
            + CAST(au.n0 * au.b0s - au.a0s * au.a0s AS DOUBLE) / (4.0 * au.n1 * au.n1 * au.n0 * (au.n0 - 1)) / au.n0 END as auc_var,
         g.n_cal as brier_n,
         CASE WHEN g.n_cal > 0 THEN CAST(g.b_sum AS DOUBLE) / g.n_cal END as brier,
         CASE WHEN g.n_cal > 1 THEN greatest(0.0, (CAST(g.b_sq AS DOUBLE) - CAST(g.b_sum AS DOUBLE) * CAST(g.b_sum AS DOUBLE) / g.n_cal) / (g.n_cal - 1)) / g.n_cal END as brier_var,
         cal.ece, ${withWilson('cal.bins')} as bins, cal.bin_means
    from g
    left join au on au.side = g.side and au.is_all = g.is_all and au.a1 is not distinct from g.a1 and au.a2 is not distinct from g.a2
    left join cal on cal.side = g.side and cal.is_all = g.is_all and cal.a1 is not distinct from g.a1 and cal.a2 is not distinct from g.a2
   order by g.side, g.is_all desc, g.a1 nulls last, g.a2 nulls last`;
  return { sql, params: base.params };
}

/** Regression: n, MAE, RMSE, bias and their normal intervals per side × group. */
export function regressionSql(spec: PerformanceSpec, byList: readonly (readonly string[])[] = [spec.by]): { sql: string; params: SqlParam[] } {
  const base = baseCte(spec, byList);
  const sums = ['n', 'n_lab', 'm', 'e1', 'e2', 'a1s', 'e4'];
  const mean = (s: string): string => `CAST(${s} AS DOUBLE) / m`;
  const varOf = (s1: string, s2: string): string => `CASE WHEN m > 1 THEN greatest(0.0, (CAST(${s2} AS DOUBLE) - CAST(${s1} AS DOUBLE) * CAST(${s1} AS DOUBLE) / m) / (m - 1)) END`;
  const sql = `with ${base.sql},
  r0 as (
    select side, a1, a2, count(*)::BIGINT as n, count(rl)::BIGINT as n_lab, count_if(rl is not null and rp is not null and isfinite(rl) and isfinite(rp))::BIGINT as m,
           sum(CASE WHEN isfinite(rl) and isfinite(rp) THEN ${dec('rp - rl')} END) as e1,
           sum(CASE WHEN isfinite(rl) and isfinite(rp) THEN ${dec('(rp - rl) * (rp - rl)')} END) as e2,
           sum(CASE WHEN isfinite(rl) and isfinite(rp) THEN ${dec('abs(rp - rl)')} END) as a1s,
           sum(CASE WHEN isfinite(rl) and isfinite(rp) THEN ${dec('(rp - rl) * (rp - rl) * (rp - rl) * (rp - rl)')} END) as e4
      from base group by side, a1, a2),
  r as (${withAll('r0', '', sums)})
  select side, is_all, a1, a2, n, sum(n) over (partition by side, is_all) as side_n, n_lab, m,
         ${withWilson(`[${prop('n_lab', 'n', 'label_coverage')}]`)} as props,
         CASE WHEN m > 0 THEN ${mean('a1s')} END as mae, ${varOf('a1s', 'e2')} / m as mae_var,
         CASE WHEN m > 0 THEN ${mean('e2')} END as mse, ${varOf('e2', 'e4')} / m as mse_var,
         CASE WHEN m > 0 THEN ${mean('e1')} END as bias, ${varOf('e1', 'e2')} / m as bias_var
    from r order by side, is_all desc, a1 nulls last, a2 nulls last`;
  return { sql, params: base.params };
}

export { Z };
