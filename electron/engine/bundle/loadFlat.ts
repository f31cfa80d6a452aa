import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { META_TABLES } from '../../../shared/canonical';
import { queryOne, queryRows, quoteIdent, quoteLiteral } from '../db';
import { jsonStructureType } from './convert';

import { csvRowLines, type CsvLineFiles } from './csvLines';
import { dedupeColumnNames, type SourceSpec } from './load';
import { copyWithoutLines, SCREEN_MAX_BAD_LINES, screenJsonLines, type ScreenedLine } from './screenLines';
import { FileProblem } from './sniff';
import { LIMITS } from './limits';
import type { MappingPlan } from './mapping';
import type { TargetTables } from './target';

function errText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0] ?? m;
}

/**
 * A NUL character cannot appear in a DuckDB identifier, so a file whose column names hold one is
 * refused as a whole (renaming silently could merge it with another column).
 */
export function refuseNulColumnNames(names: string[]): void {
  const bad = names.find((n) => n.includes('\u0000'));
  if (bad !== undefined) throw new FileProblem(`column name ${JSON.stringify(bad)} contains a NUL character; the file cannot be loaded (rename the column in the export)`);
}

/* ----------------------------------------------------------------- Parquet */

/** What is wrong with a file as Parquet by its size and magic bytes at both ends; null: nothing (its footer is DuckDB's to read). */
export async function parquetShapeProblem(plainPath: string, bytes: number): Promise<string | null> {
  if (bytes < 12) return bytes === 0 ? 'zero-byte file; not a Parquet file' : 'truncated Parquet file (shorter than its header and footer)';
  const fh = await fs.open(plainPath, 'r');
  try {
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    await fh.read(tail, 0, 4, bytes - 4);
    if (head.toString('latin1') !== 'PAR1') return 'not a Parquet file (wrong magic bytes at the start)';
    if (tail.toString('latin1') !== 'PAR1') return 'truncated Parquet file (footer magic bytes missing at the end)';
    return null;
  } finally {
    await fh.close();
  }
}

