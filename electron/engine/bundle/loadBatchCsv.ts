import type { DuckDBConnection } from '@duckdb/node-api';
import { META_TABLES } from '../../../shared/canonical';
import { queryOne, queryRows, quoteIdent, quoteLiteral, type Row } from '../db';
import type { CsvDialect } from './csvLines';
import { stageFileList } from './loadBatch';
import { nonFiniteAggregates, nonFiniteChosen } from './loadFlat';

/**
 * Many small CSV / TSV files loaded together (#14 item 14). Each file is still sniffed by itself (one statement, the
 * same sniff the per-file path runs), so a file is grouped only with files the per-file path would read with the same
 * dialect, header and column types; a group is then read by one read_csv over its files, its rejects drained by
 * one statement. The per-file path (csvPlan in loadFlat.ts) is the reference.
 */

/** Largest file grouped: fewer rows than the sniffer samples (20 480), so a sample-based check sees every row. */
export const CSV_BATCH_FILE_MAX_BYTES = 20 * 1024;

/**
 * The per-file path gives the sniffer and the reader a 64 MiB line limit and a 128 MiB buffer; allocating that buffer
 * took half of a tiny file's sniff. A grouped file is shorter than this limit, so the whole file is one buffer
 * either way and the result is the same.
 */
const CSV_LINE_OPTS = [`max_line_size = ${4 * CSV_BATCH_FILE_MAX_BYTES}`, `buffer_size = ${8 * CSV_BATCH_FILE_MAX_BYTES}`];

/** A group's rows: _f (file number), _p (bundle path), _row (row number within the file), then the file's columns. */
export const CSV_BATCH_ROWS = '__ad_crows';
const CSV_BATCH_FILES = '__ad_cfiles';

/** Column names the staging table uses itself: a file holding one is read alone. */
const OWN_NAMES = new Set(['_f', '_p', '_row', '__ad_file', '__ad_n']);

export interface CsvSniff {
  delimiter: string;
  hasHeader: boolean;
  columns: { name: string; type: string }[];
  /** The dialect the per-file read would re-detect (delimiter, quote, escape, line end, header); grouped files share it. */
  dialect: string;
  /** The same, as sniff_csv gives it (the line lookup of rejected rows reads the files with it: csvLines.ts). */
  sniffed: CsvDialect;
}

/** The sniff's fields the batch uses; Columns as JSON text (turning DuckDB's list of structs into JS objects cost more). */
const SNIFF_COLUMNS = 'Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, HasHeader, to_json(Columns)::VARCHAR AS Columns, DateFormat, TimestampFormat';

/**
 * The sniff the per-file path runs first (csvPlan), or null when the file needs what only that path does: a second
 * sniff (one column found), a date or time format, comment or skipped lines, column names it renames.
 */
export async function sniffCsvFile(conn: DuckDBConnection, absPath: string, delimiter: '\t' | null): Promise<CsvSniff | null> {
  const row = await queryOne<Row>(conn, `SELECT ${SNIFF_COLUMNS} FROM ${sniffCall(absPath, delimiter ? [`delim = ${quoteLiteral(delimiter)}`] : [])}`);
  return row ? sniffOf(row) : null;
}

function sniffCall(absPath: string, given: string[]): string {
  return `sniff_csv(${[quoteLiteral(absPath), ...given, 'ignore_errors = true', ...CSV_LINE_OPTS].join(', ')})`;
}

function sniffOf(row: Row): CsvSniff | null {
  const columns = (typeof row['Columns'] === 'string' ? JSON.parse(row['Columns']) : row['Columns']) as { name: string; type: string }[];
  if (columns.length <= 1 || row['DateFormat'] !== null || row['TimestampFormat'] !== null || Number(row['SkipRows']) !== 0 || row['Comment'] !== '(empty)') return null;
  const seen = new Set<string>();
  for (const c of columns) {
    const l = c.name.toLowerCase();
    if (c.name.trim() === '' || c.name.includes('\u0000') || seen.has(l) || OWN_NAMES.has(l)) return null;
    seen.add(l);
  }
  const dialect = JSON.stringify([row['Delimiter'], row['Quote'], row['Escape'], row['NewLineDelimiter'], row['HasHeader']]);
  const sniffed: CsvDialect = {
    Delimiter: String(row['Delimiter']),
    Quote: String(row['Quote']),
    Escape: String(row['Escape']),
    NewLineDelimiter: String(row['NewLineDelimiter']),
    Comment: String(row['Comment']),
    SkipRows: Number(row['SkipRows']),
    HasHeader: row['HasHeader'] === true,
  };
  return { delimiter: String(row['Delimiter']), hasHeader: row['HasHeader'] === true, columns, dialect, sniffed };
}

