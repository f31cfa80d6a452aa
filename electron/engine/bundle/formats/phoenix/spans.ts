/**
 * Arize Phoenix span exports: the spans dataframe (`get_spans_dataframe`) written as JSON Lines, a JSON
 * array of records or Parquet (`trace_dataset-*.parquet`), with `attributes.*` flattened columns or a
 * nested `attributes` object, and Phoenix's REST span JSON (`context: {trace_id, span_id}`).
 */
import type { RowValue, SniffInput, StructuredReader } from '../types';
import { fileName, firstRecord, isObject, toRowObject, toRowValue, visibleFirstRecordKeys } from '../common/json';
import { normalizeFlexibleId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../common/ids';
import { durationMs, isoToNanos, looseTimestamp } from '../common/time';
import { emitSpan } from '../common/spanRow';
import { getAttribute } from '../llmAttributes';
import { forEachRecord, isParquet, RecordError } from './records';

const ATTRIBUTE_PREFIX = 'attributes.';

/** `attributes.*` columns (flat keys, null cells dropped: a dataframe has every attribute column on every row) plus a nested `attributes`. */
function attributesOf(record: Record<string, unknown>): { [k: string]: RowValue } {
  let nested: unknown = record.attributes;
  if (typeof nested === 'string') {
    try {
      nested = JSON.parse(nested);
    } catch {
      nested = { attributes: nested };
    }
  }
  const out = isObject(nested) ? toRowObject(nested) : {};
  for (const [key, value] of Object.entries(record)) {
    if (!key.startsWith(ATTRIBUTE_PREFIX) || value === null || value === undefined) continue;
    out[key.slice(ATTRIBUTE_PREFIX.length)] = toRowValue(value);
  }
  return out;
}

function idOf(record: Record<string, unknown>, keys: readonly string[], hexLength: number, required: boolean): string | null {
  for (const key of keys) {
    const raw = getAttribute(record, key);
    if (raw === undefined || raw === null || raw === '') continue;
    const id = normalizeFlexibleId(raw, hexLength);
    if (!id.ok) throw new RecordError(key, id.reason);
    return id.value;
  }
  if (required) throw new RecordError(keys[0] ?? null, `missing ${keys.join(' / ')}`);
  return null;
}

function timeOf(record: Record<string, unknown>, key: string): string | null {
  const t = looseTimestamp(record[key]);
  if (!t.ok) throw new RecordError(key, t.reason);
  return t.value;
}

function eventsOf(raw: unknown): RowValue[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return [raw];
    }
  }
  return Array.isArray(value) ? (toRowValue(value) as RowValue[]) : [];
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function readPhoenixSpanRecord(record: Record<string, unknown>): Parameters<typeof emitSpan>[1] {
  const traceId = idOf(record, ['context.trace_id', 'trace_id'], TRACE_ID_HEX_LENGTH, true) as string;
  const spanId = idOf(record, ['context.span_id', 'span_id'], SPAN_ID_HEX_LENGTH, true) as string;
  const parent = idOf(record, ['parent_id', 'parent_span_id'], SPAN_ID_HEX_LENGTH, false);
  const start = timeOf(record, 'start_time');
  const end = timeOf(record, 'end_time');
  const startNs = start === null ? null : isoToNanos(start);
  const endNs = end === null ? null : isoToNanos(end);
  const attributes = attributesOf(record);
  const status = text(record.status_code)?.toUpperCase().replace(/^STATUS_CODE_/, '') ?? 'UNSET';
  if (!['OK', 'ERROR', 'UNSET'].includes(status)) throw new RecordError('status_code', `unknown status_code ${JSON.stringify(record.status_code)}`);
  const service = attributes['service.name'];
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parent,
    name: text(record.name),
    kind: null,
    span_kind: text(record.span_kind),
    start_time: start,
    end_time: end,
    duration_ms: startNs !== null && endNs !== null ? durationMs(startNs, endNs) : null,
    status_code: status,
    status_message: text(record.status_message),
    service_name: typeof service === 'string' ? service : null,
    attributes,
    resource: {},
    events: eventsOf(record.events),
    links: [],
  };
}

function hasSpanContext(rec: Record<string, unknown>): boolean {
  return 'context.span_id' in rec || (isObject(rec.context) && 'span_id' in rec.context);
}

export const phoenixSpansReader: StructuredReader = {
  format: 'phoenix-spans',
  sniff({ relPath, head }: SniffInput): boolean {
    const name = fileName(relPath);
    if (isParquet(relPath)) return /^trace_dataset-.*\.parquet$/i.test(name) || /phoenix.*spans?.*\.parquet$/i.test(name);
    const rec = firstRecord(head);
    if (rec !== null) return hasSpanContext(rec) && ('name' in rec || 'span_kind' in rec) && ('start_time' in rec || 'parent_id' in rec);
    const keys = visibleFirstRecordKeys(head);
    return keys.has('context.span_id') && keys.has('span_kind') && keys.has('start_time');
  },
  async read(source, sink) {
    await forEachRecord(source, sink, (record, line) => emitSpan(sink, readPhoenixSpanRecord(record), line));
  },
};
