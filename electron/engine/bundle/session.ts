import os from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { freezeCatalog, queryOne } from '../db';
import { ApiError } from '../../../shared/api/common';
import type { EngineConfig } from '../context';

/** 60% of free memory, at least 512 MiB, at most 32 GiB — leaves room for the app and other processes. */
export function defaultMemoryLimit(): string {
  const mib = Math.floor((os.freemem() * 0.6) / (1024 * 1024));
  return `${Math.max(512, Math.min(mib, 32 * 1024))}MB`;
}

/** One in-memory DuckDB per bundle; spills to `spillDir` (inside the engine's dataDir) when over the memory limit. */
export async function createBundleDb(config: EngineConfig, spillDir: string): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const memoryLimit = config.memoryLimit ?? defaultMemoryLimit();
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(':memory:', {
      memory_limit: memoryLimit,
      threads: String(config.threads ?? Math.max(1, os.availableParallelism())),
      temp_directory: spillDir,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      // Each file is read once, by the import; DuckDB's cache of file contents kept ~31 KB of every small Parquet
      // file read (3 GB for 100 000 files) for the life of the bundle.
      enable_external_file_cache: 'false',
    });
  } catch (e) {
    // DuckDB says only "Failed to set config": find out whether the memory limit is what it refused.
    const memoryRefused = await DuckDBInstance.create(':memory:', { memory_limit: memoryLimit }).then(
      (probe) => {
        probe.closeSync();
        return false;
      },
      () => true,
    );
    if (memoryRefused) {
      throw new ApiError('bad_argument', `The DuckDB memory limit "${memoryLimit}" is not a size DuckDB accepts (use e.g. 2GB or 512MiB; set by --memory-limit or AUDITDESK_MEMORY_LIMIT).`);
    }
    throw e;
  }
  try {
    return { instance, conn: await analysisConnection(instance) };
  } catch (e) {
    instance.closeSync();
    throw e;
  }
}

/**
 * A connection for engine analyses, with the session settings every analysis assumes (UTC). Connection
 * settings cannot change once the configuration is locked, so every analysis connection is made before lockDown.
 */
export async function analysisConnection(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const conn = await instance.connect();
  try {
    // GLOBAL too: connections made after the lock (the SQL console's) inherit it; they can no longer set it.
    await conn.run(`SET GLOBAL TimeZone = 'UTC'`);
    await conn.run(`SET TimeZone = 'UTC'`);
  } catch (e) {
    conn.disconnectSync();
    throw e;
  }
  return conn;
}

/**
 * After import: no file or network access, configuration frozen. Order matters: external access
 * must be switched off before the configuration is locked. Spilling to temp_directory keeps working.
 * Nothing creates, drops or alters a table from here on, so the catalog is read once per session (db.ts).
 */
export async function lockDown(conn: DuckDBConnection, others: readonly DuckDBConnection[] = []): Promise<void> {
  await conn.run('SET enable_external_access = false');
  await conn.run('SET lock_configuration = true');
  freezeCatalog(conn);
  for (const o of others) freezeCatalog(o, conn);
}

const UNIT_BYTES: Record<string, number> = { B: 1, BYTES: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** The session's memory limit in bytes, as DuckDB reports it ("488.2 MiB"); null when it cannot be read. */
export async function memoryLimitBytes(conn: DuckDBConnection): Promise<number | null> {
  const row = await queryOne<{ m: string | null }>(conn, `SELECT current_setting('memory_limit') AS m`);
  const m = /^\s*([\d.]+)\s*([A-Za-z]*)\s*$/.exec(row?.m ?? '');
  if (!m) return null;
  const unit = UNIT_BYTES[(m[2] || 'B').toUpperCase()];
  return unit === undefined ? null : Math.floor(Number(m[1]) * unit);
}
