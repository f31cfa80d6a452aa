import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryDb, queryRows, quoteLiteral } from '../../../electron/engine/db';
import { uniforms } from '../../../electron/engine/drift/interval';
import { bundleBothWays } from './batchCompare';
import { manifestFor, writeFiles } from './helpers';

/**
 * #14 item 14, Parquet: small Parquet files of one schema are read by one read_parquet and loaded by one statement.
 * The batched import must give exactly what loading every file by itself gives. The mix holds what a shortcut would
 * get wrong: files whose columns share names but not types, or differ only in their key-value metadata; values that
 * do not convert and missing required ones (rejects name the row); upper-case ids read leniently; non-finite
 * doubles; a nested column; an inferred time column that fails the vet in two files; evaluation rows without ids
 * (generated from file and row); files holding a column named like the grouped read's own (filename,
 * file_row_number); empty files; files with the magic bytes but an unreadable footer; a path with glob characters;
 * copies of the ClickHouse OpenTelemetry export (aliased column names); folders named like hive partitions; Phoenix
 * evaluation exports (their reader's, by name); a manifest with row counts, one wrong.
 */

const SEED = Number(process.env['AD_TEST_SEED'] ?? 1414);
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'external');

const lit = (v: unknown): string => (v === null ? 'NULL' : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : `'${v}'::DOUBLE`) : quoteLiteral(String(v)));

async function makeBundle(dir: string): Promise<void> {
  const rand = uniforms(SEED + 2);
  const { instance, conn } = await memoryDb();
  const copy = async (rel: string, select: string, opts = ''): Promise<void> => {
    const file = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await conn.run(`COPY (${select}) TO ${quoteLiteral(file)} (FORMAT parquet${opts})`);
  };
  try {
    for (let i = 0; i < 60; i++) {
      const rows: string[] = [];
      const n = i === 59 ? 0 : 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        const trace = rand() < 0.05 ? `ABCDEF${String(i).padStart(26, '0')}` : `t${i}`;
        const span = rand() < 0.04 ? null : `s${i}_${k}`;
        const end = rand() < 0.05 ? 'not a time' : `2026-01-0${1 + (i % 9)}T00:00:1${k}Z`;
        const tokens = rand() < 0.05 ? 'many' : String(k * 10);
        const latency = i % 10 === 0 && k === 0 ? (i % 20 === 0 ? Infinity : NaN) : k * 1.5;
        rows.push(`(${[trace, span, k === 0 ? null : `s${i}_0`, 'llm', `2026-01-0${1 + (i % 9)}T00:00:0${k}Z`, end, tokens, latency].map(lit).join(', ')})`);
      }
      const values = n === 0 ? `SELECT * FROM (VALUES (${['t', 's', null, 'llm', '2026-01-01T00:00:00Z', 'x', '1', 1].map(lit).join(', ')})) LIMIT 0` : `VALUES ${rows.join(', ')}`;
      // Every third file gives input_tokens as numbers: same column names, another type, another group.
      const tokens = i % 3 === 0 ? 'TRY_CAST(c7 AS BIGINT)' : 'c7';
      const select = `SELECT c1 AS trace_id, c2 AS span_id, c3 AS parent_span_id, c4 AS name, CAST(c5 AS TIMESTAMPTZ) AS start_time, c6 AS end_time, ${tokens} AS input_tokens, CAST(c8 AS DOUBLE) AS latency, {'k': c4, 'n': length(c1)} AS attrs FROM (${values}) v(c1, c2, c3, c4, c5, c6, c7, c8)`;
      // Files 1 and 2 differ from the others only in their key-value metadata.
      await copy(`spans/${String(i).padStart(4, '0')}.parquet`, select, i === 1 || i === 2 ? `, KV_METADATA {writer: 'other', part: '${i}'}` : '');
    }
    for (let i = 0; i < 30; i++) {
      // A time column named "timestamp", given as epoch seconds: in files 7 and 23 one value is not a time after 1990.
      const t0 = i === 7 || i === 23 ? 1010001 : 1767225600 + i * 60;
      await copy(`records-${i}.parquet`, `SELECT 'r${i}_' || k AS record_id, CAST(CASE WHEN k = 0 THEN ${t0} ELSE 1767225600 + k END AS BIGINT) AS "timestamp", k / 2 AS score, CASE WHEN k = 0 THEN 'yes' END AS label FROM range(2) r(k)`);
    }
    for (let i = 0; i < 10; i++) await copy(`evals-${i}.parquet`, `SELECT 'accuracy' AS metric, k / 4 AS value, 'm${i % 2}' AS model_version FROM range(3) r(k)`);
    // Columns named like the grouped read's own: each such file is read alone.
    for (const k of [1, 2]) await copy(`spans/own-filename-${k}.parquet`, `SELECT 'tf${k}' AS trace_id, 'sf${k}' AS span_id, 'llm' AS name, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS start_time, 'f${k}.txt' AS filename`);
    for (const k of [1, 2]) await copy(`spans/own-rownumber-${k}.parquet`, `SELECT 'tr${k}' AS trace_id, 'sr${k}' AS span_id, 'llm' AS name, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS start_time, 7 AS file_row_number`);
    // Folders named like hive partitions: read alone, DuckDB adds a "date" column from the path.
    for (const k of [1, 2]) await copy(`spans/date=2026-01-0${k}/part-${k}.parquet`, `SELECT 'tp${k}' AS trace_id, 'sp${k}' AS span_id, NULL::VARCHAR AS parent_span_id, 'llm' AS name, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS start_time`);
    // Phoenix evaluation exports (known by name): their reader's to load, not a flat group's.
    for (const k of ['a', 'b']) await copy(`evaluations-${k}.parquet`, `SELECT 's${k}' || i AS span_id, 'correct' AS label, i / 2 AS score, 'ok' AS explanation FROM range(3) r(i)`);
    await copy('spans/[x].parquet', `SELECT 'tg' AS trace_id, 'sg' AS span_id, NULL::VARCHAR AS parent_span_id, 'llm' AS name, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS start_time`);
    await copy('spans/[y].parquet', `SELECT 'th' AS trace_id, 'sh' AS span_id, NULL::VARCHAR AS parent_span_id, 'llm' AS name, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS start_time`);
  } finally {
    conn.disconnectSync();
    instance.closeSync();
  }
  // The magic bytes at both ends, an unreadable footer between.
  const broken = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(40, 7), Buffer.from('PAR1')]);
  writeFiles(dir, { 'spans/broken-1.parquet': broken, 'spans/broken-2.parquet': broken });
  const ch = fs.readFileSync(path.join(FIXTURES, 'clickhouse-otel-traces', 'otel_traces.parquet'));
  writeFiles(dir, { 'traces-a.parquet': ch, 'traces-b.parquet': ch, 'traces-c.parquet': ch });
  const entries: Record<string, { rows?: number }> = {};
  for (const p of listFiles(dir)) entries[p] = p.startsWith('records') ? { rows: p === 'records-3.parquet' ? 5 : 2 } : {};
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifestFor(dir, entries));
}

