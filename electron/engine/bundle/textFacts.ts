import type { DuckDBConnection } from '@duckdb/node-api';
import { CANONICAL_TABLES, META_TABLES } from '../../../shared/canonical';
import { mayBeBlankSql } from '../../../shared/missing';
import { queryRows, quoteIdent } from '../db';

/**
 * Records, once the data is loaded, the canonical text columns in which no value starts like a blank text
 * (shared/missing.ts). In those columns "missing" is exactly NULL, so the analyses read the column as it is instead
 * of testing every value for blankness again (most id columns of a million spans). One scan per table.
 */
export async function recordBlankFreeColumns(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE ${quoteIdent(META_TABLES.blankFree)} (table_name VARCHAR, column_name VARCHAR)`);
  const rows = await queryRows<{ t: string; c: string }>(
    conn,
    "select table_name as t, column_name as c from duckdb_columns() where schema_name = 'main' and database_name = current_database() and data_type = 'VARCHAR' order by table_name, column_index",
  );
  for (const def of CANONICAL_TABLES) {
    const canonical = new Set(def.columns.map((c) => c.name));
    const cols = rows.filter((r) => r.t === def.name && canonical.has(r.c)).map((r) => r.c);
    if (cols.length === 0) continue;
    const flags = await queryRows(conn, `select ${cols.map((c, i) => `coalesce(bool_or(${mayBeBlankSql(quoteIdent(c))}), false) as c${i}`).join(', ')} from ${quoteIdent(def.name)}`);
    const free = cols.filter((_c, i) => flags[0]?.[`c${i}`] === false);
    for (const c of free) await conn.run(`INSERT INTO ${quoteIdent(META_TABLES.blankFree)} VALUES ($1, $2)`, [def.name, c]);
  }
}
