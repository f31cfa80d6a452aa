import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { JSDuckDBValueConverter, StatementType } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { QueryResult } from '../../../shared/api/bundle';
import type { Job } from '../context';
import { toArrowIpc, toConsoleCells } from './arrow';
import { checkConsoleFunctions, refuseUncheckedSelect } from './consoleAllow';

export const DEFAULT_SQL_LIMIT = 10_000;
/** The console streams a result and stops once its cells add up to this many bytes (UTF-8 text size, estimated). */
export const MAX_RESULT_BYTES = 32 * 1024 * 1024;
/** One text cell longer than this many characters is cut (marked with "… (N more characters)"). */
export const MAX_CELL_CHARS = 1024 * 1024;
const ALLOWED = 'Only single SELECT, WITH, FROM, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN and PRAGMA table_info statements are allowed.';

/** EXPLAIN [ANALYZE] [(options)] at the start, after any comments and whitespace. */
const EXPLAIN_PREFIX = /^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*explain\s+(analy[sz]e\s+)?(\([^)]*\)\s*)?/i;

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0] ?? m;
}

/** DuckDB errors surfaced to the console; file-access attempts are refusals, not errors. */
export function sqlFailure(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const msg = firstLine(e);
  if (/disabled by configuration|configuration has been locked|Permission Error/i.test(msg)) {
    return new ApiError('sql_refused', `Refused: this session is read-only and cannot read files, attach databases or change settings (${msg})`);
  }
  return new ApiError('sql_error', msg);
}

/**
 * Refuses anything but one read-only statement. DuckDB parses and classifies it (prepare does not
 * execute); SHOW / DESCRIBE / SUMMARIZE / PRAGMA table_info are SELECTs to DuckDB. EXPLAIN is
 * allowed only around a SELECT (EXPLAIN ANALYZE executes its statement).
 */
export async function checkReadOnly(conn: DuckDBConnection, sql: string, depth = 0): Promise<void> {
  let extracted;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (e) {
    throw sqlFailure(e);
  }
  if (extracted.count === 0) throw new ApiError('sql_refused', 'Refused: no SQL statement given.');
  if (extracted.count > 1) throw new ApiError('sql_refused', `Refused: ${extracted.count} statements given; run one statement at a time. ${ALLOWED}`);
  // Functions are checked on the parse tree before anything is bound: binding a table function can already act.
  const explained = sql.replace(EXPLAIN_PREFIX, '');
  let serialized: 'checked' | 'not_serializable';
  try {
    if (explained !== sql && depth === 0) await checkConsoleFunctions(conn, explained);
    serialized = await checkConsoleFunctions(conn, sql);
  } catch (e) {
    throw sqlFailure(e);
  }
  let type: StatementType;
  try {
    const prepared = await extracted.prepare(0);
    type = prepared.statementType;
    prepared.destroySync();
  } catch (e) {
    throw sqlFailure(e);
  }
  if (type === StatementType.SELECT) {
    if (serialized === 'not_serializable') refuseUncheckedSelect(sql);
    return;
  }
  if (type === StatementType.EXPLAIN && depth === 0) {
    if (explained !== sql) {
      await checkReadOnly(conn, explained, depth + 1);
      return;
    }
  }
  const name = type === StatementType.LOAD ? 'INSTALL/LOAD' : (StatementType[type] ?? String(type));
  throw new ApiError('sql_refused', `Refused: ${name} statements are not allowed in the read-only console. ${ALLOWED}`);
}

/** Estimated size of a converted value: text length for strings, 8 for scalars, the JSON size of nested values. */
function approxBytes(v: unknown): number {
  if (v === null || v === undefined) return 1;
  if (typeof v === 'string') return v.length;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof Date) return 8;
  if (v instanceof Uint8Array) return v.length;
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)).length;
  } catch {
    return 64;
  }
}

function clipCell(v: unknown): { value: unknown; clipped: boolean } {
  if (typeof v === 'string' && v.length > MAX_CELL_CHARS) return { value: `${v.slice(0, MAX_CELL_CHARS)}… (${v.length - MAX_CELL_CHARS} more characters)`, clipped: true };
  return { value: v, clipped: false };
}

/**
 * Runs one read-only statement on its own connection. The result is streamed chunk by chunk and converted
 * row by row: it stops at `limit` rows or once the cells reach `maxBytes`, so a few huge cells cannot
 * exhaust memory (300 rows of 1 MB cells used to take 1.5 GB).
 */
export async function runReadOnlySql(instance: DuckDBInstance, sql: string, limit: number, job: Job, inUse?: Set<DuckDBConnection>, maxBytes = MAX_RESULT_BYTES): Promise<QueryResult> {
  const started = Date.now();
  const conn = await instance.connect();
  inUse?.add(conn);
  job.onCancel(() => conn.interrupt());
  let prepared: DuckDBPreparedStatement | null = null;
  try {
    if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
    await checkReadOnly(conn, sql);
    const rows: unknown[][] = [];
    let truncatedBy: QueryResult['truncated_by'] = null;
    let names: string[];
    let types;
    try {
      prepared = await conn.prepare(sql);
      const result = await prepared.stream();
      names = result.columnNames();
      types = result.columnTypes();
      let bytes = 0;
      fetch: for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (let r = 0; r < chunk.rowCount; r++) {
          if (rows.length >= limit) {
            truncatedBy = 'rows';
            break fetch;
          }
          let clipped = false;
          const row = chunk.convertRowValues(r, JSDuckDBValueConverter).map((v) => {
            const c = clipCell(v);
            clipped ||= c.clipped;
            return c.value;
          });
          const size = row.reduce((n: number, v) => n + approxBytes(v), 0);
          if (rows.length > 0 && bytes + size > maxBytes) {
            truncatedBy = 'bytes';
            break fetch;
          }
          bytes += size;
          rows.push(row);
          if (clipped) truncatedBy = 'bytes';
        }
        if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
      }
    } catch (e) {
      if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
      throw sqlFailure(e);
    }
    return {
      columns: names.map((n, i) => ({ name: n, type: types[i]?.toString() ?? 'UNKNOWN' })),
      rows: toConsoleCells(rows),
      arrow: toArrowIpc(names, types, rows),
      truncated: truncatedBy !== null,
      truncated_by: truncatedBy,
      row_count: rows.length,
      elapsed_ms: Date.now() - started,
    };
  } finally {
    inUse?.delete(conn);
    prepared?.destroySync();
    conn.disconnectSync();
  }
}
