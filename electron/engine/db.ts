import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { Cell } from '../../shared/api/common';

export type Row = Record<string, Cell>;
export type SqlParam = string | number | boolean | null | bigint;

/** Converts a JS value from getRowObjectsJS into a JSON-safe cell. */
export function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Date ? x.toISOString() : x));
}

/** Runs SQL and returns rows as JSON-safe objects. Timestamps become ISO strings (UTC, "Z"). */
export async function queryRows<T extends Row = Row>(conn: DuckDBConnection, sql: string, params?: SqlParam[]): Promise<T[]> {
  const reader = params && params.length > 0 ? await conn.runAndReadAll(sql, params as DuckDBValue[]) : await conn.runAndReadAll(sql);
  const rows = reader.getRowObjectsJS();
  return rows.map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) out[k] = toCell(v);
    return out as T;
  });
}

export async function queryOne<T extends Row = Row>(conn: DuckDBConnection, sql: string, params?: SqlParam[]): Promise<T | undefined> {
  const rows = await queryRows<T>(conn, sql, params);
  return rows[0];
}

export async function queryValue(conn: DuckDBConnection, sql: string, params?: SqlParam[]): Promise<Cell> {
  const row = await queryOne(conn, sql, params);
  if (!row) return null;
  const first = Object.values(row)[0];
  return first === undefined ? null : first;
}

/** Quotes an identifier for DuckDB: always double-quoted, embedded quotes doubled, NUL refused. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error(`identifier contains a NUL character: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB. Prefer bound parameters; use this only where DuckDB takes no parameter (e.g. file paths in table functions). */
/** A finite double as a SQL literal that DuckDB parses back to the same double (JS prints the shortest round-trip form). */
export function sqlDouble(x: number): string {
  return `'${String(x)}'::DOUBLE`;
}

export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('string literal contains a NUL character');
  return `'${value.replaceAll("'", "''")}'`;
}

export async function tableExists(conn: DuckDBConnection, name: string): Promise<boolean> {
  const v = await queryValue(conn, "select count(*) from duckdb_tables() where schema_name = 'main' and table_name = ?", [name]);
  return Number(v) > 0;
}

export async function columnsOf(conn: DuckDBConnection, table: string): Promise<{ name: string; type: string }[]> {
  const rows = await queryRows<{ name: string; type: string }>(
    conn,
    "select column_name as name, data_type as type from duckdb_columns() where schema_name = 'main' and table_name = ? order by column_index",
    [table],
  );
  return rows;
}

export async function duckdbVersion(conn: DuckDBConnection): Promise<string> {
  return String(await queryValue(conn, 'select version()'));
}

/** A fresh in-memory DuckDB for tests and tools. */
export async function memoryDb(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  return { instance, conn };
}
