/** Converts staged CSV / JSON Lines into Parquet with DuckDB (built-in readers and writer only). */
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../db';

export type StagingFormat = 'csv' | 'jsonl';

function columnsStruct(columns: readonly (readonly [string, string])[]): string {
  return `{${[['_seq', 'BIGINT'] as const, ...columns].map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`).join(', ')}}`;
}

/**
 * Writes `outPath` from a staging file whose first column is `_seq` (the row order).
 * One thread and ORDER BY _seq make the Parquet bytes identical from run to run.
 */
export async function stagingToParquet(format: StagingFormat, stagingPath: string, columns: readonly (readonly [string, string])[], outPath: string, tempDir: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '1GB', temp_directory: tempDir });
  const conn = await instance.connect();
  try {
    const struct = columnsStruct(columns);
    const source =
      format === 'csv'
        ? `read_csv(${quoteLiteral(stagingPath)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', columns = ${struct})`
        : `read_json(${quoteLiteral(stagingPath)}, format = 'newline_delimited', columns = ${struct})`;
    const select = columns.map(([name]) => quoteIdent(name)).join(', ');
    await conn.run(`COPY (SELECT ${select} FROM ${source} ORDER BY _seq) TO ${quoteLiteral(outPath)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