export async function parquetSource(conn: DuckDBConnection, plainPath: string, bytes: number): Promise<SourceSpec> {
  const problem = await parquetShapeProblem(plainPath, bytes);
  if (problem) throw new FileProblem(problem);
  const describe = async (fn: string): Promise<{ column_name: string; column_type: string }[]> => {
    try {
      return await queryRows<{ column_name: string; column_type: string }>(conn, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${fn})`);
    } catch (e) {
      throw new FileProblem(`unreadable Parquet file: ${errText(e)}`);
    }
  };
  const plain = `read_parquet(${quoteLiteral(plainPath)})`;
  const data = await describe(plain);
  refuseNulColumnNames(data.map((c) => c.column_name));
  // DuckDB cannot number rows of a file that has its own "file_row_number" column: such a file is read
  // without row numbers (its rejects carry no row), and the column stays ordinary data.
  const ownRowNumber = data.some((c) => c.column_name.toLowerCase() === 'file_row_number');
  const names = dedupeColumnNames(data.map((c) => c.column_name));
  return {
    from: ownRowNumber ? plain : `read_parquet(${quoteLiteral(plainPath)}, file_row_number = true)`,
    lineExpr: ownRowNumber ? null : 'file_row_number + 1',
    rawExpr: null,
    probe: true,
    columns: data.map((c, i) => ({ name: names[i] as string, type: c.column_type, expr: quoteIdent(c.column_name) })),
  };
}

/* --------------------------------------------------------------------- CSV */

export interface CsvPlan {
  spec: SourceSpec;
  inferred: string[];
  /** Tables DuckDB fills with rows it could not parse (ragged rows, bad types); drained by drainCsvRejects. */
  rejectsTable: string;
  rejectsScan: string;
}

/** The CSV line limit (docs: 64 MiB lines) for the sniffer and the reader; the buffer must hold two lines. */
export const CSV_LINE_OPTS = [`max_line_size = ${LIMITS.csvMaxLineBytes}`, `buffer_size = ${2 * LIMITS.csvMaxLineBytes}`];

/** Names DuckDB's per-scan reject tables uniquely within the process. */
let csvScans = 0;

interface SniffRow {
  Delimiter: string;
  HasHeader: boolean;
  Columns: unknown;
}

/**
 * Plans a typed CSV read. Canonical columns are read with their canonical types (timestamps as
 * TIMESTAMPTZ, JSON as text) so DuckDB's reject store reports wrong types with line and column;
 * ragged rows land there too.
 */
export async function csvPlan(
  conn: DuckDBConnection,
  plainPath: string,
  delimiter: ',' | '\t' | null,
  preferComma: boolean,
  header: string[] | undefined,
  chooseTable: (columns: { name: string; type: string }[]) => string,
  canonicalTypeOf: (table: string, column: string) => string | null,
): Promise<CsvPlan & { table: string }> {
  const inferred: string[] = [];
  if (header) refuseNulColumnNames(header);
  const opts: string[] = [];
  if (delimiter) opts.push(`delim = ${quoteLiteral(delimiter)}`);
  if (header) opts.push('header = false', `names = [${header.map(quoteLiteral).join(', ')}]`);
  const runSniff = async (extra: string[]): Promise<{ row: SniffRow; cols: { name: string; type: string }[] }> => {
    let row: SniffRow | undefined;
    try {
      // The sniffer gets the reader's line limit: with its own 2 MB default, one 2.2 MB cell made the whole file
      // unreadable with an error naming line 1.
      row = await queryOne<SniffRow & Record<string, never>>(
        conn,
        `SELECT Delimiter, HasHeader, Columns FROM sniff_csv(${[quoteLiteral(plainPath), ...opts, ...extra, 'ignore_errors = true', ...CSV_LINE_OPTS].join(', ')})`,
      );
    } catch (e) {
      throw new FileProblem(`unreadable CSV: ${errText(e)}`);
    }
    if (!row) throw new FileProblem('unreadable CSV: the sniffer returned nothing');
    const cols = (typeof row.Columns === 'string' ? JSON.parse(row.Columns) : row.Columns) as { name: string; type: string }[];
    return { row, cols };
  };
  let sniffed = await runSniff([]);
  // Ragged rows can mislead the dialect sniffer into a one-column reading; a .csv file gets a second try with ",".
  if (!delimiter && sniffed.cols.length <= 1 && preferComma) {
    const comma = await runSniff([`delim = ','`]).catch(() => null);
    if (comma && comma.cols.length > 1) sniffed = comma;
  }
  const sniff = sniffed.row;
  const sniffedCols = sniffed.cols;
  refuseNulColumnNames(sniffedCols.map((c) => c.name));
  if (!delimiter) inferred.push(`delimiter ${JSON.stringify(sniff.Delimiter)} (sniffed)`);
  if (!header) {
    inferred.push(sniff.HasHeader ? 'header row (sniffed)' : 'no header row (sniffed): columns named column0..N; declare "header" in the manifest to name them');
  }
  const baseOpts = [
    quoteLiteral(plainPath),
    `delim = ${quoteLiteral(delimiter ?? sniff.Delimiter)}`,
    `header = ${header ? 'false' : sniff.HasHeader ? 'true' : 'false'}`,
    ...(header ? [`names = [${header.map(quoteLiteral).join(', ')}]`] : []),
  ];
  // A column the sniffer typed as a date or time only because its sampled cells say inf / infinity (DuckDB reads them
  // as dates) is numbers already when the table and mapping are chosen, which would otherwise take it for the file's
  // time column (one scan of the sample, of those columns only).
  const infDates = new Set(await nonFiniteNumericColumns(conn, baseOpts, nonFiniteCandidates(sniffedCols.filter((c) => c.type !== 'VARCHAR'))));
  const table = chooseTable(sniffedCols.map((c) => ({ name: c.name, type: infDates.has(c.name) ? 'DOUBLE' : c.type })));
  const types = Object.create(null) as Record<string, string>;
  for (const c of sniffedCols) {
    const canonical = canonicalTypeOf(table, c.name);
    if (canonical) types[c.name] = canonical === 'TIMESTAMP' ? 'TIMESTAMPTZ' : canonical === 'JSON' ? 'VARCHAR' : canonical;
  }
  const textCols = sniffedCols.filter((c) => c.type === 'VARCHAR' && !(c.name in types)).map((c) => c.name);
  const nonFinite = new Set([...infDates, ...(await nonFiniteNumericColumns(conn, baseOpts, textCols))]);
  for (const c of sniffedCols) {
    if (!nonFinite.has(c.name) || c.name in types) continue;
    types[c.name] = 'DOUBLE';
    inferred.push(nonFiniteReadNote(c.name, c.type));
  }
  // The sniffer saw only numbers in its sample: an inf / nan further down would be rejected by an integer column.
  const intCols = sniffedCols.filter((c) => INTEGER_TYPES.has(c.type.toUpperCase()) && !(c.name in types)).map((c) => c.name);
  for (const name of await lateNonFiniteColumns(conn, baseOpts, intCols)) {
    types[name] = 'DOUBLE';
    inferred.push(`column ${JSON.stringify(name)} read as numbers with decimals: past the rows the sniffer sampled it holds inf / nan cells (non-finite values, counted as missing in statistics)`);
  }
  const id = String(++csvScans);
  const rejectsTable = `__ad_csv_rej_${id}`;
  const rejectsScan = `__ad_csv_scan_${id}`;
  const readOpts = [
    ...baseOpts,
    ...(Object.keys(types).length > 0
      ? [
          `types = {${Object.entries(types)
            .map(([k, v]) => `${quoteLiteral(k)}: ${quoteLiteral(v)}`)
            .join(', ')}}`,
        ]
      : []),
    'store_rejects = true',
    `rejects_table = ${quoteLiteral(rejectsTable)}`,
    `rejects_scan = ${quoteLiteral(rejectsScan)}`,
    ...CSV_LINE_OPTS,
  ];
  const from = `read_csv(${readOpts.join(', ')})`;
  let cols: { column_name: string; column_type: string }[];
  try {
    cols = await queryRows<{ column_name: string; column_type: string }>(conn, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`);
  } catch (e) {
    throw new FileProblem(`unreadable CSV: ${errText(e)}`);
  }
  refuseNulColumnNames(cols.map((c) => c.column_name));
  const outNames = dedupeColumnNames(cols.map((c) => c.column_name));
  // The read's options but its file and reject store: what the line lookup (csvLines.ts) sniffs the dialect with.
  const lineFiles: CsvLineFiles = { files: [{ f: 0, path: plainPath }], read: { opts: readOpts.slice(1).filter((o) => !/^(store_rejects|rejects_table|rejects_scan) =/.test(o)) }, rejectsTable, rejectsScan, columns: cols.length };
  return {
    table,
    spec: {
      from,
      lineExpr: null,
      rawExpr: null,
      rowLines: (c, emitted) => csvRowLines(c, lineFiles, emitted),
      columns: cols.map((c, i) => ({ name: outNames[i] as string, type: c.column_type === 'TIMESTAMP WITH TIME ZONE' ? 'TIMESTAMPTZ' : c.column_type, expr: quoteIdent(c.column_name) })),
    },
    inferred,
    rejectsTable,
    rejectsScan,
  };
}

