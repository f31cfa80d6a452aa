import type { DuckDBConnection } from '@duckdb/node-api';
import { META_TABLES } from '../../../shared/canonical';
import { quoteIdent, quoteLiteral, queryOne } from '../db';
import { convert, extraColumnType, isTimestamp } from './convert';
import { CSV_ROW_LINES, dropCsvRowLines } from './csvLines';
import { INFINITE_TIME, leniencyFor } from './leniency';
import type { MappingPlan } from './mapping';
import type { TargetTables } from './target';

/** One readable relation for a file: how to select its columns, its line numbers and raw text. */
export interface SourceSpec {
  /** FROM clause (a table function call or a subquery). */
  from: string;
  /** SQL giving the 1-based line / row number of each row, or null when the reader cannot say. */
  lineExpr: string | null;
  /** SQL giving the raw text of a row for rejects, or null. */
  rawExpr: string | null;
  columns: { name: string; type: string; expr: string; targetType?: string; scale?: number }[];
  /**
   * Columnar sources (Parquet, CSV) can be probed cheaply for conversion failures first, reading only the
   * checked columns; when none fails the rows go straight in without a staging table.
   */
  probe?: boolean;
  /** SQL giving each row's file (bundle path) when one source reads many files (the batched load); else the file is one literal. */
  fileExpr?: string;
  /** SQL giving each row's 1-based number within its file when lineExpr is null and one source reads many files. */
  rowExpr?: string;
  /**
   * CSV: fills CSV_ROW_LINES (csvLines.ts) with the line and text of each row the read emitted, by file key (0 for a
   * file loaded alone) and row number (rowExpr); asked only when the load rejects a row. `emitted`: rows per file key.
   */
  rowLines?: (conn: DuckDBConnection, emitted: Map<number, number>) => Promise<boolean>;
}

export interface LoadCounts {
  loaded: number;
  rejected: number;
  /** Columns added to the table by this file (extra columns). */
  addedColumns: string[];
  /** Lenient readings that changed values (ids in upper-case hex or base64, enum names…), per canonical column. */
  lenient: { column: string; count: number; note: string; /** The note says what the values are (not how they were read). */ plain?: true }[];
}

/**
 * Applies a file's column mapping to its source: mapped source columns take their canonical names (with the unit
 * conversion, if any), generated row ids are added, and an unmapped source column named like a canonical column
 * (left absent by a declaration) is kept as "<name>_source" so it cannot fill the canonical column silently.
 */
export function mapSpec(spec: SourceSpec, plan: MappingPlan, file: string): SourceSpec {
  const canonical = new Set(plan.entries.map((e) => e.column.toLowerCase()));
  const taken = new Set<string>();
  const columns: SourceSpec['columns'] = spec.columns.map((c) => {
    const t = plan.bySource.get(c.name.toLowerCase());
    if (t) {
      taken.add(t.target.toLowerCase());
      return { ...c, name: t.target, targetType: undefined, ...(t.scale !== undefined ? { scale: t.scale } : {}) };
    }
    return c;
  });
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  const out = columns.map((c, i) => {
    const original = spec.columns[i] as SourceSpec['columns'][number];
    const wasMapped = plan.bySource.has(original.name.toLowerCase());
    if (wasMapped || !canonical.has(c.name.toLowerCase())) return c;
    let n = `${c.name}_source`;
    for (let k = 2; names.has(n.toLowerCase()); k++) n = `${c.name}_source_${k}`;
    names.add(n.toLowerCase());
    return { ...c, name: n };
  });
  for (const d of plan.derived) {
    const start = spec.columns.find((c) => c.name === d.start);
    const dur = spec.columns.find((c) => c.name === d.duration);
    if (!start || !dur || names.has(d.column)) continue;
    // Microseconds, rounded: the duration in milliseconds × 1000 (a nanosecond Duration is scaled by 1e-6 first).
    const micros = `CAST(round(CAST(${dur.expr} AS DOUBLE) * ${d.scale * 1000}) AS BIGINT)`;
    out.push({ name: d.column, type: 'TIMESTAMP', expr: `(CAST(${start.expr} AS TIMESTAMP) + to_microseconds(${micros}))` });
  }
  for (const g of plan.generated) {
    const row = spec.lineExpr ?? spec.rowExpr ?? 'row_number() OVER ()';
    out.push({ name: g, type: 'VARCHAR', expr: `(${spec.fileExpr ?? quoteLiteral(file)} || ':' || CAST(${row} AS VARCHAR))` });
  }
  return { ...spec, columns: out };
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
  const { parts, addedColumns } = await targetParts(targets, table, spec);
  if (parts.length === 0) return { loaded: 0, rejected: 0, addedColumns, lenient: [] };
  const counts = await insertRows(conn, table, file, spec, parts, addedColumns);
  counts.lenient.push(...(await nonFiniteNotes(conn, table, parts, counts.firstRow)));
  return { loaded: counts.loaded, rejected: counts.rejected, addedColumns, lenient: counts.lenient };
}

