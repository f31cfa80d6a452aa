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
 * neither moves the start back. A bundle with no production event takes its period from every timestamp it has:
 * every canonical time column, and the time column of each extra table (its column with the role timestamp, or its
 * only timestamp column).
 */
export async function period(conn: DuckDBConnection, extraTables: string[] = []): Promise<{ start: string | null; end: string | null }> {
  const serving = `coalesce(lower(split), 'serving') NOT IN ('train', 'test', 'validation')`;
  const extras: string[] = [];
  for (const t of extraTables) {
    const col = await extraTimeColumn(conn, t);
    if (col) extras.push(`UNION ALL SELECT CAST(${quoteIdent(col)} AS TIMESTAMP), CAST(${quoteIdent(col)} AS TIMESTAMP) FROM ${quoteIdent(t)}`);
  }
  const row = await queryOne<{ start: string | null; end: string | null; any_start: string | null; any_end: string | null }>(
    conn,
    `WITH production AS (
       SELECT start_time AS s, coalesce(end_time, start_time) AS e FROM spans
       UNION ALL SELECT ts, ts FROM records WHERE ${serving}
       UNION ALL SELECT ts, ts FROM deployment_events),
     everything AS (
       SELECT s, e FROM production
       UNION ALL SELECT ts, ts FROM records WHERE NOT (${serving})
       UNION ALL SELECT ts, ts FROM audit_log
       UNION ALL SELECT ts, ts FROM eval_results
       UNION ALL SELECT created_at, created_at FROM dataset_versions
       UNION ALL SELECT started_at, coalesce(ended_at, started_at) FROM training_runs
       UNION ALL SELECT created_at, created_at FROM model_versions
       UNION ALL SELECT released_at, released_at FROM releases
       ${extras.join('\n       ')})
     SELECT (SELECT min(s) FROM production) AS start,
            (SELECT max(e) FROM (SELECT e FROM production UNION ALL SELECT ts FROM audit_log)) AS "end",
            (SELECT min(s) FROM everything) AS any_start,
            (SELECT max(e) FROM everything) AS any_end`,
  );
  if (row?.start) return { start: row.start, end: row.end ?? null };
  return { start: row?.any_start ?? null, end: row?.any_end ?? null };
}

/** An extra table's time column: the one declared with the role timestamp, else its only timestamp-typed column. */
export async function extraTimeColumn(conn: DuckDBConnection, table: string): Promise<string | null> {
  const cols = (await columnsOf(conn, table)).filter((c) => c.type.startsWith('TIMESTAMP') || c.type === 'DATE');
  const declared = await queryRows<{ c: string }>(conn, `SELECT column_name AS c FROM ${quoteIdent(META_TABLES.columnRoles)} WHERE table_name = ? AND role = 'timestamp' ORDER BY 1`, [table]);
  const byRole = declared.map((d) => d.c).filter((c) => cols.some((x) => x.name === c));
  if (byRole.length === 1) return byRole[0] as string;
  return cols.length === 1 ? (cols[0]?.name ?? null) : null;
}
