import type { DuckDBConnection } from '@duckdb/node-api';
import type { HealthReport, NotMeasurable, ReleaseHealth, TrafficStats } from '../../../shared/api/analytics';
import { queryRows } from '../db';
import { BundleSchema, count, exactMean, num, releasesSql } from './schema';

const EMPTY_EVENTS = `select CAST(NULL AS VARCHAR) as rid, CAST(NULL AS VARCHAR) as eid, CAST(NULL AS VARCHAR) as et, CAST(NULL AS TIMESTAMP) as ts where false`;
const EMPTY_RELEASES = `select CAST(NULL AS VARCHAR) as release_id, CAST(NULL AS TIMESTAMP) as released_at, CAST(NULL AS VARCHAR) as model_version, false as defined, 0::BIGINT as ord where false`;

function eventsSql(schema: BundleSchema): string {
  const t = 'deployment_events';
  if (!schema.hasColumn(t, 'release_id') || !schema.hasColumn(t, 'event_type')) return EMPTY_EVENTS;
  return `select ${schema.text(t, 'release_id')} as rid, ${schema.text(t, 'event_id')} as eid, lower(${schema.text(t, 'event_type')}) as et, ${schema.ts(t, 'ts')} as ts from deployment_events`;
}

/**
 * Failure episodes: each incident_open (or, for a release without incidents, each canary_fail) paired with the first
 * later incident_resolved or rollback of the same release. Recovery time in hours; NULL while unresolved.
 */
const EPISODES_SQL = `
  starts as (
    select rid, eid, ts from ev where et = 'incident_open' and ts is not null
    union all
    select rid, eid, ts from ev e where et = 'canary_fail' and ts is not null and not exists (select 1 from ev o where o.rid = e.rid and o.et = 'incident_open')),
  episodes as (
    select s.rid, s.eid, s.ts, min(r.ts) as recovered_at,
           date_diff('millisecond', s.ts, min(r.ts)) / 3600000.0 as hours
      from starts s left join ev r on r.rid = s.rid and r.et in ('incident_resolved', 'rollback') and r.ts >= s.ts
     group by s.rid, s.eid, s.ts)`;

/** Span rows normalised; `trace` columns aggregate them per trace. */
function spansSql(schema: BundleSchema): string | null {
  const s = 'spans';
  if (!schema.hasColumn(s, 'trace_id')) return null;
  const start = schema.ts(s, 'start_time');
  const end = schema.ts(s, 'end_time');
  return `select ${schema.text(s, 'trace_id')} as tid, ${schema.text(s, 'release_id')} as rid, ${schema.text(s, 'parent_span_id')} as parent,
                 coalesce(${schema.num(s, 'duration_ms')}, date_diff('microsecond', ${start}, ${end}) / 1000.0) as dur,
                 ${start} as st, ${end} as en, upper(${schema.text(s, 'status_code')}) as status,
                 ${schema.num(s, 'retry_count', undefined, 'BIGINT')} as retries,
                 ${schema.num(s, 'input_tokens', undefined, 'BIGINT')} as tin, ${schema.num(s, 'output_tokens', undefined, 'BIGINT')} as tout,
                 ${schema.num(s, 'total_tokens', undefined, 'BIGINT')} as ttot, ${schema.num(s, 'cost_usd')} as cost,
                 ${schema.bool(s, 'fallback_taken')} as fallback, ${schema.bool(s, 'guardrail_blocked')} as blocked, ${schema.text(s, 'route_target')} as route
            from spans where ${schema.text(s, 'trace_id')} is not null`;
}

const TRACES_SQL = `
  tr as (
    select tid, min(rid) as rid, count(*) as spans,
           coalesce(max(dur) filter (where parent is null), date_diff('microsecond', min(st), max(en)) / 1000.0) as latency_ms,
           count(status) as status_n, bool_or(status = 'ERROR') as err,
           count(retries) as retry_n, count(*) filter (where retries > 0) as retry_k,
           sum(tin) as tin, sum(tout) as tout, sum(coalesce(ttot, tin + tout)) as ttot, sum(CAST(cost AS DECIMAL(38, 12))) as cost, count(cost) as cost_n,
           count(fallback) as fb_n, count(*) filter (where fallback) as fb_k, count(blocked) as gb_n, count(*) filter (where blocked) as gb_k
      from sp group by tid)`;