/** Rows the sniffer samples (DuckDB's default sample size); a non-finite cell within them made it type the column as text. */
const SNIFF_SAMPLE_ROWS = 20_480;

/**
 * Columns the sniffer typed as text only because some cells say inf, -inf, nan or NaN: every other present value in
 * its sample is a number. They are read as DOUBLE (#14 item 11): as text, drift ran a categorical test on them.
 */
async function nonFiniteNumericColumns(conn: DuckDBConnection, baseOpts: string[], names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  let row: Record<string, boolean | number | null> | undefined;
  try {
    row = await queryOne<Record<string, boolean | number | null>>(
      conn,
      `SELECT ${nonFiniteAggregates(names).join(', ')} FROM (SELECT * FROM read_csv(${[...baseOpts, 'all_varchar = true', 'ignore_errors = true', ...CSV_LINE_OPTS].join(', ')}) LIMIT ${SNIFF_SAMPLE_ROWS})`,
    );
  } catch {
    return [];
  }
  return nonFiniteChosen(names, row);
}

/** SQL aggregates over the text cells of the named columns (ok_i: every present value is a number; nf_i, num_i: counts). */
export function nonFiniteAggregates(names: string[]): string[] {
  const tokens = NON_FINITE_TOKENS.map(quoteLiteral).join(', ');
  return names.map((n, i) => {
    const v = `trim(${quoteIdent(n)})`;
    return `bool_and(${v} = '' OR ${quoteIdent(n)} IS NULL OR TRY_CAST(${v} AS DOUBLE) IS NOT NULL) AS ${quoteIdent(`ok_${i}`)}, count(*) FILTER (lower(${v}) IN (${tokens}))::BIGINT AS ${quoteIdent(`nf_${i}`)}, count(*) FILTER (TRY_CAST(${v} AS DOUBLE) IS NOT NULL AND lower(${v}) NOT IN (${tokens}))::BIGINT AS ${quoteIdent(`num_${i}`)}`;
  });
}

/**
 * The columns nonFiniteAggregates found to be numbers with some inf / nan cells: every present cell a number or one
 * of the non-finite spellings, at least one of those (a column of inf / nan cells only is numbers too, as DuckDB
 * reads a column of nan cells alone).
 */
export function nonFiniteChosen(names: string[], row: Record<string, unknown> | undefined): string[] {
  return names.filter((_n, i) => row?.[`ok_${i}`] === true && Number(row?.[`nf_${i}`] ?? 0) > 0);
}

/**
 * Sniffed types an inf / nan column can be given: text (inf beside numbers, or inf and nan), and dates or times
 * (DuckDB's sniffer reads "inf" and "infinity" as dates, so a sampled column of only inf cells is typed DATE).
 */