/**
 * Creates the table and columns a source needs and says how each source column converts into its target column.
 * Shared by the per-file load and the batched load of many small files (loadBatch.ts).
 */
export async function targetParts(targets: TargetTables, table: string, spec: SourceSpec): Promise<{ parts: Part[]; addedColumns: string[] }> {
  const addedColumns: string[] = [];
  if (!targets.has(table)) {
    await targets.ensureTable(
      table,
      spec.columns.map((c) => ({ name: c.name, type: c.targetType ?? extraColumnType(c.type) })),
    );
    addedColumns.push(...spec.columns.map((c) => c.name));
  }
  const parts: Part[] = [];
  for (const c of spec.columns) {
    let col = targets.column(table, c.name);
    if (!col) {
      col = await targets.ensureColumn(table, c.name, c.targetType ?? extraColumnType(c.type));
      addedColumns.push(col.name);
    } else if (!col.canonical) {
      col = await targets.ensureColumn(table, col.name, c.targetType ?? extraColumnType(c.type));
    }
    let conv = convert(`s.${quoteIdent(`s_${parts.length}`)}`, c.type, col.type);
    // A unit change by a power of ten divides where it can (4464000 / 1e6 is 4.464; × 1e-6 is 4.4639999999999995).
    if (c.scale !== undefined) conv.expr = c.scale < 1 && Number.isInteger(1 / c.scale) ? `((${conv.expr}) / ${1 / c.scale})` : `((${conv.expr}) * ${c.scale})`;
    const required = col.canonical?.required === true;
    // An infinite date or time: in a required column it rejects the row, as a value that does not convert.
    if (isTimestamp(col.type) && required) conv = { expr: INFINITE_TIME.sql(conv.expr), canFail: true };
    const lenient = col.canonical && col.type === 'VARCHAR' ? leniencyFor(table, col.name) : null;
    parts.push({
      target: col.name,
      conv: conv.expr,
      lenient: lenient ? { sql: lenient.sql, note: lenient.note } : null,
      canFail: conv.canFail,
      src: c.expr,
      srcIsText: c.type.toUpperCase() === 'VARCHAR',
      targetType: col.type,
      required,
      infiniteTime: isTimestamp(col.type) && !required,
    });
  }
  return { parts, addedColumns };
}

export const FLOAT_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL', 'FLOAT4', 'FLOAT8']);

/** How non-finite float values are described in a file's leniency notes. */
export const NON_FINITE_NOTE = 'non-finite (inf, -inf or nan): kept as ±Infinity / NaN, counted as missing in statistics';

/**
 * inf, -inf and nan values loaded into floating-point columns (a CSV's "inf" cells, Parquet's ±Infinity): kept as
 * they are, visible in the console, counted as missing in statistics, and reported per file and column. Infinite
 * dates and times (INFINITE_TIME) are counted the same way and then made missing. Counted over the rows this file
 * appended (row ids from `firstRow` on: the import only appends): a scan of the loaded columns, not of the file.
 */
async function nonFiniteNotes(conn: DuckDBConnection, table: string, parts: Part[], firstRow: number): Promise<LoadCounts['lenient']> {
  // In the parts' order, as the grouped load (loadBatch.ts) lists them.
  const cols = [...new Map(parts.filter((p) => FLOAT_TYPES.has(p.targetType.toUpperCase()) || p.infiniteTime).map((p) => [p.target, p.infiniteTime])).entries()];
  if (cols.length === 0) return [];
  const row = await queryOne<Record<string, number>>(
    conn,
    `SELECT ${cols.map(([c], i) => `count(*) FILTER (NOT isfinite(${quoteIdent(c)}))::BIGINT AS ${quoteIdent(`n_${i}`)}`).join(', ')} FROM ${quoteIdent(table)} WHERE rowid >= ${firstRow}`,
  );
  const notes = cols
    .map(([c, time], i) => ({ column: c, count: Number(row?.[`n_${i}`] ?? 0), note: time ? INFINITE_TIME.note : NON_FINITE_NOTE, plain: true as const }))
    .filter((x) => x.count > 0);
  const infinite = notes.filter((n) => n.note === INFINITE_TIME.note).map((n) => n.column);
  if (infinite.length > 0) {
    await conn.run(
      `UPDATE ${quoteIdent(table)} SET ${infinite.map((c) => `${quoteIdent(c)} = ${INFINITE_TIME.sql(quoteIdent(c))}`).join(', ')}
       WHERE rowid >= ${firstRow} AND (${infinite.map((c) => `NOT isfinite(${quoteIdent(c)})`).join(' OR ')})`,
    );
  }
  return notes;
}

