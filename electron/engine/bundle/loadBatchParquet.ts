import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, quoteIdent, quoteLiteral } from '../db';
import type { SourceSpec } from './load';
import { stageFileList } from './loadBatch';

/**
 * Many small Parquet files loaded together (#14 item 14). A Parquet file carries its schema, so nothing is sniffed:
 * files are grouped by their schema as DuckDB reads it (every schema element with the type DuckDB gives it, and the
 * file's key-value metadata), a group is read by one read_parquet over its files, and loaded by one statement. The
 * per-file path (parquetSource in loadFlat.ts) is the reference: a group's columns are the first member's own
 * DESCRIBE, which is every member's, since their schemas are identical.
 */

/** The files of the batch being loaded: _f (file number), _p (bundle path), _path (where the engine reads it). */
const PARQUET_BATCH_FILES = '__ad_pfiles';

/** Column names a grouped read adds or uses itself: a file holding one is read alone. */
const OWN_NAMES = new Set(['_f', '_p', '_row', '_path', 'filename', 'file_row_number']);

/** Whether a file with these columns (its DESCRIBE) can be read with others: none is named like the read's own. */
export function parquetGroupable(columns: { name: string; expr: string }[]): boolean {
  return columns.every((c) => !OWN_NAMES.has(c.name.toLowerCase()) && c.expr === quoteIdent(c.name));
}

/**
 * Each file's schema signature (null: DuckDB could not read its metadata). Two files with the same signature are read
 * by DuckDB with the same columns, in the same order, of the same types.
 */
export async function parquetSignatures(conn: DuckDBConnection, paths: string[], cancelled: () => boolean): Promise<(string | null)[]> {
  try {
    return await signatures(conn, paths);
  } catch {
    // One unreadable file fails the statement: each file alone then (unless the statement failed for a cancel).
    const out: (string | null)[] = [];
    for (const p of paths) out.push(cancelled() ? null : (((await signatures(conn, [p]).catch(() => [null])) as (string | null)[])[0] ?? null));
    return out;
  }
}

async function signatures(conn: DuckDBConnection, paths: string[]): Promise<(string | null)[]> {
  const list = `[${paths.map(quoteLiteral).join(', ')}]`;
  const rows = await queryRows<{ file: string; schema: string; kv: string | null }>(
    conn,
    `WITH s AS (
       SELECT file_name, CAST(to_json(list({'n': name, 't': type, 'l': type_length, 'r': repetition_type, 'c': num_children, 'ct': converted_type, 's': scale, 'p': precision, 'id': field_id, 'lt': logical_type, 'd': duckdb_type} ORDER BY column_id)) AS VARCHAR) AS schema
       FROM parquet_schema(${list}) GROUP BY file_name
     ), kv AS (
       SELECT file_name, CAST(to_json(list({'k': hex(key), 'v': hex(value)} ORDER BY key, value)) AS VARCHAR) AS kv FROM parquet_kv_metadata(${list}) GROUP BY file_name
     )
     SELECT s.file_name AS file, s.schema, kv.kv FROM s LEFT JOIN kv USING (file_name)`,
  );
  const byPath = new Map(rows.map((r) => [r.file, `${r.schema}|${r.kv ?? '[]'}`]));
  return paths.map((p) => byPath.get(p) ?? null);
}

/** Records the batch's files (number, bundle path, engine path) for the grouped read. */
export async function stageParquetFiles(conn: DuckDBConnection, files: { relPath: string; absPath: string }[]): Promise<void> {
  await stageFileList(
    conn,
    PARQUET_BATCH_FILES,
    files.map((x, i) => ({ f: i, relPath: x.relPath, absPath: x.absPath })),
  );
}

export async function dropParquetFiles(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${PARQUET_BATCH_FILES}`);
}

/**
 * The rows of some files of one schema as one source: _f, _p and _row (the row's 1-based number in its file, the line
 * the per-file path gives a reject), then the files' columns (the first member's DESCRIBE, as parquetSource lists them).
 */
export function parquetGroupSource(paths: string[], columns: SourceSpec['columns']): SourceSpec {
  const cols = columns.map((c) => `r.${quoteIdent(c.name)}`).join(', ');
  return {
    from: `(SELECT b._f, b._p, r.file_row_number + 1 AS _row, ${cols} FROM read_parquet([${paths.map(quoteLiteral).join(', ')}], filename = true, file_row_number = true) r JOIN ${PARQUET_BATCH_FILES} b ON b._path = r.filename)`,
    lineExpr: '_row',
    rawExpr: null,
    columns: columns.map((c) => ({ name: c.name, type: c.type, expr: quoteIdent(c.name) })),
    fileExpr: '_p',
    rowExpr: '_row',
  };
}
