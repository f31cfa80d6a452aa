import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { GOOD_SPANS, HOSTILE_TIMEOUT, WriteGuard, engineIn, expectAccounted, fileReport, rejectsOf, rmDir, tempDir, writeFiles, writeParquet } from './helpers';

/** #14 items 10, 11 and 12: data that must not be lost or misread on the import path. */
describe('import path: data not lost or misread', () => {
  let root: string;
  let engine: Engine;

  beforeAll(() => {
    root = tempDir('hard-import-path');
    engine = engineIn(path.join(root, 'data'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('duplicate keys in one JSON object ({"label":0,"label":1}) reject the row naming the key; JSON Lines and a JSON array alike', async () => {
    const dir = path.join(root, 'bundles', 'dupkeys');
    const lines = [
      '{"record_id":"r1","label":0,"label":1}',
      '{"record_id":"r2","label":1}',
      '{"record_id":"r3","score":0.5,"record_id":"r9"}',
      '{"record_id":"r4","nested":{"a":1,"a":2}}',
    ];
    writeFiles(dir, {
      'spans.jsonl': GOOD_SPANS,
      'records.jsonl': `${lines.join('\n')}\n`,
      'labels.json': '[{"id":"x","label":0,"label":1},{"id":"y","label":2}]',
    });
    const guard = new WriteGuard(dir);
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    const rec = fileReport(s, 'records.jsonl');
    expect(rec.rows_read).toBe(4);
    expect(rec.rows_rejected).toBe(2);
    const rejects = await rejectsOf(engine, s, 'records.jsonl');
    expect(rejects.map((r) => [r.line, r.column])).toEqual([
      [1, 'label'],
      [3, 'record_id'],
    ]);
    expect(rejects[0]?.reason).toMatch(/^duplicate key "label" in one JSON object: readers disagree/);
    const ids = await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT record_id FROM records ORDER BY record_id' });
    expect(ids.rows.map((r) => r[0]), 'neither r1 (first-wins 0 or last-wins 1?) nor r3/r9 loads').toEqual(['r2', 'r4']);
    const arr = fileReport(s, 'labels.json');
    expect([arr.rows_read, arr.rows_loaded, arr.rows_rejected]).toEqual([2, 1, 1]);
    expect((await rejectsOf(engine, s, 'labels.json'))[0]).toMatchObject({ line: 1, column: 'label' });
    await engine.closeBundle({ bundleId: s.bundleId });
    guard.check();
  }, HOSTILE_TIMEOUT);
  it('a CSV with one 2.2 MB cell loads whole (the sniffer gets the 64 MiB line limit), the big cell intact', async () => {
    const dir = path.join(root, 'bundles', 'bigcell');
    const big = 'x'.repeat(2_200_000);
    const rows = ['record_id,score,note', ...Array.from({ length: 5 }, (_, i) => `r${i},${i}.5,short`), `r5,0.25,${big}`, ...Array.from({ length: 5 }, (_, i) => `r${6 + i},${i},short`)];
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'records.csv': `${rows.join('\n')}\n` });
    const s = await engine.openBundle({ path: dir });
    const f = fileReport(s, 'records.csv');
    expect(f.status, (f.inferred ?? []).join('; ')).toBe('ok');
    expect([f.rows_read, f.rows_loaded, f.rows_rejected]).toEqual([11, 11, 0]);
    const r = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT length(note) FROM records WHERE record_id = 'r5'" });
    expect(Number(r.rows[0]?.[0])).toBe(2_200_000);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('a numeric CSV column with inf, -inf, nan and NaN cells stays numeric: the values are non-finite, reported, and drift treats the column as numeric', async () => {
    const dir = path.join(root, 'bundles', 'inf');
    const body = ['record_id,created_at,model_version,latency_score'];
    const special = ['inf', '-inf', 'nan', 'NaN'];
    for (let i = 0; i < 40; i++) body.push(`r${i},2026-03-${String(1 + (i % 20)).padStart(2, '0')}T00:00:00Z,m1,${i < 4 ? special[i] : (i * 0.37).toFixed(2)}`);
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'records.csv': `${body.join('\n')}\n` });
    const s = await engine.openBundle({ path: dir });
    const f = fileReport(s, 'records.csv');
    expect([f.rows_read, f.rows_loaded, f.rows_rejected]).toEqual([40, 40, 0]);
    const type = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT data_type FROM duckdb_columns() WHERE table_name = 'records' AND column_name = 'latency_score'" });
    expect(type.rows[0]?.[0]).toBe('DOUBLE');
    const vals = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT CAST(latency_score AS VARCHAR) FROM records WHERE record_id IN ('r0', 'r1', 'r2', 'r3') ORDER BY record_id" });
    expect(vals.rows.map((x) => x[0])).toEqual(['inf', '-inf', 'nan', 'nan']);
    expect((f.leniency ?? []).join('\n')).toMatch(/latency_score: 4 values non-finite \(inf, -inf or nan\): kept as ±Infinity \/ NaN, counted as missing in statistics/);
    expect((f.inferred ?? []).join('\n')).toMatch(/column "latency_score" read as numbers/);
    const opts = await engine.driftOptions({ bundleId: s.bundleId });
    const col = opts.tables.find((t) => t.name === 'records')?.columns.find((c) => c.name === 'latency_score');
    expect(col?.kind, 'drift sees a numeric column, not a category').toBe('numeric');
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('inf / nan past the CSV sniffer\'s sample: the integer column becomes DOUBLE, every value loads, the non-finite ones are reported', async () => {
    const dir = path.join(root, 'bundles', 'inf-late');
    const body = ['record_id,latency_ms'];
    // 25 000 integer rows (beyond the 20 480 rows DuckDB's sniffer samples), then the special values.
    for (let i = 0; i < 25_000; i++) body.push(`r${i},${i % 977}`);
    body.push('x1,inf', 'x2,-inf', 'x3,NaN', 'x4,12');
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'records.csv': `${body.join('\n')}\n` });
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    const f = fileReport(s, 'records.csv');
    expect([f.rows_read, f.rows_loaded, f.rows_rejected]).toEqual([25_004, 25_004, 0]);
    const type = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT data_type FROM duckdb_columns() WHERE table_name = 'records' AND column_name = 'latency_ms'" });
    expect(type.rows[0]?.[0]).toBe('DOUBLE');
    const vals = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT CAST(latency_ms AS VARCHAR) FROM records WHERE record_id IN ('x1', 'x2', 'x3', 'x4', 'r5') ORDER BY record_id" });
    expect(vals.rows.map((x) => x[0])).toEqual(['5.0', 'inf', '-inf', 'nan', '12.0']);
    expect((f.leniency ?? []).join('\n')).toMatch(/latency_ms: 3 values non-finite/);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('JSON string values "inf", "-Infinity", "NaN" in a numeric key: the column loads as DOUBLE, the non-finite values are reported; JSON Lines and a JSON array', async () => {
    const dir = path.join(root, 'bundles', 'inf-json');
    const rows = [
      { record_id: 'r1', latency_ms: 12.5, drift_score: 3 },
      { record_id: 'r2', latency_ms: 'inf', drift_score: 4 },
      { record_id: 'r3', latency_ms: '-Infinity', drift_score: 'NaN' },
      { record_id: 'r4', latency_ms: 7, drift_score: null },
    ];
    writeFiles(dir, {
      'spans.jsonl': GOOD_SPANS,
      'records.jsonl': rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
      'measures.json': JSON.stringify(rows.map(({ record_id, ...r }) => ({ measure_id: record_id, ...r }))),
      // Words stay words: a key whose strings are not all non-finite spellings is text.
      'notes.jsonl': '{"id":1,"v":2}\n{"id":2,"v":"nan bread"}\n',
    });
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    for (const [file, table] of [
      ['records.jsonl', 'records'],
      ['measures.json', 'measures'],
    ] as const) {
      const f = fileReport(s, file);
      expect([f.rows_read, f.rows_loaded, f.rows_rejected], file).toEqual([4, 4, 0]);
      const types = await engine.runSql({ bundleId: s.bundleId, sql: `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = '${table}' AND column_name IN ('latency_ms', 'drift_score') ORDER BY column_name` });
      expect(types.rows, file).toEqual([
        ['drift_score', 'DOUBLE'],
        ['latency_ms', 'DOUBLE'],
      ]);
      const leniency = (f.leniency ?? []).join('\n');
      expect(leniency, file).toMatch(/latency_ms: 2 values non-finite/);
      expect(leniency, file).toMatch(/drift_score: 1 value non-finite/);
    }
    const vals = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT CAST(latency_ms AS VARCHAR), CAST(drift_score AS VARCHAR) FROM records ORDER BY record_id" });
    expect(vals.rows).toEqual([
      ['12.5', '3.0'],
      ['inf', '4.0'],
      ['-inf', 'nan'],
      ['7.0', null],
    ]);
    const notes = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT data_type FROM duckdb_columns() WHERE table_name = 'notes' AND column_name = 'v'" });
    expect(notes.rows[0]?.[0]).toBe('VARCHAR');
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('a built-in reader (Phoenix evaluations) keeps scores "NaN" and "inf" as non-finite values and reports them', async () => {
    const dir = path.join(root, 'bundles', 'inf-reader');
    const evals = [
      { 'context.span_id': '0b1c2d3e4f506172', eval_name: 'relevance', label: 'relevant', score: 0.5 },
      { 'context.span_id': '1b1c2d3e4f506172', eval_name: 'relevance', label: 'relevant', score: 'NaN' },
      { 'context.span_id': '2b1c2d3e4f506172', eval_name: 'relevance', label: 'unknown', score: 'inf' },
    ];
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'phoenix/span_evals.jsonl': evals.map((e) => JSON.stringify(e)).join('\n') + '\n' });
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    const f = fileReport(s, 'phoenix/span_evals.jsonl');
    expect(f.format).toBe('phoenix-evals');
    expect([f.rows_read, f.rows_loaded, f.rows_rejected]).toEqual([3, 3, 0]);
    const vals = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT CAST(value AS VARCHAR) FROM eval_results ORDER BY span_id" });
    expect(vals.rows.map((x) => x[0])).toEqual(['0.5', 'nan', 'inf']);
    expect((f.leniency ?? []).join('\n')).toMatch(/value: 2 values non-finite \(inf, -inf or nan\)/);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('Phoenix Parquet exports with NaN / ±Infinity doubles: evaluation scores load as non-finite values, counted; any other number column (a span\'s token count, a document position) is missing, counted per column; never a silent NULL', async () => {
    const dir = path.join(root, 'bundles', 'inf-phoenix-parquet');
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS });
    await writeParquet(
      path.join(dir, 'phoenix', 'evaluations-relevance.parquet'),
      `SELECT * FROM (VALUES ('0b1c2d3e4f506172', 'relevant', 0.5, 0.0), ('1b1c2d3e4f506172', 'relevant', 'nan'::DOUBLE, 1.0), ('2b1c2d3e4f506172', NULL, 'inf'::DOUBLE, 'nan'::DOUBLE), ('3b1c2d3e4f506172', 'unknown', '-inf'::DOUBLE, 2.0))
         AS t("context.span_id", label, score, document_position)`,
    );
    await writeParquet(
      path.join(dir, 'phoenix', 'trace_dataset-1.parquet'),
      `SELECT * FROM (VALUES ('llm', 'LLM', NULL, TIMESTAMPTZ '2026-01-01 00:00:00+00', TIMESTAMPTZ '2026-01-01 00:00:01+00', 'OK', '0b1c2d3e4f506172', '0b1c2d3e4f5061720b1c2d3e4f506172', 97.0, 'x:NaN,-Infinity]', [1.5, 'nan'::DOUBLE]),
                                (  'tool', 'TOOL', '0b1c2d3e4f506172', TIMESTAMPTZ '2026-01-01 00:00:00.5+00', TIMESTAMPTZ '2026-01-01 00:00:00.7+00', 'OK', '1b1c2d3e4f506172', '0b1c2d3e4f5061720b1c2d3e4f506172', 'nan'::DOUBLE, NULL, NULL))
         AS t(name, span_kind, parent_id, start_time, end_time, status_code, "context.span_id", "context.trace_id", "attributes.llm.token_count.prompt", "attributes.note", "attributes.weights")`,
    );
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    const ev = fileReport(s, 'phoenix/evaluations-relevance.parquet');
    expect(ev.format).toBe('phoenix-evals');
    expect([ev.rows_read, ev.rows_loaded, ev.rows_rejected]).toEqual([4, 4, 0]);
    const vals = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT span_id, CAST(value AS VARCHAR) FROM eval_results ORDER BY span_id" });
    expect(vals.rows).toEqual([
      ['0b1c2d3e4f506172', '0.5'],
      ['1b1c2d3e4f506172', 'nan'],
      ['2b1c2d3e4f506172', 'inf'],
      ['3b1c2d3e4f506172', '-inf'],
    ]);
    const evNotes = (ev.leniency ?? []).join('\n');
    expect(evNotes).toMatch(/value: 3 values non-finite \(inf, -inf or nan\)/);
    expect(evNotes).toMatch(/1 value: document_position given NaN or ±Infinity in a Parquet number column \(pandas writes NaN for a missing value\): loaded as missing/);
    const sp = fileReport(s, 'phoenix/trace_dataset-1.parquet');
    expect(sp.format).toBe('phoenix-spans');
    expect([sp.rows_read, sp.rows_loaded, sp.rows_rejected]).toEqual([2, 2, 0]);
    expect((sp.leniency ?? []).join('\n')).toMatch(/1 value: attributes\.llm\.token_count\.prompt given NaN or ±Infinity in a Parquet number column \(pandas writes NaN for a missing value\): loaded as missing/);
    // A NaN nested in a list is kept as the text JSON can hold; a string holding the words is left as it is.
    const spans = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT span_id, input_tokens, json_extract_string(attributes, '$.weights'), json_extract_string(attributes, '$.note') FROM spans WHERE span_id LIKE '%b1c2d3e4f506172' ORDER BY span_id" });
    expect(spans.rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)))).toEqual([
      ['0b1c2d3e4f506172', 97, '[1.5,"NaN"]', 'x:NaN,-Infinity]'],
      ['1b1c2d3e4f506172', null, null, null],
    ]);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('OTLP protobuf JSON doubles "NaN", "Infinity", "-Infinity" (otlp-nonfinite/traces.json): cost and evaluation scores load as non-finite values, reported; a token or retry count given one is missing, reported; the attributes keep the value', async () => {
    const dir = path.join(root, 'bundles', 'inf-otlp');
    writeFiles(dir, { 'traces.json': fs.readFileSync(path.resolve('test/fixtures/external/otlp-nonfinite/traces.json')) });
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    const f = fileReport(s, 'traces.json');
    expect(f.format).toBe('otlp-json');
    // Four spans (the demo's GetCart, three GenAI calls under it) and the three evaluations the GenAI spans carry.
    expect([f.rows_loaded, f.rows_rejected]).toEqual([7, 0]);
    const spans = await engine.runSql({
      bundleId: s.bundleId,
      sql: "SELECT input_tokens, output_tokens, total_tokens, CAST(cost_usd AS VARCHAR), retry_count, json_extract_string(attributes, '$.\"gen_ai.usage.input_tokens\"') FROM spans WHERE name LIKE 'chat %' ORDER BY start_time",
    });
    expect(spans.rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)))).toEqual([
      [97, 52, 149, '0.00471', null, '97'],
      [null, 52, null, 'inf', null, 'NaN'],
      [97, null, null, '-inf', null, '97'],
    ]);
    const evals = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT CAST(value AS VARCHAR) FROM eval_results WHERE metric = 'relevance' ORDER BY ts" });
    expect(evals.rows.map((r) => r[0])).toEqual(['0.75', 'nan', 'inf']);
    const notes = (f.leniency ?? []).join('\n');
    expect(notes).toMatch(/cost_usd: 2 values non-finite \(inf, -inf or nan\)/);
    expect(notes).toMatch(/value: 2 values non-finite \(inf, -inf or nan\)/);
    for (const column of ['input_tokens', 'output_tokens', 'retry_count']) {
      expect(notes, column).toMatch(new RegExp(`1 value: ${column} given NaN or ±Infinity, which a count cannot be: loaded as missing`));
    }
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('a CSV column whose sampled cells are all inf / -inf / infinity (DuckDB sniffs a DATE) or only inf and nan loads as DOUBLE, the non-finite values reported: a file loaded alone and small files loaded in a group', async () => {
    const dir = path.join(root, 'bundles', 'inf-all');
    const spellings = ['inf', '-inf', 'infinity', '-Infinity', 'Inf'];
    // Past 20 KiB: loaded alone (the grouped path takes smaller files).
    const big = ['record_id,alone_score', ...Array.from({ length: 3000 }, (_, i) => `b${i},${spellings[i % spellings.length]}`)];
    writeFiles(dir, {
      'spans.jsonl': GOOD_SPANS,
      'records-big.csv': `${big.join('\n')}\n`,
      'records-dates.csv': 'record_id,date_like\nd1,inf\nd2,\nd3,-infinity\n',
      'records-mix-1.csv': 'record_id,mix\nm1,inf\nm2,nan\n',
      'records-mix-2.csv': 'record_id,mix\nm3,-inf\nm4,NaN\nm5,inf\n',
    });
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    const types = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'records' AND column_name IN ('alone_score', 'date_like', 'mix') ORDER BY column_name" });
    expect(types.rows).toEqual([
      ['alone_score', 'DOUBLE'],
      ['date_like', 'DOUBLE'],
      ['mix', 'DOUBLE'],
    ]);
    for (const [file, column, n, rows] of [
      ['records-big.csv', 'alone_score', 3000, 3000],
      ['records-dates.csv', 'date_like', 2, 3],
      ['records-mix-1.csv', 'mix', 2, 2],
      ['records-mix-2.csv', 'mix', 3, 3],
    ] as const) {
      const f = fileReport(s, file);
      expect([f.rows_read, f.rows_loaded, f.rows_rejected], file).toEqual([rows, rows, 0]);
      expect((f.leniency ?? []).join('\n'), file).toMatch(new RegExp(`${column}: ${n} values non-finite \\(inf, -inf or nan\\)`));
      expect((f.inferred ?? []).join('\n'), file).toMatch(new RegExp(`column "${column}" read as numbers`));
    }
    const vals = await engine.runSql({
      bundleId: s.bundleId,
      sql: "SELECT record_id, CAST(coalesce(alone_score, date_like, mix) AS VARCHAR) FROM records WHERE record_id IN ('b0', 'b1', 'b2', 'b3', 'd1', 'd2', 'd3', 'm1', 'm2', 'm3', 'm4') ORDER BY record_id",
    });
    expect(vals.rows).toEqual([
      ['b0', 'inf'],
      ['b1', '-inf'],
      ['b2', 'inf'],
      ['b3', '-inf'],
      ['d1', 'inf'],
      ['d2', null],
      ['d3', '-inf'],
      ['m1', 'inf'],
      ['m2', 'nan'],
      ['m3', '-inf'],
      ['m4', 'nan'],
    ]);
    const opts = await engine.driftOptions({ bundleId: s.bundleId });
    const cols = opts.tables.find((t) => t.name === 'records')?.columns ?? [];
    expect(cols.find((c) => c.name === 'mix')?.kind, 'drift sees numbers, not dates or categories').toBe('numeric');
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('a real date or time column holding infinity among real dates: every row loads, each infinite value is missing (not a point in time) and reported on the file; alone, grouped, and in a canonical time column', async () => {
    const dir = path.join(root, 'bundles', 'inf-dates');
    writeFiles(dir, {
      'spans.jsonl': GOOD_SPANS,
      // A date column (sniffed with a date format: loaded alone), PostgreSQL's open end "infinity" among real dates.
      'records-valid.csv': 'record_id,ts,valid_to\nv1,2026-01-01T00:00:00Z,2026-01-31\nv2,2026-01-02T00:00:00Z,infinity\nv3,2026-01-03T00:00:00Z,2026-03-31\nv4,2026-01-04T00:00:00Z,-infinity\n',
      // ISO times with a zone in the canonical ts column (grouped with the next file).
      'records-ts-1.csv': 'record_id,ts,score\nt1,2026-01-01T00:00:00Z,0.5\nt2,infinity,0.25\n',
      'records-ts-2.csv': 'record_id,ts,score\nt3,2026-02-01T00:00:00Z,0.75\nt4,-infinity,1\n',
      // A required time: the row cannot load without one, so an infinite one rejects it, named.
      'audit_log.csv': 'log_id,ts,actor,action\na1,2026-01-05T10:00:00Z,ana,release.approve\na2,infinity,bo,deploy.promote\n',
    });
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    for (const [file, column, n, rows] of [
      ['records-valid.csv', 'valid_to', 2, 4],
      ['records-ts-1.csv', 'ts', 1, 2],
      ['records-ts-2.csv', 'ts', 1, 2],
    ] as const) {
      const f = fileReport(s, file);
      expect([f.rows_read, f.rows_loaded, f.rows_rejected], file).toEqual([rows, rows, 0]);
      expect((f.leniency ?? []).join('\n'), file).toMatch(new RegExp(`${column}: ${n} values? infinite \\(infinity or -infinity\\), not a point in time: loaded as missing`));
    }
    const type = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT data_type FROM duckdb_columns() WHERE table_name = 'records' AND column_name = 'valid_to'" });
    expect(type.rows[0]?.[0]).toBe('DATE');
    const vals = await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT record_id, CAST(valid_to AS VARCHAR), CAST(ts AS VARCHAR) FROM records ORDER BY record_id' });
    expect(vals.rows).toEqual([
      ['t1', null, '2026-01-01 00:00:00'],
      ['t2', null, null],
      ['t3', null, '2026-02-01 00:00:00'],
      ['t4', null, null],
      ['v1', '2026-01-31', '2026-01-01 00:00:00'],
      ['v2', null, '2026-01-02 00:00:00'],
      ['v3', '2026-03-31', '2026-01-03 00:00:00'],
      ['v4', null, '2026-01-04 00:00:00'],
    ]);
    const audit = fileReport(s, 'audit_log.csv');
    expect([audit.rows_read, audit.rows_loaded, audit.rows_rejected]).toEqual([2, 1, 1]);
    const rejects = await rejectsOf(engine, s, 'audit_log.csv');
    expect(rejects.map((r) => `${r.column}: ${r.reason}`).sort()).toEqual(['ts: required value missing', 'ts: wrong type: cannot convert infinity to TIMESTAMP']);
    // On main the infinite ts reached the import summary's time range and the open failed ("value out of range for JS Date").
    expect(s.tables.find((t) => t.name === 'records')?.rows).toBe(8);
    await engine.overview({ bundleId: s.bundleId });
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('JSON and JSON Lines "infinity" / "-infinity" in a time column load as a CSV\'s do: missing, counted and noted; in the required audit_log.ts the row is rejected, named; per file and batched', async () => {
    const dir = path.join(root, 'bundles', 'inf-dates-json');
    const rec = (id: string, ts: string): string => JSON.stringify({ record_id: id, ts, score: 0.5 });
    writeFiles(dir, {
      'spans.jsonl': GOOD_SPANS,
      // Same structure: loaded by the batched JSON Lines path.
      'records-ts-1.jsonl': `${[rec('j1', '2026-01-01T00:00:00Z'), rec('j2', 'infinity')].join('\n')}\n`,
      'records-ts-2.jsonl': `${[rec('j3', '-infinity'), rec('j4', '2026-01-02T00:00:00Z'), rec('j5', 'Infinity')].join('\n')}\n`,
      // A JSON array: the per-file path.
      'records-arr.json': JSON.stringify([
        { record_id: 'a1', ts: '2026-01-03T00:00:00Z', score: 1 },
        { record_id: 'a2', ts: 'infinity', score: 1 },
      ]),
      'audit_log.jsonl': `${[
        JSON.stringify({ log_id: 'l1', ts: '2026-01-05T10:00:00Z', actor: 'ana', action: 'release.approve' }),
        JSON.stringify({ log_id: 'l2', ts: 'infinity', actor: 'bo', action: 'deploy.promote' }),
      ].join('\n')}\n`,
    });
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    for (const [file, n, rows] of [
      ['records-ts-1.jsonl', 1, 2],
      ['records-ts-2.jsonl', 2, 3],
      ['records-arr.json', 1, 2],
    ] as const) {
      const f = fileReport(s, file);
      expect([f.rows_read, f.rows_loaded, f.rows_rejected], file).toEqual([rows, rows, 0]);
      expect((f.leniency ?? []).join('\n'), file).toMatch(new RegExp(`ts: ${n} values? infinite \\(infinity or -infinity\\), not a point in time: loaded as missing`));
    }
    const vals = await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT record_id, CAST(ts AS VARCHAR) FROM records ORDER BY record_id' });
    expect(vals.rows).toEqual([
      ['a1', '2026-01-03 00:00:00'],
      ['a2', null],
      ['j1', '2026-01-01 00:00:00'],
      ['j2', null],
      ['j3', null],
      ['j4', '2026-01-02 00:00:00'],
      ['j5', null],
    ]);
    const audit = fileReport(s, 'audit_log.jsonl');
    expect([audit.rows_read, audit.rows_loaded, audit.rows_rejected]).toEqual([2, 1, 1]);
    const rejects = await rejectsOf(engine, s, 'audit_log.jsonl');
    expect(rejects.map((r) => `${r.line} ${r.column}: ${r.reason}`).sort()).toEqual(['2 ts: required value missing', '2 ts: wrong type: cannot convert infinity to TIMESTAMP']);
    await engine.overview({ bundleId: s.bundleId });
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('a CSV row the load rejects (a required value missing, an infinite required time) names its line and carries its text, as DuckDB\'s own rejects do: alone and grouped alike, past a header, blank lines, rows DuckDB rejected and quoted cells over several lines', async () => {
    const dir = path.join(root, 'bundles', 'csv-reject-lines');
    // DuckDB numbers a record by the lines before it, a quoted cell's line breaks not counted (its own rejects).
    const body = [
      'log_id,ts,actor,action',
      'a1,2026-01-05T10:00:00Z,ana,"two\nlines"', // line 2
      '', // line 3 (blank)
      'a2,2026-01-05T10:00:00Z,bo,approve,surplus', // line 4: too many columns (DuckDB's reject)
      ',2026-01-05T10:00:00Z,bo,no id', // line 5: required log_id missing
      'a3,not a time,bo,x', // line 6: not a time (no time: the required ts is missing)
      'a4,2026-01-05T10:00:00Z,bo,"x\n\ny"', // line 7
      'a5,infinity,bo,late', // line 8: infinite required ts
    ];
    // Past 20 KiB: loaded alone; the same rows in a small file are loaded in a group (with a clean file of its header).
    const filler = Array.from({ length: 400 }, (_, i) => `f${i},2026-01-06T10:00:00Z,ana,${'x'.repeat(50)}`);
    writeFiles(dir, {
      'spans.jsonl': GOOD_SPANS,
      'audit_log-small.csv': `${body.join('\n')}\n`,
      'audit_log-clean.csv': 'log_id,ts,actor,action\nc1,2026-01-05T10:00:00Z,ana,x\n',
      'audit_log-big.csv': `${[...body, ...filler].join('\n')}\n`,
      'records-crlf.csv': 'record_id,score\r\nr1,1\r\n,2\r\nr3,3\r\n',
    });
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    const expected = [
      '4 - too many columns: Expected Number of Columns: 4 Found: 5',
      '5 log_id required value missing ,2026-01-05T10:00:00Z,bo,no id',
      '6 ts required value missing a3,not a time,bo,x',
      '8 ts required value missing a5,infinity,bo,late',
      '8 ts wrong type: cannot convert infinity to TIMESTAMP a5,infinity,bo,late',
    ];
    for (const file of ['audit_log-small.csv', 'audit_log-big.csv']) {
      const f = fileReport(s, file);
      expect([f.rows_read - f.rows_loaded, f.rows_rejected], file).toEqual([4, 4]);
      const rejects = await rejectsOf(engine, s, file);
      const shown = rejects.map((r) => `${r.line} ${r.column ?? '-'} ${r.reason}${r.column ? ` ${r.raw}` : ''}`).sort();
      expect(shown, file).toEqual(expected);
    }
    const crlf = await rejectsOf(engine, s, 'records-crlf.csv');
    expect(crlf.map((r) => [r.line, r.column, r.reason, r.raw])).toEqual([[3, 'record_id', 'required value missing', ',2']]);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('a CSV over 8 MiB is not read a second time to find a load reject\'s line: the reject names file, column and reason, with no line rather than a guessed one', async () => {
    const dir = path.join(root, 'bundles', 'csv-reject-big');
    const rows = Array.from({ length: 180_000 }, (_, i) => `r${i},${i % 7},${'y'.repeat(40)}`);
    rows.push(',3,last row has no id');
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'records.csv': `record_id,score,note\n${rows.join('\n')}\n` });
    expect(fs.statSync(path.join(dir, 'records.csv')).size).toBeGreaterThan(8 * 1024 * 1024);
    const s = await engine.openBundle({ path: dir });
    expectAccounted(s);
    const rejects = await rejectsOf(engine, s, 'records.csv');
    expect(rejects.map((r) => [r.line, r.column, r.reason])).toEqual([[null, 'record_id', 'required value missing']]);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);

  it('a text column that merely contains the word "nan" among words stays text', async () => {
    const dir = path.join(root, 'bundles', 'nan-text');
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'people.csv': 'id,name\n1,nan\n2,Nan Goldin\n3,inf\n' });
    const s = await engine.openBundle({ path: dir });
    const r = await engine.runSql({ bundleId: s.bundleId, sql: "SELECT data_type FROM duckdb_columns() WHERE table_name = 'people' AND column_name = 'name'" });
    expect(r.rows[0]?.[0]).toBe('VARCHAR');
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);
  it('a message about an unreadable file names the bundle file, never the engine\'s private copy (folder copy, inflated .gz)', async () => {
    const dir = path.join(root, 'bundles', 'private-paths');
    // Both magic markers, a garbage footer: DuckDB's error quotes the path it read.
    const garbage = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]);
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'bad.parquet': garbage, 'worse.parquet.gz': gzipSync(garbage) });
    const s = await engine.openBundle({ path: dir });
    for (const [file, named] of [
      ['bad.parquet', 'bad.parquet'],
      ['worse.parquet.gz', 'worse.parquet'],
    ] as const) {
      const f = fileReport(s, file);
      expect(f.status).toBe('unreadable');
      const why = (f.inferred ?? []).join('\n');
      expect(why).toMatch(new RegExp(`['"]${named.replace(".", "\\.")}['"]`));
      expect(why).not.toContain(path.join(root, 'data'));
      expect((await rejectsOf(engine, s, file))[0]?.reason ?? '').not.toContain(path.join(root, 'data'));
    }
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);
});
