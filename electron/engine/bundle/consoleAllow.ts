import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';

/**
 * Table functions the console may call: generators, catalog views and read-only introspection. Everything
 * else is refused, including any table function a newer DuckDB adds: reading files (read_*, glob, parquet_*),
 * running SQL given as text (query, query_table, json_execute_serialized_sql), and changing the database's
 * global state (enable_logging, enable_peg_parser, checkpoint, truncate_duckdb_logs, enable_profiling, ...).
 * `SELECT * FROM enable_logging(storage='file', …)` followed by any query aborted the engine process, and
 * `enable_peg_parser()` broke every analysis for the rest of the session.
 */
export const CONSOLE_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'generate_series',
  'range',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'summary',
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_settings',
  'duckdb_tables',
  'duckdb_types',
  'duckdb_views',
  'duckdb_optimizers',
  'duckdb_memory',
  'duckdb_variables',
  'pragma_table_info',
  'pragma_show',
  'pragma_version',
  'pragma_platform',
  'pragma_database_size',
  'pragma_collations',
  'pragma_storage_info',
  'pg_timezone_names',
  'icu_calendar_names',
  'test_all_types',
  'test_vector_types',
]);

/** Scalar functions that change session or database state (the rest of the scalar and aggregate functions only compute). */
export const CONSOLE_REFUSED_FUNCTIONS: ReadonlySet<string> = new Set(['setseed', 'nextval', 'currval', 'write_log', 'pg_sleep', 'sleep_ms']);

/** PRAGMAs that DuckDB rewrites to a SELECT (json_serialize_sql cannot serialize them, so they are matched by name). */
const CONSOLE_PRAGMAS = /^\s*pragma\s+(table_info|show|show_tables|show_tables_expanded|database_size|version|platform|collations|storage_info)\b/i;

const REFUSAL_TAIL = 'the console may call only read-only table functions (generate_series, range, unnest, json_each, duckdb_tables(), duckdb_columns(), ...; see docs/hardening.md).';

/** Every table function and function named anywhere in a parsed statement (lower case). */
function namesIn(tree: unknown): { tables: Set<string>; functions: Set<string> } {
  const tables = new Set<string>();
  const functions = new Set<string>();
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x);
    } else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o['type'] === 'TABLE_FUNCTION') {
        const f = o['function'] as Record<string, unknown> | undefined;
        if (f && typeof f['function_name'] === 'string') tables.add(f['function_name'].toLowerCase());
      } else if (o['class'] === 'FUNCTION' && typeof o['function_name'] === 'string') {
        functions.add(o['function_name'].toLowerCase());
      }
      for (const v of Object.values(o)) if (v && typeof v === 'object') stack.push(v);
    }
  }
  // A table function's own call node is also a FUNCTION expression: keep it out of the scalar set.
  for (const t of tables) functions.delete(t);
  return { tables, functions };
}

/**
 * Refuses a SELECT that calls a table function outside the allow-list or a state-changing function,
 * anywhere in the statement (subqueries, CTEs, lateral joins, SUMMARIZE / DESCRIBE targets).
 * DuckDB's own parser does the parsing (json_serialize_sql), so quoting and comments cannot hide a call.
 */
export async function checkConsoleFunctions(conn: DuckDBConnection, sql: string): Promise<'checked' | 'not_serializable'> {
  const reader = await conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)::VARCHAR AS j', [sql]);
  const text = String(reader.getRowsJS()[0]?.[0] ?? '');
  let parsed: { error?: boolean; error_message?: string; statements?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new ApiError('sql_refused', 'Refused: the statement could not be checked.');
  }
  if (parsed.error) return 'not_serializable';
  const { tables, functions } = namesIn(parsed.statements);
  const badTable = [...tables].sort().find((t) => !CONSOLE_TABLE_FUNCTIONS.has(t));
  if (badTable) throw new ApiError('sql_refused', `Refused: the table function ${badTable}() is not allowed in the read-only console; ${REFUSAL_TAIL}`);
  const badFn = [...functions].sort().find((f) => CONSOLE_REFUSED_FUNCTIONS.has(f));
  if (badFn) throw new ApiError('sql_refused', `Refused: ${badFn}() changes the session's state and is not allowed in the read-only console.`);
  return 'checked';
}

/** A SELECT-typed statement json_serialize_sql could not serialize: only the PRAGMAs DuckDB rewrites to catalog queries pass. */
export function refuseUncheckedSelect(sql: string): void {
  if (CONSOLE_PRAGMAS.test(sql)) return;
  throw new ApiError('sql_refused', `Refused: the statement could not be checked; ${REFUSAL_TAIL}`);
}
