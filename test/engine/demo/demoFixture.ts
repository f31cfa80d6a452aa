/** Generates a demo bundle into a fresh temp folder and opens DuckDB views over its files. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb, quoteLiteral, queryRows, queryValue, type Row, type SqlParam } from '../../../electron/engine/db';
import { generateDemoBundle, type DemoOptions, type DemoResult } from '../../../electron/engine/demo/generate';

export interface DemoFixture {
  dir: string;
  result: DemoResult;
  conn: DuckDBConnection;
  rows<T extends Row = Row>(sql: string, params?: SqlParam[]): Promise<T[]>;
  num(sql: string, params?: SqlParam[]): Promise<number>;
  close(): Promise<void>;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ad-demo-test-${prefix}-`));
}

/** Tables named after the canonical tables, loaded straight from the written files (no importer involved). */
export async function loadTables(conn: DuckDBConnection, dir: string, spansFormat: DemoOptions['spansFormat'] = 'jsonl'): Promise<void> {
  const f = (name: string): string => quoteLiteral(join(dir, name));
  // CSV timestamps with "Z" are sniffed as TIMESTAMPTZ: compare them in UTC whatever the machine's zone.
  await conn.run(`SET TimeZone = 'UTC'`);
  const views: [string, string][] = [
    ['records', `read_parquet(${f('records.parquet')})`],
    ['spans', spansFormat === 'jsonl' ? `read_json(${f('spans.jsonl')}, format = 'newline_delimited')` : `read_parquet(${f('spans.parquet')})`],
    ['eval_results', `read_json(${f('eval_results.jsonl.gz')}, format = 'newline_delimited')`],
    ['audit_log', `read_json(${f('audit_log.jsonl')}, format = 'newline_delimited')`],
    ['deployment_events', `read_json(${f('deployment_events.jsonl')}, format = 'newline_delimited')`],
    ['releases', `read_csv(${f('releases.csv')}, header = true)`],
    ['cohorts', `read_csv(${f('cohorts.csv')}, header = true)`],
    ['dataset_versions', `read_csv(${f('dataset_versions.csv')}, header = true)`],
    ['training_runs', `read_json(${f('training_runs.json')}, format = 'array')`],
    ['model_versions', `read_json(${f('model_versions.json')}, format = 'array')`],
  ];
  for (const [name, source] of views) await conn.run(`CREATE TABLE ${name} AS SELECT * FROM ${source}`);
}

export async function demoFixture(opts: Partial<DemoOptions> = {}): Promise<DemoFixture> {
  const dir = await tempDir('bundle');
  const spansFormat = opts.spansFormat ?? 'jsonl';
  const result = await generateDemoBundle({ outDir: dir, seed: 42, scale: 1, spansFormat, ...opts });
  const { instance, conn }: { instance: DuckDBInstance; conn: DuckDBConnection } = await memoryDb();
  await loadTables(conn, dir, spansFormat);
  return {
    dir,
    result,
    conn,
    rows: (sql, params) => queryRows(conn, sql, params),
    num: async (sql, params) => Number(await queryValue(conn, sql, params)),
    close: async () => {
      conn.closeSync();
      instance.closeSync();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
