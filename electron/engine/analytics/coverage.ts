import type { DuckDBConnection } from '@duckdb/node-api';
import type { CoverageCell, CoverageCohort, CoverageReport, DatasetVersionCoverage, NotMeasurable, ReleaseCoverage } from '../../../shared/api/analytics';
import { queryRows, queryValue, quoteLiteral } from '../db';
import { ANALYTICS_DEFAULTS, BundleSchema, count, loadCohorts, loadReleases, num, valuesList, type CohortDef } from './schema';

export interface CoverageOptions {
  minRows?: number;
  smallCellK?: number;
}

/**
 * One scan of `from` (which exposes _ad_rid and the attribute columns): rows per (release or version, attribute, value)
 * and, with a NULL attribute, the total per release. GROUPING SETS keep it to a single pass over a large table.
 */
function countsSql(from: string, attrs: string[], column: (a: string) => string): string {
  if (attrs.length === 0) return `select _ad_rid, CAST(NULL AS VARCHAR) as a, CAST(NULL AS VARCHAR) as v, count(*) as n from ${from} group by _ad_rid`;
  const cols = attrs.map((a, i) => `${column(a)} as c${i}`).join(', ');
  const which = `CASE ${attrs.map((a, i) => `WHEN grouping(c${i}) = 0 THEN ${quoteLiteral(a)}`).join(' ')} END`;
  const value = `CASE ${attrs.map((_a, i) => `WHEN grouping(c${i}) = 0 THEN c${i}`).join(' ')} END`;
  const sets = [...attrs.map((_a, i) => `(_ad_rid, c${i})`), '(_ad_rid)'].join(', ');
  return `select * from (select _ad_rid, ${which} as a, ${value} as v, count(*) as n from (select _ad_rid, ${cols} from ${from}) group by grouping sets (${sets}))
           where a is null or v is not null`;
}

