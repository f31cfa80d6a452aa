import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, quoteIdent } from '../db';
import { readable } from '../../../shared/driftMethods';
import type { ColumnSpec } from './columns';
import { groupOf, type Sample, type TableInfo } from './select';

/**
 * Label latency: labels usually arrive after the prediction, so the most recent rows of a current period
 * lack them. A change in a label column's missing share is therefore reported as label coverage (data
 * quality), never as drift; when most of the current side's missing labels are in its most recent quarter
 * of rows (uniform would put a quarter there), it says so: the labels have not arrived yet.
 */
export const LATE_SHARE = 0.5;

export interface LabelCoverage {
  /** Share of the current side's missing labels that fall in its most recent quarter of rows. */
  lateShare: number | null;
  /** First timestamp of that most recent quarter. */
  since: string | null;
}

/** Per group of the sample: where in time the current side's missing labels are. */
export async function labelCoverage(conn: DuckDBConnection, info: TableInfo, sample: Sample, spec: ColumnSpec): Promise<Map<string, LabelCoverage>> {
  const out = new Map<string, LabelCoverage>();
  if (!info.timestampColumn) return out;
  const ts = quoteIdent(info.timestampColumn);
  const g = groupOf(sample);
  const rows = await queryRows<{ g: string; since: string | null; missing: number; late: number }>(
    conn,
    `with cur as (select ${g.expr} as g, ${ts}::TIMESTAMP as t, (${spec.expr}) is null as miss from ${quoteIdent(info.name)} where (${sample.current.sql}) and ${g.where} and ${ts} is not null),
     q as (select g, quantile_disc(t, 0.75) as since from cur group by g)
     select cur.g, q.since::VARCHAR as since, count(*) filter (where miss) as missing, count(*) filter (where miss and t >= q.since) as late
     from cur join q on cur.g = q.g group by cur.g, q.since`,
    sample.current.params,
  );
  for (const r of rows) {
    const missing = Number(r.missing);
    out.set(String(r.g), { lateShare: missing > 0 ? Number(r.late) / missing : null, since: r.since });
  }
  return out;
}

export function labelCoverageWhy(nullBaseline: number, nullCurrent: number, c: LabelCoverage | undefined): string {
  const rates = `missing labels ${readable(nullBaseline * 100)} % of baseline rows → ${readable(nullCurrent * 100)} % of current rows`;
  if (!c || c.lateShare === null) return `label coverage: ${rates}; a data-quality question, not drift`;
  const late = `${readable(c.lateShare * 100)} % of the current side's missing labels are in its most recent quarter of rows (from ${c.since?.slice(0, 10) ?? '?'})`;
  return c.lateShare >= LATE_SHARE
    ? `label coverage: ${rates}; ${late}: labels not yet arrived (label latency), not drift`
    : `label coverage: ${rates}; ${late}, so not only late labels; a data-quality question, not drift`;
}
