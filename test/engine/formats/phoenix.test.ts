import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb, quoteLiteral } from '../../../electron/engine/db';
import { phoenixEvalsReader } from '../../../electron/engine/bundle/formats/phoenix/evals';
import { phoenixSpansReader } from '../../../electron/engine/bundle/formats/phoenix/spans';
import { fixturePath, readFixture, readWith, sniffFor, textSource } from './helpers';

describe('Phoenix spans dataframe (JSON Lines, attributes.* columns)', () => {
  it('maps context ids, parent_id, span_kind, ISO and epoch-ms times, status, and attributes.* into attributes', async () => {
    const sink = await readFixture('formats/phoenix/spans.jsonl', 'phoenix-spans');
    const spans = sink.table('spans');
    expect(spans).toHaveLength(3);
    const llm = spans[0];
    expect(llm).toMatchObject({
      trace_id: '6d3b2a190f8e7c6d5b4a39281706f5e4',
      span_id: '0b1c2d3e4f506172',
      parent_span_id: 'a1b2c3d4e5f60718',
      name: 'ChatCompletion',
      span_kind: 'LLM',
      start_time: '2024-05-01T10:00:00.123456Z',
      end_time: '2024-05-01T10:00:01.623456Z',
      duration_ms: 1500,
      status_code: 'OK',
      status_message: null,
      model_name: 'gpt-4o-mini',
      provider: 'openai',
      input_tokens: 97,
      output_tokens: 52,
      total_tokens: 149,
      session_id: 's-42',
      input_length: 19,
    });
    // null cells of other rows' attributes are not attributes of this span
    expect(llm?.attributes).not.toHaveProperty('retrieval.documents');
    expect(spans[1]).toMatchObject({ span_kind: 'RETRIEVER', start_time: '2024-05-01T10:00:00.000000Z', duration_ms: 50, status_code: 'ERROR', status_message: 'index offline' });
    expect(spans[1]?.attributes).toMatchObject({ 'retrieval.documents': [{ 'document.id': 'kb-1' }] });
    expect((spans[1]?.events as unknown[]).length).toBe(1);
    expect(spans[2]).toMatchObject({ span_id: 'a1b2c3d4e5f60718', parent_span_id: null, span_kind: 'CHAIN' });
  });

  it('rejects a record with an unreadable time, naming line and field', async () => {
    const sink = await readFixture('formats/phoenix/spans.jsonl', 'phoenix-spans');
    expect(sink.rejects).toEqual([expect.objectContaining({ line: 4, column: 'start_time' })]);
    expect(sink.readCount).toBe(4);
  });

  it('reads Phoenix span JSON with a context object and nested attributes', async () => {
    const sink = await readFixture('formats/phoenix/spans-nested.json', 'phoenix-spans');
    expect(sink.table('spans')[0]).toMatchObject({
      trace_id: '7e3b2a190f8e7c6d5b4a39281706f5e4',
      span_id: 'c1b2c3d4e5f60718',
      span_kind: 'AGENT',
      model_name: 'claude-3-5-haiku',
      provider: 'anthropic',
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 15,
      user_id: 'u-7',
      duration_ms: 3500,
    });
  });
});

describe('Phoenix span evaluations (JSON Lines)', () => {
  it('maps each evaluation to an eval_results row (stage monitoring) and rejects a bad span id', async () => {
    const sink = await readFixture('formats/phoenix/span_evals.jsonl', 'phoenix-evals');
    const rows = sink.table('eval_results');
    expect(rows.map((r) => [r.evaluator, r.span_id, r.value, r.label, r.passed])).toEqual([
      ['hallucination', '0b1c2d3e4f506172', 1, 'factual', true],
      ['hallucination', '1b1c2d3e4f506172', 0, 'hallucinated', false],
      ['qa_correctness', '0b1c2d3e4f506172', 0.5, 'partially', null],
    ]);
    expect(rows.every((r) => r.stage === 'monitoring')).toBe(true);
    expect(new Set(rows.map((r) => r.eval_id)).size).toBe(3);
    expect(sink.rejects).toEqual([expect.objectContaining({ line: 3, column: 'context.span_id' })]);
  });
});

