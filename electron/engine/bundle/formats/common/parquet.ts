/**
 * Parquet-based exports (Phoenix) read through the importer's DuckDB session. Rows come back as JSON text
 * built inside DuckDB, with timestamps formatted as UTC ISO text and non-finite doubles as null, so the
 * reader sees the same shapes as in the JSON exports and no precision is lost to JS Date.
 */
import type { ReaderSource } from '../types';
import { quoteIdent, quoteLiteral } from '../../../db';
import { parseJson } from './json';

function selectExpression(name: string, type: string): string {
  const col = quoteIdent(name);
  const t = type.toUpperCase();
  if (t === 'TIMESTAMP WITH TIME ZONE' || t === 'TIMESTAMPTZ') return `strftime(timezone('UTC', ${col}), '%Y-%m-%dT%H:%M:%S.%fZ') AS ${col}`;
  if (t.startsWith('TIMESTAMP')) return `strftime(${col}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%fZ') AS ${col}`;
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL') return `CASE WHEN isnan(${col}) OR isinf(${col}) THEN NULL ELSE ${col} END AS ${col}`;
  if (t === 'BLOB') return `base64(${col}) AS ${col}`;
  return col;
}

/** Rows per query: bounds memory for large span files while keeping the query count small. */
const BATCH_ROWS = 20_000;

/** Yields the rows of a Parquet file in file order, 1-based row numbers, read in batches. */
export async function* parquetRecords(source: ReaderSource): AsyncGenerator<{ line: number; value: Record<string, unknown> }> {
  const path = quoteLiteral(source.absPath);
  const described = await source.query(`DESCRIBE SELECT * FROM read_parquet(${path})`);
  const columns = described.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  if (columns.length === 0) return;
  const select = columns.map((c) => selectExpression(c.name, c.type)).join(', ');
  for (let offset = 0; ; offset += BATCH_ROWS) {
    const rows = await source.query(
      `SELECT to_json(t)::VARCHAR AS j FROM (SELECT ${select} FROM read_parquet(${path}, file_row_number = true)
        WHERE file_row_number >= ${offset} AND file_row_number < ${offset + BATCH_ROWS} ORDER BY file_row_number) t`,
    );
    for (let i = 0; i < rows.length; i++) {
      const text = String((rows[i] as Record<string, unknown>).j);
      let parsed = parseJson(text);
      // Non-finite doubles nested in lists / structs are written by to_json as bare NaN / Infinity.
      if (!parsed.ok) parsed = parseJson(text.replace(/(?<=[:[,])-?(?:NaN|Infinity)(?=[,\]}])/g, 'null'));
      if (!parsed.ok) throw new Error(`${source.relPath} row ${offset + i + 1}: ${parsed.reason}`);
      yield { line: offset + i + 1, value: parsed.value as Record<string, unknown> };
    }
    if (rows.length < BATCH_ROWS) return;
  }
}

/** Key/value metadata of a Parquet file (Phoenix stores eval name and type under "arize"). */
export async function parquetKeyValueMetadata(source: ReaderSource): Promise<Record<string, string>> {
  try {
    const rows = await source.query(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${quoteLiteral(source.absPath)})`);
    const out = Object.create(null) as Record<string, string>;
    for (const r of rows) out[String(r.k)] = String(r.v);
    return out;
  } catch {
    // Metadata is only a hint (a name); a file whose metadata cannot be decoded still loads.
    return {};
  }
}
