/**
 * MLflow trace JSON (`{"info": …, "data": {"spans": […]}}`, also an array of traces or one trace per line).
 * MLflow 3 span dicts carry OTel-style fields with base64 ids (`trace_id`, `span_id`, `parent_span_id`,
 * `start_time_unix_nano`, `status: {code, message}`); MLflow 2 carried `context: {trace_id, span_id}` with
 * 0x-prefixed hex, `parent_id`, `start_time` / `end_time` in nanoseconds and `status_code`. Attribute values
 * are JSON-encoded strings and are decoded. Trace assessments become eval_results (stage monitoring).
 */
import type { RowSink, RowValue, SniffInput, StructuredReader } from '../types';
import { DepthError, errorMessage, excerpt, headHasKey, isObject, jsonRecords, toRowObject, toRowValue, type JsonObject } from '../common/json';
import { normalizeFlexibleId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../common/ids';
import { durationMs, looseTimestamp, nanosToIso, parseUnixNanos } from '../common/time';
import { emitSpan } from '../common/spanRow';
import { evalRow, measureOrNull, textOrNull } from '../common/evalRow';
import { passedFromLabel } from '../llmAttributes';

export const MLFLOW_BIG_INTEGER_KEYS = ['start_time_unix_nano', 'end_time_unix_nano', 'time_unix_nano', 'start_time', 'end_time', 'timestamp'] as const;

class FieldError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

/** "tr-<32 hex>" (MLflow's trace id) → the OTel hex trace id; other forms go through base64 / hex handling. */
function traceIdOf(raw: unknown, field: string): string {
  if (typeof raw === 'string' && /^tr-[0-9a-fA-F]{32}$/.test(raw)) return raw.slice(3).toLowerCase();
  const id = normalizeFlexibleId(raw, TRACE_ID_HEX_LENGTH);
  if (!id.ok) throw new FieldError(field, id.reason);
  return id.value;
}

function spanIdOf(raw: unknown, field: string): string {
  const id = normalizeFlexibleId(raw, SPAN_ID_HEX_LENGTH);
  if (!id.ok) throw new FieldError(field, id.reason);
  return id.value;
}

function nanosOf(raw: unknown, field: string): bigint | null {
  const t = parseUnixNanos(raw);
  if (!t.ok) throw new FieldError(field, t.reason);
  return t.value;
}

/** MLflow stores every attribute value JSON-encoded ("\"LLM\"", "{\"input_tokens\": 5}"); plain text stays text. */
function decodeAttributes(raw: unknown): { [k: string]: RowValue } {
  if (!isObject(raw)) return {};
  const out: { [k: string]: RowValue } = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') {
      try {
        out[key] = toRowValue(JSON.parse(value));
      } catch (e) {
        if (e instanceof DepthError) throw e;
        out[key] = value;
      }
    } else out[key] = toRowValue(value);
  }
  return out;
}

function statusOf(span: JsonObject): { code: string; message: string | null } {
  const status = isObject(span.status) ? span.status : {};
  const raw = status.code ?? span.status_code ?? 'UNSET';
  const name = String(raw).toUpperCase().replace(/^STATUS_CODE_/, '');
  const code = name === '1' ? 'OK' : name === '2' ? 'ERROR' : name === '0' ? 'UNSET' : name;
  if (!['OK', 'ERROR', 'UNSET'].includes(code)) throw new FieldError('status.code', `unknown status code ${JSON.stringify(raw)}`);
  const message = textOrNull(status.message ?? span.status_message);
  return { code, message };
}

function eventsOf(raw: unknown): RowValue[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((ev: unknown) => {
    if (!isObject(ev)) return toRowValue(ev);
    const t = parseUnixNanos(ev.time_unix_nano ?? ev.timestamp);
    return { name: textOrNull(ev.name), time: t.ok && t.value !== null ? nanosToIso(t.value) : null, attributes: decodeAttributes(ev.attributes) };
  });
}

interface TraceContext {
  traceId: string | null;
  metadata: { [k: string]: RowValue };
}

function readSpan(span: JsonObject, ctx: TraceContext, sink: RowSink, line: number): void {
  const context = isObject(span.context) ? span.context : {};
  const traceRaw = span.trace_id ?? context.trace_id ?? ctx.traceId;
  const traceId = traceIdOf(traceRaw, 'trace_id');
  const spanId = spanIdOf(span.span_id ?? context.span_id, 'span_id');
  const parentRaw = span.parent_span_id ?? span.parent_id;
  const parent = parentRaw === undefined || parentRaw === null || parentRaw === '' ? null : spanIdOf(parentRaw, 'parent_span_id');
  const start = nanosOf(span.start_time_unix_nano ?? span.start_time, 'start_time_unix_nano');
  const end = nanosOf(span.end_time_unix_nano ?? span.end_time, 'end_time_unix_nano');
  const { code, message } = statusOf(span);
  const attributes = decodeAttributes(span.attributes);
  // Session and user live in the trace metadata in MLflow 3; spans without their own inherit them.
  for (const key of ['mlflow.trace.session', 'mlflow.trace.user']) {
    const v = ctx.metadata[key];
    if (v !== undefined && !(key in attributes)) attributes[key] = v;
  }
  emitSpan(
    sink,
    {
      trace_id: traceId,
      span_id: spanId,
      parent_span_id: parent,
      name: textOrNull(span.name),
      kind: null,
      span_kind: textOrNull(span.span_type),
      start_time: start === null ? null : nanosToIso(start),
      end_time: end === null ? null : nanosToIso(end),
      duration_ms: start !== null && end !== null ? durationMs(start, end) : null,
      status_code: code,
      status_message: message,
      service_name: null,
      attributes,
      resource: {},
      events: eventsOf(span.events),
      links: [],
    },
    line,
  );
}

