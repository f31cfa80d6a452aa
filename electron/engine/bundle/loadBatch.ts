import type { DuckDBConnection } from '@duckdb/node-api';
import { META_TABLES } from '../../../shared/canonical';
import { queryRows, quoteIdent, quoteLiteral } from '../db';
import { CSV_ROW_LINES, dropCsvRowLines } from './csvLines';
import { FLOAT_TYPES, rowLinesOf, targetParts, typedRowsSql, NON_FINITE_NOTE, type LoadCounts, type SourceSpec } from './load';
import { INFINITE_TIME } from './leniency';
import { blankLineSql, DUPLICATE_KEY, emptyObjectRejectsSql, markDuplicateKeys, nonFiniteTextSql, UNIT_KIND_SQL, unitRejectsSql } from './loadFlat';

/**
 * Many small JSON Lines files (and JSON array files) loaded together (#14 item 14): one statement stages the lines
 * (array elements) of every file of a batch,
 * one query finds each file's structure (its keys in order of first appearance, with the JSON types each carries), and
 * the files of one structure are loaded into their table by one statement, each row keeping its file and line. The
 * per-file path (loadFlat.ts) is the reference: a file whose structure no other file shares is loaded by it, and
 * every count, reject and note of a batched file is what that path gives the file alone.
 */

/** Every non-blank line (array element) of the batch's files: _f (file number), _p (bundle path), _line, _t, _kind. */
export const BATCH_UNITS = '__ad_bunits';
/** The batch's files: _f, _p (bundle path), _path (where the engine reads it). */
const BATCH_FILES = '__ad_bfiles';

export interface BatchFile {
  relPath: string;
  /** Where the engine reads it (a private copy). */
  absPath: string;
  /** A JSON array file (.json): its units are the array's elements, numbered from 1; otherwise a JSON Lines file. */
  array?: boolean;
}

/**
 * A temporary table of a batch's files, to join a multi-file read's file names to: _f (the file's number in the
 * batch), _p (its bundle path), _path (where the engine reads it).
 */
export async function stageFileList(conn: DuckDBConnection, table: string, files: { f: number; relPath: string; absPath: string }[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (_f INTEGER, _p VARCHAR, _path VARCHAR)`);
  const app = await conn.createAppender(table, 'main', 'temp');
  try {
    for (const x of files) {
      app.appendInteger(x.f);
      app.appendVarchar(x.relPath);
      app.appendVarchar(x.absPath);
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

/**
 * Stages the units of every file in one statement: the lines of a JSON Lines file, the elements of a JSON array file.
 * Throws when any file cannot be read as text (the caller falls back). A JSON array file the batch cannot vouch for
 * stages no unit, so it joins no group and is loaded alone (see arrayElementsSql).
 */
export async function stageBatch(conn: DuckDBConnection, files: BatchFile[]): Promise<void> {
  await stageFileList(
    conn,
    BATCH_FILES,
    files.map((f, i) => ({ f: i, ...f })),
  );
  const paths = (array: boolean): string[] => files.filter((f) => f.array === array).map((f) => quoteLiteral(f.absPath));
  const parts: string[] = [];
  // read_text over the list of files: one scan; each file's lines numbered from 1, as the per-file path does.
  if (paths(false).length > 0) {
    parts.push(`SELECT b._f, b._p, CAST(x.ord AS BIGINT) AS _line, x.l AS _t
    FROM (SELECT filename, unnest(ls) AS l, unnest(generate_series(1, len(ls))) AS ord FROM (SELECT filename, string_split(content, chr(10)) AS ls FROM read_text([${paths(false).join(', ')}]))) x
    JOIN ${BATCH_FILES} b ON b._path = x.filename WHERE NOT ${blankLineSql('x.l')}`);
  }
  if (paths(true).length > 0) parts.push(arrayElementsSql(paths(true)));
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${BATCH_UNITS} AS SELECT _f, _p, _line, _t, ${UNIT_KIND_SQL} AS _kind FROM (${parts.join(' UNION ALL ')})`);
  await markDuplicateKeys(conn, BATCH_UNITS);
  const arrays = files.flatMap((f, i) => (f.array ? [i] : []));
  if (arrays.length > 0) {
    // A JSON array holding an array, or an object holding a key twice: the per-file path alone speaks for the file.
    await conn.run(
      `DELETE FROM ${BATCH_UNITS} WHERE _f IN (SELECT DISTINCT _f FROM ${BATCH_UNITS} WHERE _kind IN ('ARRAY', ${quoteLiteral(DUPLICATE_KEY)}) AND _f IN (${arrays.join(', ')}))`,
    );
  }
}

/**
 * SQL: the elements of the given JSON array files (quoted paths), each numbered from 1 and given as text, as
 * stageJsonUnits reads a ".json" file whose first non-blank character is "[" and that is valid JSON. Any other file
 * (one object, JSON Lines in a .json file, a scalar, invalid JSON, a byte-order mark) yields no element: the per-file
 * path reads it otherwise.
 */
