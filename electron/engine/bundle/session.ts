import os from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { EngineConfig } from '../context';

/** 60% of free memory, at least 512 MiB, at most 32 GiB — leaves room for the app and other processes. */
export function defaultMemoryLimit(): string {
  const mib = Math.floor((os.freemem() * 0.6) / (1024 * 1024));
  return `${Math.max(512, Math.min(mib, 32 * 1024))}MB`;
}

/** One in-memory DuckDB per bundle; spills to `spillDir` (inside the engine's dataDir) when over the memory limit. */
export async function createBundleDb(config: EngineConfig, spillDir: string): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: config.memoryLimit ?? defaultMemoryLimit(),
    threads: String(config.threads ?? Math.max(1, os.availableParallelism())),
    temp_directory: spillDir,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
  });
  try {
    const conn = await instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    return { instance, conn };
  } catch (e) {
    instance.closeSync();
    throw e;
  }
}

/**
 * After import: no file or network access, configuration frozen. Order matters: external access
 * must be switched off before the configuration is locked. Spilling to temp_directory keeps working.
 */
export async function lockDown(conn: DuckDBConnection): Promise<void> {
  await conn.run('SET enable_external_access = false');
  await conn.run('SET lock_configuration = true');
}
