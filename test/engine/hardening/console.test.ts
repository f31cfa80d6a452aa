import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { CONSOLE_TABLE_FUNCTIONS } from '../../../electron/engine/bundle/consoleAllow';
import { GOOD_SPANS, HOSTILE_TIMEOUT, engineIn, errorOf, rmDir, tempDir, writeFiles } from './helpers';

/**
 * The engine survives its console: table functions outside an allow-list are refused wherever they appear
 * (enable_logging(storage='file', …) used to abort the engine process at the next query, enable_peg_parser()
 * broke every analysis), results are capped in bytes as well as rows, NaN and ±Inf stay visible, and a
 * column named __proto__ is an ordinary column.
 */
describe('the SQL console cannot kill or change the engine', () => {
  let root: string;
  let engine: Engine;
  let bundleId: string;
  const run = (sql: string) => engine.runSql({ bundleId, sql });

  beforeAll(async () => {
    root = tempDir('hard-console');
    const bundle = path.join(root, 'bundle');
    writeFiles(bundle, { 'spans.jsonl': GOOD_SPANS, 'records.csv': 'record_id,x\nr1,1\nr2,2\n' });
    engine = engineIn(path.join(root, 'data'));
    bundleId = (await engine.openBundle({ path: bundle })).bundleId;
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  /** The session still answers: a console query and an analysis that uses the engine's own connection. */
  async function stillAnswers(): Promise<void> {
    expect((await run('SELECT count(*)::INTEGER AS n FROM records')).rows).toEqual([[2]]);
    const overview = await engine.overview({ bundleId });
    expect(overview).toBeTruthy();
    expect((await run("SELECT current_setting('enable_external_access') AS a")).rows).toEqual([[false]]);
  }

  it("refuses enable_logging(storage='file', …) and enable_peg_parser() by name, wherever they are written", async () => {
    const attempts = [
      `SELECT * FROM enable_logging(storage='file', storage_path='${root}/log')`,
      "SELECT * FROM enable_logging(storage='file')",
      'SELECT * FROM enable_peg_parser()',
      'FROM enable_peg_parser()',
      'select (select 1 from ENABLE_PEG_PARSER())',
      'WITH x AS (SELECT * FROM enable_logging()) SELECT * FROM x',
      'SELECT * FROM records, LATERAL (SELECT * FROM main.enable_peg_parser()) t',
      'SELECT * FROM records WHERE x IN (SELECT 1 FROM enable_logging())',
      'SUMMARIZE (SELECT * FROM enable_peg_parser())',
      'EXPLAIN SELECT * FROM enable_logging()',
      "SELECT * FROM query('SELECT * FROM enable_logging()')",
      "SELECT * FROM query_table('records')",
      'SELECT * FROM disable_peg_parser()',
      'SELECT * FROM checkpoint()',
      'SELECT * FROM truncate_duckdb_logs()',
    ];
    for (const sql of attempts) {
      const e = await errorOf(() => run(sql));
      expect(e.code, sql).toBe('sql_refused');
      expect(e.message, sql).toMatch(/^Refused: the table function \w+\(\) is not allowed in the read-only console/);
    }
    await stillAnswers();
  }, HOSTILE_TIMEOUT);

  it('refuses functions that change session state (setseed, nextval, write_log)', async () => {
    for (const sql of ['SELECT setseed(0.5)', "SELECT nextval('s')", "SELECT write_log('x')"]) {
      const e = await errorOf(() => run(sql));
      expect(e.code, sql).toBe('sql_refused');
    }
  });

  it('every table function of the bundled DuckDB is refused unless it is on the allow-list, and the session survives them all', async () => {
    const names = (await run("SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro') ORDER BY 1")).rows.map((r) => String(r[0]));
    expect(names.length).toBeGreaterThan(80);
    // The allow-list names only functions this DuckDB has (a stale entry would hide a rename).
    for (const allowed of CONSOLE_TABLE_FUNCTIONS) expect(names, allowed).toContain(allowed);
    const refused: string[] = [];
    for (const name of names) {
      const outcome = await run(`SELECT * FROM ${name}() LIMIT 1`).then(
        () => 'ran',
        (e: { code: string; message: string }) => (e.code === 'sql_refused' ? 'refused' : `error: ${e.message}`),
      );
      if (CONSOLE_TABLE_FUNCTIONS.has(name)) expect(outcome, name).not.toBe('refused');
      else {
        expect(outcome, name).toBe('refused');
        refused.push(name);
      }
    }
    for (const f of ['enable_logging', 'enable_peg_parser', 'read_csv', 'glob', 'query', 'checkpoint', 'duckdb_secrets', 'duckdb_logs_parsed']) expect(refused).toContain(f);
    await stillAnswers();
  }, HOSTILE_TIMEOUT);

  it('ordinary console queries still run: DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info, generate_series, catalog functions', async () => {
    for (const sql of ['DESCRIBE records', 'SHOW TABLES', 'SUMMARIZE records', "PRAGMA table_info('records')", 'SELECT * FROM generate_series(1, 3)', 'SELECT * FROM duckdb_tables()', 'SELECT random() < 2 AS ok', 'EXPLAIN SELECT * FROM records']) {
      await expect(run(sql), sql).resolves.toBeTruthy();
    }
  });

  it('caps a result in bytes and streams it: 300 rows of 1 MB cells stop near 32 MiB', async () => {
    const before = process.memoryUsage().rss;
    const r = await run("SELECT i, repeat('x', 1000000) AS big FROM range(300) t(i)");
    expect(r.truncated).toBe(true);
    expect(r.truncated_by).toBe('bytes');
    expect(r.row_count).toBeGreaterThan(10);
    expect(r.row_count).toBeLessThan(40);
    expect(r.rows.reduce((n, row) => n + String(row[1]).length, 0)).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(600 * 1024 * 1024);
    // One cell above 1 MiB characters is cut, visibly.
    const one = await run("SELECT repeat('y', 3000000) AS huge");
    expect(String(one.rows[0]?.[0])).toMatch(/^y+… \(1951424 more characters\)$/);
    expect(one.truncated_by).toBe('bytes');
    const rows = await run('SELECT * FROM range(20)');
    expect(rows.truncated_by).toBeNull();
    expect(rows.row_count).toBe(20);
  }, HOSTILE_TIMEOUT);

  it('keeps NaN and ±Infinity visible, in the JSON rows and in the Arrow stream', async () => {
    const r = await run("SELECT 'nan'::DOUBLE AS a, 'inf'::DOUBLE AS b, '-inf'::DOUBLE AS c, 1.5::DOUBLE AS d, NULL::DOUBLE AS e");
    expect(r.rows).toEqual([['NaN', 'Infinity', '-Infinity', 1.5, null]]);
    const t = tableFromIPC(r.arrow);
    expect(Number.isNaN(t.getChildAt(0)?.get(0))).toBe(true);
    expect(t.getChildAt(1)?.get(0)).toBe(Infinity);
    expect(t.getChildAt(2)?.get(0)).toBe(-Infinity);
  });

  it('a result column named __proto__ (or constructor) is an ordinary column', async () => {
    const r = await run('SELECT 1 AS "__proto__", 2 AS "constructor", 3 AS "toString"');
    expect(r.columns.map((c) => c.name)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(r.rows).toEqual([[1, 2, 3]]);
    const t = tableFromIPC(r.arrow);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['__proto__', 'constructor', 'toString']);
  });
});

describe('column names that are JavaScript object keys survive import', () => {
  let root: string;
  let engine: Engine;

  beforeAll(() => {
    root = tempDir('hard-proto');
    engine = engineIn(path.join(root, 'data'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('a JSON key __proto__ becomes a column, and a CSV header __proto__ does not break select *', async () => {
    const bundle = path.join(root, 'bundle');
    writeFiles(bundle, {
      'spans.jsonl': GOOD_SPANS,
      'records.jsonl': '{"record_id":"r1","__proto__":"p1","constructor":"c1"}\n{"record_id":"r2","__proto__":"p2","constructor":"c2"}\n',
      'extra.csv': 'dataset_id,__proto__,hasOwnProperty\nd1,x,y\n',
    });
    const s = await engine.openBundle({ path: bundle });
    const records = await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT * FROM records ORDER BY record_id' });
    expect(records.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['record_id', '__proto__', 'constructor']));
    const at = records.columns.findIndex((c) => c.name === '__proto__');
    expect(records.rows.map((r) => r[at])).toEqual(['p1', 'p2']);
    const ds = await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT * FROM extra' });
    expect(ds.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['dataset_id', '__proto__', 'hasOwnProperty']));
    expect(ds.rows).toEqual([['d1', 'x', 'y']]);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);
});