function assessmentRows(info: JsonObject, traceId: string | null, sink: RowSink, line: number): void {
  const assessments = Array.isArray(info.assessments) ? info.assessments : [];
  assessments.forEach((a: unknown, i) => {
    if (!isObject(a)) return;
    const feedback = isObject(a.feedback) ? a.feedback : null;
    if (!feedback) return; // expectations are ground truth, not evaluation results
    const name = textOrNull(a.assessment_name ?? a.name) ?? `assessment_${i}`;
    const value = feedback.value;
    const label = typeof value === 'string' ? value : typeof value === 'boolean' ? String(value) : null;
    const passed = typeof value === 'boolean' ? value : passedFromLabel(label);
    const ts = looseTimestamp(a.create_time ?? a.last_update_time);
    const source = isObject(a.source) ? a.source : {};
    const spanRaw = a.span_id;
    const spanId = typeof spanRaw === 'string' && spanRaw !== '' ? normalizeFlexibleId(spanRaw, SPAN_ID_HEX_LENGTH) : null;
    sink.row(
      'eval_results',
      evalRow({
        eval_id: textOrNull(a.assessment_id) ?? `${traceId ?? 'trace'}:${name}:${i}`,
        stage: 'monitoring',
        evaluator: name,
        metric: name,
        value: measureOrNull(value),
        passed,
        ts: ts.ok ? ts.value : null,
        span_id: spanId && spanId.ok ? spanId.value : null,
        trace_id: traceId,
        extra: { label, explanation: textOrNull(a.rationale), annotator_kind: textOrNull(source.source_type) },
      }),
      line,
    );
  });
}

function readTrace(doc: unknown, sink: RowSink, baseLine: number, where: string, spanLine: (i: number) => number): void {
  if (!isObject(doc) || !isObject(doc.data) || !Array.isArray(doc.data.spans)) {
    sink.read();
    sink.reject(baseLine, 'data.spans', `${where}: not an MLflow trace (no data.spans array)`, excerpt(doc));
    return;
  }
  const info = isObject(doc.info) ? doc.info : {};
  let traceId: string | null = null;
  const infoTraceId = info.trace_id ?? info.request_id;
  if (typeof infoTraceId === 'string' && /^tr-[0-9a-fA-F]{32}$/.test(infoTraceId)) traceId = infoTraceId.slice(3).toLowerCase();
  const metadata = toRowObject(info.trace_metadata ?? info.request_metadata ?? {});
  const ctx: TraceContext = { traceId, metadata };
  doc.data.spans.forEach((span: unknown, i) => {
    const line = spanLine(i);
    sink.read();
    if (!isObject(span)) {
      sink.reject(line, `data.spans[${i}]`, `${where}: span must be an object`, excerpt(span));
      return;
    }
    try {
      readSpan(span, ctx, sink, line);
    } catch (e) {
      if (e instanceof FieldError) sink.reject(line, `data.spans[${i}].${e.field}`, `${where}: ${e.message}`, excerpt(span));
      else if (e instanceof DepthError || e instanceof RangeError) sink.reject(line, `data.spans[${i}]`, `${where}: ${errorMessage(e)}`, excerpt(span, 500));
      else throw e;
    }
  });
  assessmentRows(info, traceId, sink, baseLine);
}

export const mlflowTraceReader: StructuredReader = {
  format: 'mlflow-trace',
  sniff({ head }: SniffInput): boolean {
    const t = head.replace(/^\uFEFF/, '').trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return false;
    return headHasKey(head, 'info') && headHasKey(head, 'data') && headHasKey(head, 'spans') && (headHasKey(head, 'trace_id') || headHasKey(head, 'request_id'));
  },
  async read(source, sink) {
    let traceOrdinal = 0;
    let spanOrdinal = 0;
    for await (const item of jsonRecords(source, 'auto', MLFLOW_BIG_INTEGER_KEYS)) {
      if (sink.signal.aborted) return;
      if ('error' in item) {
        sink.read();
        sink.reject(item.line, null, `${source.relPath} line ${item.line}: ${item.error}`, excerpt(item.raw));
        continue;
      }
      traceOrdinal++;
      // JSON Lines keep the physical line for every span; whole documents number spans across the file.
      const base = spanOrdinal;
      readTrace(item.value, sink, item.line, `${source.relPath} trace ${traceOrdinal}`, (i) => (item.fromLines ? item.line : base + i + 1));
      if (isObject(item.value) && isObject(item.value.data) && Array.isArray(item.value.data.spans)) spanOrdinal += item.value.data.spans.length;
    }
  },
};