const NON_FINITE_SNIFFED = new Set(['VARCHAR', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ']);

/** The sniffed columns that may be numbers with inf / nan cells (checked by nonFiniteAggregates); both CSV paths use it. */
export function nonFiniteCandidates(columns: { name: string; type: string }[]): string[] {
  return columns.filter((c) => NON_FINITE_SNIFFED.has(c.type.toUpperCase())).map((c) => c.name);
}

/** The file's note on a column read as numbers because of its inf / nan cells (`sniffed`: the type the sniffer gave). */
export function nonFiniteReadNote(name: string, sniffed: string): string {
  const not = sniffed.toUpperCase() === 'VARCHAR' ? 'not text' : `not ${sniffed.toUpperCase() === 'DATE' ? 'dates' : 'times'} (DuckDB's sniffer reads "inf" as a date)`;
  return `column ${JSON.stringify(name)} read as numbers: its inf / nan cells are non-finite values (counted as missing in statistics), ${not}`;
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);

/**
 * Integer columns (as sniffed from a sample) holding an inf / nan cell anywhere in the file: one scan of those
 * columns as text. Only a file longer than the sample can hold one (the sample's would have made the column text).
 */
async function lateNonFiniteColumns(conn: DuckDBConnection, baseOpts: string[], names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const tokens = NON_FINITE_TOKENS.map(quoteLiteral).join(', ');
  let row: Record<string, number | null> | undefined;
  try {
    row = await queryOne<Record<string, number | null>>(
      conn,
      `SELECT ${names.map((n, i) => `count(*) FILTER (lower(trim(${quoteIdent(n)})) IN (${tokens}))::BIGINT AS ${quoteIdent(`nf_${i}`)}`).join(', ')} FROM (SELECT * FROM read_csv(${[...baseOpts, 'all_varchar = true', 'ignore_errors = true', ...CSV_LINE_OPTS].join(', ')}) OFFSET ${SNIFF_SAMPLE_ROWS})`,
    );
  } catch {
    return [];
  }
  return names.filter((_n, i) => Number(row?.[`nf_${i}`] ?? 0) > 0);
}

/** Moves DuckDB's CSV rejects into _ad_rejects; returns the number of rejected lines. */
export async function drainCsvRejects(conn: DuckDBConnection, file: string, plan: CsvPlan): Promise<number> {
  const exists = await queryOne<{ n: number }>(conn, `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = ?`, [plan.rejectsTable]);
  if (!exists || Number(exists.n) === 0) return 0;
  try {
    await conn.run(
      `INSERT INTO ${quoteIdent(META_TABLES.rejects)}
       SELECT ${quoteLiteral(file)}, line, column_name, lower(error_type) || ': ' || error_message, left(csv_line, 500)
       FROM ${quoteIdent(plan.rejectsTable)} ORDER BY line, column_idx`,
    );
    const n = await queryOne<{ n: number }>(conn, `SELECT count(DISTINCT line)::BIGINT AS n FROM ${quoteIdent(plan.rejectsTable)}`);
    return Number(n?.n ?? 0);
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(plan.rejectsTable)}`);
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(plan.rejectsScan)}`);
  }
}

/* -------------------------------------------------------------------- JSON */

export const UNITS_TABLE = '__ad_units';

export interface JsonUnits {
  /** Non-blank lines (JSON Lines) or array elements (JSON array). */
  units: number;
  invalid: number;
  notObject: number;
}

/**
 * Stages a JSON Lines / JSON array file as one row per unit (line or element) with its number,
 * then rejects every malformed line and every non-object with its line number. Nothing is
 * skipped silently: units = objects + invalid + notObject (+ empty objects, counted as objects).
 *
 * The fast path reads the file as one text value. When that fails for a JSON Lines file (a byte that
 * is not UTF-8, or a line too big for memory) and `screen` is given, the file is screened line by line:
 * the bad lines are rejected with their number and reason, and the rest is read from a copy without them.
 */
