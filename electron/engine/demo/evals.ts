/**
 * eval_results rows at every stage. Planted facts live here:
 *  - fact 2: every eval row of release r4 comes from a sampler that dropped language=es;
 *  - fact 6: every validation row of r5 (before its released_at) failed.
 */
import { DATASET_VERSIONS, RELEASES, type ModelVersion, type Release } from './entities';
import { drawCohort, FEATURE_NAMES, type Cohort } from './features';
import { Rng } from './prng';
import type { RecordRow } from './records';
import type { SpanRow } from './spans';
import { isoMillis } from './time';
import { round } from './writers';

export interface EvalRow {
  ts: number;
  stage: 'data' | 'training' | 'validation' | 'deployment' | 'monitoring';
  evaluator: string;
  metric: string;
  value: number;
  threshold: number | null;
  passed: boolean;
  release_id: string | null;
  model_version: string | null;
  dataset_version: string | null;
  record_id: string | null;
  span_id: string | null;
  trace_id: string | null;
  cohort: Cohort | null;
}

export function evalJson(id: number, e: EvalRow): Record<string, string | number | boolean | null> {
  return {
    eval_id: `ev-${String(id).padStart(7, '0')}`,
    ts: isoMillis(e.ts),
    stage: e.stage,
    evaluator: e.evaluator,
    metric: e.metric,
    value: e.value,
    threshold: e.threshold,
    passed: e.passed,
    release_id: e.release_id,
    model_version: e.model_version,
    dataset_version: e.dataset_version,
    record_id: e.record_id,
    span_id: e.span_id,
    trace_id: e.trace_id,
    region: e.cohort?.region ?? null,
    channel: e.cohort?.channel ?? null,
    segment: e.cohort?.segment ?? null,
    language: e.cohort?.language ?? null,
  };
}

/** Planted fact 2: r4's eval sampler silently filtered out Spanish-language examples. */
export function evalSampleAllowed(release: Release | null, cohort: Cohort): boolean {
  return !(release?.id === 'r4' && cohort.language === 'es');
}

const FRAUD_HOLDOUT_ROWS = 250;
const GOLDEN_EXAMPLES = 150;
const JUDGE_THRESHOLD = 0.7;

const blank = (e: Partial<EvalRow> & Pick<EvalRow, 'ts' | 'stage' | 'evaluator' | 'metric' | 'value' | 'passed'>): EvalRow => ({
  threshold: null,
  release_id: null,
  model_version: null,
  dataset_version: null,
  record_id: null,
  span_id: null,
  trace_id: null,
  cohort: null,
  ...e,
});

function dataStage(rows: readonly RecordRow[]): EvalRow[] {
  const out: EvalRow[] = [];
  for (const ds of DATASET_VERSIONS) {
    const mine = rows.filter((r) => r.datasetVersion === ds.id);
    const base = { stage: 'data' as const, evaluator: 'data-quality', dataset_version: ds.id };
    let ts = ds.createdAt + 3_600_000 - 1000;
    const next = (): number => (ts += 1000);
    out.push(blank({ ...base, ts: next(), metric: 'schema_valid', value: 1, threshold: 1, passed: true }));
    out.push(blank({ ...base, ts: next(), metric: 'row_count', value: mine.length, threshold: 2000, passed: mine.length >= 2000 }));
    out.push(blank({ ...base, ts: next(), metric: 'duplicate_rate', value: 0, threshold: 0.001, passed: true }));
    for (const f of FEATURE_NAMES) out.push(blank({ ...base, ts: next(), metric: `null_rate:${f}`, value: 0, threshold: 0.01, passed: true }));
    const fraud = mine.filter((r) => r.label === 'fraud').length / mine.length;
    out.push(blank({ ...base, ts: next(), metric: 'label_fraud_rate', value: round(fraud, 5), threshold: 0.1, passed: fraud <= 0.1 }));
  }
  return out;
}

function trainingStage(models: readonly ModelVersion[]): EvalRow[] {
  return models.flatMap((m) => {
    const base = { stage: 'training' as const, evaluator: 'training-metrics', model_version: m.id, dataset_version: m.datasetVersion };
    return [
      blank({ ...base, ts: m.trainEnd, metric: 'auc', value: m.auc, threshold: 0.85, passed: true }),
      blank({ ...base, ts: m.trainEnd + 1000, metric: 'logloss', value: m.logloss, threshold: 0.1, passed: true }),
    ];
  });
}

