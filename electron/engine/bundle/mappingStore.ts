import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSummary } from '../../../shared/api/bundle';
import { CANONICAL_TABLES, META_TABLES } from '../../../shared/canonical';
import type { MappingEntry, MappingTag, TableMappingEntry } from '../../../shared/mapping';
import { catalogMemo, queryRows, quoteIdent, tableExists } from '../db';

export interface FileMapping {
  file: string;
  table: string;
  entries: MappingEntry[];
}

/** Stores every file's mapping in _ad_column_map (one row per file and canonical column). */
export async function recordColumnMap(conn: DuckDBConnection, mapped: FileMapping[]): Promise<void> {
  if (mapped.length === 0) return;
  const app = await conn.createAppender(META_TABLES.columnMap);
  try {
    for (const m of mapped) {
      for (const e of m.entries) {
        app.appendVarchar(m.table);
        app.appendVarchar(m.file);
        app.appendVarchar(e.column);
        if (e.source === null) app.appendNull();
        else app.appendVarchar(e.source);
        app.appendVarchar(e.tag);
        if (e.note === undefined) app.appendNull();
        else app.appendVarchar(e.note);
        app.endRow();
      }
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

const STRENGTH: Record<MappingTag, number> = { declared: 4, auditor: 3, inferred: 2, generated: 1, absent: 0 };

/** Adds, to each canonical table that received files, its per-column mapping over those files and its absent columns. */
export function tableMappings(tables: TableSummary[], mapped: FileMapping[]): TableSummary[] {
  return tables.map((t) => {
    const files = mapped.filter((m) => m.table === t.name);
    const def = CANONICAL_TABLES.find((d) => d.name === t.name);
    if (!def) return t;
    if (files.length === 0) return { ...t, absent_columns: def.columns.map((c) => c.name) };
    const mapping: TableMappingEntry[] = def.columns.map((c) => {
      const sources = files.map((f) => {
        const e = f.entries.find((x) => x.column === c.name);
        return { file: f.file, source: e?.source ?? null, tag: e?.tag ?? ('absent' as MappingTag), ...(e?.note ? { note: e.note } : {}) };
      });
      const best = sources.reduce<MappingTag>((a, s) => (STRENGTH[s.tag] > STRENGTH[a] ? s.tag : a), 'absent');
      const candidates = [...new Set(files.flatMap((f) => f.entries.find((x) => x.column === c.name)?.candidates ?? []))];
      return { column: c.name, tag: best, sources, ...(candidates.length > 0 ? { candidates } : {}) };
    });
    return { ...t, mapping, absent_columns: mapping.filter((m) => m.tag === 'absent').map((m) => m.column) };
  });
}

/**
 * Canonical columns of `table` that no file supplied (absent in every file's mapping), from _ad_column_map.
 * Empty when the session has no mapping table (a database not made by the importer).
 */
export async function absentColumns(conn: DuckDBConnection, table: string): Promise<Set<string>> {
  const def = CANONICAL_TABLES.find((d) => d.name === table);
  if (!def) return new Set();
  const absent = await catalogMemo(conn, `absentColumns\u0000${table}`, async () => {
    if (!(await tableExists(conn, META_TABLES.columnMap))) return [];
    const present = await queryRows<{ c: string }>(
      conn,
      `SELECT DISTINCT column_name AS c FROM ${quoteIdent(META_TABLES.columnMap)} WHERE table_name = ? AND tag <> 'absent'`,
      [table],
    );
    const have = new Set(present.map((r) => r.c));
    return def.columns.map((c) => c.name).filter((c) => !have.has(c));
  });
  return new Set(absent);
}
