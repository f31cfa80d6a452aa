import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import { fixtureText, sniffFor } from './helpers';

describe('sniffing is specific', () => {
  it.each([
    ['external/otlp-proto-example-trace.json', 'otlp-json'],
    ['formats/otlp/edge-cases.json', 'otlp-json'],
    ['formats/otlp/collector.jsonl', 'otlp-jsonl'],
    ['external/mlflow-export-import__model.json', 'mlflow-model'],
    ['formats/mlflow/run.json', 'mlflow-run'],
    ['formats/mlflow/trace-v2.json', 'mlflow-trace'],
    ['formats/mlflow/trace-v3.json', 'mlflow-trace'],
    ['formats/phoenix/spans.jsonl', 'phoenix-spans'],
    ['formats/phoenix/spans-nested.json', 'phoenix-spans'],
    ['formats/phoenix/span_evals.jsonl', 'phoenix-evals'],
    ['formats/phoenix/dataset.jsonl', 'phoenix-dataset'],
    ['formats/phoenix/experiment.json', 'phoenix-experiment'],
    ['formats/promptfoo/results.json', 'promptfoo'],
  ])('%s → %s', (rel, format) => {
    expect(sniffFor(rel.split('/').pop() as string, fixtureText(rel))?.format).toBe(format);
  });

  it('leaves the OpenInference / GenAI attribute maps (plain JSON objects) alone', () => {
    expect(sniffFor('a.json', fixtureText('external/openinference-genai__openinference_client_span_tool_calls.json'))).toBeUndefined();
    expect(sniffFor('b.json', fixtureText('external/openinference-genai__otel_genai_client_span_tool_calls.json'))).toBeUndefined();
  });

  it('leaves canonical-looking eval and span files alone', () => {
    expect(sniffFor('eval_results.jsonl', '{"eval_id":"e1","span_id":"0b1c2d3e4f506172","label":"x","score":1}\n')).toBeUndefined();
    expect(sniffFor('evals.parquet', 'PAR1')).toBeUndefined();
    expect(sniffFor('spans.parquet', 'PAR1')).toBeUndefined();
  });
});

describe('the demo bundle (flat canonical files) goes around the structured readers', () => {
  let dir: string;
  let files: string[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-formats-demo-'));
    files = (await generateDemoBundle({ outDir: dir, seed: 42, scale: 0.05, spansFormat: 'jsonl' })).files;
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('no file of the demo bundle is captured', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(dir, f));
      const plain = f.endsWith('.gz') ? gunzipSync(bytes) : bytes;
      const head = plain.subarray(0, 65536).toString('utf8');
      expect(sniffFor(f.replace(/\.gz$/, ''), head)?.format, f).toBeUndefined();
    }
  });
});
