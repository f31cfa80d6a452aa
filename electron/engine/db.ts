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

/**
 * Catalog metadata of a bundle's database once its import is done. The database is read-only from then on
 * (the analyses only read; the SQL console runs on its own connections and refuses every statement but a
 * single SELECT, sql.ts), so its tables, columns, roles and column map never change: they are read once per
 * session instead of once per analysis (the Overview asked for them ~300 times). A connection is cached only
 * after `freezeCatalog` (the import calls it after locking the database down); any other connection —
 * tests, tools, an import in progress — asks DuckDB every time.
 */
interface FrozenCatalog {
  memo: Map<string, Promise<unknown>>;
}

const frozenCatalogs = new WeakMap<DuckDBConnection, FrozenCatalog>();

/**
 * From now on `conn`'s catalog is read once and cached (call only when nothing will create, drop or alter a
 * table). `sameDatabase`: a frozen connection to the same database, whose cache this one shares.
 */
export function freezeCatalog(conn: DuckDBConnection, sameDatabase?: DuckDBConnection): void {
  if (frozenCatalogs.has(conn)) return;
  const shared = sameDatabase ? frozenCatalogs.get(sameDatabase) : undefined;
  frozenCatalogs.set(conn, shared ?? { memo: new Map() });
}

export function isCatalogFrozen(conn: DuckDBConnection): boolean {
  return frozenCatalogs.has(conn);
}

/**
 * `work()` once per frozen connection and `key` (a failed look-up is forgotten, not cached); every call on a
 * connection that is not frozen. The result is shared: callers must not mutate it.
 */
export function catalogMemo<T>(conn: DuckDBConnection, key: string, work: () => Promise<T>): Promise<T> {
  const c = frozenCatalogs.get(conn);
  return c ? memoIn(c.memo, key, work) : work();
}

/** `work()` once per `key` in `memo`; a failed or interrupted computation is forgotten, not cached. */
export function memoIn<T>(memo: Map<string, Promise<unknown>>, key: string, work: () => Promise<T>): Promise<T> {
  const hit = memo.get(key);
  if (hit) return hit as Promise<T>;
  const p = work();
  memo.set(key, p);
  p.catch(() => {
    if (memo.get(key) === p) memo.delete(key);
  });
  return p;
}

/** Every table of schema main (any attached database), read in one query on a frozen connection. */
function allTables(conn: DuckDBConnection): Promise<Set<string>> {
  return catalogMemo(conn, 'tables', async () => {
    const rows = await queryRows<{ t: string }>(conn, "select table_name as t from duckdb_tables() where schema_name = 'main'");
    return new Set(rows.map((r) => r.t));
  });
}

/** Every table's and view's columns of schema main, in column order, read in one query on a frozen connection. */
function allColumns(conn: DuckDBConnection): Promise<Map<string, { name: string; type: string }[]>> {
  return catalogMemo(conn, 'columns', async () => {
    const rows = await queryRows<{ t: string; name: string; type: string }>(
      conn,
      "select table_name as t, column_name as name, data_type as type from duckdb_columns() where schema_name = 'main' order by table_name, database_name, column_index",
    );
    const out = new Map<string, { name: string; type: string }[]>();
    for (const r of rows) {
      const cols = out.get(r.t) ?? [];
      cols.push({ name: r.name, type: r.type });
      out.set(r.t, cols);
    }
    return out;
  });
}

export async function tableExists(conn: DuckDBConnection, name: string): Promise<boolean> {
  if (isCatalogFrozen(conn)) return (await allTables(conn)).has(name);
  const v = await queryValue(conn, "select count(*) from duckdb_tables() where schema_name = 'main' and table_name = ?", [name]);
  return Number(v) > 0;
}

export async function columnsOf(conn: DuckDBConnection, table: string): Promise<{ name: string; type: string }[]> {
  if (isCatalogFrozen(conn)) return ((await allColumns(conn)).get(table) ?? []).map((c) => ({ ...c }));
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
