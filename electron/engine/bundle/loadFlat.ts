import fs from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { META_TABLES } from '../../../shared/canonical';
import { queryOne, queryRows, quoteIdent, quoteLiteral } from '../db';
import { jsonStructureType } from './convert';

import { dedupeColumnNames, type SourceSpec } from './load';
import { FileProblem } from './sniff';
import type { TargetTables } from './target';

function errText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0] ?? m;
}

/* ----------------------------------------------------------------- Parquet */

export async function parquetSource(conn: DuckDBConnection, plainPath: string, bytes: number): Promise<SourceSpec> {
  if (bytes < 12) throw new FileProblem(bytes === 0 ? 'zero-byte file; not a Parquet file' : 'truncated Parquet file (shorter than its header and footer)');
  const fh = await fs.open(plainPath, 'r');
  try {
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    await fh.read(tail, 0, 4, bytes - 4);
    if (head.toString('latin1') !== 'PAR1') throw new FileProblem('not a Parquet file (wrong magic bytes at the start)');
    if (tail.toString('latin1') !== 'PAR1') throw new FileProblem('truncated Parquet file (footer magic bytes missing at the end)');
  } finally {
    await fh.close();
  }
  const fn = `read_parquet(${quoteLiteral(plainPath)}, file_row_number = true)`;
  let cols: { column_name: string; column_type: string }[];
  try {
    cols = await queryRows<{ column_name: string; column_type: string }>(conn, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${fn})`);
  } catch (e) {
    throw new FileProblem(`unreadable Parquet file: ${errText(e)}`);
  }
  const data = cols.filter((c) => c.column_name !== 'file_row_number');
  const names = dedupeColumnNames(data.map((c) => c.column_name));
  return {
    from: fn,
    lineExpr: 'file_row_number + 1',
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
  chooseTable: (columns: string[]) => string,
  canonicalTypeOf: (table: string, column: string) => string | null,
): Promise<CsvPlan & { table: string }> {
  const inferred: string[] = [];
  const opts: string[] = [];
  if (delimiter) opts.push(`delim = ${quoteLiteral(delimiter)}`);
  if (header) opts.push('header = false', `names = [${header.map(quoteLiteral).join(', ')}]`);
  const runSniff = async (extra: string[]): Promise<{ row: SniffRow; cols: { name: string; type: string }[] }> => {
    let row: SniffRow | undefined;
    try {
      row = await queryOne<SniffRow & Record<string, never>>(conn, `SELECT Delimiter, HasHeader, Columns FROM sniff_csv(${[quoteLiteral(plainPath), ...opts, ...extra, 'ignore_errors = true'].join(', ')})`);
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
  if (!delimiter) inferred.push(`delimiter ${JSON.stringify(sniff.Delimiter)} (sniffed)`);
  if (!header) {
    inferred.push(sniff.HasHeader ? 'header row (sniffed)' : 'no header row (sniffed): columns named column0..N; declare "header" in the manifest to name them');
  }
  const table = chooseTable(sniffedCols.map((c) => c.name));
  const types: Record<string, string> = {};
  for (const c of sniffedCols) {
    const canonical = canonicalTypeOf(table, c.name);
    if (canonical) types[c.name] = canonical === 'TIMESTAMP' ? 'TIMESTAMPTZ' : canonical === 'JSON' ? 'VARCHAR' : canonical;
  }
  const id = String(++csvScans);
  const rejectsTable = `__ad_csv_rej_${id}`;
  const rejectsScan = `__ad_csv_scan_${id}`;
  const readOpts = [
    quoteLiteral(plainPath),
    `delim = ${quoteLiteral(delimiter ?? sniff.Delimiter)}`,
    `header = ${header ? 'false' : sniff.HasHeader ? 'true' : 'false'}`,
    ...(header ? [`names = [${header.map(quoteLiteral).join(', ')}]`] : []),
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
    'max_line_size = 67108864',
    'buffer_size = 134217728',
  ];
  const from = `read_csv(${readOpts.join(', ')})`;
  let cols: { column_name: string; column_type: string }[];
  try {
    cols = await queryRows<{ column_name: string; column_type: string }>(conn, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`);
  } catch (e) {
    throw new FileProblem(`unreadable CSV: ${errText(e)}`);
  }
  const outNames = dedupeColumnNames(cols.map((c) => c.column_name));
  return {
    table,
    spec: {
      from,
      lineExpr: null,
      rawExpr: null,
      columns: cols.map((c, i) => ({ name: outNames[i] as string, type: c.column_type === 'TIMESTAMP WITH TIME ZONE' ? 'TIMESTAMPTZ' : c.column_type, expr: quoteIdent(c.column_name) })),
    },
    inferred,
    rejectsTable,
    rejectsScan,
  };
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
 * skipped silently: units = objects + invalid + notObject.
 */
