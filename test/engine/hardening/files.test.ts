import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../shared/api/bundle';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import { GOOD_SPANS, HOSTILE_TIMEOUT, WriteGuard, countOf, engineIn, errorOf, expectAccounted, fileReport, jsonl, manifestFor, rejectsOf, rmDir, tempDir, workLeft, writeFiles, writeParquet } from './helpers';

const OTLP_TRACE = '5B8EFFF798038103D269B633813FC60C';
const otlpSpan = (spanId: string, name: string, extra: Record<string, unknown> = {}) => ({
  traceId: OTLP_TRACE,
  spanId,
  name,
  startTimeUnixNano: '1544712660000000000',
  endTimeUnixNano: '1544712661000000000',
  ...extra,
});
const otlpDoc = (spans: unknown[]) => JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ spans }] }] });

/**
 * Broken and hostile files inside folder bundles, beyond test/engine/bundle/{rejects,encodings,integrity}:
 * each case names the file and place, the rest of the bundle loads, rows are accounted for, and the
 * bundle folder is untouched (names, sizes, mtimes, hashes) with nothing written next to it.
 */
describe('hostile files in a folder bundle', () => {
  let root: string;
  let bundles: string;
  let dataDir: string;
  let engine: Engine;
  const opened: string[] = [];

  /** Writes a bundle, opens it under a write guard, checks accounting; the session is closed in afterAll. */
  async function open(name: string, files: Record<string, string | Uint8Array>, e: Engine = engine): Promise<ImportSummary> {
    const dir = path.join(bundles, name);
    writeFiles(dir, files);
    const guard = new WriteGuard(dir);
    const s = await e.openBundle({ path: dir });
    guard.check();
    expectAccounted(s);
    if (e === engine) opened.push(s.bundleId);
    return s;
  }

  beforeAll(() => {
    root = tempDir('hard-files');
    bundles = path.join(root, 'bundles');
    fs.mkdirSync(bundles);
    dataDir = path.join(root, 'data');
    engine = engineIn(dataDir);
  });
  afterAll(async () => {
    await engine.dispose();
    expect(workLeft(dataDir)).toEqual([]);
    rmDir(root);
  });

  it('empty files of every flat format, blank-only JSON Lines, header-only CSV, [] and {}: listed, nothing invented', async () => {
    const s = await open('empties', {
      'spans.jsonl': GOOD_SPANS,
      'releases.csv': '',
      'e.tsv': '',
      'e.json': '',
      'blank.jsonl': '\n  \n\t\r\n',
      'header_only.csv': 'a,b\n',
      'arr.json': '[]',
      'obj.json': '{}',
    });
    expect(fileReport(s, 'releases.csv')).toMatchObject({ table: 'releases', rows_read: 0, status: 'ok', inferred: ['empty file'] });
    expect(fileReport(s, 'e.tsv')).toMatchObject({ table: null, format: 'tsv', rows_read: 0, inferred: ['empty file'] });
    expect(fileReport(s, 'e.json')).toMatchObject({ table: null, format: 'json', rows_read: 0, inferred: ['empty file'] });
    expect(fileReport(s, 'blank.jsonl')).toMatchObject({ table: null, rows_read: 0, inferred: ['no rows'] });
    expect(fileReport(s, 'arr.json')).toMatchObject({ table: null, rows_read: 0, inferred: ['no rows'] });
    expect(fileReport(s, 'header_only.csv')).toMatchObject({ table: 'header_only', rows_read: 0, rows_loaded: 0 });
    expect(fileReport(s, 'obj.json')).toMatchObject({ rows_read: 1, rows_loaded: 0, rows_rejected: 1 });
    expect(await rejectsOf(engine, s, 'obj.json')).toEqual([{ file: 'obj.json', line: 1, column: null, reason: 'empty JSON object', raw: '{}' }]);
    expect(s.rejects_total).toBe(1);
    expect(await countOf(engine, s, 'spans')).toBe(2);
    expect(await countOf(engine, s, 'releases')).toBe(0);
  }, HOSTILE_TIMEOUT);

  it('a row with several unreadable values is one rejected row: the total counts rows, as each file does', async () => {
    // Like sklearn's breast_cancer.csv: a first line that is not the header, then rows wider than it.
    const s = await open('two-bad-values', { 'records.csv': '2,2,malignant,benign\n1.5,2.5,3.5,4.5,5.5,0\n1.5,2.5,3.5,4.5,5.5,1\n' });
    const report = fileReport(s, 'records.csv');
    const entries = await rejectsOf(engine, s, 'records.csv');
    expect(entries.length).toBeGreaterThan(report?.rows_rejected ?? 0);
    expect(s.rejects_total).toBe(report?.rows_rejected);
  }, HOSTILE_TIMEOUT);

  it('empty JSON objects among real ones are rejected once and not loaded', async () => {
    const s = await open('emptyobj', { 'e.jsonl': '{"a":1}\n{}\n{}\n', 'records.jsonl': '{"record_id":"r1"}\n{}\n' });
    expect(fileReport(s, 'e.jsonl')).toMatchObject({ rows_read: 3, rows_loaded: 1, rows_rejected: 2 });
    expect(await countOf(engine, s, 'e')).toBe(1);
    expect(fileReport(s, 'records.jsonl')).toMatchObject({ rows_read: 2, rows_loaded: 1, rows_rejected: 1 });
  });

  it('Parquet with both magic markers but a garbage footer is unreadable with the reason; odd column names survive', async () => {
    const dir = path.join(bundles, 'pq');
    await writeParquet(path.join(dir, 'records.parquet'), `SELECT 'r' || i AS record_id, 'x' AS "a""b; drop table spans" FROM range(3) t(i)`);
    const s = await open('pq', {
      'spans.jsonl': GOOD_SPANS,
      'garbage.parquet': `PAR1${'x'.repeat(100)}\u0004\u0000\u0000\u0000PAR1`,
      // a footer claiming to be 2 GiB long must not make the engine allocate it
      'hugefooter.parquet': Buffer.concat([Buffer.from(`PAR1${'x'.repeat(100)}`), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from('PAR1')]),
    });
    expect(fileReport(s, 'hugefooter.parquet')).toMatchObject({ status: 'unreadable', rows_loaded: 0 });
    expect((await rejectsOf(engine, s, 'hugefooter.parquet'))[0]?.reason).toMatch(/^unreadable Parquet file: /);
    expect(fileReport(s, 'garbage.parquet')).toMatchObject({ status: 'unreadable', format: 'parquet', rows_loaded: 0 });
    const [r] = await rejectsOf(engine, s, 'garbage.parquet');
    expect(r?.reason).toMatch(/^unreadable Parquet file: IO Error: .*garbage\.parquet/);
    expect(fileReport(s, 'records.parquet')).toMatchObject({ status: 'ok', table: 'records', rows_loaded: 3 });
    expect((await engine.runSql({ bundleId: s.bundleId, sql: `SELECT count("a""b; drop table spans") FROM records` })).rows).toEqual([[3]]);
    expect(await countOf(engine, s, 'spans')).toBe(2);
  }, HOSTILE_TIMEOUT);

  // The importer reads Parquet with a row-number column of its own; a data column of that name must survive.
  it('a Parquet column named file_row_number does not make the file unreadable', async () => {
    const dir = path.join(bundles, 'pq-frn');
    await writeParquet(path.join(dir, 'records.parquet'), `SELECT 'r' || i AS record_id, i AS file_row_number FROM range(3) t(i)`);
    const s = await open('pq-frn', {});
    expect(fileReport(s, 'records.parquet')).toMatchObject({ status: 'ok', table: 'records', rows_loaded: 3 });
  });

  it('raw NUL bytes: kept inside a CSV cell; a JSON line holding one is rejected at its line, the next line loads', async () => {
    const s = await open('nul', {
      'spans.jsonl': GOOD_SPANS,
      'nulcell.csv': Buffer.from('a,b\n1,x\u0000y\n2,z\n'),
      'nulline.jsonl': Buffer.from('{"k":"x\u0000y"}\n{"k":"ok"}\n'),
    });
    expect(fileReport(s, 'nulcell.csv')).toMatchObject({ rows_read: 2, rows_loaded: 2 });
    expect((await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT a, b FROM nulcell ORDER BY a' })).rows).toEqual([
      [1, 'x\u0000y'],
      [2, 'z'],
    ]);
    expect(fileReport(s, 'nulline.jsonl')).toMatchObject({ rows_read: 2, rows_loaded: 1, rows_rejected: 1 });
    expect(await rejectsOf(engine, s, 'nulline.jsonl')).toEqual([{ file: 'nulline.jsonl', line: 1, column: null, reason: 'malformed JSON', raw: '{"k":"x\u0000y"}' }]);
  }, HOSTILE_TIMEOUT);

  it('a NUL inside a column name (escaped in a JSON key, raw in a CSV header) makes only that file unreadable', async () => {
    const s = await open('nulname', { 'spans.jsonl': GOOD_SPANS, 'nulkey.jsonl': '{"a\\u0000b":1}\n', 'nulheader.csv': Buffer.from('a\u0000x,b\n1,2\n') });
    for (const file of ['nulkey.jsonl', 'nulheader.csv']) {
      expect(fileReport(s, file), file).toMatchObject({ status: 'unreadable', table: null, rows_loaded: 0 });
      const rej = await rejectsOf(engine, s, file);
      expect(rej, file).toHaveLength(1);
      expect(rej[0]?.reason, file).toMatch(/NUL character/);
    }
    expect(await countOf(engine, s, 'spans')).toBe(2);
  }, HOSTILE_TIMEOUT);

  it('non-UTF-8 JSON Lines (a latin-1 byte): only that line is rejected, naming the byte; a UTF-8 BOM does not leak into a column name', async () => {
    const latin = Buffer.concat([Buffer.from('{"k":"M'), Buffer.from([0xfc]), Buffer.from('nchen"}\n{"k":"ok"}\n')]);
    const s = await open('latin', { 'spans.jsonl': GOOD_SPANS, 'latin.jsonl': latin, 'bom.csv': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('record_id,x\nr1,1\n')]) });
    expect(fileReport(s, 'latin.jsonl')).toMatchObject({ status: 'ok', rows_read: 2, rows_loaded: 1, rows_rejected: 1 });
    expect((await rejectsOf(engine, s, 'latin.jsonl')).map((r) => [r.line, r.column, r.reason])).toEqual([[1, null, 'not valid UTF-8 (byte 0xFC at byte 8 of the line)']]);
    expect((await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT k FROM latin' })).rows).toEqual([['ok']]);
    expect(fileReport(s, 'bom.csv')).toMatchObject({ table: 'records', rows_loaded: 1 });
    expect(await countOf(engine, s, 'spans')).toBe(2);
  }, HOSTILE_TIMEOUT);

  it('a UTF-16 CSV makes only that file unreadable; the rest loads', async () => {
    const s = await open('utf16', { 'spans.jsonl': GOOD_SPANS, 'u16.csv': Buffer.from('\ufeffa,b\n1,2\n', 'utf16le') });
    expect(fileReport(s, 'u16.csv')).toMatchObject({ status: 'unreadable', rows_loaded: 0 });
    expect(await rejectsOf(engine, s, 'u16.csv')).toHaveLength(1);
    expect(await countOf(engine, s, 'spans')).toBe(2);
  }, HOSTILE_TIMEOUT);

  it('a UTF-16 CSV is reported as UTF-16, not as a NUL in an identifier', async () => {
    const s = await open('utf16-reason', { 'u16.csv': Buffer.from('\ufeffa,b\n1,2\n', 'utf16le') });
    expect((await rejectsOf(engine, s, 'u16.csv'))[0]?.reason).toMatch(/UTF-16/);
  });

  it('CSV with ragged rows everywhere and an unterminated quote: every line accounted, the good ones load', async () => {
    const s = await open('ragged', { 'spans.jsonl': GOOD_SPANS, 'r.csv': 'a,b,c\n1\n1,2,3,4,5\n"unterminated,2,3\n4,5,6\n,,\n' });
    expect(fileReport(s, 'r.csv')).toMatchObject({ rows_read: 5, rows_loaded: 3, rows_rejected: 2 });
    const rej = await rejectsOf(engine, s, 'r.csv');
    expect([...new Set(rej.map((r) => r.line))]).toEqual([2, 3]);
    expect(rej.map((r) => r.reason.split(':')[0])).toEqual(['missing columns', 'missing columns', 'too many columns', 'too many columns']);
  }, HOSTILE_TIMEOUT);

  it('deeply nested JSON (depth 10 000) neither crashes nor hangs: kept as JSON, non-objects rejected, OTLP attributes refused by depth', async () => {
    const deep = (d: number) => '['.repeat(d) + ']'.repeat(d);
    const deepValue = '{"arrayValue":{"values":['.repeat(5_000) + ']}}'.repeat(5_000);
    const deepBatch = otlpDoc([otlpSpan('EEE19B7EC3C1B175', 'deep', { attributes: [{ key: 'deep', value: '@' }] })]).replace('"@"', deepValue);
    const s = await open('deep', {
      'spans.jsonl': GOOD_SPANS,
      'deep.jsonl': `{"k":${deep(10_000)}}\n{"k":1}\n`,
      'deeparr.jsonl': `${deep(10_000)}\n`,
      'deepobj.json': '[' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + ']',
      // an OTel Collector file: the batch holding a 10 000-deep attribute is rejected whole, the next batch loads
      'collector.jsonl': `${deepBatch}\n${otlpDoc([otlpSpan('EEE19B7EC3C1B174', 'ok')])}\n`,
    });
    expect(fileReport(s, 'deep.jsonl')).toMatchObject({ rows_read: 2, rows_loaded: 2 });
    expect(fileReport(s, 'deepobj.json')).toMatchObject({ rows_read: 1, rows_loaded: 1 });
    expect(await rejectsOf(engine, s, 'deeparr.jsonl')).toMatchObject([{ line: 1, reason: 'not a JSON object (found array)' }]);
    expect((await engine.runSql({ bundleId: s.bundleId, sql: `SELECT length(k::VARCHAR) AS n FROM deep ORDER BY n` })).rows).toEqual([[1], [20_000]]);

    expect(fileReport(s, 'collector.jsonl')).toMatchObject({ table: 'spans', rows_read: 2, rows_loaded: 1, rows_rejected: 1 });
    expect((await rejectsOf(engine, s, 'collector.jsonl')).map((r) => [r.line, r.reason])).toEqual([[1, 'collector.jsonl line 1: JSON nested deeper than 128 levels']]);
    expect(await countOf(engine, s, 'spans')).toBe(3);
  }, HOSTILE_TIMEOUT);

  it('OTLP with invalid hex ids and times beyond 64 bits: each span rejected with file, line and field; duplicates found', async () => {
    const s = await open('otlp', {
      'spans.jsonl': GOOD_SPANS,
      'trace.otlp.json': otlpDoc([
        otlpSpan('EEE19B7EC3C1B174', 'ok'),
        { ...otlpSpan('EEE19B7EC3C1B175', 'bad trace'), traceId: 'ZZ8EFFF798038103D269B633813FC60C' },
        otlpSpan('EEE19B7EC3C1B1', 'short span id'),
        otlpSpan('EEE19B7EC3C1B176', 'beyond 64 bits', { startTimeUnixNano: '18446744073709551616' }),
        otlpSpan('EEE19B7EC3C1B177', 'max u64', { startTimeUnixNano: '18446744073709551615', endTimeUnixNano: '18446744073709551615' }),
        otlpSpan('EEE19B7EC3C1B178', 'number too big', { startTimeUnixNano: 1e30 }),
        otlpSpan('EEE19B7EC3C1B174', 'duplicate id'),
      ]),
    });
    expect(fileReport(s, 'trace.otlp.json')).toMatchObject({ table: 'spans', rows_read: 7, rows_loaded: 3, rows_rejected: 4 });
    expect((await rejectsOf(engine, s, 'trace.otlp.json')).map((r) => [r.line, r.column, r.reason])).toEqual([
      [1, 'resourceSpans[0].scopeSpans[0].spans[1].traceId', 'trace.otlp.json line 1: id is not hex: ZZ8EFFF798038103D269B633813FC60C (nor base64 of 16 bytes)'],
      [1, 'resourceSpans[0].scopeSpans[0].spans[2].spanId', 'trace.otlp.json line 1: id must have 16 hex characters, got 14: EEE19B7EC3C1B1 (nor base64 of 8 bytes)'],
      [1, 'resourceSpans[0].scopeSpans[0].spans[3].startTimeUnixNano', 'trace.otlp.json line 1: time 18446744073709551616 is beyond unsigned 64 bits'],
      [1, 'resourceSpans[0].scopeSpans[0].spans[5].startTimeUnixNano', 'trace.otlp.json line 1: time 1000000000000000019884624838656 is beyond unsigned 64 bits'],
    ]);
    const max = await engine.runSql({ bundleId: s.bundleId, sql: `SELECT start_time FROM spans WHERE span_id = 'eee19b7ec3c1b177'` });
    expect(max.rows).toEqual([['2554-07-21T23:34:33.709Z']]);
    expect(s.checks.find((c) => c.check === 'duplicate_id' && c.table === 'spans')).toMatchObject({ count: 1, examples: [`${OTLP_TRACE.toLowerCase()}/eee19b7ec3c1b174`] });
  }, HOSTILE_TIMEOUT);

  it('duplicate ids spread over two files of one table are found as one finding per key', async () => {
    const s = await open('dups', {
      'spans.jsonl': GOOD_SPANS,
      'more/spans.jsonl': GOOD_SPANS,
      'records.csv': 'record_id,x\nr1,1\nr1,2\nr2,3\n',
    });
    expect(await countOf(engine, s, 'spans')).toBe(4);
    expect(s.checks.find((c) => c.check === 'duplicate_id' && c.table === 'spans')).toMatchObject({ count: 2, examples: ['t1/a', 't1/b'] });
    expect(s.checks.find((c) => c.check === 'duplicate_id' && c.table === 'records')).toMatchObject({ count: 1, examples: ['r1'] });
  }, HOSTILE_TIMEOUT);

  it('a manifest that lies about paths never reads outside the bundle: "../" and absolute entries are reported missing', async () => {
    writeFiles(bundles, { 'outside.csv': 'secret\nhunter2\n' });
    const dir = path.join(bundles, 'liar');
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'records.csv': 'record_id\nr1\n' });
    const m = JSON.parse(manifestFor(dir, { 'spans.jsonl': { rows: 2 }, 'records.csv': { format: 'parquet' } })) as { files: unknown[] };
    m.files.push({ path: '../outside.csv', table: 'records' }, { path: '/etc/passwd', table: 'audit_log', format: 'csv' }, { path: 'spans.jsonl', rows: 99 });
    const s = await open('liar', { 'manifest.json': JSON.stringify(m) });
    expect(s.integrity.state).toBe('altered');
    expect(fileReport(s, '../outside.csv')).toMatchObject({ status: 'missing', rows_read: 0, bytes: 0, sha256: '' });
    expect(fileReport(s, 'etc/passwd')).toMatchObject({ status: 'missing', rows_read: 0 });
    expect(await countOf(engine, s, 'audit_log')).toBe(0);
    // the manifest says parquet, the bytes say CSV: the file is unreadable as declared, with the reason
    expect(fileReport(s, 'records.csv')).toMatchObject({ status: 'unreadable', format: 'parquet' });
    expect((await rejectsOf(engine, s, 'records.csv'))[0]?.reason).toBe('not a Parquet file (wrong magic bytes at the start)');
    expect(await countOf(engine, s, 'records')).toBe(0);
    expect(await countOf(engine, s, 'spans')).toBe(2);
  }, HOSTILE_TIMEOUT);

  it('a manifest that is not JSON, or names meta tables and SQL as tables, cannot clobber anything', async () => {
    const notJson = await open('manifest-garbage', { 'spans.jsonl': GOOD_SPANS, 'manifest.json': '{"files": [' });
    expect(notJson.integrity).toMatchObject({ state: 'altered', problems: [{ path: 'manifest.json', status: 'unreadable' }] });
    expect(notJson.integrity.problems[0]?.detail).toMatch(/^manifest\.json is not valid JSON: /);
    expect(await countOf(engine, notJson, 'spans')).toBe(2);

    const dir = path.join(bundles, 'manifest-tables');
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'a.csv': 'x\n1\n', 'b.csv': 'y\n2\n', 'c.csv': 'z\n3\n' });
    writeFiles(dir, { 'manifest.json': manifestFor(dir, { 'spans.jsonl': {}, 'a.csv': { table: '_ad_files' }, 'b.csv': { table: 'spans"; DROP TABLE spans; --' }, 'c.csv': { table: '_ad_rejects' } }) });
    const s = await open('manifest-tables', {});
    expect(s.integrity.state).toBe('verified');
    const tables = s.files.map((f) => [f.path, f.table]);
    expect(tables).toEqual([
      ['a.csv', 'extra_ad_files'],
      ['b.csv', expect.stringMatching(/^[a-z_][a-z0-9_]*$/)],
      ['c.csv', 'extra_ad_rejects'],
      ['manifest.json', null],
      ['spans.jsonl', 'spans'],
    ]);
    expect(await countOf(engine, s, 'spans')).toBe(2);
    expect(await countOf(engine, s, '_ad_files')).toBe(5);
    expect(await countOf(engine, s, '_ad_rejects')).toBe(0);
  }, HOSTILE_TIMEOUT);

  it('CSV headers with quotes, delimiters, SQL and empty or repeated names load under quoted, de-duplicated names', async () => {
    const s = await open('meta-cols', {
      'spans.jsonl': GOOD_SPANS,
      'weird.csv': 'a"b,"c,d","e""f",drop table spans; --,Select,,a"b\n1,2,3,4,5,6,7\n',
      'internal.jsonl': jsonl([{ _t: 'x', _line: 5, _s: 1, _j: [1], _kind: 'z', k: 1 }]),
    });
    const weird = s.tables.find((t) => t.name === 'weird');
    expect(weird?.columns.map((c) => c.name)).toEqual(['a"b', 'c,d', 'e"f', 'drop table spans; --', 'Select', 'column5', 'a"b_1']);
    const r = await engine.runSql({ bundleId: s.bundleId, sql: `SELECT "a""b", "c,d", "drop table spans; --", "a""b_1" FROM weird` });
    expect(r.rows).toEqual([[1, 2, 4, 7]]);
    // keys named like the importer's own staging columns are ordinary data
    expect((await engine.runSql({ bundleId: s.bundleId, sql: `SELECT _t, _line, _s, _j, _kind, k FROM internal` })).rows).toEqual([['x', 5, 1, '[1]', 'z', 1]]);
    expect(await countOf(engine, s, 'spans')).toBe(2);
  }, HOSTILE_TIMEOUT);

  it('file names that are SQL reserved words, meta-table names or SQL fragments become safe extra tables', async () => {
    const s = await open('reserved', {
      'spans.jsonl': GOOD_SPANS,
      'select.csv': 'a,b\n1,2\n',
      'order.jsonl': '{"k":1}\n',
      '_ad_files.csv': 'path,x\np,1\n',
      '_ad_rejects.jsonl': '{"z":1}\n',
      'drop table.csv': 'a\n1\n',
      'group by.tsv': 'a\tb\n1\t2\n',
      'spans': 'trace_id,span_id\nt9,z\n',
    });
    expect(s.files.map((f) => [f.path, f.table])).toEqual([
      ['_ad_files.csv', 'extra_ad_files'],
      ['_ad_rejects.jsonl', 'extra_ad_rejects'],
      ['drop table.csv', 'drop_table'],
      ['group by.tsv', 'group_by'],
      ['order.jsonl', 'extra_order'],
      ['select.csv', 'extra_select'],
      ['spans', null],
      ['spans.jsonl', 'spans'],
    ]);
    expect(fileReport(s, 'spans')).toMatchObject({ format: 'other', inferred: ['not a data file: hashed, not loaded'] });
    for (const t of ['extra_ad_files', 'extra_ad_rejects', 'drop_table', 'group_by', 'extra_order', 'extra_select']) expect(await countOf(engine, s, t), t).toBe(1);
    expect(await countOf(engine, s, 'spans')).toBe(2);
    expect(await countOf(engine, s, '_ad_files')).toBe(8);
  }, HOSTILE_TIMEOUT);

  it('a 100 MB single JSON line loads within a 2 GB memory limit, and the file is left untouched', async () => {
    const roomy = createEngine({ dataDir: path.join(root, 'data-big'), memoryLimit: '2GB', threads: 1 });
    const dir = path.join(bundles, 'big');
    writeBigLine(path.join(dir, 'big.jsonl'));
    try {
      const s = await open('big', { 'spans.jsonl': GOOD_SPANS }, roomy);
      expect(fileReport(s, 'big.jsonl')).toMatchObject({ rows_read: 2, rows_loaded: 2, status: 'ok' });
      expect((await roomy.runSql({ bundleId: s.bundleId, sql: 'SELECT length(k) AS n FROM big ORDER BY n' })).rows).toEqual([[5], [100 * 1024 * 1024]]);
    } finally {
      await roomy.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(workLeft(path.join(root, 'data-big'))).toEqual([]);
  }, 120_000);

  it('a 100 MB single JSON line under the smallest memory limit (512 MB): that line is rejected with its size and the limit, the next line loads', async () => {
    const dir = path.join(bundles, 'big-small');
    writeBigLine(path.join(dir, 'big.jsonl'));
    try {
      const s = await open('big-small', { 'spans.jsonl': GOOD_SPANS });
      expect(fileReport(s, 'big.jsonl')).toMatchObject({ status: 'ok', rows_read: 2, rows_loaded: 1, rows_rejected: 1 });
      const rej = await rejectsOf(engine, s, 'big.jsonl');
      expect(rej.map((r) => [r.line, r.column])).toEqual([[1, null]]);
      expect(rej[0]?.reason).toMatch(/^line is 104857608 bytes, above the \d+-byte limit for one JSON line \(1\/8 of the session memory limit\)$/);
      expect((rej[0]?.raw ?? '').length).toBeLessThanOrEqual(500);
      expect(rej[0]?.raw?.startsWith('{"k":"aaaa')).toBe(true);
      expect((await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT k FROM big' })).rows).toEqual([['small']]);
      expect(await countOf(engine, s, 'spans')).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a request for a missing session after all that still names it (the engine is alive)', async () => {
    expect(await errorOf(() => engine.getSummary({ bundleId: 'b-none' }))).toMatchObject({ code: 'not_found' });
    for (const id of opened) await engine.closeBundle({ bundleId: id });
    expect(workLeft(dataDir)).toEqual([]);
  });
});

/** Writes '{"k":"aaa…"}' (100 MiB of "a") and a small second line, in chunks (no 100 MB string in memory). */
function writeBigLine(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, '{"k":"');
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 100; i++) fs.writeSync(fd, chunk);
    fs.writeSync(fd, '"}\n{"k":"small"}\n');
  } finally {
    fs.closeSync(fd);
  }
}
