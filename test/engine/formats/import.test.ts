/** End to end: fixture exports in a bundle folder, opened by the real import pipeline into DuckDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import { queryRows } from '../../../electron/engine/db';
import type { ImportSummary } from '../../../shared/api/bundle';
import { fixturePath } from './helpers';

const COPIES: Record<string, string> = {
  'traces/edge-cases.json': 'formats/otlp/edge-cases.json',
  'traces/example.json': 'external/otlp-proto-example-trace.json',
  'mlflow/models/sklearn_wine/model.json': 'external/mlflow-export-import__model.json',
  'mlflow/runs/d583/run.json': 'formats/mlflow/run.json',
  'mlflow/traces/trace-v3.json': 'formats/mlflow/trace-v3.json',
  'phoenix/spans.jsonl': 'formats/phoenix/spans.jsonl',
  'phoenix/span_evals.jsonl': 'formats/phoenix/span_evals.jsonl',
  'phoenix/dataset.jsonl': 'formats/phoenix/dataset.jsonl',
  'phoenix/experiment.json': 'formats/phoenix/experiment.json',
  'promptfoo/results.json': 'formats/promptfoo/results.json',
};

describe('structured exports through the import pipeline', () => {
  let root: string;
  let engine: Engine;
  let summary: ImportSummary;
  const rows = (sql: string) => queryRows(engine.context.session(summary.bundleId).conn, sql);
  const file = (p: string) => summary.files.find((f) => f.path === p);

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-formats-import-'));
    const bundle = path.join(root, 'bundle');
    for (const [dest, src] of Object.entries(COPIES)) {
      fs.mkdirSync(path.dirname(path.join(bundle, dest)), { recursive: true });
      fs.copyFileSync(fixturePath(src), path.join(bundle, dest));
    }
    fs.writeFileSync(path.join(bundle, 'traces', 'otelcol-2024-05-01T10-00.jsonl.gz'), gzipSync(fs.readFileSync(fixturePath('formats/otlp/collector.jsonl'))));
    engine = createEngine({ dataDir: path.join(root, 'data'), memoryLimit: '512MB', threads: 1 });
    summary = await engine.openBundle({ path: bundle });
  });

  afterAll(async () => {
    await engine.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('picks the right reader for every file and accounts for every unit', () => {
    expect(Object.fromEntries(summary.files.map((f) => [f.path, f.format]))).toEqual({
      'traces/edge-cases.json': 'otlp-json',
      'traces/example.json': 'otlp-json',
      'traces/otelcol-2024-05-01T10-00.jsonl.gz': 'otlp-jsonl.gz',
      'mlflow/models/sklearn_wine/model.json': 'mlflow-model',
      'mlflow/runs/d583/run.json': 'mlflow-run',
      'mlflow/traces/trace-v3.json': 'mlflow-trace',
      'phoenix/spans.jsonl': 'phoenix-spans',
      'phoenix/span_evals.jsonl': 'phoenix-evals',
      'phoenix/dataset.jsonl': 'phoenix-dataset',
      'phoenix/experiment.json': 'phoenix-experiment',
      'promptfoo/results.json': 'promptfoo',
    });
    for (const f of summary.files) expect(f.rows_read, f.path).toBe(f.rows_loaded + f.rows_rejected);
    expect(file('traces/otelcol-2024-05-01T10-00.jsonl.gz')).toMatchObject({ table: 'spans', rows_read: 5, rows_loaded: 4, rows_rejected: 1 });
    expect(file('traces/edge-cases.json')).toMatchObject({ table: 'spans,eval_results', rows_rejected: 2 });
  });

  it('stores rejects with file, line and field', async () => {
    const rejects = await rows(`SELECT * FROM _ad_rejects ORDER BY 1, 2`);
    const where = rejects.map((r) => Object.values(r).slice(0, 3));
    expect(where).toContainEqual(['traces/otelcol-2024-05-01T10-00.jsonl.gz', 3, null]);
    expect(where).toContainEqual(['traces/edge-cases.json', 3, 'resourceSpans[0].scopeSpans[0].spans[2].spanId']);
    expect(where).toContainEqual(['traces/edge-cases.json', 5, 'resourceSpans[0].scopeSpans[0].spans[4].startTimeUnixNano']);
    expect(where).toContainEqual(['phoenix/span_evals.jsonl', 3, 'context.span_id']);
  });

  it('lands OTLP, Phoenix and MLflow spans in one spans table with typed columns', async () => {
    const r = await rows(`SELECT span_id, kind, span_kind, start_time, duration_ms, model_name, provider, total_tokens, parent_span_id
      FROM spans WHERE span_id IN ('eee19b7ec3c1b174', '00f067aa0ba902b7', '0b1c2d3e4f506172', '2a2b3c4d5e6f7082', 'ffffffffffffffff') AND name <> 'I''m a server span' ORDER BY span_id`);
    expect(r).toEqual([
      { span_id: '00f067aa0ba902b7', kind: 'CLIENT', span_kind: 'LLM', start_time: '2024-05-01T10:00:00.100Z', duration_ms: 0.123449, model_name: 'gpt-4o-mini', provider: 'openai', total_tokens: 150, parent_span_id: 'eee19b7ec3c1b174' },
      { span_id: '0b1c2d3e4f506172', kind: null, span_kind: 'LLM', start_time: '2024-05-01T10:00:00.123Z', duration_ms: 1500, model_name: 'gpt-4o-mini', provider: 'openai', total_tokens: 149, parent_span_id: 'a1b2c3d4e5f60718' },
      { span_id: '2a2b3c4d5e6f7082', kind: null, span_kind: 'LLM', start_time: '2024-06-01T12:00:00.100Z', duration_ms: 1300.000001, model_name: 'gpt-4o-mini', provider: 'openai', total_tokens: 15, parent_span_id: '1a2b3c4d5e6f7081' },
      { span_id: 'eee19b7ec3c1b174', kind: 'SERVER', span_kind: 'CHAIN', start_time: '2024-05-01T10:00:00.000Z', duration_ms: 1250.000123, model_name: null, provider: null, total_tokens: null, parent_span_id: null },
      { span_id: 'ffffffffffffffff', kind: 'INTERNAL', span_kind: null, start_time: '2262-04-11T23:47:16.854Z', duration_ms: 9223372036854.775, model_name: null, provider: null, total_tokens: null, parent_span_id: null },
    ]);
    const micros = await rows(`SELECT epoch_us(start_time) AS us FROM spans WHERE span_id = '0b1c2d3e4f506172'`);
    expect(micros[0]?.us).toBe(1714557600123456);
    const nested = await rows(`SELECT attributes->>'$.gateway.limits.rpm' AS rpm FROM spans WHERE span_id = 'eee19b7ec3c1b174'`);
    expect(nested[0]?.rpm).toBe('600');
  });

  it('links model versions → training run → dataset version', async () => {
    const r = await rows(`SELECT m.model_version, t.dataset_version FROM model_versions m JOIN training_runs t USING (run_id) ORDER BY 1`);
    expect(r).toEqual([{ model_version: 'sklearn_wine:1', dataset_version: 'wine-quality@3f2a9c1e' }]);
  });

  it('collects eval results from Phoenix, MLflow assessments, span events, experiments and promptfoo', async () => {
    const r = await rows(`SELECT stage, count(*) AS n FROM eval_results GROUP BY stage ORDER BY stage`);
    // monitoring: 3 Phoenix evals + 1 MLflow assessment + 1 GenAI evaluation event; validation: 4 experiment rows + 5 promptfoo rows
    expect(r).toEqual([
      { stage: 'monitoring', n: 5 },
      { stage: 'validation', n: 9 },
    ]);
  });
});
