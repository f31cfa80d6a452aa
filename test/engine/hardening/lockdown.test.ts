import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { GOOD_SPANS, WriteGuard, engineIn, errorOf, rmDir, tempDir, writeFiles } from './helpers';

const READ_ONLY_REFUSAL = /^Refused: this session is read-only and cannot read files, attach databases or change settings \(Permission Error: Cannot access (file|directory) ".*" - file system operations are disabled by configuration\)$/;
/** The console's allow-list refuses a file-reading table function by name before DuckDB's own lock is reached. */
const FUNCTION_REFUSAL = /^Refused: the table function (read_csv|read_csv_auto|read_parquet|read_json|read_json_objects|read_text|read_blob|glob|sniff_csv|parquet_metadata|duckdb_extensions)\(\) is not allowed in the read-only console/;
const FILE_REFUSAL = new RegExp(`${READ_ONLY_REFUSAL.source}|${FUNCTION_REFUSAL.source}`);
const NOT_ALLOWED = (what: string) => new RegExp(`^Refused: ${what} statements are not allowed in the read-only console\\. Only single SELECT`);

/**
 * The SQL console after lockdown, beyond test/engine/bundle/sql.test.ts: files inside the bundle folder,
 * replacement scans, URLs, table functions that touch the file system, comment and whitespace tricks,
 * statements hidden in EXPLAIN/WITH/PREPARE, and DuckDB's own configuration lock underneath the console filter.
 */