export async function stageJsonUnits(conn: DuckDBConnection, file: string, plainPath: string, kind: 'jsonl' | 'json', screen?: JsonScreen): Promise<JsonUnits> {
  // Two unnests in one SELECT advance together; a lateral join would copy the whole text per line.
  // A trailing CR is JSON whitespace, so lines keep it; blank lines (spaces, tabs, CR only) are not units.
  const linesOf = (p: string): string =>
    `SELECT CAST(ord AS BIGINT) AS _line, l AS _t FROM (SELECT unnest(ls) AS l, unnest(generate_series(1, len(ls))) AS ord FROM (SELECT string_split(content, chr(10)) AS ls FROM read_text(${quoteLiteral(p)}))) WHERE NOT ${blankLineSql('l')}`;
  const p = quoteLiteral(plainPath);
  let select = linesOf(plainPath);
  let asLines = true;
  if (kind === 'json') {
    let head: { c: string | null; valid: boolean | null } | undefined;
    try {
      head = await queryOne<{ c: string | null; valid: boolean | null }>(conn, `SELECT left(ltrim(content, ' ' || chr(9) || chr(10) || chr(13)), 1) AS c, json_valid(content) AS valid FROM read_text(${p})`);
    } catch (e) {
      // Unreadable as text: a document ("[") is refused whole, naming the first bad byte; anything else is read as lines.
      if ((await firstNonBlankByte(plainPath)) === '[') throw new FileProblem((await notUtf8Detail(plainPath)) ?? `unreadable text: ${errText(e)}`);
    }
    if (head?.c === '[') {
      if (!head.valid) throw new FileProblem(await jsonSyntaxDetail(plainPath));
      asLines = false;
      select = `SELECT CAST(ord AS BIGINT) AS _line, CAST(e AS VARCHAR) AS _t FROM (SELECT unnest(es) AS e, unnest(generate_series(1, len(es))) AS ord FROM (SELECT json_extract(content, '$[*]') AS es FROM read_text(${p})))`;
    } else if (head?.c === '{' && head.valid) {
      asLines = false;
      select = `SELECT CAST(1 AS BIGINT) AS _line, content AS _t FROM read_text(${p})`;
    }
  }
  const stage = async (sel: string): Promise<void> => {
    await conn.run(
      // A valid JSON text starting with "{" is an object: one parse per line instead of two. An object without
      // a single quote character has no key ("{}"): kind EMPTY, rejected once by rejectEmptyObjects. No ORDER BY:
      // the lines come from unnesting one list, already in file order (sorting them would copy every line).
      `CREATE OR REPLACE TEMP TABLE ${UNITS_TABLE} AS SELECT _line, _t, ${UNIT_KIND_SQL} AS _kind FROM (${sel})`,
    );
  };
  let screened: ScreenedLine[] = [];
  try {
    await stage(select);
  } catch (e) {
    if (!asLines || !screen) throw new FileProblem(`unreadable text: ${errText(e)}`);
    screened = await screenJsonLines(plainPath, screen.lineLimit, SCREEN_MAX_BAD_LINES, screen.signal);
    if (screened.length === 0) throw new FileProblem(`unreadable text: ${errText(e)}`);
    if (screened.length > SCREEN_MAX_BAD_LINES) {
      const first = screened[0] as ScreenedLine;
      throw new FileProblem(`not valid text: more than ${SCREEN_MAX_BAD_LINES} lines are not valid UTF-8 or too long (first: line ${first.line}, ${first.reason}); re-export the file as UTF-8`);
    }
    const cleanPath = path.join(screen.workDir, `screened-${++screenedFiles}.jsonl`);
    await fs.mkdir(screen.workDir, { recursive: true });
    try {
      await copyWithoutLines(plainPath, cleanPath, screened);
      await stage(linesOf(cleanPath));
    } catch (e2) {
      throw new FileProblem(`unreadable text: ${errText(e2)}`);
    } finally {
      await fs.rm(cleanPath, { force: true });
    }
    await insertScreenedRejects(conn, file, screened);
  }
  await markDuplicateKeys(conn);
  const counts = await queryOne<{ units: number; invalid: number; not_object: number }>(
    conn,
    `SELECT count(*)::BIGINT AS units, count(*) FILTER (_kind = 'INVALID')::BIGINT AS invalid, count(*) FILTER (_kind NOT IN ('INVALID', 'OBJECT', 'EMPTY'))::BIGINT AS not_object FROM ${UNITS_TABLE}`,
  );
  await conn.run(unitRejectsSql(quoteLiteral(file), UNITS_TABLE, 'true', '_line'));
  return {
    units: Number(counts?.units ?? 0) + screened.length,
    invalid: Number(counts?.invalid ?? 0) + screened.length,
    notObject: Number(counts?.not_object ?? 0),
  };
}

/** A staged unit's kind: INVALID, OBJECT, EMPTY (an object without keys) or the JSON type of a non-object. */
export const UNIT_KIND_SQL = `CASE WHEN NOT json_valid(_t) THEN 'INVALID' WHEN starts_with(ltrim(_t), '{') THEN (CASE WHEN contains(_t, '"') THEN 'OBJECT' ELSE 'EMPTY' END) ELSE json_type(_t) END`;

/** SQL: the blank-line test (spaces, tabs, CR only): such a line is not a unit. */
export function blankLineSql(line: string): string {
  return `regexp_full_match(${line}, '[ \\t\\r]*')`;
}

/**
 * Rejects every staged unit that is not an object (malformed JSON, another JSON value, an object holding a key twice),
 * naming its line and why. `fileSql` gives the file; `where` and `order` narrow and order a batch of files.
 */
export function unitRejectsSql(fileSql: string, units: string, where: string, order: string): string {
  return `INSERT INTO ${quoteIdent(META_TABLES.rejects)}
     SELECT ${fileSql}, _line, CASE WHEN _kind = ${quoteLiteral(DUPLICATE_KEY)} THEN ${DUPLICATE_OF} END,
            CASE WHEN _kind = 'INVALID' THEN 'malformed JSON'
                 WHEN _kind = ${quoteLiteral(DUPLICATE_KEY)} THEN 'duplicate key ' || to_json(${DUPLICATE_OF}) || ' in one JSON object: readers disagree on which value holds (DuckDB keeps the first, JavaScript and Python the last), so the row is not loaded'
                 ELSE 'not a JSON object (found ' || lower(_kind) || ')' END, left(rtrim(_t, chr(13)), 500)
     FROM ${units} WHERE _kind NOT IN ('OBJECT', 'EMPTY') AND ${where} ORDER BY ${order}`;
}

