/** Assembles a canonical `spans` row (and the eval_results rows its attributes carry) from reader-neutral parts. */
import type { CanonicalRow, RowSink, RowValue } from '../types';
import { mapLlmAttributes, nonFiniteCountNote, passedFromLabel, spanEvaluations, type CountColumn } from '../llmAttributes';

export interface SpanParts {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string | null;
  kind: string | null;
  /** LLM span kind given by the exporter itself (Phoenix `span_kind`); attributes decide otherwise. */
  span_kind?: string | null;
  start_time: string | null;
  end_time: string | null;
  duration_ms: number | null;
  status_code: string;
  status_message: string | null;
  service_name: string | null;
  attributes: { [k: string]: RowValue };
  resource: { [k: string]: RowValue };
  events: RowValue[];
  links: RowValue[];
}

/** `onNonFiniteCount`: a count column left missing because its attribute was NaN or ±Infinity (see mapLlmAttributes). */
export function spanRow(parts: SpanParts, onNonFiniteCount?: (column: CountColumn) => void): CanonicalRow {
  const llm = mapLlmAttributes(parts.attributes, parts.resource, onNonFiniteCount);
  const exporterKind = parts.span_kind ? parts.span_kind.trim().toUpperCase() : null;
  return {
    trace_id: parts.trace_id,
    span_id: parts.span_id,
    parent_span_id: parts.parent_span_id,
    name: parts.name,
    kind: parts.kind,
    ...llm,
    span_kind: llm.span_kind ?? (exporterKind ? mapExporterKind(exporterKind) : null),
    start_time: parts.start_time,
    end_time: parts.end_time,
    duration_ms: parts.duration_ms,
    status_code: parts.status_code,
    status_message: parts.status_message,
    service_name: parts.service_name,
    attributes: parts.attributes,
    resource: parts.resource,
    events: parts.events,
    links: parts.links,
  };
}

function mapExporterKind(kind: string): string {
  const known = mapLlmAttributes({ 'openinference.span.kind': kind }).span_kind;
  return known ?? 'UNKNOWN';
}

/**
 * Emits the span row and one eval_results row per evaluation its attributes or events carry
 * (stage monitoring: they were recorded on production traffic). Non-finite amounts and scores are kept (loaded as
 * non-finite DOUBLEs and counted on the file); non-finite counts are reported through the sink's lenient notes.
 */
export function emitSpan(sink: RowSink, parts: SpanParts, line: number): void {
  // A count given NaN or ±Infinity cannot fill an integer column: the span loads without it, and the file says so.
  const row = spanRow(parts, (column) => sink.lenient?.(nonFiniteCountNote(column)));
  sink.row('spans', row, line);
  const evals = spanEvaluations(parts.attributes, parts.events);
  evals.forEach((e, i) => {
    sink.row(
      'eval_results',
      {
        eval_id: `${parts.span_id}:${e.name}:${i}`,
        ts: parts.end_time ?? parts.start_time,
        stage: 'monitoring',
        evaluator: e.name,
        metric: e.name,
        value: e.score,
        threshold: null,
        passed: passedFromLabel(e.label),
        release_id: row.release_id ?? null,
        model_version: row.model_version ?? null,
        dataset_version: row.dataset_version ?? null,
        record_id: null,
        span_id: parts.span_id,
        trace_id: parts.trace_id,
        label: e.label,
        explanation: e.explanation,
        eval_source: e.source,
      },
      line,
    );
  });
}
