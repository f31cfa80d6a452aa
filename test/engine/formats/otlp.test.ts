import { describe, expect, it } from 'vitest';
import { otlpJsonLinesReader, otlpJsonReader } from '../../../electron/engine/bundle/formats/otlp/reader';
import { fixtureText, readFixture, readWith, sniffFor, textSource } from './helpers';

describe('OTLP/JSON document (official example)', () => {
  it('reads the opentelemetry-proto example: upper-case ids, string times, integer kind, resource', async () => {
    const sink = await readFixture('external/otlp-proto-example-trace.json', 'otlp-json');
    expect(sink.rejects).toEqual([]);
    expect(sink.readCount).toBe(1);
    const [span] = sink.table('spans');
    expect(span).toMatchObject({
      trace_id: '5b8efff798038103d269b633813fc60c',
      span_id: 'eee19b7ec3c1b174',
      parent_span_id: 'eee19b7ec3c1b173',
      name: "I'm a server span",
      kind: 'SERVER',
      start_time: '2018-12-13T14:51:00.000000Z',
      end_time: '2018-12-13T14:51:01.000000Z',
      duration_ms: 1000,
      status_code: 'UNSET',
      service_name: 'my.service',
      attributes: { 'my.span.attr': 'some value' },
      resource: { 'service.name': 'my.service' },
      events: [],
      links: [],
      span_kind: null,
    });
  });
});

