/**
 * Arize Phoenix evaluations: saved eval Parquet files (`evaluations-*.parquet`, one evaluation per file,
 * span evals keyed by `context.span_id`, document evals by `context.span_id` + `document_position`, trace
 * evals by `context.trace_id`) and span-annotation exports (`span_id, annotation_name, annotator_kind,
 * result.{label,score,explanation}`), as Parquet, JSON Lines or JSON arrays → eval_results (stage monitoring).
 */
import type { ReaderSource, SniffInput, StructuredReader } from '../types';
import { fileName, fileStem, firstRecord, isObject } from '../common/json';
import { normalizeFlexibleId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../common/ids';
import { looseTimestamp } from '../common/time';
import { evalRow, measureOrNull, numberOrNull, textOrNull } from '../common/evalRow';
import { parquetKeyValueMetadata } from '../common/parquet';
import { getAttribute, passedFromLabel } from '../llmAttributes';
import { forEachRecord, isParquet, RecordError } from './records';

const SPAN_KEYS = ['context.span_id', 'span_id'] as const;
const TRACE_KEYS = ['context.trace_id', 'trace_id'] as const;
const NAME_KEYS = ['eval_name', 'annotation_name', 'name'] as const;
/** Where an evaluation's score is: kept when NaN or ±Infinity (a non-finite value, counted on the file). */
const SCORE_KEYS = ['score', 'result.score'] as const;

function firstValue(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) {
    const v = getAttribute(record, key);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function idOrNull(record: Record<string, unknown>, keys: readonly string[], hexLength: number): string | null {
  for (const key of keys) {
    const raw = getAttribute(record, key);
    if (raw === undefined || raw === null || raw === '') continue;
    const id = normalizeFlexibleId(raw, hexLength);
    if (!id.ok) throw new RecordError(key, id.reason);
    return id.value;
  }
  return null;
}

/** Evaluation name when the file does not say it per row: Parquet "arize" metadata, else the file name. */
async function defaultEvalName(source: ReaderSource): Promise<string> {
  if (isParquet(source.relPath)) {
    const meta = await parquetKeyValueMetadata(source);
    const arize = meta.arize;
    if (arize) {
      try {
        const parsed: unknown = JSON.parse(arize);
        if (isObject(parsed) && typeof parsed.eval_name === 'string' && parsed.eval_name !== '') return parsed.eval_name;
      } catch {
        // not JSON: fall back to the file name
      }
    }
  }
  return fileStem(source.relPath).replace(/^evaluations?[-_]/i, '') || 'evaluation';
}

export function phoenixEvalRow(record: Record<string, unknown>, fallbackName: string) {
  const spanId = idOrNull(record, SPAN_KEYS, SPAN_ID_HEX_LENGTH);
  const traceId = idOrNull(record, TRACE_KEYS, TRACE_ID_HEX_LENGTH);
  if (spanId === null && traceId === null) throw new RecordError('context.span_id', 'an evaluation needs context.span_id, span_id, context.trace_id or trace_id');
  const name = textOrNull(firstValue(record, NAME_KEYS)) ?? fallbackName;
  const label = textOrNull(firstValue(record, ['label', 'result.label']));
  const score = measureOrNull(firstValue(record, SCORE_KEYS));
  const explanation = textOrNull(firstValue(record, ['explanation', 'result.explanation']));
  if (label === null && score === null) throw new RecordError('label', 'an evaluation needs a label or a score');
  const position = numberOrNull(record.document_position);
  const ts = looseTimestamp(firstValue(record, ['created_at', 'updated_at', 'timestamp']));
  const id = textOrNull(firstValue(record, ['id', 'identifier']));
  const target = spanId !== null ? `span:${spanId}` : `trace:${traceId}`;
  return evalRow({
    eval_id: id ?? `${name}:${target}${position !== null ? `:doc${position}` : ''}`,
    stage: 'monitoring',
    evaluator: name,
    metric: name,
    value: score,
    passed: passedFromLabel(label),
    ts: ts.ok ? ts.value : null,
    span_id: spanId,
    trace_id: traceId,
    extra: {
      label,
      explanation,
      ...(position !== null ? { document_position: position } : {}),
      ...(textOrNull(record.annotator_kind) ? { annotator_kind: textOrNull(record.annotator_kind) } : {}),
    },
  });
}

function looksLikeEvalRecord(rec: Record<string, unknown>): boolean {
  const keys = Object.keys(rec);
  const hasTarget =
    keys.some((k) => k === 'context.span_id' || k === 'context.trace_id') ||
    (isObject(rec.context) && ('span_id' in rec.context || 'trace_id' in rec.context)) ||
    ('span_id' in rec && 'annotation_name' in rec);
  const hasResult = keys.some((k) => ['label', 'score', 'explanation', 'result', 'result.label', 'result.score'].includes(k));
  return hasTarget && hasResult && !('eval_id' in rec) && !('start_time' in rec && 'name' in rec);
}

export const phoenixEvalsReader: StructuredReader = {
  format: 'phoenix-evals',
  sniff({ relPath, head }: SniffInput): boolean {
    const name = fileName(relPath);
    if (isParquet(relPath)) return /^evaluations?-.*\.parquet$/i.test(name) || /[-_](span|document|trace)[-_]?evals?\.parquet$/i.test(name) || /annotations?.*\.parquet$/i.test(name);
    const rec = firstRecord(head);
    return rec !== null && looksLikeEvalRecord(rec);
  },
  async read(source, sink) {
    const fallback = await defaultEvalName(source);
    await forEachRecord(source, sink, (record, line) => sink.row('eval_results', phoenixEvalRow(record, fallback), line), [], SCORE_KEYS);
  },
};
