import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../shared/api/bundle';
import type { Engine } from '../../../electron/engine/engine';
import { queryRows } from '../../../electron/engine/db';
import { engineIn, gz, jsonl, manifestFor, rmDir, tempDir, writeFiles, writeParquet } from './helpers';

/** One bundle holding every flat encoding; each test checks what one file became. */
describe('flat encodings', () => {
  let root: string;
  let engine: Engine;
  let s: ImportSummary;
  const file = (p: string) => {
    const f = s.files.find((x) => x.path === p);
    if (!f) throw new Error(`no report for ${p}`);
    return f;
  };
  const rows = (sql: string) => queryRows(engine.context.session(s.bundleId).conn, sql);

  beforeAll(async () => {
    root = tempDir('enc');
    const b = path.join(root, 'bundle');
    writeFiles(b, {
      'spans.jsonl': jsonl([
        { trace_id: 't1', span_id: 's1', name: 'root', start_time: '2026-03-01T10:00:00Z', end_time: '2026-03-01T10:00:00.250+00:00', attributes: { 'llm.model_name': 'gpt', n: [1, 2] }, input_tokens: 7, region: 'EU' },
        { trace_id: 't1', span_id: 's2', parent_span_id: 's1', name: 'child', start_time: 1772359200, end_time: 1772359200500, input_tokens: '12', region: 'US' },
        { trace_id: 't1', span_id: 's3', parent_span_id: 's1', name: 'nanos', start_time: '1772359200000000000', end_time: 1772359200000001000 },
      ]),
      'traces/more_spans.jsonl.gz': gz(jsonl([{ trace_id: 't2', span_id: 'x1', name: 'gz', start_time: '2026-03-01T12:00:00+02:00', fallback_taken: true }])),
      'releases.csv': 'release_id,released_at,model_version,approved_by\nr1,2026-03-01T00:00:00Z,m:1,ann\nr2,2026-04-01 00:00:00,m:2,\n',
      'deployment_events.tsv': 'event_id\trelease_id\tts\tevent_type\ne1\tr1\t2026-03-01T00:00:00Z\tcanary_start\ne2\tr1\t2026-03-02T00:00:00Z\tpromote\n',
      'cohorts_noheader.csv': 'c1,region,EU,true\nc2,region,US,false\n',
      'audit_log.csv.gz': gz('log_id,ts,actor,action\nl1,2026-03-01T00:00:00Z,ann,release.approve\n'),
      'model_versions.json': JSON.stringify([
        { model_version: 'm:1', model_name: 'm', created_at: '2026-02-01T00:00:00Z' },
        { model_version: 'm:2', model_name: 'm', created_at: '2026-03-15T00:00:00Z', stage: 'prod' },
      ]),
      'empty.jsonl': '',
      'README.md': '# not data\n',
    });
    await writeParquet(
      path.join(b, 'records.parquet'),
      `SELECT 'r' || i AS record_id, TIMESTAMP '2026-03-01 00:00:00' + INTERVAL (i) HOUR AS ts, i / 10.0 AS score, CAST(i AS INTEGER) AS amount_cents, CASE WHEN i % 2 = 0 THEN 'EU' ELSE 'US' END AS region, 'serving' AS split FROM range(10) t(i)`,
    );
    writeFiles(b, {
      'manifest.json': manifestFor(b, {
        'spans.jsonl': {},
        'traces/more_spans.jsonl.gz': { table: 'spans' },
        'releases.csv': {},
        'deployment_events.tsv': {},
        'cohorts_noheader.csv': { table: 'cohorts', format: 'csv', header: ['cohort_id', 'attribute', 'value', 'release_critical'] },
        'audit_log.csv.gz': {},
        'model_versions.json': {},
        'empty.jsonl': { table: 'eval_results', rows: 0 },
        'README.md': {},
        'records.parquet': { rows: 10, columns: { amount_cents: 'feature' } },
      }),
    });
    engine = engineIn(path.join(root, 'data'));
    s = await engine.openBundle({ path: b });
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('verifies the manifest and accounts for every row of every file', () => {
    expect(s.integrity.state).toBe('verified');
    for (const f of s.files) expect(f.rows_read).toBe(f.rows_loaded + f.rows_rejected);
    expect(s.rejects_total).toBe(0);
  });

  it('loads JSON Lines with ISO, offset, epoch seconds/ms/ns timestamps as UTC', async () => {
    expect(file('spans.jsonl')).toMatchObject({ format: 'jsonl', table: 'spans', rows_read: 3, rows_loaded: 3, status: 'ok' });
    const r = await rows(`SELECT span_id, start_time, end_time, input_tokens, attributes->>'$."llm.model_name"' AS model, region FROM spans ORDER BY span_id`);
    expect(r).toEqual([
      { span_id: 's1', start_time: '2026-03-01T10:00:00.000Z', end_time: '2026-03-01T10:00:00.250Z', input_tokens: 7, model: 'gpt', region: 'EU' },
      { span_id: 's2', start_time: '2026-03-01T10:00:00.000Z', end_time: '2026-03-01T10:00:00.500Z', input_tokens: 12, model: null, region: 'US' },
      { span_id: 's3', start_time: '2026-03-01T10:00:00.000Z', end_time: '2026-03-01T10:00:00.000Z', input_tokens: null, model: null, region: null },
      { span_id: 'x1', start_time: '2026-03-01T10:00:00.000Z', end_time: null, input_tokens: null, model: null, region: null },
    ]);
    // rows keep file order (files in path order, lines in line order): same bundle, same tables
    expect((await rows(`SELECT string_agg(span_id, ',' ORDER BY rowid) AS ids FROM spans`))[0]?.ids).toBe('s1,s2,s3,x1');
    const micros = await rows(`SELECT epoch_us(end_time) AS us FROM spans WHERE span_id = 's3'`);
    expect(micros[0]?.us).toBe(1772359200000001);
  });

  it('reads gzip variants and unions several files into one table', async () => {
    expect(file('traces/more_spans.jsonl.gz')).toMatchObject({ format: 'jsonl.gz', table: 'spans', rows_loaded: 1 });
    expect(file('audit_log.csv.gz')).toMatchObject({ format: 'csv.gz', table: 'audit_log', rows_loaded: 1 });
    const t = s.tables.find((x) => x.name === 'spans');
    expect(t?.rows).toBe(4);
    expect((await rows(`SELECT fallback_taken FROM spans WHERE span_id = 'x1'`))[0]?.fallback_taken).toBe(true);
  });

  it('reads CSV with a header, TSV, and a headerless CSV named by the manifest', async () => {
    expect(file('releases.csv')).toMatchObject({ format: 'csv', rows_loaded: 2 });
    expect(file('deployment_events.tsv')).toMatchObject({ format: 'tsv', rows_loaded: 2 });
    expect(file('cohorts_noheader.csv')).toMatchObject({ table: 'cohorts', rows_loaded: 2 });
    expect(await rows(`SELECT release_id, released_at, approved_by FROM releases ORDER BY 1`)).toEqual([
      { release_id: 'r1', released_at: '2026-03-01T00:00:00.000Z', approved_by: 'ann' },
      { release_id: 'r2', released_at: '2026-04-01T00:00:00.000Z', approved_by: null },
    ]);
    expect(await rows(`SELECT cohort_id, attribute, value, release_critical FROM cohorts ORDER BY 1`)).toEqual([
      { cohort_id: 'c1', attribute: 'region', value: 'EU', release_critical: true },
      { cohort_id: 'c2', attribute: 'region', value: 'US', release_critical: false },
    ]);
  });

  it('reads Parquet and JSON arrays, keeping extra columns with their roles', async () => {
    expect(file('records.parquet')).toMatchObject({ format: 'parquet', table: 'records', rows_loaded: 10, status: 'ok' });
    expect(file('model_versions.json')).toMatchObject({ format: 'json', rows_loaded: 2 });
    const records = s.tables.find((t) => t.name === 'records');
    expect(records?.columns.find((c) => c.name === 'amount_cents')).toEqual({ name: 'amount_cents', type: 'BIGINT', role: 'feature' });
    expect(records?.columns.find((c) => c.name === 'region')?.role).toBe('cohort');
    expect(await rows(`SELECT sum(amount_cents)::INTEGER AS a, min(ts) AS first FROM records`)).toEqual([{ a: 45, first: '2026-03-01T00:00:00.000Z' }]);
  });

  it('keeps empty files and non-data files visible without loading them', () => {
    expect(file('empty.jsonl')).toMatchObject({ rows_read: 0, rows_loaded: 0, status: 'ok', inferred: ['empty file'] });
    expect(file('README.md')).toMatchObject({ format: 'other', table: null, status: 'ok' });
    expect(s.tables.find((t) => t.name === 'eval_results')?.rows).toBe(0);
  });

  it('creates every canonical table and reports the covered period', () => {
    expect(s.tables.filter((t) => t.canonical).map((t) => t.name)).toEqual([
      'spans',
      'records',
      'dataset_versions',
      'training_runs',
      'model_versions',
      'releases',
      'deployment_events',
      'eval_results',
      'audit_log',
      'cohorts',
    ]);
    expect(s.period).toEqual({ start: '2026-03-01T00:00:00.000Z', end: '2026-03-02T00:00:00.000Z' });
  });
});
