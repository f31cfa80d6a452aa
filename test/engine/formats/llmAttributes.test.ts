import { describe, expect, it } from 'vitest';
import { canonicalSpanKind, getAttribute, mapLlmAttributes, spanEvaluations } from '../../../electron/engine/bundle/formats/llmAttributes';
import { otlpJsonReader } from '../../../electron/engine/bundle/formats/otlp/reader';
import { fixtureText, readWith, textSource } from './helpers';

const openInference = JSON.parse(fixtureText('external/openinference-genai__openinference_client_span_tool_calls.json')) as Record<string, unknown>;
const genAi = JSON.parse(fixtureText('external/openinference-genai__otel_genai_client_span_tool_calls.json')) as Record<string, unknown>;

/** Plain JS value → OTLP AnyValue, the way an exporter would write the attribute map. */
function anyValue(v: unknown): unknown {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(v as object).map(([key, value]) => ({ key, value: anyValue(value) })) } };
}

function otlpDocument(attrs: Record<string, unknown>, spanId: string): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'weather-bot' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: 'abcdef0123456789abcdef0123456789',
                spanId,
                name: 'chat gpt-4',
                kind: 'SPAN_KIND_CLIENT',
                startTimeUnixNano: '1714557600000000000',
                endTimeUnixNano: '1714557602000000000',
                attributes: Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) })),
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('OpenInference and OTel GenAI name the same LLM call the same way', () => {
  it('maps the Arize fixture pair to the same model, provider, kind and tokens', () => {
    const a = mapLlmAttributes(openInference);
    const b = mapLlmAttributes(genAi);
    for (const col of ['span_kind', 'model_name', 'provider', 'input_tokens', 'output_tokens', 'total_tokens'] as const) expect(a[col]).toBe(b[col]);
    expect(a).toMatchObject({ span_kind: 'LLM', model_name: 'gpt-4-0613', provider: 'openai', input_tokens: 97, output_tokens: 52, total_tokens: 149 });
    expect(a.input_length).toBeGreaterThan(0);
    expect(b.output_length).toBeGreaterThan(0);
  });

  it('gives the same canonical columns when both are read as OTLP spans, keeping every original attribute', async () => {
    const oi = await readWith(otlpJsonReader, textSource('oi.json', otlpDocument(openInference, '1000000000000001')));
    const ga = await readWith(otlpJsonReader, textSource('ga.json', otlpDocument(genAi, '1000000000000002')));
    const [x] = oi.table('spans');
    const [y] = ga.table('spans');
    for (const col of ['span_kind', 'model_name', 'provider', 'input_tokens', 'output_tokens', 'total_tokens', 'service_name', 'duration_ms']) expect(x?.[col]).toEqual(y?.[col]);
    expect(Object.keys(x?.attributes as object).sort()).toEqual(Object.keys(openInference).sort());
    expect((y?.attributes as Record<string, unknown>)['gen_ai.response.finish_reasons']).toEqual(['stop']);
  });
});