/** Traffic aggregates over the per-trace table `tr`: per release (g = 0, k = release id or NULL) and overall (g = 1), in one pass. */
const TRAFFIC_AGG_SQL = `
  select rid as k, grouping(rid) as g, count(*) as traces, sum(spans) as spans,
         quantile_disc(latency_ms, 0.5) as p50, quantile_disc(latency_ms, 0.95) as p95, quantile_disc(latency_ms, 0.99) as p99,
         CASE WHEN sum(status_n) > 0 THEN CAST(count(*) filter (where err) AS DOUBLE) / count(*) filter (where status_n > 0) END as error_rate,
         CASE WHEN sum(retry_n) > 0 THEN CAST(sum(retry_k) AS DOUBLE) / sum(retry_n) END as retry_rate,
         sum(tin) as tin, sum(tout) as tout, sum(ttot) as ttot, CASE WHEN sum(cost_n) > 0 THEN CAST(sum(cost) AS DOUBLE) END as cost,
         CASE WHEN sum(fb_n) > 0 THEN CAST(sum(fb_k) AS DOUBLE) / sum(fb_n) END as fallback_rate,
         CASE WHEN sum(gb_n) > 0 THEN CAST(sum(gb_k) AS DOUBLE) / sum(gb_n) END as guardrail_rate
    from tr group by grouping sets ((rid), ())`;

type TrafficRow = {
  k: string | null;
  traces: number;
  spans: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  error_rate: number | null;
  retry_rate: number | null;
  tin: number | null;
  tout: number | null;
  ttot: number | null;
  cost: number | null;
  fallback_rate: number | null;
  guardrail_rate: number | null;
}

function toTraffic(r: Partial<TrafficRow> | undefined, routes: TrafficStats['route_targets']): TrafficStats {
  return {
    traces: count(r?.traces),
    spans: count(r?.spans),
    p50_ms: num(r?.p50),
    p95_ms: num(r?.p95),
    p99_ms: num(r?.p99),
    error_rate: num(r?.error_rate),
    retry_rate: num(r?.retry_rate),
    input_tokens: num(r?.tin),
    output_tokens: num(r?.tout),
    total_tokens: num(r?.ttot),
    cost_usd: num(r?.cost),
    fallback_rate: num(r?.fallback_rate),
    guardrail_block_rate: num(r?.guardrail_rate),
    route_targets: routes,
  };
}