export type Part = {
  target: string;
  conv: string;
  canFail: boolean;
  src: string;
  srcIsText: boolean;
  targetType: string;
  required: boolean;
  lenient: { sql: (e: string) => string; note: string } | null;
  /** A date or time column that may be missing: an infinite value is loaded as missing and counted (INFINITE_TIME). */
  infiniteTime: boolean;
};

async function insertRows(
  conn: DuckDBConnection,
  table: string,
  file: string,
  spec: SourceSpec,
  parts: Part[],
  addedColumns: string[],
): Promise<{ loaded: number; rejected: number; lenient: LoadCounts['lenient']; firstRow: number }> {
  // Where this file's rows start (row ids; the import only appends): needed only to count non-finite floats and times.
  const firstRow = parts.some((p) => FLOAT_TYPES.has(p.targetType.toUpperCase()) || p.infiniteTime) ? Number((await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM ${quoteIdent(table)}`))?.n ?? 0) : 0;
  const done = (c: LoadCounts): { loaded: number; rejected: number; lenient: LoadCounts['lenient']; firstRow: number } => ({ loaded: c.loaded, rejected: c.rejected, lenient: c.lenient, firstRow });
  // Rows whose every column is NULL or absent (`{}`) are excluded by the caller; here every source row has a column.
  const inner = `SELECT CAST(${spec.lineExpr ?? 'NULL'} AS BIGINT) AS "__ad_line", CAST(${spec.rawExpr ?? 'NULL'} AS VARCHAR) AS "__ad_raw", ${parts
    .map((p, i) => `${p.src} AS ${quoteIdent(`s_${i}`)}`)
    .join(', ')} FROM ${spec.from}`;
  const insertCols = parts.map((p) => quoteIdent(p.target)).join(', ');
  const value = (p: (typeof parts)[number], e: string): string => (p.lenient ? p.lenient.sql(e) : e);
  // Columnar sources are counted with one cheap scan; JSON sources (whose every scan parses the text again) are
  // counted from the typed rows the checks materialise below.
  let lenient: LoadCounts['lenient'] = spec.probe || !parts.some((p) => p.canFail || p.required) ? await countLenient(conn, inner, parts) : [];
  const anyCheck = parts.some((p) => p.canFail || p.required);
  if (!anyCheck) {
    const res = await conn.run(`INSERT INTO ${quoteIdent(table)} (${insertCols}) SELECT ${parts.map((p) => value(p, p.conv)).join(', ')} FROM (${inner}) s`);
    return done({ loaded: res.rowsChanged, rejected: 0, addedColumns, lenient });
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
      const res = await conn.run(`INSERT INTO ${quoteIdent(table)} (${insertCols}) SELECT ${parts.map((p) => value(p, p.conv)).join(', ')} FROM (${inner}) s`);
      return done({ loaded: res.rowsChanged, rejected: 0, addedColumns, lenient });
    }
  }
  // A CSV row carries no line: each row keeps its number in the read, and rejected rows are given their line after.
  const ord = spec.rowLines ? `CAST(${spec.rowExpr ?? 'row_number() OVER ()'} AS BIGINT) AS "__ad_ord", ` : '';
  const typed = typedRowsSql(ord ? `SELECT ${ord}${inner.slice('SELECT '.length)}` : inner, parts, ord ? ['__ad_ord'] : []);
  await conn.run(`CREATE OR REPLACE TEMP TABLE "__ad_typed" AS ${typed}`);
  try {
    if (!spec.probe) lenient = await countLenientTyped(conn, parts);
    const ins = await conn.run(
      `INSERT INTO ${quoteIdent(table)} (${insertCols}) SELECT ${parts.map((p, i) => value(p, quoteIdent(`c_${i}`))).join(', ')} FROM "__ad_typed" WHERE len("__ad_bad") = 0`,
    );
    const rej = Number((await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM "__ad_typed" WHERE len("__ad_bad") > 0`))?.n ?? 0);
    const lines = rej > 0 && spec.rowLines ? await rowLinesOf(conn, spec.rowLines, new Map([[0, ins.rowsChanged + rej]])) : false;
    await conn.run(
      `INSERT INTO ${quoteIdent(META_TABLES.rejects)} SELECT ${quoteLiteral(file)}, ${lines ? 'coalesce(t."__ad_line", l._line)' : '"__ad_line"'}, b.column, b.reason, ${lines ? 'coalesce(t."__ad_raw", l._raw)' : '"__ad_raw"'}
       FROM (SELECT ${ord ? '"__ad_ord", ' : ''}"__ad_line", "__ad_raw", unnest("__ad_bad") AS b FROM "__ad_typed" WHERE len("__ad_bad") > 0) t
       ${lines ? `LEFT JOIN ${CSV_ROW_LINES} l ON l._f = 0 AND l._ord = t."__ad_ord"` : ''} ORDER BY ${ord ? 't."__ad_ord"' : '"__ad_line"'}`,
    );
    return done({ loaded: ins.rowsChanged, rejected: rej, addedColumns, lenient });
  } finally {
    await conn.run(`DROP TABLE IF EXISTS "__ad_typed"`);
    if (ord) await dropCsvRowLines(conn);
  }
}

