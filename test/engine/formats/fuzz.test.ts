/** Property-based fuzzing of the readers: any input is loaded or rejected, never thrown on, never lost. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { otlpJsonLinesReader, otlpJsonReader } from '../../../electron/engine/bundle/formats/otlp/reader';
import { phoenixSpansReader } from '../../../electron/engine/bundle/formats/phoenix/spans';
import { mlflowTraceReader } from '../../../electron/engine/bundle/formats/mlflow/trace';
import { readWith, textSource } from './helpers';

const hex = (n: number) => fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'.split('')), { minLength: n, maxLength: n }).map((a) => a.join(''));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.jsonValue(), fc.constant(undefined));
const nanos = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 65n) }).map(String), fc.integer({ min: -5, max: 2 ** 52 }));
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ stringValue: fc.string() }),
    fc.record({ intValue: fc.oneof(fc.integer(), fc.bigInt().map(String), fc.string()) }),
    fc.record({ doubleValue: fc.oneof(fc.double(), fc.string()) }),
    fc.record({ boolValue: fc.oneof(fc.boolean(), fc.string()) }),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('value'), { maxLength: 3 }) }) }),
    fc.record({ kvlistValue: fc.record({ values: fc.array(fc.record({ key: fc.string(), value: tie('value') }), { maxLength: 3 }) }) }),
    fc.jsonValue(),
  ),
})).value;

const span = fc.record(
  {
    traceId: maybe(hex(32)),
    spanId: maybe(hex(16)),
    parentSpanId: maybe(fc.oneof(hex(16), fc.constant(''))),
    name: maybe(fc.string()),
    kind: maybe(fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constantFrom('SPAN_KIND_SERVER', 'client', 'BOGUS'))),
    startTimeUnixNano: maybe(nanos),
    endTimeUnixNano: maybe(nanos),
    attributes: maybe(fc.array(fc.record({ key: fc.string(), value: anyValue }), { maxLength: 4 })),
    status: maybe(fc.record({ code: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('STATUS_CODE_ERROR', 'nope')) })),
  },
  { requiredKeys: [] },
);

const tracesData = fc.record({ resourceSpans: fc.array(fc.record({ scopeSpans: fc.array(fc.record({ spans: fc.array(fc.oneof(span, fc.jsonValue()), { maxLength: 4 }) }), { maxLength: 2 }) }), { maxLength: 2 }) });

function spanCount(doc: { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }): number {
  return doc.resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);
}

describe('OTLP readers under fuzzing', () => {
  it('every generated span is loaded or rejected, and nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(tracesData, async (doc) => {
        const sink = await readWith(otlpJsonReader, textSource('t.json', JSON.stringify(doc)));
        const spans = sink.table('spans').length;
        expect(spans + sink.rejects.length).toBe(spanCount(doc));
        expect(sink.readCount).toBe(spanCount(doc));
        for (const s of sink.table('spans')) {
          expect(s.trace_id).toMatch(/^[0-9a-f]{32}$/);
          expect(s.span_id).toMatch(/^[0-9a-f]{16}$/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary lines in a Collector file: each non-blank line is parsed or rejected with its own line number', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string(), tracesData.map((d) => JSON.stringify(d))), { maxLength: 6 }), async (lines) => {
        const clean = lines.map((l) => l.replace(/[\r\n]/g, ' '));
        const sink = await readWith(otlpJsonLinesReader, textSource('t.jsonl', clean.join('\n')));
        for (const r of sink.rejects) {
          expect(r.line).not.toBeNull();
          expect(clean[(r.line as number) - 1]?.trim()).not.toBe('');
        }
        expect(sink.readCount).toBe(sink.table('spans').length + sink.rejects.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('record readers under fuzzing', () => {
  it('Phoenix spans and MLflow traces: arbitrary JSON records never throw and are all accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.dictionary(fc.constantFrom('context.span_id', 'context.trace_id', 'name', 'start_time', 'end_time', 'status_code', 'attributes', 'parent_id', 'events'), fc.jsonValue()), { maxLength: 5 }), async (records) => {
        const sink = await readWith(phoenixSpansReader, textSource('s.jsonl', records.map((r) => JSON.stringify(r)).join('\n')));
        expect(sink.readCount).toBe(records.length);
        expect(sink.table('spans').length + sink.rejects.length).toBe(records.length);
        const trace = { info: {}, data: { spans: records } };
        const mlflow = await readWith(mlflowTraceReader, textSource('t.json', JSON.stringify(trace)));
        expect(mlflow.table('spans').length + mlflow.rejects.length).toBe(records.length);
      }),
      { numRuns: 100 },
    );
  });
});
