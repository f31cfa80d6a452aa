/**
 * Parquet-based exports (Phoenix) read through the importer's DuckDB session. Rows come back as JSON text
 * built inside DuckDB, with timestamps formatted as UTC ISO text, so the reader sees the same shapes as in the JSON
 * exports and no precision is lost to JS Date. Non-finite doubles (NaN, ±Infinity) are never dropped silently
 * (#14 item 11): in the columns a reader names as measured (a score) they come as the strings "NaN", "Infinity",
 * "-Infinity" that the JSON exports write (kept, loaded as non-finite values and counted); in any other number column
 * they are missing and reported (pandas writes NaN for a missing value); nested in lists or structs they are kept as
 * those strings.
 */
import type { ReaderSource } from '../types';
import { quoteIdent, quoteLiteral } from '../../../db';
import { parseJson } from './json';

function selectExpression(name: string, type: string): string {
  const col = quoteIdent(name);
  const t = type.toUpperCase();
  if (t === 'TIMESTAMP WITH TIME ZONE' || t === 'TIMESTAMPTZ') return `strftime(timezone('UTC', ${col}), '%Y-%m-%dT%H:%M:%S.%fZ') AS ${col}`;
  if (t.startsWith('TIMESTAMP')) return `strftime(${col}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%fZ') AS ${col}`;
  if (t === 'BLOB') return `base64(${col}) AS ${col}`;
  return col;
}

/** Rows per query: bounds memory for large span files while keeping the query count small. */
const BATCH_ROWS = 20_000;

const FLOAT_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL', 'FLOAT4', 'FLOAT8']);
const NON_FINITE_TEXT = new Set(['NaN', 'Infinity', '-Infinity']);

export interface NonFiniteHandling {
  /** Top-level columns whose non-finite values are kept (as "NaN", "Infinity", "-Infinity"). */
  measured?: readonly string[];
  /** Hears of each non-finite value of any other top-level number column, loaded as missing. */
  onMissing?: (column: string) => void;
}

/** What a file's report says of a Parquet number column's non-finite values read as missing. */
export function nonFiniteMissingNote(column: string): string {
  return `${column} given NaN or ±Infinity in a Parquet number column (pandas writes NaN for a missing value): loaded as missing`;
}

/** Yields the rows of a Parquet file in file order, 1-based row numbers, read in batches. */
export async function* parquetRecords(source: ReaderSource, nonFinite: NonFiniteHandling = {}): AsyncGenerator<{ line: number; value: Record<string, unknown> }> {
  const path = quoteLiteral(source.absPath);
  const described = await source.query(`DESCRIBE SELECT * FROM read_parquet(${path})`);
  const columns = described.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  if (columns.length === 0) return;
  const measured = new Set(nonFinite.measured ?? []);
  const missingIfNonFinite = columns.filter((c) => FLOAT_TYPES.has(c.type.toUpperCase()) && !measured.has(c.name)).map((c) => c.name);
  const select = columns.map((c) => selectExpression(c.name, c.type)).join(', ');
  for (let offset = 0; ; offset += BATCH_ROWS) {
    const rows = await source.query(
      `SELECT to_json(t)::VARCHAR AS j FROM (SELECT ${select} FROM read_parquet(${path}, file_row_number = true)
        WHERE file_row_number >= ${offset} AND file_row_number < ${offset + BATCH_ROWS} ORDER BY file_row_number) t`,
    );
    for (let i = 0; i < rows.length; i++) {
      const text = String((rows[i] as Record<string, unknown>).j);
      let parsed = parseJson(text);
      // Non-finite doubles are written by to_json as bare NaN / Infinity: read as the strings the readers know.
      if (!parsed.ok) {
        parsed = parseJson(quoteNonFiniteTokens(text));
        if (parsed.ok) {
          // A number column holds no text: a string there is a non-finite value written by quoteNonFiniteTokens.
          const value = parsed.value as Record<string, unknown>;
          for (const c of missingIfNonFinite) {
            const v = value[c];
            if (typeof v !== 'string' || !NON_FINITE_TEXT.has(v)) continue;
            value[c] = null;
            nonFinite.onMissing?.(c);
          }
        }
      }
      if (!parsed.ok) throw new Error(`${source.relPath} row ${offset + i + 1}: ${parsed.reason}`);
      yield { line: offset + i + 1, value: parsed.value as Record<string, unknown> };
    }
    if (rows.length < BATCH_ROWS) return;
  }
}

/**
 * JSON text with every bare NaN, Infinity and -Infinity token (outside strings) written as a string ("NaN"), so
 * the text parses; a string that merely contains those words is left alone.
 */
export function quoteNonFiniteTokens(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const token = text.startsWith('NaN', i) ? 'NaN' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('-Infinity', i) ? '-Infinity' : null;
    if (token === null) continue;
    out += `${text.slice(from, i)}"${token}"`;
    i += token.length - 1;
    from = i + 1;
  }
  return out + text.slice(from);
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
