/**
 * OTLP/JSON traces: a single TracesData document (`otlp-json`) and the Collector file exporter's
 * one-TracesData-per-line files (`otlp-jsonl`). Each span becomes one `spans` row; a span that cannot be
 * read (bad id, bad time, bad attribute, too deep) is rejected with its place and field, the others load.
 */
import type { ReaderSource, RowSink, RowValue, SniffInput, StructuredReader } from '../types';
import { DepthError, errorMessage, excerpt, firstJsonLineObject, isObject, parseJson, startsWithObject, type JsonObject } from '../common/json';
import { normalizeFlexibleId, normalizeHexId, normalizeParentId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH, type Checked } from '../common/ids';
import { durationMs, nanosToIso, parseUnixNanos } from '../common/time';
import { emitSpan } from '../common/spanRow';
import { AnyValueError, keyValuesToObject } from './anyValue';

/** Keys whose integer values may exceed 2^53 and must reach BigInt with every digit. */
export const OTLP_BIG_INTEGER_KEYS = ['startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano', 'observedTimeUnixNano', 'intValue'] as const;

const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;

class SpanFieldError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpanFieldError';
  }
}

const BASE64_NOTE = 'ids given as base64 (the protobuf JSON mapping) read as lower-case hex';
const ENUM_NOTE = 'kind / status.code given as enum names (SPAN_KIND_SERVER, STATUS_CODE_ERROR) read as SERVER, ERROR';

/** OTLP/JSON writes ids as hex; protobuf's canonical JSON mapping (many exporters and converters) as base64 of the bytes. */
function otlpId(raw: unknown, hexLength: number, sink: RowSink): Checked<string> {
  const hex = normalizeHexId(raw, hexLength);
  if (hex.ok) return hex;
  const flex = normalizeFlexibleId(raw, hexLength);
  if (!flex.ok) return { ok: false, reason: `${hex.reason} (nor base64 of ${hexLength / 2} bytes)` };
  sink.lenient?.(BASE64_NOTE);
  return flex;
}

function otlpParentId(raw: unknown, hexLength: number, sink: RowSink): Checked<string | null> {
  const hex = normalizeParentId(raw, hexLength);
  if (hex.ok || typeof raw !== 'string') return hex;
  return otlpId(raw, hexLength, sink);
}

/** Enum given as its number or its name, with or without the proto prefix, any case. */
function enumValue(raw: unknown, names: readonly string[], prefix: string, field: string, sink?: RowSink): string {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < names.length) return names[raw] as string;
  if (typeof raw === 'string') {
    if (!/^\d+$/.test(raw.trim())) sink?.lenient?.(ENUM_NOTE);
    const upper = raw.trim().toUpperCase();
    const bare = upper.startsWith(prefix) ? upper.slice(prefix.length) : upper;
    if ((names as readonly string[]).includes(bare)) return bare;
    if (/^\d+$/.test(bare) && Number(bare) < names.length) return names[Number(bare)] as string;
  }
  throw new SpanFieldError(field, `unknown ${field.split('.').pop()} ${JSON.stringify(raw)}`);
}

function checked<T>(result: { ok: true; value: T } | { ok: false; reason: string }, field: string): T {
  if (!result.ok) throw new SpanFieldError(field, result.reason);
  return result.value;
}

function timeOf(raw: unknown, field: string): bigint | null {
  return checked(parseUnixNanos(raw), field);
}

function eventsOf(raw: unknown, field: string): RowValue[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new SpanFieldError(field, 'events must be an array');
  return raw.map((ev: unknown, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(ev)) throw new SpanFieldError(f, 'event must be an object');
    const t = timeOf(ev.timeUnixNano, `${f}.timeUnixNano`);
    const out: { [k: string]: RowValue } = {
      name: typeof ev.name === 'string' ? ev.name : null,
      time: t === null ? null : nanosToIso(t),
      attributes: keyValuesToObject(ev.attributes, `${f}.attributes`),
    };
    if (typeof ev.droppedAttributesCount === 'number' && ev.droppedAttributesCount > 0) out.dropped_attributes_count = ev.droppedAttributesCount;
    return out;
  });
}

