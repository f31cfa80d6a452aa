import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../shared/api/bundle';
import type { Engine } from '../../../electron/engine/engine';
import { queryRows } from '../../../electron/engine/db';
import { engineIn, rmDir, tempDir, writeFiles } from './helpers';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'bundles', 'external');

/** Structured formats go through their reader and the pipeline's RowSink (staged, converted, accounted). */
describe('structured readers through the import pipeline', () => {
  let root: string;
  let engine: Engine;
  beforeAll(() => {
    root = tempDir('structured');
    engine = engineIn(path.join(root, 'data'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('a bundle made of the external fixtures (OTLP trace + MLflow model export) imports with formats recognised', async () => {
    const s = await engine.openBundle({ path: FIXTURES });
    expect(s.files.map((f) => [f.path, f.format, f.table, f.rows_read, f.rows_loaded, f.rows_rejected])).toEqual([
      ['model.json', 'mlflow-model', 'model_versions', 3, 3, 0],
      ['traces.otlp.json', 'otlp-json', 'spans', 1, 1, 0],
    ]);
    const conn = engine.context.session(s.bundleId).conn;
    expect(await queryRows(conn, `SELECT trace_id, span_id, start_time, duration_ms, service_name FROM spans`)).toEqual([
      { trace_id: '5b8efff798038103d269b633813fc60c', span_id: 'eee19b7ec3c1b174', start_time: '2018-12-13T14:51:00.000Z', duration_ms: 1000, service_name: 'my.service' },
    ]);
    expect(await queryRows(conn, `SELECT model_version, stage FROM model_versions ORDER BY 1`)).toEqual([
      { model_version: 'sklearn_wine:1', stage: 'Production' },
      { model_version: 'sklearn_wine:2', stage: 'Staging' },
      { model_version: 'sklearn_wine:3', stage: 'just-in-case' },
    ]);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('OTLP JSON Lines: a malformed batch line is rejected at its line, the other batches load', async () => {
    const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'traces.otlp.json'), 'utf8')) as unknown;
    const again = JSON.parse(JSON.stringify(doc).replaceAll('EEE19B7EC3C1B174', 'AAA19B7EC3C1B174')) as unknown;
    const b = path.join(root, 'otlp');
    writeFiles(b, { 'collector.jsonl': `${JSON.stringify(doc)}\n{"resourceSpans": [\n${JSON.stringify(again)}\n` });
    const s: ImportSummary = await engine.openBundle({ path: b });
    const f = s.files[0];
    expect(f).toMatchObject({ path: 'collector.jsonl', format: 'otlp-jsonl', table: 'spans', rows_loaded: 2 });
    expect(f?.rows_read).toBe((f?.rows_loaded ?? 0) + (f?.rows_rejected ?? 0));
    const rej = await engine.listRejects({ bundleId: s.bundleId, offset: 0, limit: 10 });
    expect(rej.rows.map((r) => [r.file, r.line])).toEqual([['collector.jsonl', 2]]);
    expect(rej.rows[0]?.reason.length).toBeGreaterThan(0);
    await engine.closeBundle({ bundleId: s.bundleId });
  });
});
