import { describe, expect, it } from 'vitest';
import { mlflowTraceReader } from '../../../electron/engine/bundle/formats/mlflow/trace';
import { readFixture, readWith, sniffFor, fixtureText, textSource } from './helpers';

describe('MLflow 3 trace JSON', () => {
  it('decodes base64 ids to hex, JSON-encoded attributes, span types, token usage and trace metadata', async () => {
    const sink = await readFixture('formats/mlflow/trace-v3.json', 'mlflow-trace');
    const [root, chat] = sink.table('spans');
    expect(root).toMatchObject({
      trace_id: '9a1f3c5e7b2d4f6081a3c5e7f9b1d3e5',
      span_id: '1a2b3c4d5e6f7081',
      parent_span_id: null,
      span_kind: 'CHAIN',
      start_time: '2024-06-01T12:00:00.000000Z',
      duration_ms: 1500,
      status_code: 'OK',
      session_id: 'sess-9',
      user_id: 'alice',
      input_length: '{"q":"hi"}'.length,
      output_length: 'hello there'.length,
    });
    expect(root?.attributes).toMatchObject({ 'mlflow.spanInputs': { q: 'hi' }, 'mlflow.spanType': 'CHAIN' });
    expect(chat).toMatchObject({
      parent_span_id: '1a2b3c4d5e6f7081',
      span_kind: 'LLM',
      model_name: 'gpt-4o-mini',
      provider: 'openai',
      input_tokens: 12,
      output_tokens: 3,
      total_tokens: 15,
      status_code: 'ERROR',
      status_message: 'rate limited once',
      duration_ms: 1300.000001,
    });
    expect((chat?.attributes as Record<string, unknown>).invocation_params).toBe('not json {');
    expect(chat?.events).toEqual([{ name: 'exception', time: '2024-06-01T12:00:00.200000Z', attributes: { 'exception.message': '429' } }]);
  });

  it('rejects a span whose id is neither hex nor base64, keeps the others, and turns feedback assessments into eval_results', async () => {
    const sink = await readFixture('formats/mlflow/trace-v3.json', 'mlflow-trace');
    expect(sink.rejects).toEqual([expect.objectContaining({ line: 3, column: 'data.spans[2].span_id' })]);
    expect(sink.readCount).toBe(3);
    expect(sink.table('eval_results')).toEqual([
      expect.objectContaining({
        eval_id: 'a-1c2d',
        evaluator: 'is_correct',
        trace_id: '9a1f3c5e7b2d4f6081a3c5e7f9b1d3e5',
        label: 'yes',
        passed: true,
        stage: 'monitoring',
        ts: '2024-06-01T12:00:05.000000Z',
        annotator_kind: 'LLM_JUDGE',
        explanation: 'matches',
      }),
    ]);
  });

  it('reads MLflow 2 traces (context with 0x hex ids, parent_id, start_time in ns)', async () => {
    const sink = await readFixture('formats/mlflow/trace-v2.json', 'mlflow-trace');
    expect(sink.rejects).toEqual([]);
    expect(sink.table('spans')).toEqual([
      expect.objectContaining({ trace_id: '0b1f3c5e7b2d4f6081a3c5e7f9b1d3e5', span_id: '1a2b3c4d5e6f7081', parent_span_id: null, span_kind: 'RETRIEVER', duration_ms: 250, status_code: 'OK' }),
    ]);
  });

  it('reads one trace per line, keeping each line number', async () => {
    const v2 = JSON.stringify(JSON.parse(fixtureText('formats/mlflow/trace-v2.json')));
    const v3 = JSON.stringify(JSON.parse(fixtureText('formats/mlflow/trace-v3.json')));
    const sink = await readWith(mlflowTraceReader, textSource('traces.jsonl', `${v2}\n${v3}\n`));
    expect(sink.rows.filter((r) => r.table === 'spans').map((r) => r.line)).toEqual([1, 2, 2]);
    expect(sink.rejects.map((r) => r.line)).toEqual([2]);
  });
});

describe('mlflow-export-import model.json and run.json', () => {
  it('reads the registered model versions of the external sample with stages, aliases and run ids', async () => {
    const sink = await readFixture('external/mlflow-export-import__model.json', 'mlflow-model');
    expect(sink.rejects).toEqual([]);
    expect(sink.table('model_versions').map((m) => [m.model_version, m.run_id, m.stage, m.aliases, m.created_at])).toEqual([
      ['sklearn_wine:1', 'd583ca20513841749b26907cb2d3952b', 'Production', ['good-to-go'], '2023-05-22T00:41:15.276000Z'],
      ['sklearn_wine:2', 'af9e86e62bc44e7d805c03554965a27c', 'Staging', ['about-ready'], '2023-05-22T00:41:21.798000Z'],
      ['sklearn_wine:3', 'b8413159b1d345f6a25949328b865734', 'just-in-case', ['just-in-case'], '2023-05-22T00:41:28.532000Z'],
    ]);
  });

  it('reads a run with params, latest metrics and its training dataset input: the lineage model version → run → dataset', async () => {
    const run = await readFixture('formats/mlflow/run.json', 'mlflow-run');
    const model = await readFixture('external/mlflow-export-import__model.json', 'mlflow-model');
    const [training] = run.table('training_runs');
    expect(training).toMatchObject({
      run_id: 'd583ca20513841749b26907cb2d3952b',
      dataset_version: 'wine-quality@3f2a9c1e',
      started_at: '2023-05-22T00:40:00.000000Z',
      ended_at: '2023-05-22T00:41:00.000000Z',
      status: 'FINISHED',
      params: { max_depth: '5', alpha: '0.1' },
      metrics: { r2: 0.31, rmse: 0.72 },
      run_name: 'wine-v1',
    });
    expect(run.table('dataset_versions').map((d) => d.dataset_version)).toEqual(['wine-quality-test@77a19fc0', 'wine-quality@3f2a9c1e']);
    const v1 = model.table('model_versions').find((m) => m.run_id === training?.run_id);
    expect(v1?.model_version).toBe('sklearn_wine:1');
  });

  it('sniffs model before run and neither for a trace', () => {
    expect(sniffFor('models/sklearn_wine/model.json', fixtureText('external/mlflow-export-import__model.json'))?.format).toBe('mlflow-model');
    expect(sniffFor('runs/d583/run.json', fixtureText('formats/mlflow/run.json'))?.format).toBe('mlflow-run');
    expect(sniffFor('trace.json', fixtureText('formats/mlflow/trace-v3.json'))?.format).toBe('mlflow-trace');
  });
});