/** Rejects every `{}` unit: an object without keys carries no row. */
export function emptyObjectRejectsSql(fileSql: string, units: string, where: string, order: string): string {
  return `INSERT INTO ${quoteIdent(META_TABLES.rejects)} SELECT ${fileSql}, _line, NULL, 'empty JSON object', left(rtrim(_t, chr(13)), 500) FROM ${units} WHERE _kind = 'EMPTY' AND ${where} ORDER BY ${order}`;
}

/** The unit kind of an object holding one key twice ({"label":0,"label":1}). */
export const DUPLICATE_KEY = 'DUPLICATE_KEY';
/** SQL: the first key of a staged unit that appears twice in it. */
export const DUPLICATE_OF = `list_filter(json_keys(_t), (k, i) -> list_position(json_keys(_t), k) < i)[1]`;

/**
 * A top-level key given twice in one object is read first-wins by DuckDB but last-wins by JavaScript and Python:
 * whichever value loaded, another tool reads the other. Such an object is marked DUPLICATE_KEY and rejected with the
 * key named (#14 item 12). A statement of its own, each object's keys parsed once: inside the staging statement it
 * parsed a 100 MB line again next to json_valid and ran out of a 2 GB memory limit.
 */
export async function markDuplicateKeys(conn: DuckDBConnection, units = UNITS_TABLE): Promise<void> {
  await conn.run(
    `UPDATE ${units} SET _kind = ${quoteLiteral(DUPLICATE_KEY)} WHERE _kind = 'OBJECT' AND list_transform([json_keys(_t)], ks -> len(ks) <> len(list_distinct(ks)))[1]`,
  );
}

/** How a JSON Lines file that cannot be read whole is screened: where the copy goes, the longest line accepted. */
export interface JsonScreen {
  workDir: string;
  lineLimit: number;
  signal?: AbortSignal;
}

/** Names screened copies uniquely within the process. */
let screenedFiles = 0;

async function insertScreenedRejects(conn: DuckDBConnection, file: string, lines: ScreenedLine[]): Promise<void> {
  const batch = 500;
  for (let i = 0; i < lines.length; i += batch) {
    const part = lines.slice(i, i + batch);
    const params: (string | number)[] = [];
    const rows = part.map((l) => {
      params.push(file, l.line, l.reason, l.raw.slice(0, 500));
      const b = params.length - 4;
      return `($${b + 1}, $${b + 2}, NULL, $${b + 3}, $${b + 4})`;
    });
    await conn.run(`INSERT INTO ${quoteIdent(META_TABLES.rejects)} VALUES ${rows.join(', ')}`, params);
  }
}

async function firstNonBlankByte(plainPath: string): Promise<string | null> {
  const fh = await fs.open(plainPath, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    for (let i = 0; i < bytesRead; i++) {
      const b = buf[i] as number;
      if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return String.fromCharCode(b);
    }
    return null;
  } finally {
    await fh.close();
  }
}

/** "not valid UTF-8 text: line n …" for the first line that is not UTF-8, or null when every byte is fine. */
async function notUtf8Detail(plainPath: string): Promise<string | null> {
  const [first] = await screenJsonLines(plainPath, Number.MAX_SAFE_INTEGER, 0);
  return first ? `not valid UTF-8 text: line ${first.line} is ${first.reason}; re-export the file as UTF-8` : null;
}

async function jsonSyntaxDetail(plainPath: string): Promise<string> {
  const st = await fs.stat(plainPath);
  if (st.size > 256 * 1024 * 1024) return 'malformed JSON document';
  const text = await fs.readFile(plainPath, 'utf8');
  try {
    JSON.parse(text);
    return 'malformed JSON document';
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/end of JSON input/i.test(msg)) return 'malformed JSON document: it ends early (truncated?)';
    const pos = /position (\d+)/.exec(msg);
    if (pos) {
      const at = Number(pos[1]);
      const line = text.slice(0, at).split('\n').length;
      return `malformed JSON document at line ${line} (${msg})`;
    }
    return `malformed JSON document (${msg})`;
  }
}

