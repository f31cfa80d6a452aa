/**
 * Arize Phoenix datasets and experiments.
 * - Dataset JSON Lines (`{id, input, output, metadata, splits}` per example) → `records` rows
 *   (input / output / metadata kept as JSON columns), plus one `dataset_versions` row per version named.
 * - Experiment JSON (runs: `example_id, repetition_number, output, error, trace_id, annotations[]`, with the
 *   experiment's `dataset_id` / `dataset_version_id`) → `eval_results` rows, stage validation: one per
 *   annotation, and one `experiment_run` row per run stating whether the task ran without error.
 */
import type { RowSink, SniffInput, StructuredReader } from '../types';
import { errorMessage, excerpt, fileName, firstRecord, headHasKey, isObject, parseJson, toRowValue, type JsonObject } from '../common/json';
import { normalizeFlexibleId, TRACE_ID_HEX_LENGTH } from '../common/ids';
import { looseTimestamp } from '../common/time';
import { evalRow, measureOrNull, numberOrNull, textOrNull } from '../common/evalRow';
import { passedFromLabel } from '../llmAttributes';
import { forEachRecord, RecordError } from './records';

const DATASET_KEYS = new Set(['id', 'example_id', 'input', 'output', 'metadata', 'splits', 'split', 'span_id', 'source_span_id', 'created_at', 'updated_at', 'version_id', 'dataset_version_id', 'dataset_id']);

function datasetVersionOf(record: JsonObject): string | null {
  const meta = isObject(record.metadata) ? record.metadata : {};
  return textOrNull(record.dataset_version_id ?? record.version_id ?? meta.dataset_version_id ?? meta.version_id);
}

function splitOf(record: JsonObject): string | null {
  const splits = record.splits ?? record.split;
  if (Array.isArray(splits)) return splits.filter((s): s is string => typeof s === 'string').sort().join(',') || null;
  return textOrNull(splits);
}

