import type { DuckDBConnection } from '@duckdb/node-api';
import { META_TABLES } from '../../../shared/canonical';
import { quoteIdent, quoteLiteral, queryOne } from '../db';
import { convert, extraColumnType } from './convert';
import type { TargetTables } from './target';

/** One readable relation for a file: how to select its columns, its line numbers and raw text. */
export interface SourceSpec {
  /** FROM clause (a table function call or a subquery). */
  from: string;
  /** SQL giving the 1-based line / row number of each row, or null when the reader cannot say. */
  lineExpr: string | null;
  /** SQL giving the raw text of a row for rejects, or null. */
  rawExpr: string | null;
  columns: { name: string; type: string; expr: string; targetType?: string }[];
  /**
   * Columnar sources (Parquet, CSV) can be probed cheaply for conversion failures first, reading only the
   * checked columns; when none fails the rows go straight in without a staging table.
   */
  probe?: boolean;
}

export interface LoadCounts {
  loaded: number;
  rejected: number;
  /** Columns added to the table by this file (extra columns). */
  addedColumns: string[];
}

/** Unique, non-empty column names (DuckDB compares names case-insensitively). */
export function dedupeColumnNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw) => {
    let n = raw.trim() === '' ? 'column' : raw;
    if (n.includes('\u0000')) n = n.replaceAll('\u0000', '');
    let candidate = n;
    for (let i = 2; seen.has(candidate.toLowerCase()); i++) candidate = `${n}_${i}`;
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/**
 * Appends a file's rows to `table`: canonical columns converted to their canonical types,
 * other columns kept as extra columns. Rows with a value that does not convert (or a missing
 * required value) are not loaded; each such cell becomes a reject with line, column and reason.
 */
export async function loadIntoTable(conn: DuckDBConnection, targets: TargetTables, file: string, table: string, spec: SourceSpec): Promise<LoadCounts> {
  const addedColumns: string[] = [];
  if (!targets.has(table)) {
    await targets.ensureTable(
      table,
      spec.columns.map((c) => ({ name: c.name, type: c.targetType ?? extraColumnType(c.type) })),
    );
    addedColumns.push(...spec.columns.map((c) => c.name));
  }
  const parts: { target: string; conv: string; canFail: boolean; src: string; srcIsText: boolean; targetType: string; required: boolean }[] = [];
  for (const c of spec.columns) {
    let col = targets.column(table, c.name);
    if (!col) {
      col = await targets.ensureColumn(table, c.name, c.targetType ?? extraColumnType(c.type));
      addedColumns.push(col.name);
    } else if (!col.canonical) {
      col = await targets.ensureColumn(table, col.name, c.targetType ?? extraColumnType(c.type));
    }
    const conv = convert(`s.${quoteIdent(`s_${parts.length}`)}`, c.type, col.type);
    parts.push({
      target: col.name,
      conv: conv.expr,
      canFail: conv.canFail,
      src: c.expr,
      srcIsText: c.type.toUpperCase() === 'VARCHAR',
      targetType: col.type,
      required: col.canonical?.required === true,
    });
  }
  if (parts.length === 0) return { loaded: 0, rejected: 0, addedColumns };
  // Rows whose every column is NULL or absent (`{}`) are excluded by the caller; here every source row has a column.
  const inner = `SELECT CAST(${spec.lineExpr ?? 'NULL'} AS BIGINT) AS "__ad_line", CAST(${spec.rawExpr ?? 'NULL'} AS VARCHAR) AS "__ad_raw", ${parts
    .map((p, i) => `${p.src} AS ${quoteIdent(`s_${i}`)}`)
    .join(', ')} FROM ${spec.from}`;
  const insertCols = parts.map((p) => quoteIdent(p.target)).join(', ');
  const anyCheck = parts.some((p) => p.canFail || p.required);
  if (!anyCheck) {
    const res = await conn.run(`INSERT INTO ${quoteIdent(table)} (${insertCols}) SELECT ${parts.map((p) => p.conv).join(', ')} FROM (${inner}) s`);
    return { loaded: res.rowsChanged, rejected: 0, addedColumns };
  }
  if (spec.probe) {
    const checked = parts.map((p, i) => ({ p, i })).filter(({ p }) => p.canFail || p.required);
    const probeInner = `SELECT ${checked.map(({ p, i }) => `${p.src} AS ${quoteIdent(`s_${i}`)}`).join(', ')} FROM ${spec.from}`;
    const failing = checked
      .map(({ p, i }) => {
        const s = `s.${quoteIdent(`s_${i}`)}`;
        const present = p.srcIsText ? `nullif(trim(CAST(${s} AS VARCHAR)), '') IS NOT NULL` : `${s} IS NOT NULL`;
        const conds: string[] = [];
        if (p.canFail) conds.push(`(${present} AND (${p.conv}) IS NULL)`);
        if (p.required) conds.push(`(${p.conv}) IS NULL`);
        return conds.join(' OR ');
      })
      .join(' OR ');
    const bad = await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM (${probeInner}) s WHERE ${failing}`);
    if (Number(bad?.n ?? 0) === 0) {
      const res = await conn.run(`INSERT INTO ${quoteIdent(table)} (${insertCols}) SELECT ${parts.map((p) => p.conv).join(', ')} FROM (${inner}) s`);
      return { loaded: res.rowsChanged, rejected: 0, addedColumns };
    }
  }
  const checks = parts
    .map((p, i) => {
      const c = `c.${quoteIdent(`c_${i}`)}`;
      const s = `c.${quoteIdent(`s_${i}`)}`;
      const present = p.srcIsText ? `nullif(trim(CAST(${s} AS VARCHAR)), '') IS NOT NULL` : `${s} IS NOT NULL`;
      const out: string[] = [];
      if (p.canFail) {
        out.push(
          `CASE WHEN ${present} AND ${c} IS NULL THEN {'column': ${quoteLiteral(p.target)}, 'reason': 'wrong type: cannot convert ' || left(CAST(${s} AS VARCHAR), 120) || ' to ${p.targetType}'} END`,
        );
      }
      if (p.required) out.push(`CASE WHEN ${c} IS NULL THEN {'column': ${quoteLiteral(p.target)}, 'reason': 'required value missing'} END`);
      return out;
    })
    .flat();
  // Raw text travels only with bad rows, so the typed table stays as small as the target rows.
  const converted = `SELECT s."__ad_line", s."__ad_raw", ${parts.map((p, i) => `s.${quoteIdent(`s_${i}`)}, ${p.conv} AS ${quoteIdent(`c_${i}`)}`).join(', ')} FROM (${inner}) s`;
  const checked = `SELECT c.*, list_filter([${checks.join(', ')}], x -> x IS NOT NULL) AS "__ad_bad" FROM (${converted}) c`;
  const typed = `SELECT "__ad_line", ${parts.map((_p, i) => quoteIdent(`c_${i}`)).join(', ')}, CASE WHEN len("__ad_bad") > 0 THEN left("__ad_raw", 500) END AS "__ad_raw", "__ad_bad" FROM (${checked})`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE "__ad_typed" AS ${typed}`);
  try {
    const ins = await conn.run(
      `INSERT INTO ${quoteIdent(table)} (${insertCols}) SELECT ${parts.map((_p, i) => quoteIdent(`c_${i}`)).join(', ')} FROM "__ad_typed" WHERE len("__ad_bad") = 0`,
    );
    await conn.run(
      `INSERT INTO ${quoteIdent(META_TABLES.rejects)} SELECT ${quoteLiteral(file)}, "__ad_line", b.column, b.reason, "__ad_raw"
       FROM (SELECT "__ad_line", "__ad_raw", unnest("__ad_bad") AS b FROM "__ad_typed" WHERE len("__ad_bad") > 0) ORDER BY "__ad_line"`,
    );
    const rej = await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM "__ad_typed" WHERE len("__ad_bad") > 0`);
    return { loaded: ins.rowsChanged, rejected: Number(rej?.n ?? 0), addedColumns };
  } finally {
    await conn.run(`DROP TABLE IF EXISTS "__ad_typed"`);
  }
}
