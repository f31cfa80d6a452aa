import type { DuckDBConnection } from '@duckdb/node-api';
import { CANONICAL_TABLES, META_TABLES, type ColumnRole } from '../../../shared/canonical';
import { columnsOf, queryRows } from '../db';
import { isFloat, isInteger } from './convert';

/** Attribute names treated as cohort attributes wherever they appear (records, spans, eval_results). */
export const KNOWN_COHORT_NAMES = ['region', 'channel', 'segment', 'language', 'country', 'locale', 'tier'] as const;
const COHORT_BEARING = ['records', 'spans', 'eval_results'];

export interface DeclaredRole {
  table: string;
  column: string;
  role: ColumnRole;
}

/**
 * Fills _ad_column_roles. Precedence: manifest declaration, canonical role, then inference:
 * cohort when the column is a known cohort name or an `attribute` of the cohorts table;
 * in records, other numeric or text columns are features.
 */
export async function recordColumnRoles(conn: DuckDBConnection, tables: string[], declared: DeclaredRole[]): Promise<void> {
  const rows: { table: string; column: string; role: string; source: string }[] = [];
  const cohortAttrs = new Set<string>(KNOWN_COHORT_NAMES);
  for (const r of await queryRows<{ a: string }>(conn, `SELECT DISTINCT lower(attribute) AS a FROM cohorts WHERE attribute IS NOT NULL ORDER BY 1`)) cohortAttrs.add(r.a);
  for (const table of tables) {
    const canonical = CANONICAL_TABLES.find((t) => t.name === table);
    for (const col of await columnsOf(conn, table)) {
      const decl = declared.find((d) => d.table === table && d.column.toLowerCase() === col.name.toLowerCase());
      const canon = canonical?.columns.find((c) => c.name === col.name);
      if (decl) rows.push({ table, column: col.name, role: decl.role, source: 'manifest' });
      else if (canon?.role) rows.push({ table, column: col.name, role: canon.role, source: 'canonical' });
      else if (canon) continue;
      else if (COHORT_BEARING.includes(table) && cohortAttrs.has(col.name.toLowerCase())) rows.push({ table, column: col.name, role: 'cohort', source: 'inferred' });
      else if (table === 'records' && (isInteger(col.type) || isFloat(col.type) || col.type === 'VARCHAR' || col.type === 'BOOLEAN')) {
        rows.push({ table, column: col.name, role: 'feature', source: 'inferred' });
      }
    }
  }
  if (rows.length === 0) return;
  const app = await conn.createAppender(META_TABLES.columnRoles);
  try {
    for (const r of rows) {
      app.appendVarchar(r.table);
      app.appendVarchar(r.column);
      app.appendVarchar(r.role);
      app.appendVarchar(r.source);
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}