/**
 * Whether a small file is "plain": no byte that any of the sniffer's other dialect candidates turns on (no quote,
 * escape or comment character, no carriage return, no NUL; for a .csv none of the other candidate delimiters | ; and
 * tab), every line non-empty and holding the same number (at least one) of the file's delimiter. Every delimiter
 * candidate but that one then reads one column a line, and every quote, escape and comment candidate reads the file
 * alike, so the file's own sniff finds its delimiter, no quote, no escape, "\n" and no comment; only the header and the
 * column types are left to find, and plainSniffs finds those with the same sniffer. (Shown against the full sniff in
 * test/engine/bundle/csvPlainDialect.test.ts, and checked again on the first plain file of every batch.)
 */
export function isPlainCsv(bytes: Uint8Array, delimiter: ',' | '\t'): boolean {
  const delim = delimiter.charCodeAt(0);
  let perLine = -1;
  let count = 0;
  let lineLength = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const b = i < bytes.length ? (bytes[i] as number) : 0x0a;
    if (b === 0x0a) {
      if (lineLength === 0) {
        if (i === bytes.length && perLine >= 1) break;
        return false;
      }
      if (perLine === -1) perLine = count;
      else if (count !== perLine) return false;
      count = 0;
      lineLength = 0;
      continue;
    }
    lineLength++;
    if (b === delim) count++;
    else if (b === 0x22 || b === 0x27 || b === 0x5c || b === 0x23 || b === 0x0d || b === 0x00) return false;
    else if (delim === 0x2c && (b === 0x7c || b === 0x3b || b === 0x09)) return false;
  }
  return perLine >= 1;
}

/** What the full sniff of a plain file finds besides its header and types (see isPlainCsv): given, the sniffer finds only those. */
function plainDialectOpts(delimiter: ',' | '\t'): string[] {
  return [`delim = ${quoteLiteral(delimiter)}`, `quote = ''`, `escape = ''`, `new_line = '\\n'`, `comment = ''`];
}

/**
 * The sniffs of many plain files (isPlainCsv) in one statement, each with its dialect given: what sniffCsvFile gives
 * for each. A file whose sniff fails makes the statement fail; then each is sniffed by itself (null when that fails).
 */
export async function plainSniffs(conn: DuckDBConnection, paths: string[], delimiter: ',' | '\t'): Promise<(CsvSniff | null)[]> {
  const given = plainDialectOpts(delimiter);
  try {
    const rows = await queryRows<Row>(conn, paths.map((p, i) => `SELECT ${i} AS "__ad_i", ${SNIFF_COLUMNS} FROM ${sniffCall(p, given)}`).join(' UNION ALL '));
    const out = new Array<CsvSniff | null>(paths.length).fill(null);
    for (const r of rows) out[Number(r['__ad_i'])] = sniffOf(r);
    return out;
  } catch {
    const out: (CsvSniff | null)[] = [];
    for (const p of paths) {
      const row = await queryOne<Row>(conn, `SELECT ${SNIFF_COLUMNS} FROM ${sniffCall(p, given)}`).catch(() => undefined);
      out.push(row ? sniffOf(row) : null);
    }
    return out;
  }
}

/** The read options the per-file path uses (delimiter and header); `types` as given to read_csv. */
export function csvDialectOpts(delimiter: string, hasHeader: boolean): string[] {
  return [`delim = ${quoteLiteral(delimiter)}`, `header = ${hasHeader ? 'true' : 'false'}`];
}

function pathList(paths: string[]): string {
  return `[${paths.map(quoteLiteral).join(', ')}]`;
}

