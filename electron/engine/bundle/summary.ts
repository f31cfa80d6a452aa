import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSummary } from '../../../shared/api/bundle';
import { META_TABLES, type ColumnRole } from '../../../shared/canonical';
import { columnsOf, queryOne, queryRows, quoteIdent } from '../db';
import { isCanonicalName } from './tableRole';

/** Canonical tables first (in canonical order), then extra tables by name. */
export async function tableSummaries(conn: DuckDBConnection, tables: string[]): Promise<TableSummary[]> {
  const roles = await queryRows<{ t: string; c: string; r: string }>(
    conn,
    `SELECT table_name AS t, column_name AS c, min(role) AS r FROM ${quoteIdent(META_TABLES.columnRoles)} GROUP BY ALL ORDER BY ALL`,
  );
  const out: TableSummary[] = [];
  for (const name of tables) {
    const n = await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM ${quoteIdent(name)}`);
    const cols = await columnsOf(conn, name);
    out.push({
      name,
      canonical: isCanonicalName(name),
      rows: Number(n?.n ?? 0),
      columns: cols.map((c) => ({ name: c.name, type: c.type, role: (roles.find((r) => r.t === name && r.c === c.name)?.r as ColumnRole | undefined) ?? null })),
    });
  }
  return out;
}

/** First and last timestamp over spans, records, audit_log and deployment_events (ISO, UTC). */
export async function period(conn: DuckDBConnection): Promise<{ start: string | null; end: string | null }> {
  const row = await queryOne<{ start: string | null; end: string | null }>(
    conn,
    `SELECT min(t) AS start, max(t) AS "end" FROM (
       SELECT min(start_time) AS t FROM spans UNION ALL SELECT max(coalesce(end_time, start_time)) FROM spans
       UNION ALL SELECT min(ts) FROM records UNION ALL SELECT max(ts) FROM records
       UNION ALL SELECT min(ts) FROM audit_log UNION ALL SELECT max(ts) FROM audit_log
       UNION ALL SELECT min(ts) FROM deployment_events UNION ALL SELECT max(ts) FROM deployment_events)`,
  );
  return { start: row?.start ?? null, end: row?.end ?? null };
}