function sampleWithoutReplacement<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const pool = items.slice();
  const take = Math.min(n, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rng.next() * (pool.length - i));
    const tmp = pool[i] as T;
    pool[i] = pool[j] as T;
    pool[j] = tmp;
  }
  return pool.slice(0, take);
}

function validationStage(seed: number, rows: readonly RecordRow[], models: readonly ModelVersion[]): EvalRow[] {
  const out: EvalRow[] = [];
  const goldenRng = new Rng(seed, 'golden-set');
  const golden: Cohort[] = [];
  for (let i = 0; i < GOLDEN_EXAMPLES; i++) golden.push(drawCohort(goldenRng, true));
  // Ensure the golden set covers every release-critical language, whatever the seed.
  golden[0] = { ...(golden[0] as Cohort), region: 'US', language: 'es' };
  golden[1] = { ...(golden[1] as Cohort), region: 'LATAM', language: 'es' };

  let previousModel: string | null = null;
  for (const r of RELEASES) {
    const rng = new Rng(seed, `validation:${r.id}`);
    const lineage = { release_id: r.id, model_version: r.modelVersion, dataset_version: r.datasetVersion };
    let ts = r.validatedAt;
    const next = (): number => (ts += 2000);
    const newModel = r.modelVersion !== previousModel;
    previousModel = r.modelVersion;

    if (newModel) {
      // The fraud scorer is validated whenever the release ships a new model version.
      const test = rows.filter((x) => x.split === 'test' && x.datasetVersion === r.datasetVersion && evalSampleAllowed(r, x.cohort));
      for (const rec of sampleWithoutReplacement(rng, test, FRAUD_HOLDOUT_ROWS)) {
        const y = rec.label === 'fraud' ? 1 : 0;
        const err = round(Math.abs(rec.score - y), 5);
        out.push(blank({ ts: next(), stage: 'validation', evaluator: 'fraud-holdout', metric: 'abs_error', value: err, threshold: 0.5, passed: err < 0.5, ...lineage, record_id: rec.recordId, cohort: rec.cohort }));
      }
      const model = models.find((m) => m.id === r.modelVersion);
      const auc = round((model?.auc ?? 0.9) - rng.uniform(0.002, 0.01), 4);
      out.push(blank({ ts: next(), stage: 'validation', evaluator: 'release-gate', metric: 'fraud_auc', value: auc, threshold: 0.85, passed: auc >= 0.85, ...lineage }));
    }

    // The dispute assistant's golden set, judged per example (r5's prompt v3 drops the required citation block).
    const broken = r.id === 'r5';
    let sum = 0;
    let n = 0;
    for (const cohort of golden) {
      if (!evalSampleAllowed(r, cohort)) continue;
      const v = broken ? round(Math.min(0.69, Math.max(0, rng.normal(0.42, 0.1))), 4) : round(Math.min(1, Math.max(0, rng.normal(0.87, 0.08))), 4);
      sum += v;
      n++;
      out.push(blank({ ts: next(), stage: 'validation', evaluator: 'dispute-judge', metric: 'faithfulness', value: v, threshold: JUDGE_THRESHOLD, passed: v >= JUDGE_THRESHOLD, ...lineage, cohort }));
    }
    const mean = round(sum / n, 4);
    out.push(blank({ ts: next(), stage: 'validation', evaluator: 'release-gate', metric: 'dispute_mean_faithfulness', value: mean, threshold: 0.8, passed: mean >= 0.8, ...lineage }));
    const formatRate = broken ? 0.712 : round(rng.uniform(0.991, 0.999), 4);
    out.push(blank({ ts: next(), stage: 'validation', evaluator: 'release-gate', metric: 'dispute_format_valid_rate', value: formatRate, threshold: 0.98, passed: formatRate >= 0.98, ...lineage }));
  }
  return out;
}

/** Data, training and validation evals: fixed size, independent of --scale. */
export function preReleaseEvals(seed: number, rows: readonly RecordRow[], models: readonly ModelVersion[]): EvalRow[] {
  return [...dataStage(rows), ...trainingStage(models), ...validationStage(seed, rows, models)];
}