/** JSON pointer for a top-level key ("~" and "/" escaped per RFC 6901). */
function pointer(key: string): string {
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/**
 * Source over the staged JSON objects: keys found in any object become columns; canonical
 * JSON columns (and nested extras) are extracted as JSON, everything else as text and converted.
 * `lineKey`: a key carrying the source line (structured readers' staging), excluded from columns.
 */
/**
 * Top-level keys of the staged objects, in order of first appearance, each with the JSON type it
 * carries ("BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR", "NULL" or "JSON" for nested / mixed values).
 */
/** Top-level keys of the staged objects, in order of first appearance. null when there is no object at all. */
export async function jsonKeys(conn: DuckDBConnection): Promise<string[] | null> {
  const keys = await queryRows<{ k: string }>(
    conn,
    `SELECT k FROM (SELECT _line, unnest(ks) AS k, unnest(generate_series(1, len(ks))) AS i FROM (SELECT _line, json_keys(_t) AS ks FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT'))
     GROUP BY k ORDER BY min(CAST(_line AS HUGEINT) * 1000000 + i), k`,
  );
  if (keys.length === 0) {
    const any = await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM ${UNITS_TABLE} WHERE _kind IN ('OBJECT', 'EMPTY')`);
    return Number(any?.n ?? 0) > 0 ? [] : null;
  }
  return keys.map((k) => k.k);
}

/**
 * The JSON type each key carries over all objects ("BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR",
 * "NULL", or "JSON" for nested / mixed values). Only asked for keys whose column type is not known yet.
 */
export async function jsonKeyTypes(conn: DuckDBConnection, keys: string[]): Promise<Record<string, string>> {
  const out = Object.create(null) as Record<string, string>;
  if (keys.length === 0) return out;
  const ptrs = keys.map((k) => quoteLiteral(pointer(k))).join(', ');
  const types = await queryRows<{ i: number; t: string | null }>(
    conn,
    `SELECT DISTINCT i, t FROM (SELECT unnest(json_type(_t, [${ptrs}])) AS t, unnest(generate_series(1, ${keys.length})) AS i FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT') ORDER BY ALL`,
  );
  const seenOf = keys.map((_k, idx) => new Set(types.filter((t) => Number(t.i) === idx + 1 && t.t !== null && t.t !== 'NULL').map((t) => t.t as string)));
  // A key carrying numbers and strings: are the strings all spellings of inf / nan ("inf", "-Infinity", "NaN")?
  const mixed = keys.map((k, idx) => ({ k, idx })).filter(({ idx }) => numbersAndText(seenOf[idx] as Set<string>));
  if (mixed.length > 0) {
    const row = await queryOne<Record<string, boolean | null>>(
      conn,
      `SELECT ${mixed.map(({ k, idx }) => `bool_and(${nonFiniteTextSql('_t', quoteLiteral(pointer(k)))}) FILTER (WHERE json_type(_t, ${quoteLiteral(pointer(k))}) = 'VARCHAR') AS ${quoteIdent(`nf_${idx}`)}`).join(', ')} FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT'`,
    );
    for (const { idx } of mixed) if (row?.[`nf_${idx}`] === true) markNonFiniteText(seenOf[idx] as Set<string>);
  }
  keys.forEach((k, idx) => {
    out[k] = leafType(seenOf[idx] as Set<string>);
  });
  return out;
}

/** Spellings of non-finite numbers other tools write (pandas, R, numpy, Java, JavaScript); DuckDB's DOUBLE cast reads them all. */
export const NON_FINITE_TOKENS = ['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity', 'nan', '+nan', '-nan'];

/** SQL: the string at a JSON pointer (SQL giving it) of a staged unit is a spelling of inf / nan. */
export function nonFiniteTextSql(unit: string, pointerSql: string): string {
  return `lower(trim(json_extract_string(${unit}, ${pointerSql}))) IN (${NON_FINITE_TOKENS.map(quoteLiteral).join(', ')})`;
}

/** A JSON key's types: numbers, and strings (that may all be inf / nan spellings). */
export function numbersAndText(seen: Set<string>): boolean {
  return seen.has('VARCHAR') && [...seen].some((t) => t === 'BIGINT' || t === 'UBIGINT' || t === 'DOUBLE');
}

/** The pseudo JSON type of strings that all spell inf / nan: with numbers beside them the key is DOUBLE (#14 item 11). */
export const NON_FINITE_TEXT = 'NONFINITE';

export function markNonFiniteText(seen: Set<string>): void {
  seen.delete('VARCHAR');
  seen.add(NON_FINITE_TEXT);
}

/**
 * One level of nested keys under the object-valued keys: "spanContext" → "spanContext.traceId" (JSON pointer
 * /spanContext/traceId), with their JSON types. Offered to column mapping only (never loaded unless mapped).
 */
export async function jsonNestedKeys(conn: DuckDBConnection, objectKeys: string[]): Promise<{ name: string; pointer: string; type: string }[]> {
  const out: { name: string; pointer: string; type: string }[] = [];
  for (const k of objectKeys.slice(0, 20)) {
    const p = pointer(k);
    const rows = await queryRows<{ sub: string; t: string | null }>(
      conn,
      `SELECT sub, string_agg(DISTINCT t, ',') AS t FROM (SELECT unnest(json_keys(v)) AS sub, v FROM (SELECT json_extract(_t, ${quoteLiteral(p)}) AS v FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT') WHERE json_type(v) = 'OBJECT')
       CROSS JOIN LATERAL (SELECT json_type(v, '/' || replace(replace(sub, '~', '~0'), '/', '~1')) AS t) GROUP BY sub ORDER BY sub LIMIT 50`,
    );
    for (const r of rows) out.push({ name: `${k}.${r.sub}`, pointer: `${p}${pointer(r.sub)}`, type: leafType(new Set((r.t ?? '').split(',').filter((x) => x && x !== 'NULL'))) });
  }
  return out;
}

/** Keys and types in one go, for a known target table: types are looked up only for keys the table lacks. */
export async function jsonStructure(
  conn: DuckDBConnection,
  targets: TargetTables,
  table: string | ((keys: string[]) => string),
  opts: { allTypes?: boolean } = {},
): Promise<{ table: string; structure: Record<string, string> } | null> {
  const keys = await jsonKeys(conn);
  if (keys === null) return null;
  refuseNulColumnNames(keys);
  const t = typeof table === 'string' ? table : table(keys);
  const unknown = opts.allTypes ? keys : keys.filter((k) => !targets.column(t, k));
  const types = await jsonKeyTypes(conn, unknown);
  const structure = Object.create(null) as Record<string, string>;
  for (const k of keys) structure[k] = types[k] ?? 'VARCHAR';
  return { table: t, structure };
}

export function leafType(seen: Set<string>): string {
  if (seen.size === 0) return 'NULL';
  if (seen.has('OBJECT') || seen.has('ARRAY')) return 'JSON';
  const all = [...seen];
  if (all.every((t) => t === 'BIGINT' || t === 'UBIGINT')) return 'BIGINT';
  if (all.every((t) => t === 'BIGINT' || t === 'UBIGINT' || t === 'DOUBLE')) return 'DOUBLE';
  if (all.every((t) => t === 'BIGINT' || t === 'UBIGINT' || t === 'DOUBLE' || t === NON_FINITE_TEXT) && all.some((t) => t !== NON_FINITE_TEXT)) return 'DOUBLE';
  if (all.every((t) => t === NON_FINITE_TEXT)) return 'VARCHAR';
  if (all.every((t) => t === 'BOOLEAN')) return 'BOOLEAN';
  return 'VARCHAR';
}

export function jsonObjectsSource(
  targets: TargetTables,
  table: string,
  structure: Record<string, string>,
  lineKey: string | null,
  plan: MappingPlan | null = null,
  nested: { name: string; pointer: string }[] = [],
  batch: { units: string; where: string } | null = null,
): SourceSpec {
  const keys = Object.keys(structure).filter((k) => k !== lineKey);
  const pointerOf = new Map(nested.map((n) => [n.name, n.pointer]));
  const names = dedupeColumnNames(keys);
  const text: string[] = [];
  const json: string[] = [];
  const columns: SourceSpec['columns'] = [];
  keys.forEach((k, i) => {
    const name = names[i] as string;
    const mapped = plan?.bySource.get(name.toLowerCase());
    // A source key left unmapped but named like a canonical column is renamed by mapSpec: it is an extra column.
    const existing = mapped ? targets.column(table, mapped.target) : plan?.entries.some((e) => e.column === name.toLowerCase()) ? undefined : targets.column(table, name);
    const extraType = jsonStructureType(structure[k]);
    const wantJson = existing ? existing.type === 'JSON' : extraType === 'JSON';
    const ptr = pointerOf.get(k) ?? pointer(k);
    if (wantJson) {
      json.push(ptr);
      columns.push({ name, type: 'JSON', expr: `_j[${json.length}]`, targetType: existing ? undefined : 'JSON' });
    } else {
      text.push(ptr);
      columns.push({ name, type: 'VARCHAR', expr: `_s[${text.length}]`, targetType: existing ? undefined : extraType });
    }
  });
  const lineExpr = lineKey ? `TRY_CAST(json_extract_string(_t, ${quoteLiteral(pointer(lineKey))}) AS BIGINT)` : '_line';
  const from = `(SELECT ${batch ? '_f, _p, ' : ''}_line, _t, ${text.length > 0 ? `json_extract_string(_t, [${text.map(quoteLiteral).join(', ')}])` : 'NULL'} AS _s, ${
    json.length > 0 ? `json_extract(_t, [${json.map(quoteLiteral).join(', ')}])` : 'NULL'
  } AS _j FROM ${batch ? `${batch.units} WHERE _kind = 'OBJECT' AND ${batch.where}` : `${UNITS_TABLE} WHERE _kind = 'OBJECT'`})`;
  return { from, lineExpr, rawExpr: '_t', columns, ...(batch ? { fileExpr: '_p' } : {}) };
}

/** Rejects every `{}` unit (an object with no keys carries no row; it is never loaded); returns how many. */
export async function rejectEmptyObjects(conn: DuckDBConnection, file: string): Promise<number> {
  const n = await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM ${UNITS_TABLE} WHERE _kind = 'EMPTY'`);
  if (Number(n?.n ?? 0) === 0) return 0;
  await conn.run(
    emptyObjectRejectsSql(quoteLiteral(file), UNITS_TABLE, 'true', '_line'),
  );
  return Number(n?.n ?? 0);
}

export async function dropUnits(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${UNITS_TABLE}`);
}
