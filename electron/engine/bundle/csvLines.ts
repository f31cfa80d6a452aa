import fs from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryOne, quoteIdent, quoteLiteral } from '../db';
import { LIMITS } from './limits';

/**
 * The line and text of the CSV rows the load rejects itself (a required value missing, an infinite time in a
 * required column): DuckDB's reader gives a row no line number, only its own rejects carry one. So the file is read
 * once more, with the dialect the real read used and one column more than it has:
 * then every record the real read could emit is a "missing columns" reject, with the line DuckDB names for its own
 * rejects (header and blank lines counted, a record's quoted line breaks not) and its text. Those records, less the
 * lines the real read rejected, are the rows it emitted, in order. Run only when the load rejected a row, and only
 * for files up to LIMITS.csvLineLookupBytes each (a larger file's rejects keep no line).
 */

/** The relation csvRowLines fills: _f (file key), _ord (row number within the file, 1-based), _line, _raw. */
export const CSV_ROW_LINES = '__ad_csv_lines';

export interface CsvLineFiles {
  /** Each file read: its key and the path the read was given (one read_csv over all of them). */
  files: { f: number; path: string }[];
  /**
   * The real read's options besides the files and its reject store (dialect, header, names, types, line limit), to
   * sniff the dialect it detected; or that dialect, when known (a group of files read alike: sniffed already).
   */
  read: { opts: string[] } | { dialect: CsvDialect };
  /** The real read's reject store (the lines it rejected). */
  rejectsTable: string;
  rejectsScan: string;
  /** How many columns the real read gave. */
  columns: number;
}

let lineScans = 0;

/** A CSV dialect as sniff_csv gives it. */
export type CsvDialect = { Delimiter: string; Quote: string; Escape: string; NewLineDelimiter: string; Comment: string; SkipRows: number; HasHeader: boolean };

function option(v: string): string {
  return quoteLiteral(v === '(empty)' ? '' : v);
}

/**
 * Fills CSV_ROW_LINES for the files (`emitted`: the rows the real read emitted, by file key; only those files are
 * read). A file whose records do not add up to its rows gets no entry: its rejects keep no line rather than a wrong one.
 */
export async function csvRowLines(conn: DuckDBConnection, src: CsvLineFiles, emitted: Map<number, number>): Promise<boolean> {
  // Decided per file, so a file gets the same lines read alone or in a group.
  const files: typeof src.files = [];
  for (const x of src.files) if (emitted.has(x.f) && (await fs.stat(x.path)).size <= LIMITS.csvLineLookupBytes) files.push(x);
  const first = files[0];
  if (!first) return false;
  // The dialect the real read detected: a read of many files takes the first file's. The reject store's scan table
  // records it only for a read that rejected something; the sniffer given the read's own options finds the same.
  const realRejects = `(SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name IN (${quoteLiteral(src.rejectsTable)}, ${quoteLiteral(src.rejectsScan)})) AS RealRejects`;
  const d = await queryOne<CsvDialect & { RealRejects: number }>(
    conn,
    'opts' in src.read
      ? `SELECT Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows::INTEGER AS SkipRows, HasHeader, ${realRejects} FROM sniff_csv(${[quoteLiteral(first.path), ...src.read.opts, 'ignore_errors = true'].join(', ')})`
      : `SELECT ${realRejects}`,
  );
  if (d && 'dialect' in src.read) Object.assign(d, src.read.dialect);
  if (!d) return false;
  const names = Array.from({ length: src.columns + 1 }, (_v, i) => `${quoteLiteral(`c${i}`)}: 'VARCHAR'`).join(', ');
  const id = String(++lineScans);
  const table = `__ad_csv_linerej_${id}`;
  const scan = `__ad_csv_linescan_${id}`;
  try {
    await conn.run(
      `SELECT count(*) FROM read_csv(${[
        `[${files.map((x) => quoteLiteral(x.path)).join(', ')}]`,
        'auto_detect = false',
        `delim = ${option(d.Delimiter)}`,
        `quote = ${option(d.Quote)}`,
        `escape = ${option(d.Escape)}`,
        `new_line = ${option(d.NewLineDelimiter)}`,
        `comment = ${option(d.Comment)}`,
        `skip = ${Number(d.SkipRows)}`,
        `header = ${d.HasHeader ? 'true' : 'false'}`,
        `columns = {${names}}`,
        'store_rejects = true',
        `rejects_table = ${quoteLiteral(table)}`,
        `rejects_scan = ${quoteLiteral(scan)}`,
        `max_line_size = ${LIMITS.csvMaxLineBytes}`,
        `buffer_size = ${2 * LIMITS.csvMaxLineBytes}`,
      ].join(', ')})`,
    );
    const keys = `(SELECT * FROM (VALUES ${files.map((x) => `(${quoteLiteral(x.path)}, ${x.f})`).join(', ')}) AS k(_path, _f))`;
    const linesOf = (rej: string, sc: string): string =>
      `SELECT k._f, r.line, r.csv_line FROM ${quoteIdent(rej)} r JOIN ${quoteIdent(sc)} s ON s.scan_id = r.scan_id AND s.file_id = r.file_id JOIN ${keys} k ON k._path = s.file_path`;
    const rejected = Number(d.RealRejects) === 2 ? `AND NOT EXISTS (SELECT 1 FROM (${linesOf(src.rejectsTable, src.rejectsScan)}) y WHERE y._f = x._f AND y.line = x.line)` : '';
    // A file whose records do not add up to the rows the real read emitted gets no line at all.
    const expected = `(VALUES ${[...emitted].map(([f, n]) => `(${f}, ${n})`).join(', ')}) AS e(_f, _n)`;
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${CSV_ROW_LINES} AS
       SELECT y._f, y._ord, y._line, y._raw FROM (
         SELECT _f::INTEGER AS _f, row_number() OVER (PARTITION BY _f ORDER BY line) AS _ord, count(*) OVER (PARTITION BY _f) AS _n, line AS _line,
                left(ltrim(csv_line, chr(13) || chr(10)), ${LIMITS.rejectRawChars}) AS _raw
         FROM (SELECT _f, line, first(csv_line) AS csv_line FROM (${linesOf(table, scan)}) GROUP BY _f, line) x
         WHERE true ${rejected}) y
       JOIN ${expected} ON e._f = y._f AND e._n = y._n`,
    );
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}; DROP TABLE IF EXISTS ${quoteIdent(scan)}`);
  }
  return true;
}

export async function dropCsvRowLines(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${CSV_ROW_LINES}`);
}