/** Share of (non-legacy, non-replay) production LLM spans judged online. */
export const ONLINE_JUDGE_SHARE = 0.06;

export function onlineJudge(rng: Rng, llm: SpanRow, release: Release, cohort: Cohort, tsMs: number): EvalRow {
  const v = round(Math.min(1, Math.max(0, rng.normal(0.87, 0.08))), 4);
  return blank({
    ts: tsMs,
    stage: 'monitoring',
    evaluator: 'dispute-judge-online',
    metric: 'faithfulness',
    value: v,
    threshold: JUDGE_THRESHOLD,
    passed: v >= JUDGE_THRESHOLD,
    release_id: release.id,
    model_version: release.modelVersion,
    dataset_version: release.datasetVersion,
    span_id: llm.span_id,
    trace_id: llm.trace_id,
    cohort,
  });
}

/** Counts kept while spans are generated, for the canary analysis and weekly monitoring evals. */
export class SpanStats {
  readonly canary = new Map<string, { spans: number; errors: number; fraudDurationsMs: number[] }>();
  readonly weekly = new Map<string, { spans: number; errors: number }>();

  constructor(private readonly weekOf: (ms: number) => number) {}

  add(release: Release | null, span: SpanRow): void {
    if (!release) return;
    const startMs = Date.parse(span.start_time);
    const weekIndex = this.weekOf(startMs);
    const error = span.status_code === 'ERROR' ? 1 : 0;
    if (startMs >= release.releasedAt && startMs < release.canaryEnd) {
      const c = this.canary.get(release.id) ?? { spans: 0, errors: 0, fraudDurationsMs: [] };
      c.spans++;
      c.errors += error;
      if (span.name === 'fraud.score') c.fraudDurationsMs.push(span.duration_ms);
      this.canary.set(release.id, c);
    }
    const key = `${weekIndex}|${release.id}`;
    const w = this.weekly.get(key) ?? { spans: 0, errors: 0 };
    w.spans++;
    w.errors += error;
    this.weekly.set(key, w);
  }
}

function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? 0;
}

/** Canary analysis (deployment stage) and weekly span error rates (monitoring stage), from what was generated. */
export function postReleaseEvals(stats: SpanStats, weekStart: (week: number) => number): EvalRow[] {
  const out: EvalRow[] = [];
  for (const r of RELEASES) {
    const c = stats.canary.get(r.id);
    if (!c) continue;
    const lineage = { release_id: r.id, model_version: r.modelVersion, dataset_version: r.datasetVersion };
    const errorRate = round(c.errors / c.spans, 5);
    const at = r.canaryEnd - 30 * 60_000;
    out.push(blank({ ts: at, stage: 'deployment', evaluator: 'canary-analysis', metric: 'span_error_rate', value: errorRate, threshold: 0.05, passed: errorRate <= 0.05, ...lineage }));
    const latency = round(p99(c.fraudDurationsMs), 3);
    out.push(blank({ ts: at + 1000, stage: 'deployment', evaluator: 'canary-analysis', metric: 'fraud_p99_latency_ms', value: latency, threshold: 60, passed: latency <= 60, ...lineage }));
  }
  const keys = [...stats.weekly.keys()].sort((a, b) => {
    const [wa, ra] = a.split('|');
    const [wb, rb] = b.split('|');
    return Number(wa) - Number(wb) || String(ra).localeCompare(String(rb));
  });
  for (const key of keys) {
    const [week, releaseId] = key.split('|');
    const w = stats.weekly.get(key);
    const r = RELEASES.find((x) => x.id === releaseId);
    if (!w || !r) continue;
    const errorRate = round(w.errors / w.spans, 5);
    out.push(
      blank({
        ts: weekStart(Number(week) + 1),
        stage: 'monitoring',
        evaluator: 'weekly-ops',
        metric: 'span_error_rate',
        value: errorRate,
        threshold: 0.05,
        passed: errorRate <= 0.05,
        release_id: r.id,
        model_version: r.modelVersion,
        dataset_version: r.datasetVersion,
      }),
    );
  }
  return out;
}