function listFiles(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(dir, path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)]));
}

describe('batched loading of many small Parquet files', () => {
  const both = bundleBothWays('batched-parquet', makeBundle);

  it(`gives the tables, rejects, counts and summary that loading each file alone gives (seed ${SEED})`, async () => {
    const { batched, alone } = await both.importBoth('p1');

    // The batched path was taken: a few reads per schema instead of several per file.
    console.log(`statements: ${batched.statements} batched, ${alone.statements} alone; reading Parquet: ${batched.parquetReads} batched, ${alone.parquetReads} alone`);
    expect(batched.parquetReads * 5).toBeLessThan(alone.parquetReads);
    expect(batched.statements).toBeLessThan(alone.statements);

    const s = batched.value.summary;

    // The mix holds what it is meant to hold (so the comparison above covers those cases).
    const rejects = await queryRows<{ file: string; line: number | null; r: string }>(batched.value.conn, `SELECT file, line, regexp_replace(reason, ':.*', '') AS r FROM _ad_rejects ORDER BY ALL`);
    const reasons = new Set(rejects.map((r) => r.r));
    expect([...reasons]).toEqual(expect.arrayContaining(['required value missing', 'wrong type']));
    expect(rejects.filter((r) => r.r === 'wrong type').every((r) => Number(r.line) >= 1)).toBe(true);
    const byPath = new Map(s.files.map((f) => [f.path, f]));
    expect(byPath.get('records-3.parquet')?.status).toBe('rowcount_mismatch');
    expect(byPath.get('records-7.parquet')?.mapping?.find((e) => e.column === 'ts')?.note).toContain('was not used for ts');
    expect(byPath.get('records-8.parquet')?.mapping?.find((e) => e.column === 'ts')?.source).toBe('timestamp');
    expect(byPath.get('spans/broken-1.parquet')?.status).toBe('unreadable');
    expect(byPath.get('spans/own-filename-1.parquet')?.rows_loaded).toBe(1);
    expect(byPath.get('spans/[x].parquet')?.rows_loaded).toBe(1);
    expect(byPath.get('evaluations-a.parquet')?.format).toBe('phoenix-evals');
    expect(byPath.get('spans/date=2026-01-02/part-2.parquet')?.rows_loaded).toBe(1);
    expect(byPath.get('traces-b.parquet')?.table).toBe('spans');
    expect((byPath.get('traces-b.parquet')?.rows_loaded ?? 0) > 0).toBe(true);
    expect(s.files.some((f) => f.leniency?.some((l) => l.includes('non-finite')))).toBe(true);
    expect(s.files.some((f) => f.leniency?.some((l) => l.includes('read leniently')))).toBe(true);
    // The bundle's database keeps no copy of the files it read (DuckDB's file cache held ~31 KB per small Parquet file).
    const cached = await queryRows<{ n: number }>(batched.value.conn, `SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT AS n FROM duckdb_memory() WHERE tag = 'EXTERNAL_FILE_CACHE'`);
    expect(Number(cached[0]?.n)).toBe(0);
    const ids = await queryRows<{ id: string }>(batched.value.conn, `SELECT eval_id AS id FROM eval_results WHERE eval_id LIKE 'evals-3.parquet:%' ORDER BY 1`);
    expect(ids.map((r) => r.id)).toEqual(['evals-3.parquet:1', 'evals-3.parquet:2', 'evals-3.parquet:3']);
  });
});
