import path from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ImportSummary } from '../../../shared/api/bundle';
import type { Job } from '../../../electron/engine/context';
import { queryRows } from '../../../electron/engine/db';
import { importBundle, type ImportedBundle } from '../../../electron/engine/bundle/importBundle';
import { rmDir, tempDir } from './helpers';

/** What the batched-load tests share: an import job, a statement counter, and the two sides to compare. */

export function job(): Job {
  return { id: 'test', signal: new AbortController().signal, progress: () => undefined, onCancel: () => undefined };
}

/** Counts the SQL statements an import runs, and those reading Parquet files (to show that the batched path was taken). */
export async function withStatementCount<T>(fn: () => Promise<T>): Promise<{ value: T; statements: number; sniffs: number; sniffStatements: number; parquetReads: number }> {
  let statements = 0;
  let parquetReads = 0;
  let sniffs = 0;
  let sniffStatements = 0;
  const proto = DuckDBConnection.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const originals = { run: proto['run'], runAndReadAll: proto['runAndReadAll'] };
  for (const m of ['run', 'runAndReadAll'] as const) {
    const orig = originals[m] as (...a: unknown[]) => Promise<unknown>;
    proto[m] = function (this: unknown, ...a: unknown[]) {
      statements++;
      if (typeof a[0] === 'string' && a[0].includes('read_parquet(')) parquetReads++;
      if (m === 'run' && typeof a[0] === 'string' && a[0].includes('FROM sniff_csv(')) {
        sniffs += a[0].split('FROM sniff_csv(').length - 1;
        sniffStatements++;
      }
      return orig.apply(this, a);
    };
  }
  try {
    return { value: await fn(), statements, sniffs, sniffStatements, parquetReads };
  } finally {
    proto['run'] = originals.run as (...a: unknown[]) => Promise<unknown>;
    proto['runAndReadAll'] = originals.runAndReadAll as (...a: unknown[]) => Promise<unknown>;
  }
}

/** Every non-temporary table: its columns with types, and its rows as text in a fixed order. */
export async function tableDump(b: ImportedBundle): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const tables = await queryRows<{ t: string }>(b.conn, `SELECT table_name AS t FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name`);
  for (const { t } of tables) {
    const cols = await queryRows<{ c: string; ty: string }>(b.conn, `SELECT column_name AS c, data_type AS ty FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index`, [t]);
    // As text: a DATE or TIMESTAMP 'infinity' cannot become a JS Date.
    const rows = await queryRows(b.conn, `SELECT COLUMNS(*)::VARCHAR FROM "${t}" ORDER BY ALL`);
    out[t] = { cols: cols.map((c) => `${c.c} ${c.ty}`), rows: JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) };
  }
  return out;
}

/** The summary without its timing. */
export function comparable(s: ImportSummary): Omit<ImportSummary, 'import_ms'> {
  const { import_ms: _ms, ...rest } = s;
  return rest;
}

type Counted<T> = Awaited<ReturnType<typeof withStatementCount<T>>>;

/**
 * A bundle written by `make` into a temporary folder (within a describe: written before its tests, removed after
 * them with every import closed), and `importBoth`: the bundle imported batched and with every file loaded alone,
 * each with its statement counts, after checking that both give the same summary and the same tables.
 */
export function bundleBothWays(prefix: string, make: (dir: string) => void | Promise<void>): { root: () => string; dir: () => string; importBoth: (id: string) => Promise<{ batched: Counted<ImportedBundle>; alone: Counted<ImportedBundle> }> } {
  let root = '';
  const opened: ImportedBundle[] = [];
  const dir = (): string => path.join(root, 'bundle');
  beforeAll(async () => {
    root = tempDir(prefix);
    await make(dir());
  });
  afterAll(() => {
    for (const b of opened) {
      b.conn.disconnectSync();
      b.instance.closeSync();
    }
    rmDir(root);
  });
  return {
    root: () => root,
    dir,
    async importBoth(id) {
      const config = { dataDir: path.join(root, 'data'), memoryLimit: '512MB', threads: 1 };
      const batched = await withStatementCount(() => importBundle(config, dir(), id, path.join(root, 'w1'), job()));
      const alone = await withStatementCount(() => importBundle(config, dir(), id, path.join(root, 'w2'), job(), { loadAlone: true }));
      opened.push(batched.value, alone.value);
      expect(comparable(batched.value.summary)).toEqual(comparable(alone.value.summary));
      expect(await tableDump(batched.value)).toEqual(await tableDump(alone.value));
      return { batched, alone };
    },
  };
}
