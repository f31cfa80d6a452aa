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

/**
 * The period the bundle covers (ISO, UTC): from the first production event (a span, a serving record or
 * a deployment event) to the last event of any production kind (including audit_log). Training and
 * test rows describe a dataset's history, and audit entries before go-live describe preparation, so
 * neither moves the start back; they give the period only when a bundle holds nothing else.
 */
export async function period(conn: DuckDBConnection): Promise<{ start: string | null; end: string | null }> {
  const serving = `coalesce(lower(split), 'serving') NOT IN ('train', 'test', 'validation')`;
  const row = await queryOne<{ start: string | null; end: string | null; any_start: string | null; any_end: string | null }>(
    conn,
    `WITH production AS (
       SELECT start_time AS s, coalesce(end_time, start_time) AS e FROM spans
       UNION ALL SELECT ts, ts FROM records WHERE ${serving}
       UNION ALL SELECT ts, ts FROM deployment_events),
     everything AS (
       SELECT s, e FROM production
       UNION ALL SELECT ts, ts FROM records WHERE NOT (${serving})
       UNION ALL SELECT ts, ts FROM audit_log)
     SELECT (SELECT min(s) FROM production) AS start,
            (SELECT max(e) FROM (SELECT e FROM production UNION ALL SELECT ts FROM audit_log)) AS "end",
            (SELECT min(s) FROM everything) AS any_start,
            (SELECT max(e) FROM everything) AS any_end`,
  );
  if (row?.start) return { start: row.start, end: row.end ?? null };
  return { start: row?.any_start ?? null, end: row?.any_end ?? null };
}