function linksOf(raw: unknown, field: string, sink: RowSink): RowValue[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new SpanFieldError(field, 'links must be an array');
  return raw.map((link: unknown, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(link)) throw new SpanFieldError(f, 'link must be an object');
    const out: { [k: string]: RowValue } = {
      trace_id: checked(otlpId(link.traceId, TRACE_ID_HEX_LENGTH, sink), `${f}.traceId`),
      span_id: checked(otlpId(link.spanId, SPAN_ID_HEX_LENGTH, sink), `${f}.spanId`),
      attributes: keyValuesToObject(link.attributes, `${f}.attributes`),
    };
    if (typeof link.traceState === 'string' && link.traceState !== '') out.trace_state = link.traceState;
    return out;
  });
}

interface ResourceContext {
  resource: { [k: string]: RowValue };
  serviceName: string | null;
}

function readSpan(span: JsonObject, ctx: ResourceContext, field: string, sink: RowSink, line: number): void {
  const traceId = checked(otlpId(span.traceId, TRACE_ID_HEX_LENGTH, sink), `${field}.traceId`);
  const spanId = checked(otlpId(span.spanId, SPAN_ID_HEX_LENGTH, sink), `${field}.spanId`);
  const parent = checked(otlpParentId(span.parentSpanId, SPAN_ID_HEX_LENGTH, sink), `${field}.parentSpanId`);
  const start = timeOf(span.startTimeUnixNano, `${field}.startTimeUnixNano`);
  const end = timeOf(span.endTimeUnixNano, `${field}.endTimeUnixNano`);
  const kind = span.kind === undefined || span.kind === null ? 'UNSPECIFIED' : enumValue(span.kind, SPAN_KINDS, 'SPAN_KIND_', `${field}.kind`, sink);
  const status = isObject(span.status) ? span.status : {};
  const statusCode = status.code === undefined || status.code === null ? 'UNSET' : enumValue(status.code, STATUS_CODES, 'STATUS_CODE_', `${field}.status.code`, sink);
  const message = typeof status.message === 'string' && status.message !== '' ? status.message : null;
  emitSpan(
    sink,
    {
      trace_id: traceId,
      span_id: spanId,
      parent_span_id: parent,
      name: typeof span.name === 'string' ? span.name : null,
      kind,
      start_time: start === null ? null : nanosToIso(start),
      end_time: end === null ? null : nanosToIso(end),
      duration_ms: start !== null && end !== null ? durationMs(start, end) : null,
      status_code: statusCode,
      status_message: message,
      service_name: ctx.serviceName,
      attributes: keyValuesToObject(span.attributes, `${field}.attributes`),
      resource: ctx.resource,
      events: eventsOf(span.events, `${field}.events`),
      links: linksOf(span.links, `${field}.links`, sink),
    },
    line,
  );
}

function fieldOf(e: unknown, fallback: string): string {
  return e instanceof SpanFieldError || e instanceof AnyValueError ? e.field : fallback;
}

/**
 * Reads one TracesData value. `lineOf(n)` gives the line recorded for the n-th span of the value:
 * the physical line for JSON Lines, the span's ordinal in the document otherwise.
 */
