import type { DuckDBConnection } from '@duckdb/node-api';
import type { EvalGroup, EvalReport, NotMeasurable, PreReleaseGate, ThresholdCheck } from '../../../shared/api/analytics';
import { EVAL_STAGES } from '../../../shared/canonical';
import { queryRows, queryValue, quoteLiteral } from '../db';
import { ANALYTICS_DEFAULTS, BundleSchema, cohortAttributes, count, exactMean, num, releasesSql } from './schema';
import { wilsonSql } from './wilson';

export interface EvalOptions {
  smallCellK?: number;
  gateMaxFailRate?: number;
  gateStages?: string[];
}

/** Canonical stage order first, any other stage after, alphabetically. */
export const stageOrderSql = (expr: string): string =>
  `CASE ${expr} ${EVAL_STAGES.map((s, i) => `WHEN ${quoteLiteral(s)} THEN ${i}`).join(' ')} ELSE ${EVAL_STAGES.length} END`;

/** The eval_results rows with normalised columns; cohort columns as c0, c1, ... */
function evalBaseSql(schema: BundleSchema, attrs: string[]): string {
  const t = 'eval_results';
  const cohortCols = attrs.map((a, i) => `${schema.text(t, a)} as c${i}`);
  return `select ${schema.text(t, 'eval_id')} as eval_id, lower(${schema.text(t, 'stage')}) as stage, ${schema.text(t, 'evaluator')} as evaluator,
                 ${schema.text(t, 'metric')} as metric, ${schema.num(t, 'value')} as value, ${schema.num(t, 'threshold')} as threshold,
                 ${schema.bool(t, 'passed')} as passed, ${schema.text(t, 'release_id')} as release_id, ${schema.ts(t, 'ts')} as ts
                 ${cohortCols.length > 0 ? `, ${cohortCols.join(', ')}` : ''}
            from eval_results`;
}

/** Long form: one row per (eval result, cohort attribute with a value). */
function evalCohortSql(attrs: string[]): string {
  if (attrs.length === 0) return `select *, CAST(NULL AS VARCHAR) as cohort from ev where false`;
  return attrs.map((a, i) => `select *, ${quoteLiteral(`${a}=`)} || c${i} as cohort from ev where c${i} is not null`).join(' union all ');
}

function groupSql(from: string, keys: ('stage' | 'evaluator' | 'cohort' | 'release_id')[], k: number): string {
  const w = wilsonSql('failures', 'n');
  const all = ['stage', 'evaluator', 'cohort', 'release_id'] as const;
  const select = all.map((c) => (keys.includes(c) ? c : `CAST(NULL AS VARCHAR) as ${c}`)).join(', ');
  const order = keys.map((c) => (c === 'stage' ? `${stageOrderSql('stage')}, stage nulls last` : `${c} nulls last`)).join(', ');
  return `select ${select}, n, failures, CASE WHEN n > 0 THEN CAST(failures AS DOUBLE) / n END as rate,
                 ${w.low} as ci_low, ${w.high} as ci_high, n < ${k} as small_cell
            from (select ${keys.join(', ')}, count(passed) as n, count(*) filter (where passed = false) as failures
                    from ${from} group by ${keys.join(', ')})
           order by ${order}`;
}

type GroupRow = {
  stage: string | null;
  evaluator: string | null;
  cohort: string | null;
  release_id: string | null;
  n: number;
  failures: number;
  rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  small_cell: boolean;
}
const toGroup = (r: GroupRow): EvalGroup => ({
  stage: r.stage,
  evaluator: r.evaluator,
  cohort: r.cohort,
  release_id: r.release_id,
  n: count(r.n),
  failures: count(r.failures),
  rate: num(r.rate),
  ci_low: num(r.ci_low),
  ci_high: num(r.ci_high),
  small_cell: r.small_cell,
});