describe('name variants', () => {
  it('reads deprecated GenAI names (gen_ai.system, prompt_tokens / completion_tokens) and sums the total', () => {
    expect(mapLlmAttributes({ 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude-3-5-haiku', 'gen_ai.usage.prompt_tokens': '11', 'gen_ai.usage.completion_tokens': 4 })).toMatchObject({
      provider: 'anthropic',
      model_name: 'claude-3-5-haiku',
      input_tokens: 11,
      output_tokens: 4,
      total_tokens: 15,
    });
  });

  it('prefers current over deprecated names when both are present', () => {
    const m = mapLlmAttributes({ 'gen_ai.provider.name': 'aws.bedrock', 'gen_ai.system': 'old', 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.prompt_tokens': 9 });
    expect(m.provider).toBe('aws.bedrock');
    expect(m.input_tokens).toBe(5);
  });

  it('maps traceAI kinds (gen_ai.span.kind, fi.span.kind), OpenInference kinds and GenAI operations', () => {
    expect(canonicalSpanKind({ 'gen_ai.span.kind': 'TOOL' })).toBe('TOOL');
    expect(canonicalSpanKind({ 'fi.span.kind': 'reranker' })).toBe('RERANKER');
    expect(canonicalSpanKind({ 'openinference.span.kind': 'GUARDRAIL' })).toBe('GUARDRAIL');
    expect(canonicalSpanKind({ 'openinference.span.kind': 'EVALUATOR' })).toBe('EVALUATOR');
    expect(canonicalSpanKind({ 'openinference.span.kind': 'PROMPT' })).toBe('CHAIN');
    expect(canonicalSpanKind({ 'gen_ai.operation.name': 'embeddings' })).toBe('EMBEDDING');
    expect(canonicalSpanKind({ 'gen_ai.operation.name': 'execute_tool' })).toBe('TOOL');
    expect(canonicalSpanKind({ 'gen_ai.operation.name': 'invoke_agent' })).toBe('AGENT');
    expect(canonicalSpanKind({ 'gen_ai.operation.name': 'something_new' })).toBe('UNKNOWN');
    expect(canonicalSpanKind({ 'openinference.span.kind': 'WIZARD' })).toBe('UNKNOWN');
    expect(canonicalSpanKind({ 'http.method': 'GET' })).toBeNull();
  });

  it('maps traceAI gen_ai.* names with total tokens and cost', () => {
    expect(mapLlmAttributes({ 'gen_ai.span.kind': 'LLM', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 3, 'gen_ai.usage.output_tokens': 2, 'gen_ai.usage.total_tokens': 6, 'gen_ai.cost.input': 0.001, 'gen_ai.cost.output': 0.002, 'gen_ai.prompt.template.version': 'v7' })).toMatchObject({
      total_tokens: 6,
      cost_usd: 0.003,
      prompt_version: 'v7',
    });
  });

  it('reads OpenInference cost, session, user, prompt template version', () => {
    expect(mapLlmAttributes({ 'llm.cost.total': 0.02, 'llm.cost.prompt': 1, 'session.id': 's', 'user.id': 'u', 'llm.prompt_template.version': 'v2' })).toMatchObject({
      cost_usd: 0.02,
      session_id: 's',
      user_id: 'u',
      prompt_version: 'v2',
    });
    expect(mapLlmAttributes({ 'llm.cost.prompt': 0.5, 'llm.cost.completion': 0.25 }).cost_usd).toBe(0.75);
    expect(mapLlmAttributes({ 'gen_ai.conversation.id': 'conv-1' }).session_id).toBe('conv-1');
  });

  it('reads the application attributes: versions, release, retries, gateway decisions; resource attributes stand in for versions', () => {
    const m = mapLlmAttributes(
      { 'ml.model_version': 'fraud-scorer:5', 'deployment.release': 'r3', retry_count: '1', 'gateway.route_target': 'anthropic', 'gateway.fallback': 'true', 'guardrail.blocked': true },
      { 'dataset.version': 'ds-2026.04', 'model.version': 'ignored-because-span-has-one' },
    );
    expect(m).toMatchObject({ model_version: 'fraud-scorer:5', dataset_version: 'ds-2026.04', release_id: 'r3', retry_count: 1, route_target: 'anthropic', fallback_taken: true, guardrail_blocked: true });
  });

  it('ignores values that are not what the column holds (negative or fractional counts, non-boolean flags)', () => {
    const m = mapLlmAttributes({ 'llm.token_count.prompt': -3, 'llm.token_count.completion': 1.5, fallback_taken: 'maybe' });
    expect(m.input_tokens).toBeNull();
    expect(m.output_tokens).toBeNull();
    expect(m.total_tokens).toBeNull();
    expect(m.fallback_taken).toBeNull();
  });

  it('keeps a non-finite cost or evaluation score (protobuf JSON "NaN" / "Infinity", a JS NaN) and reports a non-finite count it must leave missing', () => {
    const gaps: string[] = [];
    const m = mapLlmAttributes(
      { 'gen_ai.usage.input_tokens': 'NaN', 'gen_ai.usage.output_tokens': 4, 'gen_ai.usage.cost': 'Infinity', retry_count: Number.NEGATIVE_INFINITY, 'input.length': 'inf', 'input.value': 'abc' },
      {},
      (column) => gaps.push(column),
    );
    expect(m).toMatchObject({ input_tokens: null, output_tokens: 4, total_tokens: null, cost_usd: Number.POSITIVE_INFINITY, retry_count: null, input_length: 3 });
    // input_length is filled from the input value, so it is no gap.
    expect(gaps).toEqual(['input_tokens', 'retry_count']);
    expect(mapLlmAttributes({ 'llm.cost.prompt': '-Infinity', 'llm.cost.completion': 0.5 }).cost_usd).toBe(Number.NEGATIVE_INFINITY);
    // A non-finite total with both parts known: the total is their sum, no gap.
    const summed: string[] = [];
    expect(mapLlmAttributes({ 'llm.token_count.total': Number.NaN, 'llm.token_count.prompt': 2, 'llm.token_count.completion': 3 }, {}, (c) => summed.push(c)).total_tokens).toBe(5);
    expect(summed).toEqual([]);
    const evals = spanEvaluations({ 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.value': 'NaN' });
    expect(evals.map((e) => [e.name, e.score])).toEqual([['relevance', Number.NaN]]);
  });

  it('looks up dotted keys in flat, nested and mixed attribute objects', () => {
    expect(getAttribute({ llm: { token_count: { prompt: 4 } } }, 'llm.token_count.prompt')).toBe(4);
    expect(getAttribute({ llm: { 'token_count.prompt': 5 } }, 'llm.token_count.prompt')).toBe(5);
    expect(getAttribute({ 'llm.token_count': { prompt: 6 } }, 'llm.token_count.prompt')).toBe(6);
    expect(getAttribute({ llm: 'x' }, 'llm.model_name')).toBeUndefined();
  });

  it('counts input / output length in characters from the value attributes', () => {
    expect(mapLlmAttributes({ 'input.value': 'héllo 👋', 'output.value': 'ok' })).toMatchObject({ input_length: 7, output_length: 2 });
  });
});

describe('evaluations carried by spans', () => {
  it('reads OpenInference annotations, eval.* attributes, traceAI gen_ai.evaluation.* and GenAI evaluation events', () => {
    const evals = spanEvaluations(
      {
        'annotations.0.annotation.name': 'toxicity',
        'annotations.0.annotation.label': 'safe',
        'annotations.0.annotation.score': 0,
        'eval.relevance.score': 0.8,
        'eval.relevance.label': 'relevant',
        'gen_ai.evaluation.name': 'groundedness',
        'gen_ai.evaluation.score.value': 0.4,
      },
      [{ name: 'gen_ai.evaluation.result', attributes: { 'gen_ai.evaluation.name': 'fluency', 'gen_ai.evaluation.score.label': 'fail', 'gen_ai.evaluation.explanation': 'broken grammar' } }],
    );
    expect(evals.map((e) => [e.name, e.score, e.label])).toEqual([
      ['toxicity', 0, 'safe'],
      ['relevance', 0.8, 'relevant'],
      ['groundedness', 0.4, null],
      ['fluency', null, 'fail'],
    ]);
  });
});