export async function healthReport(conn: DuckDBConnection): Promise<HealthReport> {
  const schema = await BundleSchema.load(conn);
  const notMeasurable: NotMeasurable[] = [];
  const rel = releasesSql(schema) ?? EMPTY_RELEASES;
  const ev = eventsSql(schema);
  if (ev === EMPTY_EVENTS) notMeasurable.push({ metric: 'change_failure_rate', reason: 'the bundle has no deployment_events with release_id and event_type' });
  const sp = spansSql(schema);
  if (!sp) notMeasurable.push({ metric: 'latency_percentiles', reason: 'the bundle has no spans table with trace_id' });
  else {
    for (const [col, metric] of [
      ['status_code', 'error_rate'],
      ['retry_count', 'retry_rate'],
      ['cost_usd', 'cost_usd'],
      ['fallback_taken', 'fallback_rate'],
      ['guardrail_blocked', 'guardrail_block_rate'],
      ['route_target', 'route_targets'],
      ['release_id', 'per_release_traffic'],
    ] as const)
      if (!schema.hasColumn('spans', col)) notMeasurable.push({ metric, reason: `spans has no ${col} column` });
  }
  const emptySpans = `select CAST(NULL AS VARCHAR) as tid, CAST(NULL AS VARCHAR) as rid, CAST(NULL AS VARCHAR) as parent, CAST(NULL AS DOUBLE) as dur,
    CAST(NULL AS TIMESTAMP) as st, CAST(NULL AS TIMESTAMP) as en, CAST(NULL AS VARCHAR) as status, CAST(NULL AS BIGINT) as retries, CAST(NULL AS BIGINT) as tin,
    CAST(NULL AS BIGINT) as tout, CAST(NULL AS BIGINT) as ttot, CAST(NULL AS DOUBLE) as cost, CAST(NULL AS BOOLEAN) as fallback, CAST(NULL AS BOOLEAN) as blocked,
    CAST(NULL AS VARCHAR) as route where false`;
  const cte = `with rel as (${rel}), ev as (${ev}), ${EPISODES_SQL}, sp as (${sp ?? emptySpans}), ${TRACES_SQL}`;

  const rows = await queryRows<
    TrafficRow & {
      kind: 'release' | 'all' | 'none';
      release_id: string;
      released_at: string | null;
      model_version: string | null;
      defined: boolean;
      deployed: boolean;
      canary_runs: number;
      canary_failures: number;
      rollbacks: number;
      incidents: number;
      unresolved: number;
      ttr: number | null;
      prev: string | null;
      d_p50: number | null;
      d_p99: number | null;
      d_err: number | null;
      d_retry: number | null;
      d_cost: number | null;
    }
  >(
    conn,
    `${cte},
     evagg as (select rid, count(*) filter (where et in ('canary_start', 'promote')) > 0 as deployed,
                      count(*) filter (where et in ('canary_pass', 'canary_fail')) as canary_runs, count(*) filter (where et = 'canary_fail') as canary_failures,
                      count(*) filter (where et = 'rollback') as rollbacks, count(*) filter (where et = 'incident_open') as incidents
                 from ev group by rid),
     epagg as (select rid, count(*) filter (where recovered_at is null and eid in (select eid from ev where et = 'incident_open')) as unresolved,
                      ${exactMean('hours')} as ttr
                 from episodes group by rid),
     tagg as materialized (${TRAFFIC_AGG_SQL}),
     j as (select rel.ord, rel.release_id, rel.released_at, rel.model_version, rel.defined,
                  coalesce(evagg.deployed, ${ev === EMPTY_EVENTS ? 'rel.released_at is not null' : 'false'}) as deployed,
                  coalesce(evagg.canary_runs, 0) as canary_runs, coalesce(evagg.canary_failures, 0) as canary_failures,
                  coalesce(evagg.rollbacks, 0) as rollbacks, coalesce(evagg.incidents, 0) as incidents, coalesce(epagg.unresolved, 0) as unresolved, epagg.ttr,
                  t.* exclude (k, g)
             from rel left join evagg on evagg.rid = rel.release_id left join epagg on epagg.rid = rel.release_id
             left join (select * from tagg where g = 0) t on t.k = rel.release_id)
     select * from (
       select 'release' as kind, *, lag(release_id) over w as prev, p50 - lag(p50) over w as d_p50, p99 - lag(p99) over w as d_p99,
              error_rate - lag(error_rate) over w as d_err, retry_rate - lag(retry_rate) over w as d_retry,
              CASE WHEN traces > 0 THEN cost / traces END - lag(CASE WHEN traces > 0 THEN cost / traces END) over w as d_cost
         from j window w as (order by ord))
     union all by name
     select CASE WHEN g = 1 THEN 'all' ELSE 'none' END as kind, 1000000000 + g as ord, * exclude (k, g) from tagg where g = 1 or k is null
     order by ord`,
  );
  // Route targets per release (g = 0) and overall (g = 1); a span's release is its trace's.
  const routeRows = sp
    ? await queryRows<{ k: string | null; g: number; target: string; n: number; share: number }>(
        conn,
        `with sp as (${sp}),
              routed as (select tid, route from sp where route is not null),
              trel as (select tid, min(rid) as rid from sp semi join (select distinct tid from routed) r using (tid) group by tid),
              counts as (select trel.rid as k, grouping(trel.rid) as g, routed.route as target, count(*) as n
                           from routed join trel using (tid) group by grouping sets ((trel.rid, routed.route), (routed.route)))
         select k, g, target, n, CAST(n AS DOUBLE) / sum(n) over (partition by g, k) as share from counts order by g, k nulls first, n desc, target`,
      )
    : [];
  const toRoutes = (rs: { target: string; n: number; share: number }[]) => rs.map((r) => ({ target: r.target, spans: count(r.n), share: num(r.share) ?? 0 }));
  const routesFor = (k: string | null) => toRoutes(routeRows.filter((r) => count(r.g) === 0 && r.k === k));

  const releases: ReleaseHealth[] = rows.filter((r) => r.kind === 'release').map((r) => ({
    release_id: r.release_id,
    defined: r.defined,
    released_at: r.released_at,
    model_version: r.model_version,
    deployed: r.deployed,
    canary_runs: count(r.canary_runs),
    canary_failures: count(r.canary_failures),
    rollbacks: count(r.rollbacks),
    rolled_back: count(r.rollbacks) > 0,
    incidents: count(r.incidents),
    unresolved_incidents: count(r.unresolved),
    change_failed: r.deployed && (count(r.rollbacks) > 0 || count(r.incidents) > 0),
    time_to_recover_hours: num(r.ttr),
    ...toTraffic(r, routesFor(r.release_id)),
    previous_release_id: r.prev,
    vs_previous: r.prev
      ? { previous_release_id: r.prev, p50_ms_delta: num(r.d_p50), p99_ms_delta: num(r.d_p99), error_rate_delta: num(r.d_err), retry_rate_delta: num(r.d_retry), cost_usd_per_trace_delta: num(r.d_cost) }
      : null,
  }));

  const noEvents = ev === EMPTY_EVENTS;
  const overall = (
    await queryRows<{
      releases: number;
      deployments: number;
      canary_runs: number;
      canary_failures: number;
      rollbacks: number;
      change_failures: number;
      incidents: number;
      mttr: number | null;
      median_ttr: number | null;
      canary_failure_rate: number | null;
      rollback_rate: number | null;
      change_failure_rate: number | null;
    }>(
      conn,
      `${cte},
       per as (select rel.release_id,
                      ${ev === EMPTY_EVENTS ? 'rel.released_at is not null' : `exists (select 1 from ev where ev.rid = rel.release_id and ev.et in ('canary_start', 'promote'))`} as deployed,
                      (select count(*) from ev where ev.rid = rel.release_id and ev.et in ('rollback', 'incident_open')) > 0 as failed
                 from rel)
       select *,
              -- Without deployment events a failure cannot be seen, so its rates are unknown rather than 0.
              CASE WHEN canary_runs > 0 AND ${noEvents} = false THEN CAST(canary_failures AS DOUBLE) / canary_runs END as canary_failure_rate,
              CASE WHEN deployments > 0 AND ${noEvents} = false THEN CAST(rollbacks AS DOUBLE) / deployments END as rollback_rate,
              CASE WHEN deployments > 0 AND ${noEvents} = false THEN CAST(change_failures AS DOUBLE) / deployments END as change_failure_rate
       from (
       select (select count(*) from rel) as releases, (select count(*) filter (where deployed) from per) as deployments,
              (select count(*) filter (where et in ('canary_pass', 'canary_fail')) from ev) as canary_runs,
              (select count(*) filter (where et = 'canary_fail') from ev) as canary_failures,
              (select count(*) from per where deployed and release_id in (select rid from ev where et = 'rollback')) as rollbacks,
              (select count(*) filter (where deployed and failed) from per) as change_failures,
              (select count(*) filter (where et = 'incident_open') from ev) as incidents,
              (select ${exactMean('hours')} from episodes) as mttr,
              (select quantile_cont(hours, 0.5) from episodes) as median_ttr)`,
    )
  )[0];
  const deployments = count(overall?.deployments);
  const canaryRuns = count(overall?.canary_runs);
  if (releases.length === 0) notMeasurable.push({ metric: 'release_health', reason: 'the bundle names no release' });
  return {
    releases,
    overall: {
      releases: count(overall?.releases),
      deployments,
      canary_runs: canaryRuns,
      canary_failures: count(overall?.canary_failures),
      canary_failure_rate: num(overall?.canary_failure_rate),
      rollbacks: count(overall?.rollbacks),
      rollback_rate: num(overall?.rollback_rate),
      change_failures: count(overall?.change_failures),
      change_failure_rate: num(overall?.change_failure_rate),
      mean_time_to_recover_hours: num(overall?.mttr),
      median_time_to_recover_hours: num(overall?.median_ttr),
      incidents: count(overall?.incidents),
      traffic: toTraffic(
        rows.find((r) => r.kind === 'all'),
        toRoutes(routeRows.filter((r) => count(r.g) === 1)),
      ),
      unattributed: toTraffic(
        rows.find((r) => r.kind === 'none'),
        routesFor(null),
      ),
    },
    not_measurable: notMeasurable,
  };
}
