import type { DuckDBConnection } from '@duckdb/node-api';
import { META_TABLES } from '../../../shared/canonical';
import { quoteIdent } from '../db';

/** Engine-owned metadata tables, created before any file is loaded. */
export async function createMetaTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE ${quoteIdent(META_TABLES.files)} (
    path VARCHAR, bytes BIGINT, sha256 VARCHAR, table_name VARCHAR, format VARCHAR,
    rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, status VARCHAR,
    manifest_sha256 VARCHAR, manifest_rows BIGINT, inferred JSON)`);
  await conn.run(`CREATE TABLE ${quoteIdent(META_TABLES.rejects)} (file VARCHAR, line BIGINT, column_name VARCHAR, reason VARCHAR, raw VARCHAR)`);
  await conn.run(`CREATE TABLE ${quoteIdent(META_TABLES.columnRoles)} (table_name VARCHAR, column_name VARCHAR, role VARCHAR, source VARCHAR)`);
  await conn.run(`CREATE TABLE ${quoteIdent(META_TABLES.columnMap)} (table_name VARCHAR, file VARCHAR, column_name VARCHAR, source_column VARCHAR, tag VARCHAR, note VARCHAR)`);
  await conn.run(`CREATE TABLE ${quoteIdent(META_TABLES.checks)} ("check" VARCHAR, table_name VARCHAR, count BIGINT, detail VARCHAR, examples JSON)`);
}

/** Adds one reject (file-level problems, reader rejects). Row-level rejects are inserted set-wise by the loaders. */
export async function addReject(conn: DuckDBConnection, file: string, line: number | null, column: string | null, reason: string, raw: string | null): Promise<void> {
  await conn.run(`INSERT INTO ${quoteIdent(META_TABLES.rejects)} VALUES ($1, $2, $3, $4, $5)`, [file, line, column, reason, raw === null ? null : raw.slice(0, 500)]);
}
