import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, quoteIdent } from '../db';
import { readable } from '../../../shared/driftMethods';
import type { ColumnSpec } from './columns';
import { groupOf, type SqlPart, type TableInfo } from './select';

/**
 * Label latency: labels usually arrive after the prediction, so the most recent rows of a bundle lack them.
 * A change in a label column's missing share is therefore reported as label coverage (data quality), never
 * as drift; it is called label latency when, over the whole table (cohort filters applied, selections not),
 * the most recent quarter of rows lacks labels at least twice as often as the older rows (and 10 points
 * more), and the current side reaches into that quarter.
 */
export interface LabelCoverage {
  /** Missing-label share in the table's most recent quarter of rows, and before it. */
  recentRate: number;
  olderRate: number;
  /** First timestamp of that most recent quarter. */
  since: string | null;
  latency: boolean;
}

/** Per group: where in the table's timeline the missing labels are. `cohort` filters rows; `current` is the current selection. */
export async function labelCoverage(
  conn: DuckDBConnection,
  info: TableInfo,
  cohort: SqlPart,
  current: SqlPart,
  group: string | undefined,
  spec: ColumnSpec,
): Promise<Map<string, LabelCoverage>> {
  const out = new Map<string, LabelCoverage>();
  if (!info.timestampColumn) return out;
  const ts = quoteIdent(info.timestampColumn);
  const g = groupOf({ table: info.name, baseline: cohort, current, ...(group ? { group } : {}) });
  const rows = await queryRows<{ g: string; since: string | null; rr: number; rm: number; or_: number; om: number; recent_current: number }>(
    conn,
    `with t as (select ${g.expr} as g, ${ts}::TIMESTAMP as t, (${spec.expr}) is null as miss, (${current.sql}) as cur
                from ${quoteIdent(info.name)} where (${cohort.sql}) and ${g.where} and ${ts} is not null),
     q as (select g, quantile_disc(t, 0.75) as since from t group by g)
     select t.g, q.since::VARCHAR as since,
       count(*) filter (where t.t >= q.since) as rr, count(*) filter (where t.t >= q.since and miss) as rm,
       count(*) filter (where t.t < q.since) as or_, count(*) filter (where t.t < q.since and miss) as om,
       count(*) filter (where t.t >= q.since and cur) as recent_current
     from t join q on t.g = q.g group by t.g, q.since`,
    [...current.params, ...cohort.params],
  );
  for (const r of rows) {
    const recentRate = Number(r.rr) > 0 ? Number(r.rm) / Number(r.rr) : 0;
    const olderRate = Number(r.or_) > 0 ? Number(r.om) / Number(r.or_) : 0;
    const latency = Number(r.recent_current) > 0 && recentRate >= 2 * olderRate && recentRate - olderRate >= 0.1;
    out.set(String(r.g), { recentRate, olderRate, since: r.since, latency });
  }
  return out;
}

export function labelCoverageWhy(nullBaseline: number, nullCurrent: number, c: LabelCoverage | undefined): string {
  const rates = `missing labels ${readable(nullBaseline * 100)} % of baseline rows → ${readable(nullCurrent * 100)} % of current rows`;
  if (!c) return `label coverage: ${rates}; a data-quality question, not drift`;
  const timeline = `over the whole table, ${readable(c.recentRate * 100)} % of the most recent quarter of rows (from ${c.since?.slice(0, 10) ?? '?'}) lack a label against ${readable(c.olderRate * 100)} % before`;
  return c.latency
    ? `label coverage: ${rates}; ${timeline}: labels not yet arrived (label latency), not drift`
    : `label coverage: ${rates}; ${timeline}, so not only late labels; a data-quality question, not drift`;
}