export const phoenixDatasetReader: StructuredReader = {
  format: 'phoenix-dataset',
  sniff({ head }: SniffInput): boolean {
    const rec = firstRecord(head);
    if (!rec || !('input' in rec) || !('output' in rec) || !isObject(rec.input)) return false;
    return Object.keys(rec).every((k) => DATASET_KEYS.has(k)) && ('id' in rec || 'example_id' in rec);
  },
  async read(source, sink) {
    const versions = new Map<string, number>();
    await forEachRecord(source, sink, (record, line) => {
      const id = textOrNull(record.id ?? record.example_id);
      if (id === null) throw new RecordError('id', 'a dataset example needs an id');
      const version = datasetVersionOf(record);
      const ts = looseTimestamp(record.created_at ?? record.updated_at);
      if (version !== null && !versions.has(version)) versions.set(version, line);
      sink.row(
        'records',
        {
          record_id: id,
          ts: ts.ok ? ts.value : null,
          split: splitOf(record),
          dataset_version: version,
          model_version: null,
          release_id: null,
          trace_id: null,
          score: null,
          prediction: null,
          label: null,
          input: toRowValue(record.input),
          output: toRowValue(record.output),
          metadata: toRowValue(record.metadata ?? null),
          source_span_id: textOrNull(record.source_span_id ?? record.span_id),
        },
        line,
      );
    });
    for (const [version, line] of [...versions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      sink.row('dataset_versions', { dataset_version: version, created_at: null, parent_version: null, feature_pipeline: null, source_uri: null, row_count: null }, line);
    }
  },
};

interface ExperimentContext {
  experimentId: string | null;
  experimentName: string | null;
  datasetVersion: string | null;
}

function traceIdOf(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const id = normalizeFlexibleId(raw, TRACE_ID_HEX_LENGTH);
  if (!id.ok) throw new RecordError('trace_id', id.reason);
  return id.value;
}

function emitRun(sink: RowSink, run: JsonObject, ctx: ExperimentContext, line: number): void {
  const exampleId = textOrNull(run.example_id ?? run.dataset_example_id);
  if (exampleId === null) throw new RecordError('example_id', 'an experiment run needs example_id');
  const repetition = numberOrNull(run.repetition_number) ?? 1;
  const runId = textOrNull(run.id) ?? `${ctx.experimentId ?? 'experiment'}:${exampleId}:${repetition}`;
  const traceId = traceIdOf(run.trace_id);
  const ts = looseTimestamp(run.end_time ?? run.start_time);
  const error = textOrNull(run.error);
  const common = {
    stage: 'validation' as const,
    ts: ts.ok ? ts.value : null,
    dataset_version: ctx.datasetVersion,
    record_id: exampleId,
    trace_id: traceId,
  };
  sink.row(
    'eval_results',
    evalRow({
      ...common,
      eval_id: runId,
      evaluator: 'experiment_run',
      metric: 'task_error',
      value: measureOrNull(run.latency_ms),
      passed: error === null,
      extra: { experiment: ctx.experimentName ?? ctx.experimentId, repetition, explanation: error, label: null },
    }),
    line,
  );
  const annotations = Array.isArray(run.annotations) ? run.annotations : [];
  annotations.forEach((a: unknown, i) => {
    if (!isObject(a)) return;
    const name = textOrNull(a.name ?? a.annotation_name) ?? `annotation_${i}`;
    const result = isObject(a.result) ? a.result : a;
    const label = textOrNull(result.label);
    const annotationError = textOrNull(a.error);
    sink.row(
      'eval_results',
      evalRow({
        ...common,
        eval_id: `${runId}:${name}`,
        evaluator: name,
        metric: name,
        value: measureOrNull(result.score),
        passed: annotationError !== null ? false : passedFromLabel(label),
        extra: {
          experiment: ctx.experimentName ?? ctx.experimentId,
          repetition,
          label,
          explanation: textOrNull(result.explanation) ?? annotationError,
          annotator_kind: textOrNull(a.annotator_kind),
        },
      }),
      line,
    );
  });
}

function runsOf(doc: unknown): { ctx: ExperimentContext; runs: unknown[] } {
  const empty: ExperimentContext = { experimentId: null, experimentName: null, datasetVersion: null };
  if (Array.isArray(doc)) return { ctx: empty, runs: doc };
  if (!isObject(doc)) return { ctx: empty, runs: [] };
  const meta = isObject(doc.experiment) ? doc.experiment : doc;
  const ctx: ExperimentContext = {
    experimentId: textOrNull(meta.id ?? meta.experiment_id),
    experimentName: textOrNull(meta.name ?? meta.experiment_name),
    datasetVersion: textOrNull(meta.dataset_version_id ?? doc.dataset_version_id),
  };
  const runs = doc.runs ?? doc.experiment_runs ?? doc.task_runs;
  return { ctx, runs: Array.isArray(runs) ? runs : 'example_id' in doc ? [doc] : [] };
}

export const phoenixExperimentReader: StructuredReader = {
  format: 'phoenix-experiment',
  sniff({ head }: SniffInput): boolean {
    return headHasKey(head, 'example_id') && headHasKey(head, 'repetition_number');
  },
  async read(source, sink) {
    const lineFirst = /\.(jsonl|ndjson)$/i.test(fileName(source.relPath));
    if (lineFirst) {
      await forEachRecord(source, sink, (run, line) => emitRun(sink, run, { experimentId: null, experimentName: null, datasetVersion: textOrNull(run.dataset_version_id) }, line));
      return;
    }
    const parsed = parseJson(await source.text());
    if (!parsed.ok) {
      sink.read();
      sink.reject(1, null, `${source.relPath}: ${parsed.reason}`, null);
      return;
    }
    const { ctx, runs } = runsOf(parsed.value);
    runs.forEach((run, i) => {
      const line = i + 1;
      sink.read();
      if (!isObject(run)) {
        sink.reject(line, null, `${source.relPath} run ${line}: a run must be an object`, excerpt(run));
        return;
      }
      try {
        emitRun(sink, run, ctx, line);
      } catch (e) {
        if (e instanceof RecordError) sink.reject(line, e.field, `${source.relPath} run ${line}: ${e.message}`, excerpt(run));
        else throw new Error(`${source.relPath} run ${line}: ${errorMessage(e)}`, { cause: e });
      }
    });
  },
};