describe('OTLP/JSON edge cases', () => {
  async function edge() {
    return readFixture('formats/otlp/edge-cases.json', 'otlp-json');
  }

  it('accounts for every span: loaded or rejected', async () => {
    const sink = await edge();
    expect(sink.readCount).toBe(6);
    expect(sink.table('spans')).toHaveLength(4);
    expect(sink.rejects).toHaveLength(2);
  });

  it('lower-cases ids, turns parentSpanId "" into null, accepts string and number times', async () => {
    const root = (await edge()).table('spans').find((s) => s.name === 'dispute.handle');
    expect(root).toMatchObject({
      trace_id: '5b8efff798038103d269b633813fc60c',
      span_id: 'eee19b7ec3c1b174',
      parent_span_id: null,
      kind: 'SERVER',
      status_code: 'OK',
      status_message: null,
      start_time: '2024-05-01T10:00:00.000000Z',
      end_time: '2024-05-01T10:00:01.250000Z',
      duration_ms: 1250.000123,
      service_name: 'dispute-assistant',
    });
  });

  it('keeps nested arrayValue / kvlistValue, int64 beyond 2^53 as text, bytes, empty values; ignores unknown fields', async () => {
    const root = (await edge()).table('spans').find((s) => s.name === 'dispute.handle');
    expect(root?.attributes).toEqual({
      'openinference.span.kind': 'CHAIN',
      'session.id': 'sess-1',
      tags: ['a', 7, [true]],
      gateway: { route: 'openai-primary', limits: { rpm: 600 } },
      big: '9007199254740993',
      ratio: 0.25,
      raw: 'AQID',
      empty: null,
    });
    expect(root).not.toHaveProperty('aFieldFromTheFuture');
    expect(root?.route_target).toBe('openai-primary');
    expect(root?.model_version).toBe('fraud-scorer:4');
    expect(root?.span_kind).toBe('CHAIN');
    expect(root?.session_id).toBe('sess-1');
  });

  it('keeps events and links as JSON with normalised ids and times', async () => {
    const root = (await edge()).table('spans').find((s) => s.name === 'dispute.handle');
    expect(root?.events).toEqual([{ name: 'retrieval.done', time: '2024-05-01T10:00:00.500000Z', attributes: { docs: 3 } }]);
    expect(root?.links).toEqual([
      { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', attributes: { 'link.kind': 'follows' }, trace_state: 'vendor=x' },
    ]);
  });

  it('reads enum numbers, deprecated GenAI names, gateway attributes and the exact nanosecond duration', async () => {
    const sink = await edge();
    const llm = sink.table('spans').find((s) => s.name === 'llm.generate');
    expect(llm).toMatchObject({
      kind: 'CLIENT',
      status_code: 'ERROR',
      status_message: 'upstream timeout',
      span_kind: 'LLM',
      provider: 'openai',
      model_name: 'gpt-4o-mini',
      input_tokens: 120,
      output_tokens: 30,
      total_tokens: 150,
      retry_count: 2,
      fallback_taken: true,
      guardrail_blocked: false,
      start_time: '2024-05-01T10:00:00.100000Z',
      end_time: '2024-05-01T10:00:00.100123Z',
      duration_ms: 0.123449,
    });
    const evals = sink.table('eval_results');
    expect(evals).toHaveLength(1);
    expect(evals[0]).toMatchObject({ span_id: '00f067aa0ba902b7', evaluator: 'relevance', value: 0.9, label: 'relevant', passed: true, stage: 'monitoring' });
  });

  it('formats times above 2^63 exactly (BigInt, not Number)', async () => {
    const far = (await edge()).table('spans').find((s) => s.name === 'far.future');
    expect(far?.start_time).toBe('2262-04-11T23:47:16.854775Z');
    expect(far?.end_time).toBe('2554-07-21T23:34:33.709551Z');
    expect(far?.kind).toBe('INTERNAL');
    expect(far?.status_code).toBe('UNSET');
    expect(far?.duration_ms as number).toBeCloseTo(9223372036854.775, 2);
  });

  it('rejects a non-hex span id and a time beyond 64 bits with place and field', async () => {
    const sink = await edge();
    expect(sink.rejects.map((r) => [r.line, r.column])).toEqual([
      [3, 'resourceSpans[0].scopeSpans[0].spans[2].spanId'],
      [5, 'resourceSpans[0].scopeSpans[0].spans[4].startTimeUnixNano'],
    ]);
    expect(sink.rejects[0]?.reason).toMatch(/not hex/);
    expect(sink.rejects[1]?.reason).toMatch(/beyond unsigned 64 bits/);
    expect(sink.rejects[0]?.raw).toContain('ZZZ19B7EC3C1B174');
  });

  it('reads legacy instrumentationLibrarySpans, enum names without prefix, empty resource and status, traceAI fi.span.kind', async () => {
    const legacy = (await edge()).table('spans').find((s) => s.name === 'legacy.span');
    expect(legacy).toMatchObject({ kind: 'CLIENT', status_code: 'UNSET', service_name: null, resource: {}, span_kind: 'RETRIEVER', duration_ms: 0.000001 });
  });
});

describe('Collector file exporter (one TracesData per line)', () => {
  it('is sniffed as JSON Lines and a malformed line mid-file is rejected with its exact line; the other lines load', async () => {
    const sink = await readFixture('formats/otlp/collector.jsonl', 'otlp-jsonl');
    const spans = sink.table('spans');
    expect(spans.map((s) => s.span_id)).toEqual(['1111111111111111', '2222222222222222', '3333333333333333', '4444444444444444']);
    expect(sink.rows.filter((r) => r.table === 'spans').map((r) => r.line)).toEqual([1, 1, 2, 5]);
    expect(sink.rejects).toHaveLength(1);
    expect(sink.rejects[0]).toMatchObject({ line: 3, column: null });
    expect(sink.rejects[0]?.reason).toMatch(/line 3: malformed JSON/);
    expect(sink.readCount).toBe(spans.length + sink.rejects.length);
    expect(spans[0]).toMatchObject({ trace_id: 'a'.repeat(32), service_name: 'fraud-scorer', release_id: 'r2', status_code: 'OK' });
  });

  it('falls back to line mode when a .json file holds several batches', async () => {
    const text = fixtureText('formats/otlp/collector.jsonl');
    const sink = await readWith(otlpJsonReader, textSource('traces-2024-05-01.json', text));
    expect(sink.table('spans')).toHaveLength(4);
    expect(sink.rejects.map((r) => r.line)).toEqual([3]);
  });

  it('rejects a JSON line that is not a TracesData batch, with its line', async () => {
    const sink = await readWith(otlpJsonLinesReader, textSource('t.jsonl', '{"resourceSpans":[]}\n{"hello":1}\n'));
    expect(sink.rejects).toEqual([expect.objectContaining({ line: 2, column: 'resourceSpans' })]);
  });

  it('rejects deeply nested attribute values instead of overflowing the stack', async () => {
    let value = '{"stringValue":"x"}';
    for (let i = 0; i < 200; i++) value = `{"arrayValue":{"values":[${value}]}}`;
    const deep = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'1'.repeat(32)}","spanId":"${'2'.repeat(16)}","attributes":[{"key":"deep","value":${value}}]}]}]}]}`;
    const ok = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'1'.repeat(32)}","spanId":"${'3'.repeat(16)}"}]}]}]}`;
    const sink = await readWith(otlpJsonLinesReader, textSource('deep.jsonl', `${deep}\n${ok}\n`));
    expect(sink.rejects).toHaveLength(1);
    expect(sink.rejects[0]?.line).toBe(1);
    expect(sink.rejects[0]?.reason).toMatch(/nested deeper/);
    expect(sink.table('spans').map((s) => s.span_id)).toEqual(['3'.repeat(16)]);
  });

  it('does not capture flat canonical span files', () => {
    const flat = '{"trace_id":"aaaa","span_id":"bbbb","name":"x","attributes":{"resourceSpans":1}}\n';
    expect(sniffFor('spans.jsonl', flat)).toBeUndefined();
    expect(sniffFor('spans.json', `[${flat}]`)).toBeUndefined();
  });
});
