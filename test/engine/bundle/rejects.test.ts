import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary, RejectRow } from '../../../shared/api/bundle';
import type { Engine } from '../../../electron/engine/engine';
import { queryRows } from '../../../electron/engine/db';
import { engineIn, jsonl, rmDir, tempDir, writeFiles, writeParquet } from './helpers';

describe('rejects: every row accounted for, every problem named with file, line and column', () => {
  let root: string;
  let engine: Engine;
  let s: ImportSummary;
  const rejectsOf = async (file: string): Promise<RejectRow[]> => (await engine.listRejects({ bundleId: s.bundleId, file, offset: 0, limit: 100 })).rows;
  const report = (p: string) => s.files.find((f) => f.path === p);
  const rows = (sql: string) => queryRows(engine.context.session(s.bundleId).conn, sql);

  beforeAll(async () => {
    root = tempDir('rejects');
    const b = path.join(root, 'bundle');
    const good = (i: number) => JSON.stringify({ trace_id: 't', span_id: `s${i}`, name: 'n' });
    writeFiles(b, {
      // line 3 is malformed, line 4 blank (ignored), line 6 an array, line 7 a bad timestamp, line 8 lacks the required span_id
      'spans.jsonl': [good(1), good(2), '{"trace_id": "t", "span_id": "s3", ', '', good(5), '[1,2]', '{"trace_id":"t","span_id":"s7","start_time":"yesterday"}', '{"trace_id":"t","name":"no id"}', good(9)].join('\n') + '\n',
      // line 3: bad number, line 4: ragged (too few), line 5: too many columns, line 6: bad boolean
      'eval_results.csv': 'eval_id,ts,value,passed\ne1,2026-03-01T00:00:00Z,0.5,true\ne2,2026-03-01T00:00:00Z,abc,true\ne3,2026-03-01T00:00:00Z\ne4,2026-03-01T00:00:00Z,1,false,extra\ne5,2026-03-01T00:00:00Z,1,maybe\ne6,2026-03-01T00:00:00Z,1,false\n',
      'releases.json': JSON.stringify([{ release_id: 'r1' }, 'not an object', { release_id: 'r3', released_at: 1e30 }]),
      'training_runs.json': '[{"run_id": "a"}, {"run_id": ',
      'weird.jsonl': jsonl([{ 'a"b': 1, 'drop table x; --': 'y', 'Select': true, nested: { deep: { deeper: { deepest: [1, { x: 2 }] } } } }]),
      'order.csv': 'k,v\n1,2\n',
      'latin1.csv': Buffer.concat([Buffer.from('record_id,city\nr1,'), Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]), Buffer.from('\n')]),
      'nul.jsonl': '{"log_id":"l1","ts":"2026-03-01T00:00:00Z","detail":"a\\u0000b"}\n',
      'bad_magic.parquet': 'definitely not parquet',
      // one 20 MB line (above DuckDB's default JSON object and CSV line limits) and one 5 000-deep nesting
      'big.jsonl': `${JSON.stringify({ id: 'big', text: 'x'.repeat(20 * 1024 * 1024) })}\n{"id": "deep", "v": ${'['.repeat(5000)}${']'.repeat(5000)}}\n`,
      'zero.parquet': '',
    });
    await writeParquet(path.join(b, 'records_src.parquet'), `SELECT 'r' || i AS record_id FROM range(3) t(i)`);
    await writeParquet(
      path.join(b, 'spans_typed.parquet'),
      `SELECT * FROM (VALUES ('t', 'p1', 1::BIGINT), ('t', NULL, 2::BIGINT), ('t', 'p3', 1099511627776::BIGINT), ('t', 'p4', NULL)) v(trace_id, span_id, retry_count)`,
    );
    const pq = fs.readFileSync(path.join(b, 'records_src.parquet'));
    fs.writeFileSync(path.join(b, 'truncated.parquet'), pq.subarray(0, pq.length - 10));
    engine = engineIn(path.join(root, 'data'));
    s = await engine.openBundle({ path: b });
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('rows_read = rows_loaded + rows_rejected for every file', () => {
    for (const f of s.files) expect(f.rows_read, f.path).toBe(f.rows_loaded + f.rows_rejected);
  });

  it('JSON Lines: malformed line, non-object, bad timestamp and missing id each rejected at their exact line', async () => {
    expect(report('spans.jsonl')).toMatchObject({ rows_read: 8, rows_loaded: 4, rows_rejected: 4 });
    expect(await rejectsOf('spans.jsonl')).toEqual([
      { file: 'spans.jsonl', line: 3, column: null, reason: 'malformed JSON', raw: '{"trace_id": "t", "span_id": "s3", ' },
      { file: 'spans.jsonl', line: 6, column: null, reason: 'not a JSON object (found array)', raw: '[1,2]' },
      { file: 'spans.jsonl', line: 7, column: 'start_time', reason: 'wrong type: cannot convert yesterday to TIMESTAMP', raw: '{"trace_id":"t","span_id":"s7","start_time":"yesterday"}' },
      { file: 'spans.jsonl', line: 8, column: 'span_id', reason: 'required value missing', raw: '{"trace_id":"t","name":"no id"}' },
    ]);
    expect((await rows(`SELECT string_agg(span_id, ',' ORDER BY span_id) AS ids FROM spans WHERE span_id LIKE 's%'`))[0]?.ids).toBe('s1,s2,s5,s9');
  });

  it('CSV: bad types and ragged rows rejected with line and column', async () => {
    expect(report('eval_results.csv')).toMatchObject({ rows_read: 6, rows_loaded: 2, rows_rejected: 4 });
    const r = await rejectsOf('eval_results.csv');
    expect(r.map((x) => [x.line, x.column, x.reason.split(':')[0]])).toEqual([
      [3, 'value', 'cast'],
      // DuckDB reports each missing column of a short row; the row counts once.
      [4, 'passed', 'missing columns'],
      [4, 'value', 'missing columns'],
      [5, null, 'too many columns'],
      [6, 'passed', 'cast'],
    ]);
    expect(r[0]?.raw).toBe('e2,2026-03-01T00:00:00Z,abc,true');
    expect(r[0]?.reason).toBe('cast: Error when converting column "value". Could not convert string "abc" to \'DOUBLE\'');
  });

  it('JSON arrays: non-object elements and out-of-range timestamps rejected by element number', async () => {
    expect(report('releases.json')).toMatchObject({ rows_read: 3, rows_loaded: 1, rows_rejected: 2 });
    expect((await rejectsOf('releases.json')).map((x) => [x.line, x.column, x.reason])).toEqual([
      [2, null, 'not a JSON object (found varchar)'],
      [3, 'released_at', 'wrong type: cannot convert 1e30 to TIMESTAMP'],
    ]);
  });

  it('a malformed JSON document is unreadable, with the line of the error', async () => {
    expect(report('training_runs.json')).toMatchObject({ status: 'unreadable', rows_loaded: 0 });
    const [r] = await rejectsOf('training_runs.json');
    expect(r?.reason).toBe('malformed JSON document: it ends early (truncated?)');
  });

  it('hostile column and table names are kept, quoted, and never collide with reserved words', async () => {
    const weird = s.tables.find((t) => t.name === 'weird');
    expect(weird?.columns.map((c) => c.name)).toEqual(['a"b', 'drop table x; --', 'Select', 'nested']);
    expect(await rows(`SELECT "a""b" AS a, "drop table x; --" AS d, "Select" AS s, nested->'$.deep.deeper.deepest[1].x' AS x FROM weird`)).toEqual([{ a: 1, d: 'y', s: true, x: '2' }]);
    expect(report('order.csv')?.table).toBe('extra_order');
    expect(s.tables.find((t) => t.name === 'extra_order')?.rows).toBe(1);
  });

  it('non-UTF-8 CSV: the bad line is rejected, the file does not crash the import', async () => {
    const f = report('latin1.csv');
    expect(f?.rows_read).toBe(f ? f.rows_loaded + f.rows_rejected : -1);
    const r = await rejectsOf('latin1.csv');
    expect(r.length).toBeGreaterThan(0);
    expect(r[0]?.reason).toMatch(/unicode|utf-8/i);
  });

  it('embedded NUL characters survive', async () => {
    // no name rule matches; the log_id column makes it the audit log
    expect(report('nul.jsonl')).toMatchObject({ table: 'audit_log', rows_loaded: 1, inferred: ['table audit_log (from the columns)'] });
    expect((await rows(`SELECT length(detail) AS n FROM audit_log`))[0]?.n).toBe(3);
  });

  it('Parquet: wrong magic, zero bytes and truncation are unreadable with the reason', async () => {
    expect(report('bad_magic.parquet')).toMatchObject({ status: 'unreadable', format: 'parquet' });
    expect((await rejectsOf('bad_magic.parquet'))[0]?.reason).toBe('not a Parquet file (wrong magic bytes at the start)');
    expect((await rejectsOf('zero.parquet'))[0]?.reason).toBe('zero-byte file; not a Parquet file');
    expect((await rejectsOf('truncated.parquet'))[0]?.reason).toBe('truncated Parquet file (footer magic bytes missing at the end)');
    expect(report('records_src.parquet')).toMatchObject({ status: 'ok', table: 'records', rows_loaded: 3 });
  });

  it('Parquet: values that do not fit and missing required ids are rejected by row number', async () => {
    expect(report('spans_typed.parquet')).toMatchObject({ table: 'spans', rows_read: 4, rows_loaded: 2, rows_rejected: 2 });
    expect((await rejectsOf('spans_typed.parquet')).map((x) => [x.line, x.column, x.reason])).toEqual([
      [2, 'span_id', 'required value missing'],
      [3, 'retry_count', 'wrong type: cannot convert 1099511627776 to INTEGER'],
    ]);
  });

  it('a 20 MB line and a 5 000-deep nesting both load whole', async () => {
    expect(report('big.jsonl')).toMatchObject({ table: 'big', rows_read: 2, rows_loaded: 2, rows_rejected: 0 });
    expect((await rows(`SELECT length(text) AS n FROM big WHERE id = 'big'`))[0]?.n).toBe(20 * 1024 * 1024);
    expect((await rows(`SELECT json_array_length(v) AS n FROM big WHERE id = 'deep'`))[0]?.n).toBe(1);
    expect(await rejectsOf('big.jsonl')).toEqual([]);
  });

  it('listRejects pages deterministically and reports the total', async () => {
    const all = await engine.listRejects({ bundleId: s.bundleId, offset: 0, limit: 1000 });
    // total counts entries (one per unreadable value); rejects_total counts rows (a line, or a whole file without one).
    expect(all.total).toBe(all.rows.length);
    expect(new Set(all.rows.map((r, i) => (r.line === null ? `#${i}` : `${r.file}:${r.line}`))).size).toBe(s.rejects_total);
    const page = await engine.listRejects({ bundleId: s.bundleId, offset: 2, limit: 3 });
    expect(page.total).toBe(all.total);
    expect(page.rows).toEqual(all.rows.slice(2, 5));
  });
});