/**
 * Runs a source's rowLines: false (the rejects keep no line) when it fails; a reject without its line is what the
 * load gave before, never a wrong line.
 */
export async function rowLinesOf(conn: DuckDBConnection, rowLines: NonNullable<SourceSpec['rowLines']>, emitted: Map<number, number>): Promise<boolean> {
  try {
    return await rowLines(conn, emitted);
  } catch {
    return false;
  }
}

/**
 * Each source row with its converted values c_i and "__ad_bad", the list of its failures (column, reason): a value
 * that does not convert, a required value missing. `inner` selects "__ad_line", "__ad_raw" and the sources s_i, plus
 * any of `keep` (passed through).
 */
export function typedRowsSql(inner: string, parts: Part[], keep: string[] = []): string {
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
  const kept = keep.map((k) => `s.${quoteIdent(k)}, `).join('');
  // Raw text travels only with bad rows, so the typed table stays as small as the target rows.
  const converted = `SELECT ${kept}s."__ad_line", s."__ad_raw", ${parts.map((p, i) => `s.${quoteIdent(`s_${i}`)}, ${p.conv} AS ${quoteIdent(`c_${i}`)}`).join(', ')} FROM (${inner}) s`;
  const bad = checks.length > 0 ? `list_filter([${checks.join(', ')}], x -> x IS NOT NULL)` : `CAST([] AS STRUCT("column" VARCHAR, reason VARCHAR)[])`;
  const checked = `SELECT c.*, ${bad} AS "__ad_bad" FROM (${converted}) c`;
  return `SELECT ${keep.map((k) => `${quoteIdent(k)}, `).join('')}"__ad_line", ${parts.map((_p, i) => quoteIdent(`c_${i}`)).join(', ')}, CASE WHEN len("__ad_bad") > 0 THEN left("__ad_raw", 500) END AS "__ad_raw", "__ad_bad" FROM (${checked})`;
}

/** The same count over the materialised typed rows (c_i = the converted value of part i). */
async function countLenientTyped(conn: DuckDBConnection, parts: { target: string; lenient: { sql: (e: string) => string; note: string } | null }[]): Promise<LoadCounts['lenient']> {
  const withLenient = parts.map((p, i) => ({ p, i })).filter(({ p }) => p.lenient);
  if (withLenient.length === 0) return [];
  const row = await queryOne<Record<string, number>>(
    conn,
    `SELECT ${withLenient.map(({ p, i }) => `count(*) FILTER (WHERE ${quoteIdent(`c_${i}`)} IS DISTINCT FROM ${p.lenient?.sql(quoteIdent(`c_${i}`))})::BIGINT AS ${quoteIdent(`l_${i}`)}`).join(', ')} FROM "__ad_typed" WHERE len("__ad_bad") = 0`,
  );
  return withLenient.map(({ p, i }) => ({ column: p.target, count: Number(row?.[`l_${i}`] ?? 0), note: p.lenient?.note ?? '' })).filter((x) => x.count > 0);
}

/** How many values each lenient reading changes (counted over the file's rows, one scan). */
async function countLenient(conn: DuckDBConnection, inner: string, parts: { target: string; conv: string; lenient: { sql: (e: string) => string; note: string } | null }[]): Promise<LoadCounts['lenient']> {
  const withLenient = parts.filter((p) => p.lenient);
  if (withLenient.length === 0) return [];
  const row = await queryOne<Record<string, number>>(
    conn,
    `SELECT ${withLenient.map((p, k) => `count(*) FILTER (WHERE (${p.conv}) IS DISTINCT FROM ${p.lenient?.sql(`(${p.conv})`)})::BIGINT AS ${quoteIdent(`l_${k}`)}`).join(', ')} FROM (${inner}) s`,
  );
  return withLenient
    .map((p, k) => ({ column: p.target, count: Number(row?.[`l_${k}`] ?? 0), note: p.lenient?.note ?? '' }))
    .filter((x) => x.count > 0);
}