export async function stageJsonUnits(conn: DuckDBConnection, file: string, plainPath: string, kind: 'jsonl' | 'json'): Promise<JsonUnits> {
  const p = quoteLiteral(plainPath);
  // Two unnests in one SELECT advance together; a lateral join would copy the whole text per line.
  // A trailing CR is JSON whitespace, so lines keep it; blank lines (spaces, tabs, CR only) are not units.
  const lines = `SELECT CAST(ord AS BIGINT) AS _line, l AS _t FROM (SELECT unnest(ls) AS l, unnest(generate_series(1, len(ls))) AS ord FROM (SELECT string_split(content, chr(10)) AS ls FROM read_text(${p}))) WHERE NOT regexp_full_match(l, '[ \\t\\r]*')`;
  let select = lines;
  if (kind === 'json') {
    const head = await queryOne<{ c: string | null; valid: boolean | null }>(conn, `SELECT left(ltrim(content, ' ' || chr(9) || chr(10) || chr(13)), 1) AS c, json_valid(content) AS valid FROM read_text(${p})`).catch((e: unknown) => {
      throw new FileProblem(`unreadable text: ${errText(e)}`);
    });
    if (head?.c === '[') {
      if (!head.valid) throw new FileProblem(await jsonSyntaxDetail(plainPath));
      select = `SELECT CAST(ord AS BIGINT) AS _line, CAST(e AS VARCHAR) AS _t FROM (SELECT unnest(es) AS e, unnest(generate_series(1, len(es))) AS ord FROM (SELECT json_extract(content, '$[*]') AS es FROM read_text(${p})))`;
    } else if (head?.c === '{' && head.valid) {
      select = `SELECT CAST(1 AS BIGINT) AS _line, content AS _t FROM read_text(${p})`;
    }
  }
  try {
    await conn.run(
      // A valid JSON text starting with "{" is an object: one parse per line instead of two. No ORDER BY:
      // the lines come from unnesting one list, already in file order (sorting them would copy every line).
      `CREATE OR REPLACE TEMP TABLE ${UNITS_TABLE} AS SELECT _line, _t, CASE WHEN NOT json_valid(_t) THEN 'INVALID' WHEN starts_with(ltrim(_t), '{') THEN 'OBJECT' ELSE json_type(_t) END AS _kind FROM (${select})`,
    );
  } catch (e) {
    throw new FileProblem(`unreadable text: ${errText(e)}`);
  }
  const counts = await queryOne<{ units: number; invalid: number; not_object: number }>(
    conn,
    `SELECT count(*)::BIGINT AS units, count(*) FILTER (_kind = 'INVALID')::BIGINT AS invalid, count(*) FILTER (_kind NOT IN ('INVALID', 'OBJECT'))::BIGINT AS not_object FROM ${UNITS_TABLE}`,
  );
  await conn.run(
    `INSERT INTO ${quoteIdent(META_TABLES.rejects)}
     SELECT ${quoteLiteral(file)}, _line, NULL, CASE WHEN _kind = 'INVALID' THEN 'malformed JSON' ELSE 'not a JSON object (found ' || lower(_kind) || ')' END, left(rtrim(_t, chr(13)), 500)
     FROM ${UNITS_TABLE} WHERE _kind <> 'OBJECT' ORDER BY _line`,
  );
  return { units: Number(counts?.units ?? 0), invalid: Number(counts?.invalid ?? 0), notObject: Number(counts?.not_object ?? 0) };
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
    const any = await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT'`);
    return Number(any?.n ?? 0) > 0 ? [] : null;
  }
  return keys.map((k) => k.k);
}

/**
 * The JSON type each key carries over all objects ("BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR",
 * "NULL", or "JSON" for nested / mixed values). Only asked for keys whose column type is not known yet.
 */