function listCell(cell: unknown): string[] {
  if (typeof cell !== 'string') return [];
  try {
    const v: unknown = JSON.parse(cell);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export async function coverageReport(conn: DuckDBConnection, opts: CoverageOptions = {}): Promise<CoverageReport> {
  const schema = await BundleSchema.load(conn);
  const minRows = opts.minRows ?? ANALYTICS_DEFAULTS.minEvalRows;
  const k = opts.smallCellK ?? ANALYTICS_DEFAULTS.smallCellK;
  const notMeasurable: NotMeasurable[] = [];
  const defs: CohortDef[] = await loadCohorts(conn, schema);
  const cohorts: CoverageCohort[] = defs.map((d) => ({
    cohort_id: d.cohort_id,
    attribute: d.attribute,
    value: d.value,
    release_critical: d.release_critical,
    min_rows: d.min_eval_rows ?? minRows,
    source: d.source,
    measurable: schema.hasColumn('eval_results', d.attribute),
  }));
  const releases = await loadReleases(conn, schema);
  const report: CoverageReport = {
    min_rows_default: minRows,
    small_cell_k: k,
    traffic_source: null,
    cohorts,
    releases: releases.map((r) => r.release_id),
    cells: [],
    per_release: [],
    dataset_versions: [],
    not_measurable: notMeasurable,
  };
  if (cohorts.length === 0) notMeasurable.push({ metric: 'cohort_coverage', reason: 'no cohorts: no cohorts table and no column with role cohort' });
  if (!schema.has('eval_results')) notMeasurable.push({ metric: 'cohort_coverage', reason: 'the bundle has no eval_results table' });
  else if (!schema.hasColumn('eval_results', 'release_id')) notMeasurable.push({ metric: 'cohort_coverage', reason: 'eval_results has no release_id column' });
  for (const c of cohorts)
    if (!c.measurable && schema.has('eval_results')) notMeasurable.push({ metric: 'cohort_coverage', reason: `eval_results has no column ${c.attribute} (cohort ${c.cohort_id})` });
  if (releases.length === 0) notMeasurable.push({ metric: 'cohort_coverage', reason: 'the bundle names no release' });

  const attrs = [...new Set(cohorts.map((c) => c.attribute))];
  // Traffic: serving records when they carry release and cohort columns, else traces.
  const recordsUsable = schema.hasColumn('records', 'release_id') && attrs.some((a) => schema.hasColumn('records', a));
  const spansUsable = schema.hasColumn('spans', 'release_id') && schema.hasColumn('spans', 'trace_id') && attrs.some((a) => schema.hasColumn('spans', a));
  let traffic = `select CAST(NULL AS VARCHAR) as _ad_rid, CAST(NULL AS VARCHAR) as a, CAST(NULL AS VARCHAR) as v, 0::BIGINT as n where false`;
  let trafficAttr = (_a: string) => false;
  if (recordsUsable) {
    report.traffic_source = 'records';
    const serving = schema.hasColumn('records', 'split') && Number(await queryValue(conn, `select count(*) from records where lower(${schema.text('records', 'split')}) = 'serving'`)) > 0;
    const src = `(select *, ${schema.text('records', 'release_id')} as _ad_rid from records where ${schema.text('records', 'release_id')} is not null ${serving ? `and lower(${schema.text('records', 'split')}) = 'serving'` : ''})`;
    const present = attrs.filter((a) => schema.hasColumn('records', a));
    traffic = countsSql(src, present, (a) => schema.text('records', a));
    trafficAttr = (a) => schema.hasColumn('records', a);
  } else if (spansUsable) {
    report.traffic_source = 'spans';
    const present = attrs.filter((a) => schema.hasColumn('spans', a));
    const src = `(select ${schema.text('spans', 'trace_id')} as tid, min(${schema.text('spans', 'release_id')}) as _ad_rid ${present.map((a) => `, min(${schema.text('spans', a)}) as ${quoteIdentLocal(a)}`).join('')}
                   from spans where ${schema.text('spans', 'trace_id')} is not null group by tid having _ad_rid is not null)`;
    traffic = countsSql(src, present, quoteIdentLocal);
    trafficAttr = (a) => schema.hasColumn('spans', a);
  } else notMeasurable.push({ metric: 'traffic_share', reason: 'neither records nor spans carry a release_id and a cohort attribute' });

  if (cohorts.length > 0 && releases.length > 0 && schema.hasColumn('eval_results', 'release_id')) {
    const evSrc = `(select *, ${schema.text('eval_results', 'release_id')} as _ad_rid from eval_results where ${schema.text('eval_results', 'release_id')} is not null)`;
    const evAttrs = attrs.filter((a) => schema.hasColumn('eval_results', a));
    const defsValues = valuesList(
      cohorts.map((c, i) => [i, c.cohort_id, c.attribute, c.value, c.release_critical, c.min_rows, c.measurable, trafficAttr(c.attribute)]),
    );
    const relValues = valuesList(releases.map((r, i) => [i, r.release_id]));
    // Per-release figures ride along each cell as window aggregates, so the large tables are scanned once.
    const rows = await queryRows<{
      release_id: string;
      cohort_id: string;
      attribute: string;
      value: string;
      critical: boolean;
      min_rows: number;
      eval_rows: number | null;
      eval_total: number;
      traffic_rows: number | null;
      traffic_share: number | null;
      eval_share: number | null;
      meets: boolean | null;
      small: boolean | null;
      missing: boolean | null;
      crit: number;
      rep: number;
      cov: number;
      missing_ids: string | null;
      below_ids: string | null;
    }>(
      conn,
      `with defs(ord, cohort_id, attribute, value, critical, min_rows, measurable, traffic_measurable) as (values ${defsValues}),
        rel(ord, release_id) as (values ${relValues}),
        ev as materialized (${countsSql(evSrc, evAttrs, (a) => schema.text('eval_results', a))}),
        tr as materialized (${traffic}),
        cells as (
          select rel.ord as rord, defs.ord as cord, rel.release_id, defs.cohort_id, defs.attribute, defs.value, defs.critical, defs.min_rows,
                 CASE WHEN defs.measurable THEN coalesce(ecnt.n, 0) END as eval_rows, coalesce(etot.n, 0) as eval_total,
                 CASE WHEN defs.traffic_measurable THEN coalesce(tcnt.n, 0) END as traffic_rows, coalesce(ttot.n, 0) as traffic_total
            from rel cross join defs
            left join ev ecnt on ecnt._ad_rid = rel.release_id and ecnt.a = defs.attribute and ecnt.v = defs.value
            left join (select _ad_rid, n from ev where a is null) etot on etot._ad_rid = rel.release_id
            left join tr tcnt on tcnt._ad_rid = rel.release_id and tcnt.a = defs.attribute and tcnt.v = defs.value
            left join (select _ad_rid, n from tr where a is null) ttot on ttot._ad_rid = rel.release_id)
       select release_id, cohort_id, attribute, value, critical, min_rows, eval_rows, eval_total, traffic_rows,
              CASE WHEN traffic_total > 0 THEN CAST(traffic_rows AS DOUBLE) / traffic_total END as traffic_share,
              CASE WHEN eval_total > 0 THEN CAST(eval_rows AS DOUBLE) / eval_total END as eval_share,
              eval_rows >= min_rows as meets, eval_rows > 0 and eval_rows < ${k} as small, eval_rows = 0 as missing,
              count(*) filter (where critical and eval_rows is not null) over w as crit,
              count(*) filter (where critical and eval_rows > 0) over w as rep,
              count(*) filter (where critical and eval_rows >= min_rows) over w as cov,
              list(cohort_id) filter (where critical and eval_rows = 0) over w as missing_ids,
              list(cohort_id) filter (where critical and eval_rows > 0 and eval_rows < min_rows) over w as below_ids
         from cells
       window w as (partition by rord order by cord rows between unbounded preceding and unbounded following)
        order by rord, cord`,
    );
    report.cells = rows.map(
      (r): CoverageCell => ({
        release_id: r.release_id,
        cohort_id: r.cohort_id,
        attribute: r.attribute,
        value: r.value,
        release_critical: r.critical,
        eval_rows: num(r.eval_rows),
        traffic_rows: num(r.traffic_rows),
        traffic_share: num(r.traffic_share),
        eval_share: num(r.eval_share),
        min_rows: count(r.min_rows),
        meets_threshold: r.meets === true,
        small_cell: r.small === true,
        missing: r.missing === true,
      }),
    );
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.release_id)) continue;
      seen.add(r.release_id);
      const crit = count(r.crit);
      report.per_release.push({
        release_id: r.release_id,
        eval_rows_total: count(r.eval_total),
        critical_total: crit,
        critical_represented: count(r.rep),
        critical_covered: count(r.cov),
        coverage: crit > 0 ? count(r.cov) / crit : null,
        missing: listCell(r.missing_ids),
        below_threshold: listCell(r.below_ids),
      } satisfies ReleaseCoverage);
    }
  }
  report.dataset_versions = await datasetVersionCoverage(conn, schema, cohorts, notMeasurable);
  return report;
}

