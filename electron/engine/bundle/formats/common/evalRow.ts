/** Builds canonical eval_results rows with every canonical column present (null when unknown). */
import type { CanonicalRow, RowValue } from '../types';
import type { EvalStage } from '../../../../../shared/canonical';

export interface EvalParts {
  eval_id: string;
  stage: EvalStage;
  evaluator: string | null;
  metric?: string | null;
  value?: number | null;
  passed?: boolean | null;
  ts?: string | null;
  threshold?: number | null;
  release_id?: string | null;
  model_version?: string | null;
  dataset_version?: string | null;
  record_id?: string | null;
  span_id?: string | null;
  trace_id?: string | null;
  /** Extra, non-canonical columns (label, explanation, ...); only meaningful ones. */
  extra?: Record<string, RowValue>;
}

export function evalRow(p: EvalParts): CanonicalRow {
  return {
    eval_id: p.eval_id,
    ts: p.ts ?? null,
    stage: p.stage,
    evaluator: p.evaluator,
    metric: p.metric ?? p.evaluator,
    value: p.value ?? null,
    threshold: p.threshold ?? null,
    passed: p.passed ?? null,
    release_id: p.release_id ?? null,
    model_version: p.model_version ?? null,
    dataset_version: p.dataset_version ?? null,
    record_id: p.record_id ?? null,
    span_id: p.span_id ?? null,
    trace_id: p.trace_id ?? null,
    ...(p.extra ?? {}),
  };
}

export function numberOrNull(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/**
 * NaN or ±Infinity when `v` is one (a number, or the strings other tools write: "inf", "-Infinity", "NaN", the
 * protobuf JSON mapping's "NaN" / "Infinity" / "-Infinity"); null for anything else, finite numbers included.
 */
export function nonFiniteOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : v;
  if (typeof v !== 'string') return null;
  const t = v.trim().toLowerCase().replace(/^\+/, '');
  if (t === 'nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === 'infinity') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  return null;
}

/**
 * A measured value (a score, a latency, a threshold): like numberOrNull, but NaN and ±Infinity (see nonFiniteOf) are
 * kept, so the import loads them as non-finite values and reports them instead of turning them into missing values
 * without a word (#14 item 11).
 */
export function measureOrNull(v: unknown): number | null {
  return nonFiniteOf(v) ?? numberOrNull(v);
}

export function textOrNull(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return null;
}
