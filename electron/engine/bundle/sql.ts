import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { QueryResult } from '../../../shared/api/bundle';
import type { Job } from '../context';
import { toArrowIpc, toCells } from './arrow';

export const DEFAULT_SQL_LIMIT = 10_000;
const ALLOWED = 'Only single SELECT, WITH, FROM, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN and PRAGMA table_info statements are allowed.';

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
  let type: StatementType;
  try {
    const prepared = await extracted.prepare(0);
    type = prepared.statementType;
    prepared.destroySync();
  } catch (e) {
    throw sqlFailure(e);
  }
  if (type === StatementType.SELECT) return;
  if (type === StatementType.EXPLAIN && depth === 0) {
    const inner = sql.replace(/^\s*explain\s+(analy[sz]e\s+)?(\([^)]*\)\s*)?/i, '');
    if (inner !== sql) {
      await checkReadOnly(conn, inner, depth + 1);
      return;
    }
  }
  const name = type === StatementType.LOAD ? 'INSTALL/LOAD' : (StatementType[type] ?? String(type));
  throw new ApiError('sql_refused', `Refused: ${name} statements are not allowed in the read-only console. ${ALLOWED}`);
}

/** Runs one read-only statement on its own connection; at most `limit` rows come back. */
export async function runReadOnlySql(instance: DuckDBInstance, sql: string, limit: number, job: Job, inUse?: Set<DuckDBConnection>): Promise<QueryResult> {
  const started = Date.now();
  const conn = await instance.connect();
  inUse?.add(conn);
  job.onCancel(() => conn.interrupt());
  let prepared: DuckDBPreparedStatement | null = null;
  try {
    if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
    await checkReadOnly(conn, sql);
    let reader;
    try {
      prepared = await conn.prepare(sql);
      reader = await prepared.streamAndReadUntil(limit + 1);
    } catch (e) {
      if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
      throw sqlFailure(e);
    }
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const all = reader.getRowsJS() as unknown[][];
    const truncated = all.length > limit;
    const rows = truncated ? all.slice(0, limit) : all;
    return {
      columns: names.map((n, i) => ({ name: n, type: types[i]?.toString() ?? 'UNKNOWN' })),
      rows: toCells(rows),
      arrow: toArrowIpc(names, types, rows),
      truncated,
      row_count: rows.length,
      elapsed_ms: Date.now() - started,
    };
  } finally {
    inUse?.delete(conn);
    prepared?.destroySync();
    conn.disconnectSync();
  }
}