/**
 * Per file, the text columns that are numbers with inf / nan cells (what nonFiniteNumericColumns finds for a file
 * alone); one scan of the group. Files of at most 20 KiB hold fewer rows than the sniffer samples.
 */
export async function csvNonFiniteByFile(conn: DuckDBConnection, paths: string[], dialect: string[], names: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (names.length === 0) return out;
  const rows = await queryRows<Row>(
    conn,
    `SELECT "__ad_file" AS f, ${nonFiniteAggregates(names).join(', ')} FROM read_csv(${[pathList(paths), ...dialect, 'all_varchar = true', 'ignore_errors = true', `filename = '__ad_file'`, ...CSV_LINE_OPTS].join(', ')}) GROUP BY "__ad_file"`,
  );
  for (const r of rows) out.set(String(r['f']), nonFiniteChosen(names, r));
  return out;
}

/** Names DuckDB's reject tables of a group read uniquely within the process. */
let groupScans = 0;

export interface CsvGroupScan {
  rejectsTable: string;
  rejectsScan: string;
}

/**
 * Reads a group's files in one read_csv with every column typed as the per-file read types it, each row keeping its
 * file and its row number; rows DuckDB cannot parse go to its reject store, per file and line.
 */
export async function stageCsvGroup(
  conn: DuckDBConnection,
  files: { f: number; relPath: string; absPath: string }[],
  dialect: string[],
  columns: { name: string; type: string }[],
): Promise<CsvGroupScan> {
  await stageFileList(conn, CSV_BATCH_FILES, files);
  const id = String(++groupScans);
  const scan = { rejectsTable: `__ad_csvg_rej_${id}`, rejectsScan: `__ad_csvg_scan_${id}` };
  const read = `read_csv(${[
    pathList(files.map((f) => f.absPath)),
    ...dialect,
    `columns = {${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`,
    `filename = '__ad_file'`,
    'store_rejects = true',
    `rejects_table = ${quoteLiteral(scan.rejectsTable)}`,
    `rejects_scan = ${quoteLiteral(scan.rejectsScan)}`,
    ...CSV_LINE_OPTS,
  ].join(', ')})`;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${CSV_BATCH_ROWS} AS SELECT b._f, b._p, row_number() OVER (PARTITION BY b._f ORDER BY x."__ad_n") AS _row, x.* EXCLUDE ("__ad_file", "__ad_n")
     FROM (SELECT row_number() OVER () AS "__ad_n", * FROM ${read}) x JOIN ${CSV_BATCH_FILES} b ON b._path = x."__ad_file"`,
  );
  return scan;
}

/** Moves the group's parse rejects of the given files into _ad_rejects (as drainCsvRejects does per file); rejected lines per file. */
export async function drainCsvGroupRejects(conn: DuckDBConnection, scan: CsvGroupScan, members: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const exists = await queryOne<{ n: number }>(conn, `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = ?`, [scan.rejectsTable]);
  if (!exists || Number(exists.n) === 0 || members.length === 0) return out;
  const rejects = `(SELECT b._f, b._p, r.* FROM ${quoteIdent(scan.rejectsTable)} r JOIN ${quoteIdent(scan.rejectsScan)} s ON s.scan_id = r.scan_id AND s.file_id = r.file_id
     JOIN ${CSV_BATCH_FILES} b ON b._path = s.file_path WHERE b._f IN (${members.join(', ')}))`;
  await conn.run(
    `INSERT INTO ${quoteIdent(META_TABLES.rejects)}
     SELECT _p, line, column_name, lower(error_type) || ': ' || error_message, left(csv_line, 500) FROM ${rejects} ORDER BY _f, line, column_idx`,
  );
  const rows = await queryRows<{ f: number; n: number }>(conn, `SELECT _f AS f, count(DISTINCT line)::BIGINT AS n FROM ${rejects} GROUP BY _f`);
  for (const r of rows) out.set(Number(r.f), Number(r.n));
  return out;
}

export async function dropCsvGroup(conn: DuckDBConnection, scan: CsvGroupScan | null): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${CSV_BATCH_ROWS}`);
  await conn.run(`DROP TABLE IF EXISTS ${CSV_BATCH_FILES}`);
  if (scan) {
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(scan.rejectsTable)}`);
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(scan.rejectsScan)}`);
  }
}