/** The JSON fixture mixes ISO text and epoch milliseconds, as pandas exports do; Parquet holds real timestamps. */
function asTimestamp(col: string): string {
  const text = `trim(${col}::VARCHAR, '"')`;
  return `CASE WHEN TRY_CAST(${text} AS BIGINT) IS NOT NULL THEN epoch_ms(${text}::BIGINT)::TIMESTAMPTZ ELSE ${text}::TIMESTAMPTZ END`;
}

describe('Phoenix Parquet exports (through DuckDB)', () => {
  let dir: string;
  let db: { instance: DuckDBInstance; conn: DuckDBConnection };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ad-phoenix-'));
    db = await memoryDb();
    const spans = join(dir, 'trace_dataset-0b7f5c1e.parquet');
    await db.conn.run(`COPY (
      SELECT name, span_kind, parent_id, ${asTimestamp('start_time')} AS start_time, ${asTimestamp('end_time')} AS end_time,
             status_code, "context.span_id", "context.trace_id",
             "attributes.llm.model_name", "attributes.llm.token_count.prompt"::DOUBLE AS "attributes.llm.token_count.prompt"
      FROM read_json(${quoteLiteral(fixturePath('formats/phoenix/spans.jsonl'))}, format = 'newline_delimited')
      WHERE name <> 'broken'
    ) TO ${quoteLiteral(spans)} (FORMAT parquet)`);
    await db.conn.run(`COPY (
      SELECT * FROM (VALUES ('0b1c2d3e4f506172', 0, 'relevant', 1.0, 'cites the policy'), ('0b1c2d3e4f506172', 1, 'irrelevant', 'nan'::DOUBLE, NULL))
        AS t("context.span_id", document_position, label, score, explanation)
    ) TO ${quoteLiteral(join(dir, 'evaluations-5d1e.parquet'))}
      (FORMAT parquet, KV_METADATA {arize: '{"eval_id": "5d1e", "eval_name": "doc_relevance", "eval_type": "DocumentEvaluations"}'})`);
  });

  afterAll(() => {
    db.conn.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads span Parquet with microsecond timestamps and NaN as missing', async () => {
    const path = join(dir, 'trace_dataset-0b7f5c1e.parquet');
    expect(sniffFor('exports/trace_dataset-0b7f5c1e.parquet', 'PAR1')?.format).toBe('phoenix-spans');
    const sink = await readWith(phoenixSpansReader, textSource('trace_dataset-0b7f5c1e.parquet', '', { absPath: path, conn: db.conn }));
    expect(sink.rejects).toEqual([]);
    const spans = sink.table('spans');
    expect(spans.map((s) => s.span_id)).toEqual(['0b1c2d3e4f506172', '1b1c2d3e4f506172', 'a1b2c3d4e5f60718']);
    expect(spans[0]).toMatchObject({ start_time: '2024-05-01T10:00:00.123456Z', duration_ms: 1500, model_name: 'gpt-4o-mini', input_tokens: 97, span_kind: 'LLM' });
    expect(spans[1]?.attributes).not.toHaveProperty('llm.token_count.prompt');
  });

  it('reads document evaluations with the eval name from the Parquet metadata', async () => {
    expect(sniffFor('evaluations-5d1e.parquet', 'PAR1')?.format).toBe('phoenix-evals');
    const sink = await readWith(phoenixEvalsReader, textSource('evaluations-5d1e.parquet', '', { absPath: join(dir, 'evaluations-5d1e.parquet'), conn: db.conn }));
    expect(sink.rejects).toEqual([]);
    expect(sink.table('eval_results').map((r) => [r.evaluator, r.document_position, r.value, r.passed, r.eval_id])).toEqual([
      ['doc_relevance', 0, 1, true, 'doc_relevance:span:0b1c2d3e4f506172:doc0'],
      // A NaN score is kept (a non-finite value, counted on the file's report), never a silent NULL (#14 item 11).
      ['doc_relevance', 1, Number.NaN, false, 'doc_relevance:span:0b1c2d3e4f506172:doc1'],
    ]);
  });
});