/** Share of release-critical cohorts represented in each dataset version's rows (records outside the serving split). */
async function datasetVersionCoverage(conn: DuckDBConnection, schema: BundleSchema, cohorts: CoverageCohort[], notMeasurable: NotMeasurable[]): Promise<DatasetVersionCoverage[]> {
  const critical = cohorts.filter((c) => c.release_critical);
  if (!schema.hasColumn('records', 'dataset_version')) {
    notMeasurable.push({ metric: 'dataset_version_coverage', reason: 'records has no dataset_version column' });
    return [];
  }
  if (critical.length === 0) {
    notMeasurable.push({ metric: 'dataset_version_coverage', reason: 'no release-critical cohort is defined' });
    return [];
  }
  const notServing = schema.hasColumn('records', 'split') ? `and coalesce(lower(${schema.text('records', 'split')}), '') <> 'serving'` : '';
  const src = `(select *, ${schema.text('records', 'dataset_version')} as _ad_rid from records where ${schema.text('records', 'dataset_version')} is not null ${notServing})`;
  const attrs = [...new Set(critical.map((c) => c.attribute))].filter((a) => schema.hasColumn('records', a));
  const defsValues = valuesList(critical.map((c, i) => [i, c.cohort_id, c.attribute, c.value, schema.hasColumn('records', c.attribute)]));
  const rows = await queryRows<{ dv: string; rows: number; crit: number; rep: number; coverage: number | null; missing: string }>(
    conn,
    `with defs(ord, cohort_id, attribute, value, measurable) as (values ${defsValues}),
          cnt as materialized (${countsSql(src, attrs, (a) => schema.text('records', a))}),
          dvs as (select _ad_rid as dv, n from cnt where a is null),
          cells as (select dvs.dv, dvs.n, defs.ord, defs.cohort_id, CASE WHEN defs.measurable THEN coalesce(c.n, 0) END as rows
                      from dvs cross join defs left join cnt c on c._ad_rid = dvs.dv and c.a = defs.attribute and c.v = defs.value)
     select dv, max(n) as rows, count(rows) as crit, count(*) filter (where rows > 0) as rep,
            CASE WHEN count(rows) > 0 THEN CAST(count(*) filter (where rows > 0) AS DOUBLE) / count(rows) END as coverage,
            coalesce(list(cohort_id order by ord) filter (where rows = 0), []) as missing
       from cells group by dv order by dv`,
  );
  return rows.map((r) => ({ dataset_version: r.dv, rows: count(r.rows), critical_total: count(r.crit), critical_represented: count(r.rep), coverage: num(r.coverage), missing: listCell(r.missing) }));
}

function quoteIdentLocal(name: string): string {
  return `"c_${name.replaceAll('"', '""')}"`;
}