export async function jsonKeyTypes(conn: DuckDBConnection, keys: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (keys.length === 0) return out;
  const ptrs = keys.map((k) => quoteLiteral(pointer(k))).join(', ');
  const types = await queryRows<{ i: number; t: string | null }>(
    conn,
    `SELECT DISTINCT i, t FROM (SELECT unnest(json_type(_t, [${ptrs}])) AS t, unnest(generate_series(1, ${keys.length})) AS i FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT') ORDER BY ALL`,
  );
  keys.forEach((k, idx) => {
    const seen = new Set(types.filter((t) => Number(t.i) === idx + 1 && t.t !== null && t.t !== 'NULL').map((t) => t.t as string));
    out[k] = leafType(seen);
  });
  return out;
}

/** Keys and types in one go, for a known target table: types are looked up only for keys the table lacks. */
export async function jsonStructure(conn: DuckDBConnection, targets: TargetTables, table: string | ((keys: string[]) => string)): Promise<{ table: string; structure: Record<string, string> } | null> {
  const keys = await jsonKeys(conn);
  if (keys === null) return null;
  const t = typeof table === 'string' ? table : table(keys);
  const unknown = keys.filter((k) => !targets.column(t, k));
  const types = await jsonKeyTypes(conn, unknown);
  const structure: Record<string, string> = {};
  for (const k of keys) structure[k] = types[k] ?? 'VARCHAR';
  return { table: t, structure };
}

function leafType(seen: Set<string>): string {
  if (seen.size === 0) return 'NULL';
  if (seen.has('OBJECT') || seen.has('ARRAY')) return 'JSON';
  const all = [...seen];
  if (all.every((t) => t === 'BIGINT' || t === 'UBIGINT')) return 'BIGINT';
  if (all.every((t) => t === 'BIGINT' || t === 'UBIGINT' || t === 'DOUBLE')) return 'DOUBLE';
  if (all.every((t) => t === 'BOOLEAN')) return 'BOOLEAN';
  return 'VARCHAR';
}

export function jsonObjectsSource(targets: TargetTables, table: string, structure: Record<string, string>, lineKey: string | null): SourceSpec {
  const keys = Object.keys(structure).filter((k) => k !== lineKey);
  const names = dedupeColumnNames(keys);
  const text: string[] = [];
  const json: string[] = [];
  const columns: SourceSpec['columns'] = [];
  keys.forEach((k, i) => {
    const name = names[i] as string;
    const existing = targets.column(table, name);
    const extraType = jsonStructureType(structure[k]);
    const wantJson = existing ? existing.type === 'JSON' : extraType === 'JSON';
    if (wantJson) {
      json.push(pointer(k));
      columns.push({ name, type: 'JSON', expr: `_j[${json.length}]`, targetType: existing ? undefined : 'JSON' });
    } else {
      text.push(pointer(k));
      columns.push({ name, type: 'VARCHAR', expr: `_s[${text.length}]`, targetType: existing ? undefined : extraType });
    }
  });
  const lineExpr = lineKey ? `TRY_CAST(json_extract_string(_t, ${quoteLiteral(pointer(lineKey))}) AS BIGINT)` : '_line';
  const from = `(SELECT _line, _t, ${text.length > 0 ? `json_extract_string(_t, [${text.map(quoteLiteral).join(', ')}])` : 'NULL'} AS _s, ${
    json.length > 0 ? `json_extract(_t, [${json.map(quoteLiteral).join(', ')}])` : 'NULL'
  } AS _j FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT')`;
  return { from, lineExpr, rawExpr: '_t', columns };
}

/** Rejects every `{}` unit (an object with no keys carries no row); returns how many. */
export async function rejectEmptyObjects(conn: DuckDBConnection, file: string): Promise<number> {
  const n = await queryOne<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT' AND json_keys(_t) = []`);
  await conn.run(
    `INSERT INTO ${quoteIdent(META_TABLES.rejects)} SELECT ${quoteLiteral(file)}, _line, NULL, 'empty JSON object', left(_t, 500) FROM ${UNITS_TABLE} WHERE _kind = 'OBJECT' AND json_keys(_t) = [] ORDER BY _line`,
  );
  return Number(n?.n ?? 0);
}

export async function dropUnits(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${UNITS_TABLE}`);
}