export function readTracesData(doc: unknown, sink: RowSink, lineOf: (spanOrdinal: number) => number, where: string): number {
  let ordinal = 0;
  if (!isObject(doc) || !Array.isArray(doc.resourceSpans)) {
    sink.read();
    sink.reject(lineOf(1), 'resourceSpans', `${where}: not an OTLP TracesData object (no resourceSpans array)`, excerpt(doc));
    return 1;
  }
  doc.resourceSpans.forEach((rs: unknown, ri) => {
    const rsField = `resourceSpans[${ri}]`;
    if (!isObject(rs)) {
      sink.read();
      sink.reject(lineOf(++ordinal), rsField, 'resourceSpans entry must be an object', excerpt(rs));
      return;
    }
    let ctx: ResourceContext;
    try {
      const resource = keyValuesToObject(isObject(rs.resource) ? rs.resource.attributes : undefined, `${rsField}.resource.attributes`);
      const service = resource['service.name'];
      ctx = { resource, serviceName: typeof service === 'string' ? service : null };
    } catch (e) {
      // A broken resource spoils every span under it: reject each, so the counts stay whole.
      for (const span of spansUnder(rs)) {
        sink.read();
        sink.reject(lineOf(++ordinal), fieldOf(e, `${rsField}.resource`), resourceReason(e), excerpt(span));
      }
      return;
    }
    const scopes = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : Array.isArray(rs.instrumentationLibrarySpans) ? rs.instrumentationLibrarySpans : [];
    const scopeKey = Array.isArray(rs.scopeSpans) ? 'scopeSpans' : 'instrumentationLibrarySpans';
    scopes.forEach((ss: unknown, si) => {
      const spans = isObject(ss) && Array.isArray(ss.spans) ? ss.spans : [];
      spans.forEach((span: unknown, pi) => {
        const field = `${rsField}.${scopeKey}[${si}].spans[${pi}]`;
        const line = lineOf(++ordinal);
        sink.read();
        if (!isObject(span)) {
          sink.reject(line, field, 'span must be an object', excerpt(span));
          return;
        }
        try {
          readSpan(span, ctx, field, sink, line);
        } catch (e) {
          if (e instanceof SpanFieldError || e instanceof AnyValueError) sink.reject(line, e.field, `${where}: ${e.message}`, excerpt(span));
          else if (e instanceof DepthError || e instanceof RangeError) sink.reject(line, field, `${where}: ${e.message}`, excerpt(span, 500));
          else throw e;
        }
      });
    });
  });
  return ordinal;
}

function resourceReason(e: unknown): string {
  return `resource attributes unreadable: ${errorMessage(e)}`;
}

function spansUnder(rs: JsonObject): unknown[] {
  const scopes = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : Array.isArray(rs.instrumentationLibrarySpans) ? rs.instrumentationLibrarySpans : [];
  return scopes.flatMap((ss: unknown) => (isObject(ss) && Array.isArray(ss.spans) ? (ss.spans as unknown[]) : []));
}

async function readLines(source: ReaderSource, sink: RowSink): Promise<void> {
  for await (const { line, text } of source.lines()) {
    if (sink.signal.aborted) return;
    if (text.trim() === '') continue;
    const parsed = parseJson(text, OTLP_BIG_INTEGER_KEYS);
    if (!parsed.ok) {
      sink.read();
      sink.reject(line, null, `${source.relPath} line ${line}: ${parsed.reason}`, excerpt(text));
      continue;
    }
    readTracesData(parsed.value, sink, () => line, `${source.relPath} line ${line}`);
  }
}

function looksLikeTracesHead(head: string): boolean {
  // The top-level key of a TracesData object comes first; a few hundred characters are enough.
  return startsWithObject(head) && /^\s*\{\s*"resourceSpans"\s*:/.test(head.replace(/^\uFEFF/, ''));
}

export const otlpJsonLinesReader: StructuredReader = {
  format: 'otlp-jsonl',
  sniff({ head }: SniffInput): boolean {
    const first = firstJsonLineObject(head);
    return first !== null && Array.isArray(first.resourceSpans);
  },
  read: readLines,
};

export const otlpJsonReader: StructuredReader = {
  format: 'otlp-json',
  sniff({ head }: SniffInput): boolean {
    return looksLikeTracesHead(head);
  },
  async read(source: ReaderSource, sink: RowSink): Promise<void> {
    const text = await source.text();
    const parsed = parseJson(text, OTLP_BIG_INTEGER_KEYS);
    if (!parsed.ok) {
      // The Collector writes one batch per line under any extension: read such a file line by line.
      if (text.trim().includes('\n')) return readLines(source, sink);
      sink.read();
      sink.reject(1, null, `${source.relPath}: ${parsed.reason}`, excerpt(text, 500));
      return;
    }
    readTracesData(parsed.value, sink, (n) => n, source.relPath);
  },
};