describe('Phoenix datasets and experiments', () => {
  it('reads dataset examples into records with input/output kept and the dataset version named', async () => {
    const sink = await readFixture('formats/phoenix/dataset.jsonl', 'phoenix-dataset');
    const records = sink.table('records');
    expect(records.map((r) => [r.record_id, r.split, r.dataset_version])).toEqual([
      ['RGF0YXNldEV4YW1wbGU6MQ==', 'test', 'RGF0YXNldFZlcnNpb246Mw=='],
      ['RGF0YXNldEV4YW1wbGU6Mg==', 'hard,train', 'RGF0YXNldFZlcnNpb246Mw=='],
    ]);
    expect(records[1]?.input).toEqual({ question: '¿Dónde está mi reembolso?' });
    expect(sink.table('dataset_versions').map((d) => d.dataset_version)).toEqual(['RGF0YXNldFZlcnNpb246Mw==']);
    expect(sink.rejects).toEqual([expect.objectContaining({ line: 3, column: 'id' })]);
  });

  it('reads experiment runs and their annotations into validation-stage eval_results', async () => {
    const sink = await readFixture('formats/phoenix/experiment.json', 'phoenix-experiment');
    const rows = sink.table('eval_results');
    expect(rows.map((r) => [r.evaluator, r.record_id, r.passed, r.value])).toEqual([
      ['experiment_run', 'RGF0YXNldEV4YW1wbGU6MQ==', true, 812.5],
      ['correctness', 'RGF0YXNldEV4YW1wbGU6MQ==', true, 1],
      ['conciseness', 'RGF0YXNldEV4YW1wbGU6MQ==', null, 0.7],
      ['experiment_run', 'RGF0YXNldEV4YW1wbGU6Mg==', false, 20],
    ]);
    expect(rows.every((r) => r.stage === 'validation' && r.dataset_version === 'RGF0YXNldFZlcnNpb246Mw==')).toBe(true);
    expect(rows[0]).toMatchObject({ trace_id: '8f3b2a190f8e7c6d5b4a39281706f5e4', ts: '2024-06-01T12:00:00.812500Z', experiment: 'prompt-v3-vs-dataset-v3' });
    expect(rows[3]?.explanation).toBe('RateLimitError: 429');
    expect(sink.readCount).toBe(2);
  });
});

describe('Phoenix span annotations and long records', () => {
  it('reads span annotations with a nested result object', async () => {
    const lines = [
      { span_id: '0b1c2d3e4f506172', annotation_name: 'user_feedback', annotator_kind: 'HUMAN', result: { label: 'thumbs_down', score: 0, explanation: 'wrong amount' }, identifier: 'fb-1' },
      { span_id: '0b1c2d3e4f506172', annotation_name: 'toxicity', annotator_kind: 'LLM', 'result.label': 'safe', 'result.score': 0.02 },
    ];
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(sniffFor('span_annotations.jsonl', text)?.format).toBe('phoenix-evals');
    const sink = await readWith(phoenixEvalsReader, textSource('span_annotations.jsonl', text));
    expect(sink.table('eval_results').map((r) => [r.eval_id, r.evaluator, r.label, r.value, r.passed, r.annotator_kind])).toEqual([
      ['fb-1', 'user_feedback', 'thumbs_down', 0, null, 'HUMAN'],
      ['toxicity:span:0b1c2d3e4f506172', 'toxicity', 'safe', 0.02, true, 'LLM'],
    ]);
  });

  it('reads trace evaluations keyed by context.trace_id, named after the file', async () => {
    const text = `${JSON.stringify({ 'context.trace_id': '6D3B2A190F8E7C6D5B4A39281706F5E4', label: 'correct', score: 1 })}\n`;
    expect(sniffFor('evaluations-trace_correctness.jsonl', text)?.format).toBe('phoenix-evals');
    const sink = await readWith(phoenixEvalsReader, textSource('evaluations-trace_correctness.jsonl', text));
    expect(sink.table('eval_results')).toEqual([
      expect.objectContaining({ eval_id: 'trace_correctness:trace:6d3b2a190f8e7c6d5b4a39281706f5e4', evaluator: 'trace_correctness', trace_id: '6d3b2a190f8e7c6d5b4a39281706f5e4', span_id: null, passed: true }),
    ]);
  });

  it('still recognises a spans file whose first record is longer than the sniffed head', () => {
    const record = { name: 'llm', span_kind: 'LLM', parent_id: null, start_time: '2024-05-01T10:00:00Z', 'context.span_id': '0b1c2d3e4f506172', 'context.trace_id': '6d3b2a190f8e7c6d5b4a39281706f5e4', 'attributes.input.value': 'x'.repeat(70000) };
    expect(sniffFor('spans_export.jsonl', `${JSON.stringify(record)}\n`)?.format).toBe('phoenix-spans');
  });
});