function arrayElementsSql(paths: string[]): string {
  const isArray = `left(ltrim(content, ' ' || chr(9) || chr(10) || chr(13)), 1) = '[' AND json_valid(content)`;
  return `SELECT b._f, b._p, CAST(x.ord AS BIGINT) AS _line, CAST(x.e AS VARCHAR) AS _t
    FROM (SELECT filename, unnest(es) AS e, unnest(generate_series(1, len(es))) AS ord
          FROM (SELECT filename, CASE WHEN ${isArray} THEN json_extract(content, '$[*]') END AS es FROM read_text([${paths.join(', ')}]))) x
    JOIN ${BATCH_FILES} b ON b._path = x.filename`;
}

export async function dropBatch(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${BATCH_UNITS}`);
  await conn.run(`DROP TABLE IF EXISTS ${BATCH_FILES}`);
}

export interface UnitCounts {
  /** Non-blank lines. */
  units: number;
  invalid: number;
  /** Valid JSON that is not an object, or an object holding a key twice. */
  notObject: number;
  empty: number;
  objects: number;
}

export async function batchUnitCounts(conn: DuckDBConnection): Promise<Map<number, UnitCounts>> {
  const rows = await queryRows<{ f: number; units: number; invalid: number; not_object: number; empty: number; objects: number }>(
    conn,
    `SELECT _f AS f, count(*)::BIGINT AS units, count(*) FILTER (_kind = 'INVALID')::BIGINT AS invalid, count(*) FILTER (_kind NOT IN ('INVALID', 'OBJECT', 'EMPTY'))::BIGINT AS not_object,
            count(*) FILTER (_kind = 'EMPTY')::BIGINT AS empty, count(*) FILTER (_kind = 'OBJECT')::BIGINT AS objects FROM ${BATCH_UNITS} GROUP BY _f`,
  );
  return new Map(rows.map((r) => [Number(r.f), { units: Number(r.units), invalid: Number(r.invalid), notObject: Number(r.not_object), empty: Number(r.empty), objects: Number(r.objects) }]));
}

/** A structure several files share: their top-level keys in order of first appearance, each with the JSON types it carries. */
export interface BatchStructure {
  /** t: the JSON types the key carries; nf: its strings all spell inf / nan (null: it has no strings). */
  keys: { k: string; t: string[]; nf: boolean | null }[];
  files: number[];
}

/**
 * Files grouped by structure. The key order and the types are those jsonKeys / jsonKeyTypes give a file alone
 * (first appearance by line then position, ties by name; NULL values carry no type), so a group's structure is each
 * member's structure.
 */
export async function batchStructures(conn: DuckDBConnection): Promise<BatchStructure[]> {
  const rows = await queryRows<{ sig: string; files: string }>(
    conn,
    `WITH kv AS (
       SELECT _f, _line, _t, k, i, '/' || replace(replace(k, '~', '~0'), '/', '~1') AS ptr, json_type(_t, ptr) AS t
       FROM (SELECT _f, _line, _t, unnest(ks) AS k, unnest(generate_series(1, len(ks))) AS i FROM (SELECT _f, _line, _t, json_keys(_t) AS ks FROM ${BATCH_UNITS} WHERE _kind = 'OBJECT'))
     ), per_key AS (
       SELECT _f, k, min(CAST(_line AS HUGEINT) * 1000000 + i) AS pos, list_sort(list_distinct(coalesce(list(t) FILTER (WHERE t IS NOT NULL AND t <> 'NULL'), []))) AS ts,
              bool_and(${nonFiniteTextSql('_t', 'ptr')}) FILTER (WHERE t = 'VARCHAR') AS nf FROM kv GROUP BY _f, k
     ), per_file AS (
       SELECT _f, CAST(to_json(list({'k': k, 't': ts, 'nf': nf} ORDER BY pos, k)) AS VARCHAR) AS sig FROM per_key GROUP BY _f
     )
     SELECT sig, CAST(to_json(list(_f ORDER BY _f)) AS VARCHAR) AS files FROM per_file GROUP BY sig ORDER BY min(_f)`,
  );
  return rows.map((r) => ({ keys: JSON.parse(r.sig) as BatchStructure['keys'], files: JSON.parse(r.files) as number[] }));
}

/** SQL: the rows of the given batch files. */
export function batchWhere(files: number[]): string {
  return `_f IN (${files.join(', ')})`;
}

/** Rejects the staged lines of the given batch files that are not objects, or are empty objects, with file and line. */
export async function batchUnitRejects(conn: DuckDBConnection, files: number[]): Promise<void> {
  const where = batchWhere(files);
  await conn.run(unitRejectsSql('_p', BATCH_UNITS, where, '_f, _line'));
  await conn.run(emptyObjectRejectsSql('_p', BATCH_UNITS, where, '_f, _line'));
}

export interface FileCounts {
  loaded: number;
  rejected: number;
  lenient: LoadCounts['lenient'];
}

/**
 * Loads the rows of the given batch files (one structure, one table) in one statement, rejects with file and
 * line (or row order), and returns each file's counts, lenient readings and non-finite values (what loadIntoTable gives each file).
 * Run inside a transaction by the caller; table and columns are created before it.
 */
export async function loadBatchIntoTable(
  conn: DuckDBConnection,
  parts: Awaited<ReturnType<typeof targetParts>>['parts'],
  table: string,
  spec: SourceSpec,
): Promise<Map<number, FileCounts>> {
  const inner = `SELECT _f AS "__ad_f", _p AS "__ad_p", CAST(${spec.rowExpr ?? spec.lineExpr ?? 'NULL'} AS BIGINT) AS "__ad_ord", CAST(${spec.lineExpr ?? 'NULL'} AS BIGINT) AS "__ad_line", CAST(${spec.rawExpr ?? 'NULL'} AS VARCHAR) AS "__ad_raw", ${parts
    .map((p, i) => `${p.src} AS ${quoteIdent(`s_${i}`)}`)
    .join(', ')} FROM ${spec.from}`;
  // An infinite date or time is loaded as missing (and counted below), as nonFiniteNotes does for a file loaded alone.
  const value = (p: (typeof parts)[number], e: string): string => (p.lenient ? p.lenient.sql(e) : p.infiniteTime ? INFINITE_TIME.sql(e) : e);
  await conn.run(`CREATE OR REPLACE TEMP TABLE "__ad_typed" AS ${typedRowsSql(inner, parts, ['__ad_f', '__ad_p', '__ad_ord'])}`);
  let asked = false;
  try {
    await conn.run(
      `INSERT INTO ${quoteIdent(table)} (${parts.map((p) => quoteIdent(p.target)).join(', ')}) SELECT ${parts.map((p, i) => value(p, quoteIdent(`c_${i}`))).join(', ')} FROM "__ad_typed" WHERE len("__ad_bad") = 0 ORDER BY "__ad_f", "__ad_ord"`,
    );
    const lenient = parts.map((p, i) => ({ p, i })).filter(({ p }) => p.lenient);
    // Floating-point and date / time columns: their non-finite values are counted per file.
    const nonFinite = [...new Map(parts.map((p, i) => ({ p, i })).filter(({ p }) => FLOAT_TYPES.has(p.targetType.toUpperCase()) || p.infiniteTime).map((x) => [x.p.target, x])).values()];
    const counts = await queryRows<Record<string, number>>(
      conn,
      `SELECT "__ad_f" AS f, count(*) FILTER (len("__ad_bad") = 0)::BIGINT AS loaded, count(*) FILTER (len("__ad_bad") > 0)::BIGINT AS rejected${lenient
        .map(({ p, i }) => `, count(*) FILTER (WHERE len("__ad_bad") = 0 AND ${quoteIdent(`c_${i}`)} IS DISTINCT FROM ${p.lenient?.sql(quoteIdent(`c_${i}`))})::BIGINT AS ${quoteIdent(`l_${i}`)}`)
        .join('')}${nonFinite.map(({ i }) => `, count(*) FILTER (WHERE len("__ad_bad") = 0 AND NOT isfinite(${quoteIdent(`c_${i}`)}))::BIGINT AS ${quoteIdent(`n_${i}`)}`).join('')}
       FROM "__ad_typed" GROUP BY "__ad_f"`,
    );
    // CSV rows carry no line: the files with a rejected row are asked for their rows' lines and text (csvLines.ts).
    const withRejects = counts.filter((r) => Number(r['rejected']) > 0).map((r): [number, number] => [Number(r['f']), Number(r['loaded']) + Number(r['rejected'])]);
    asked = spec.rowLines !== undefined && withRejects.length > 0;
    const lines = spec.rowLines && asked ? await rowLinesOf(conn, spec.rowLines, new Map(withRejects)) : false;
    await conn.run(
      `INSERT INTO ${quoteIdent(META_TABLES.rejects)} SELECT "__ad_p", ${lines ? 'coalesce(t."__ad_line", l._line)' : '"__ad_line"'}, b.column, b.reason, ${lines ? 'coalesce(t."__ad_raw", l._raw)' : '"__ad_raw"'}
       FROM (SELECT "__ad_f", "__ad_p", "__ad_ord", "__ad_line", "__ad_raw", unnest("__ad_bad") AS b FROM "__ad_typed" WHERE len("__ad_bad") > 0) t
       ${lines ? `LEFT JOIN ${CSV_ROW_LINES} l ON l._f = t."__ad_f" AND l._ord = t."__ad_ord"` : ''} ORDER BY t."__ad_f", t."__ad_ord"`,
    );
    const out = new Map<number, FileCounts>();
    for (const r of counts) {
      const notes: LoadCounts['lenient'] = [
        ...lenient.map(({ p, i }) => ({ column: p.target, count: Number(r[`l_${i}`] ?? 0), note: p.lenient?.note ?? '' })),
        ...nonFinite.map(({ p, i }) => ({ column: p.target, count: Number(r[`n_${i}`] ?? 0), note: p.infiniteTime ? INFINITE_TIME.note : NON_FINITE_NOTE, plain: true as const })),
      ].filter((x) => x.count > 0);
      out.set(Number(r['f']), { loaded: Number(r['loaded']), rejected: Number(r['rejected']), lenient: notes });
    }
    return out;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS "__ad_typed"`);
    if (asked) await dropCsvRowLines(conn);
  }
}