/** Per release: the pre-release gate (results of the gate stages dated before released_at). */
export async function preReleaseGates(conn: DuckDBConnection, schema: BundleSchema, opts: EvalOptions = {}): Promise<PreReleaseGate[]> {
  const rel = releasesSql(schema);
  if (!rel) return [];
  const maxFail = opts.gateMaxFailRate ?? ANALYTICS_DEFAULTS.gateMaxFailRate;
  const stages = opts.gateStages ?? ANALYTICS_DEFAULTS.gateStages;
  const hasEvals = schema.has('eval_results');
  const ev = hasEvals
    ? `select ${schema.text('eval_results', 'release_id')} as release_id, lower(${schema.text('eval_results', 'stage')}) as stage,
              ${schema.ts('eval_results', 'ts')} as ts, ${schema.bool('eval_results', 'passed')} as passed from eval_results`
    : `select CAST(NULL AS VARCHAR) as release_id, CAST(NULL AS VARCHAR) as stage, CAST(NULL AS TIMESTAMP) as ts, CAST(NULL AS BOOLEAN) as passed where false`;
  const hasEvents = schema.hasColumn('deployment_events', 'release_id') && schema.hasColumn('deployment_events', 'event_type');
  const shipped = hasEvents
    ? `exists (select 1 from deployment_events d where ${schema.text('deployment_events', 'release_id', 'd')} = r.release_id
                  and lower(${schema.text('deployment_events', 'event_type', 'd')}) in ('canary_start', 'promote'))`
    : `r.released_at is not null`;
  const rows = await queryRows<{ release_id: string; released_at: string | null; shipped: boolean; n: number; failures: number; fail_rate: number | null }>(
    conn,
    `with r as (${rel}), ev as (${ev})
     select r.release_id, r.released_at, ${shipped} as shipped,
            count(ev.passed) as n, count(*) filter (where ev.passed = false) as failures,
            CASE WHEN count(ev.passed) > 0 THEN CAST(count(*) filter (where ev.passed = false) AS DOUBLE) / count(ev.passed) END as fail_rate
       from r left join ev on ev.release_id = r.release_id and ev.stage in (${stages.map(quoteLiteral).join(', ')})
                          and ev.ts is not null and r.released_at is not null and ev.ts < r.released_at
      group by r.release_id, r.released_at, r.ord
      order by r.ord`,
  );
  return rows.map((r) => {
    const n = count(r.n);
    const failRate = num(r.fail_rate);
    return {
      release_id: r.release_id,
      released_at: r.released_at,
      shipped: r.shipped,
      n,
      failures: count(r.failures),
      fail_rate: failRate,
      verdict: n === 0 ? 'none' : failRate !== null && failRate <= maxFail ? 'pass' : 'fail',
    };
  });
}

export async function evalReport(conn: DuckDBConnection, opts: EvalOptions = {}): Promise<EvalReport> {
  const schema = await BundleSchema.load(conn);
  const k = opts.smallCellK ?? ANALYTICS_DEFAULTS.smallCellK;
  const gate = { stages: opts.gateStages ?? [...ANALYTICS_DEFAULTS.gateStages], max_fail_rate: opts.gateMaxFailRate ?? ANALYTICS_DEFAULTS.gateMaxFailRate };
  const notMeasurable: NotMeasurable[] = [];
  const empty: EvalReport = {
    small_cell_k: k,
    gate,
    by_stage: [],
    by_evaluator: [],
    by_cohort: [],
    by_release: [],
    by_stage_cohort_release: [],
    thresholds: [],
    pre_release: [],
    shipped_without_passing_eval: [],
    not_measurable: notMeasurable,
  };
  const pre = await preReleaseGates(conn, schema, opts);
  empty.pre_release = pre;
  empty.shipped_without_passing_eval = pre.filter((g) => g.shipped && g.verdict !== 'pass').map((g) => g.release_id);
  if (pre.length === 0) notMeasurable.push({ metric: 'releases_without_passing_eval', reason: 'the bundle names no release' });
  if (!schema.has('eval_results')) {
    notMeasurable.push({ metric: 'eval_fail_rate', reason: 'the bundle has no eval_results table' });
    return empty;
  }
  if (!schema.hasColumn('eval_results', 'passed')) notMeasurable.push({ metric: 'eval_fail_rate', reason: 'eval_results has no passed column' });

  const attrs = (await cohortAttributes(conn, schema)).filter((a) => schema.hasColumn('eval_results', a));
  if (attrs.length === 0) notMeasurable.push({ metric: 'eval_fail_rate_by_cohort', reason: 'eval_results has no cohort attribute column' });
  const withEv = `with ev as (${evalBaseSql(schema, attrs)}), evc as (${evalCohortSql(attrs)}) `;
  const run = async (keys: ('stage' | 'evaluator' | 'cohort' | 'release_id')[]) =>
    (await queryRows<GroupRow>(conn, withEv + groupSql(keys.includes('cohort') ? 'evc' : 'ev', keys, k))).map(toGroup);

  const thresholds = await queryRows<{ evaluator: string | null; metric: string | null; threshold: number | null; n: number; failures: number; m: number | null; lo: number | null; hi: number | null }>(
    conn,
    `${withEv} select evaluator, metric, threshold, count(*) as n, count(*) filter (where passed = false) as failures,
            ${exactMean('value')} as m, min(value) as lo, max(value) as hi
       from ev group by evaluator, metric, threshold order by evaluator nulls last, metric nulls last, threshold nulls last`,
  );
  const undated = Number(await queryValue(conn, `select count(*) from eval_results where ${schema.ts('eval_results', 'ts')} is null`));
  if (undated > 0) notMeasurable.push({ metric: 'releases_without_passing_eval', reason: `${undated} eval results have no timestamp and cannot be placed before or after a release` });

  return {
    ...empty,
    by_stage: await run(['stage']),
    by_evaluator: await run(['evaluator']),
    by_cohort: await run(['cohort']),
    by_release: await run(['release_id']),
    by_stage_cohort_release: await run(['stage', 'cohort', 'release_id']),
    thresholds: thresholds.map(
      (r): ThresholdCheck => ({
        evaluator: r.evaluator,
        metric: r.metric,
        threshold: num(r.threshold),
        n: count(r.n),
        failures: count(r.failures),
        observed_mean: num(r.m),
        observed_min: num(r.lo),
        observed_max: num(r.hi),
      }),
    ),
  };
}