describe('SQL lockdown: the console cannot read files, reach the network, write or change settings', () => {
  let root: string;
  let bundle: string;
  let engine: Engine;
  let bundleId: string;
  let guard: WriteGuard;
  const run = (sql: string) => engine.runSql({ bundleId, sql });
  const settings = async () => (await run(`SELECT name, value FROM duckdb_settings() ORDER BY name`)).rows;
  let settingsBefore: unknown;
  const tableList = async () => (await run(`SELECT schema_name, table_name, estimated_size FROM duckdb_tables() ORDER BY ALL`)).rows;
  let tablesBefore: unknown;

  beforeAll(async () => {
    root = tempDir('hard-lock');
    bundle = path.join(root, 'bundle');
    writeFiles(bundle, { 'spans.jsonl': GOOD_SPANS, 'records.csv': 'record_id,x\nr1,1\n' });
    engine = engineIn(path.join(root, 'data'));
    bundleId = (await engine.openBundle({ path: bundle })).bundleId;
    guard = new WriteGuard(bundle);
    settingsBefore = await settings();
    tablesBefore = await tableList();
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  const inBundle = () => path.join(bundle, 'spans.jsonl');
  it.each([
    ['read_csv', (p: string) => `SELECT * FROM read_csv('${p}')`],
    ['read_csv_auto', (p: string) => `SELECT * FROM read_csv_auto('${p}')`],
    ['read_parquet', (p: string) => `SELECT * FROM read_parquet('${p}')`],
    ['read_json', (p: string) => `SELECT * FROM read_json('${p}')`],
    ['read_json_objects', (p: string) => `SELECT * FROM read_json_objects('${p}')`],
    ['read_text', (p: string) => `SELECT * FROM read_text('${p}')`],
    ['read_blob', (p: string) => `SELECT * FROM read_blob('${p}')`],
    ['glob', (p: string) => `SELECT * FROM glob('${p}')`],
    ['sniff_csv', (p: string) => `SELECT * FROM sniff_csv('${p}')`],
    ['parquet_metadata', (p: string) => `SELECT * FROM parquet_metadata('${p}')`],
    ['replacement scan', (p: string) => `SELECT * FROM '${p}'`],
    ['subquery', (p: string) => `SELECT 1 WHERE (SELECT count(*) FROM read_text('${p}')) > 0`],
    ['DESCRIBE', (p: string) => `SELECT * FROM (DESCRIBE SELECT * FROM read_csv('${p}'))`],
    ['SUMMARIZE', (p: string) => `SUMMARIZE SELECT * FROM read_text('${p}')`],
    ['FROM-first', (p: string) => `FROM read_text('${p}')`],
  ])('%s of a file inside the bundle folder is refused (the bundle is only readable through its tables)', async (_name, sql) => {
    const e = await errorOf(() => run(sql(inBundle())));
    expect(e.code).toBe('sql_refused');
    expect(e.message).toMatch(FILE_REFUSAL);
    // Refused by DuckDB's lock (naming the file) or, earlier, by the console's allow-list (naming the function).
    expect(e.message.includes(inBundle()) || FUNCTION_REFUSAL.test(e.message)).toBe(true);
  });

  it('relative paths and globs resolve nowhere: refused', async () => {
    for (const sql of [`SELECT * FROM 'spans.jsonl'`, `SELECT * FROM glob('*')`, `SELECT * FROM read_csv('records.csv')`]) {
      const e = await errorOf(() => run(sql));
      expect(e.code, sql).toBe('sql_refused');
      expect(e.message, sql).toMatch(FILE_REFUSAL);
    }
  });

  it("SELECT * FROM '/etc/passwd' reads nothing: without a known extension it is not a file scan, just an unknown table", async () => {
    expect(await errorOf(() => run(`SELECT * FROM '/etc/passwd'`))).toEqual(expect.objectContaining({ code: 'sql_error', message: 'Catalog Error: Table with name /etc/passwd does not exist!' }));
    expect(await errorOf(() => run(`SELECT * FROM 'file:///etc/passwd'`))).toEqual(expect.objectContaining({ code: 'sql_error', message: 'Catalog Error: Table with name file:///etc/passwd does not exist!' }));
    expect((await errorOf(() => run(`SELECT * FROM read_csv('/etc/passwd')`))).code).toBe('sql_refused');
  });

  it('URLs (httpfs) are refused before any connection is attempted', async () => {
    for (const sql of [`SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')`, `SELECT * FROM 'http://127.0.0.1:9/x.parquet'`, `SELECT * FROM read_parquet('https://127.0.0.1:9/x.parquet')`]) {
      const e = await errorOf(() => run(sql));
      expect(e.code, sql).toBe('sql_refused');
      expect(e.message, sql).toMatch(FILE_REFUSAL);
    }
  });

  it.each([
    ['select 1; drop table spans', /^Refused: 2 statements given; run one statement at a time\./],
    ['SELECT 1;DROP TABLE spans;', /^Refused: 2 statements given; run one statement at a time\./],
    ['explain   analyze  select 1; drop table spans', /^Refused: 2 statements given/],
    ['/* hello */ DROP TABLE spans', NOT_ALLOWED('DROP')],
    ['-- comment\nDROP TABLE spans', NOT_ALLOWED('DROP')],
    ['   \n\t sEt threads=1', NOT_ALLOWED('SET')],
    ['SET enable_external_access = true', NOT_ALLOWED('SET')],
    ['SET lock_configuration = false', NOT_ALLOWED('SET')],
    ['SET GLOBAL lock_configuration = false', NOT_ALLOWED('SET')],
    ['RESET threads', NOT_ALLOWED('SET')],
    ['USE memory', NOT_ALLOWED('SET')],
    ['PRAGMA threads=1', NOT_ALLOWED('SET')],
    ['PRAGMA enable_profiling', NOT_ALLOWED('PRAGMA')],
    ['EXPLAIN DROP TABLE spans', NOT_ALLOWED('DROP')],
    ['EXPLAIN (FORMAT json) DROP TABLE spans', NOT_ALLOWED('DROP')],
    ['WITH x AS (SELECT 1) DELETE FROM spans', NOT_ALLOWED('DELETE')],
    ['PREPARE p AS DELETE FROM spans', NOT_ALLOWED('PREPARE')],
    ['BEGIN TRANSACTION', NOT_ALLOWED('TRANSACTION')],
    ['CREATE MACRO m(a) AS a', NOT_ALLOWED('CREATE')],
    ["ATTACH ':memory:' AS m2", NOT_ALLOWED('ATTACH')],
    ['DETACH memory', NOT_ALLOWED('DETACH')],
    ['VACUUM', NOT_ALLOWED('VACUUM')],
    ['CHECKPOINT', /^Refused: CALL statements are not allowed/],
    ["COPY (SELECT 1) TO '/tmp/ad-hard-copy.csv'", READ_ONLY_REFUSAL],
    ["CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')", READ_ONLY_REFUSAL],
    ['SELECT * FROM duckdb_extensions() WHERE loaded', FUNCTION_REFUSAL],
  ])('refuses %j', async (sql, message) => {
    const e = await errorOf(() => run(sql));
    expect(e.code).toBe('sql_refused');
    expect(e.message).toMatch(message);
  });

  it('comments cannot split a statement: a commented-out DROP is only a comment', async () => {
    expect((await run('SELECT 1 AS one /*; DROP TABLE spans */')).rows).toEqual([[1]]);
    expect((await run('SELECT 2 AS two; -- DROP TABLE spans')).rows).toEqual([[2]]);
    expect(await errorOf(() => run(`SELECT * FROM query('DROP TABLE spans')`))).toMatchObject({ code: 'sql_refused', message: expect.stringMatching(/^Refused: the table function query\(\) is not allowed/) });
  });

  it('DuckDB itself holds the lock: even the engine connection cannot re-enable file access or change settings', async () => {
    const conn = engine.context.session(bundleId).conn;
    for (const [sql, option] of [
      ['SET enable_external_access = true', 'enable_external_access'],
      ['SET lock_configuration = false', 'lock_configuration'],
      ['RESET lock_configuration', 'lock_configuration'],
      ["SET memory_limit = '100GB'", 'memory_limit'],
      ["SET temp_directory = '/tmp'", 'temp_directory'],
      ['SET autoinstall_known_extensions = true', 'autoinstall_known_extensions'],
    ] as const) {
      await expect(conn.run(sql), sql).rejects.toThrow(`Cannot change configuration option "${option}" - the configuration has been locked`);
    }
    await expect(conn.run(`SELECT * FROM read_text('/etc/hostname')`)).rejects.toThrow('file system operations are disabled by configuration');
    expect((await run(`SELECT current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked, current_setting('autoinstall_known_extensions') AS ai, current_setting('autoload_known_extensions') AS al, current_setting('allow_community_extensions') AS comm`)).rows).toEqual([[false, true, false, false, false]]);
  });

  it('after every attempt: settings, tables and the bundle folder are unchanged, nothing was written', async () => {
    expect(await settings()).toEqual(settingsBefore);
    expect((await run(`SELECT count(*) FROM spans`)).rows).toEqual([[2]]);
    expect(await tableList()).toEqual(tablesBefore);
    expect(fs.existsSync('/tmp/ad-hard-copy.csv')).toBe(false);
    guard.check();
  });
});
