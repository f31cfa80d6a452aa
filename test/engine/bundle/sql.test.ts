import fs from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { engineIn, errorOf, jsonl, rmDir, tempDir, writeFiles } from './helpers';

describe('read-only SQL console after lockdown', () => {
  let root: string;
  let engine: Engine;
  let bundleId: string;
  const run = (sql: string, limit?: number) => engine.runSql({ bundleId, sql, ...(limit ? { limit } : {}) });
  const refusal = async (sql: string) => errorOf(() => run(sql));

  beforeAll(async () => {
    root = tempDir('sql');
    writeFiles(path.join(root, 'bundle'), {
      'spans.jsonl': jsonl(
        Array.from({ length: 30 }, (_, i) => ({ trace_id: `t${i % 3}`, span_id: `s${i}`, name: i % 2 ? 'odd' : 'even', start_time: `2026-03-01T00:00:${String(i).padStart(2, '0')}Z`, input_tokens: i * 1000, cost_usd: i / 4 })),
      ),
    });
    writeFiles(root, { 'secret.csv': 'a,b\n1,2\n' });
    engine = engineIn(path.join(root, 'data'));
    bundleId = (await engine.openBundle({ path: path.join(root, 'bundle') })).bundleId;
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('answers SELECT with JSON rows and an Arrow IPC stream of the same values and types', async () => {
    const r = await run(`SELECT span_id, input_tokens, cost_usd, start_time, name = 'odd' AS odd FROM spans WHERE input_tokens < 3000 ORDER BY span_id`);
    expect(r.columns).toEqual([
      { name: 'span_id', type: 'VARCHAR' },
      { name: 'input_tokens', type: 'BIGINT' },
      { name: 'cost_usd', type: 'DOUBLE' },
      { name: 'start_time', type: 'TIMESTAMP' },
      { name: 'odd', type: 'BOOLEAN' },
    ]);
    expect(r.rows).toEqual([
      ['s0', 0, 0, '2026-03-01T00:00:00.000Z', false],
      ['s1', 1000, 0.25, '2026-03-01T00:00:01.000Z', true],
      ['s2', 2000, 0.5, '2026-03-01T00:00:02.000Z', false],
    ]);
    const t = tableFromIPC(r.arrow);
    expect(t.numRows).toBe(3);
    expect(t.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Int64', 'Float64', 'Timestamp<MILLISECOND, UTC>', 'Bool']);
    expect(t.getChild('input_tokens')?.get(1)).toBe(1000n);
    expect(t.getChild('start_time')?.get(2)).toBe(Date.parse('2026-03-01T00:00:02Z'));
    expect(t.getChild('span_id')?.toArray()).toEqual(['s0', 's1', 's2']);
  });

  it('truncates at the limit and says so', async () => {
    const r = await run('SELECT span_id FROM spans ORDER BY span_id', 7);
    expect(r).toMatchObject({ truncated: true, row_count: 7 });
    expect(tableFromIPC(r.arrow).numRows).toBe(7);
    expect((await run('SELECT count(*) AS n FROM spans')).truncated).toBe(false);
  });

  it('allows WITH, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN and PRAGMA table_info', async () => {
    for (const sql of ['WITH x AS (SELECT 1 AS a) SELECT * FROM x', 'SHOW TABLES', 'DESCRIBE spans', 'SUMMARIZE spans', 'EXPLAIN SELECT * FROM spans', "PRAGMA table_info('spans')", 'FROM spans LIMIT 1']) {
      expect((await run(sql)).row_count, sql).toBeGreaterThan(0);
    }
  });

  it.each([
    ['COPY spans TO \'/tmp/ad-out.csv\'', 'sql_refused', /^Refused: this session is read-only/],
    ["ATTACH '/tmp/ad-x.db' AS x", 'sql_refused', /^Refused: ATTACH statements are not allowed in the read-only console\./],
    ['SET threads = 1', 'sql_refused', /^Refused: SET statements are not allowed/],
    ["PRAGMA memory_limit = '1GB'", 'sql_refused', /^Refused: SET statements are not allowed/],
    ['INSTALL httpfs', 'sql_refused', /^Refused: INSTALL\/LOAD statements are not allowed/],
    ['LOAD httpfs', 'sql_refused', /^Refused: INSTALL\/LOAD statements are not allowed/],
    ['CREATE TABLE t AS SELECT 1', 'sql_refused', /^Refused: CREATE statements are not allowed/],
    ['INSERT INTO spans (span_id) VALUES (\'x\')', 'sql_refused', /^Refused: INSERT statements are not allowed/],
    ["UPDATE spans SET name = 'x'", 'sql_refused', /^Refused: UPDATE statements are not allowed/],
    ['DELETE FROM spans', 'sql_refused', /^Refused: DELETE statements are not allowed/],
    ['DROP TABLE spans', 'sql_refused', /^Refused: DROP statements are not allowed/],
    ["EXPORT DATABASE '/tmp/ad-export'", 'sql_refused', /^Refused: /],
    ['CALL pragma_version()', 'sql_refused', /^Refused: CALL statements are not allowed/],
    ['EXPLAIN ANALYZE CREATE TABLE q AS SELECT 1', 'sql_refused', /^Refused: CREATE statements are not allowed/],
    ['SELECT 1; SELECT 2', 'sql_refused', /^Refused: 2 statements given; run one statement at a time\./],
  ])('refuses %s', async (sql, code, message) => {
    const e = await refusal(sql);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it.each([
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM read_parquet('/tmp/x.parquet')",
    "SELECT * FROM read_json('/etc/os-release')",
    "SELECT * FROM glob('/etc/*')",
  ])('file-reading function fails because external access is off: %s', async (sql) => {
    const e = await refusal(sql);
    expect(e.code).toBe('sql_refused');
    // The console's allow-list names the function; DuckDB's lock underneath would refuse the file access too.
    expect(e.message).toMatch(/file system operations are disabled by configuration|^Refused: the table function \w+\(\) is not allowed in the read-only console/);
  });

  it('cannot read a file next to the bundle even by relative path, and the tables are unchanged after refusals', async () => {
    const e = await refusal(`SELECT * FROM '${path.join(root, 'secret.csv')}'`);
    expect(e.code).toBe('sql_refused');
    expect((await run('SELECT count(*) AS n FROM spans')).rows).toEqual([[30]]);
    expect(fs.existsSync('/tmp/ad-out.csv')).toBe(false);
  });

  it('reports SQL errors with DuckDB\'s message', async () => {
    const e = await refusal('SELECT nope FROM spans');
    expect(e.code).toBe('sql_error');
    expect(e.message).toMatch(/^Binder Error: Referenced column "nope" not found/);
  });

  it('a cancelled query is reported as cancelled and the session stays usable', async () => {
    const p = engine.runSql({ bundleId, sql: 'SELECT count(*) FROM range(100000000000) a', jobId: 'q1' });
    expect(await engine.cancelJob({ jobId: 'q1' })).toEqual({ cancelled: true });
    expect(await errorOf(() => p)).toMatchObject({ code: 'cancelled', message: 'Cancelled.' });
    expect((await run('SELECT count(*) AS n FROM spans')).rows).toEqual([[30]]);
  });
});
