/** The small entity files: dataset_versions.csv, training_runs.json, model_versions.json, releases.csv, deployment_events.jsonl, cohorts.csv. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COHORTS, DATASET_VERSIONS, RELEASES, deploymentEvents, type ModelVersion } from './entities';
import type { RecordRow } from './records';
import { isoSeconds } from './time';
import { csvLine } from './writers';

export interface WrittenFile {
  path: string;
  table: string;
  format: string;
  rows: number;
  columns?: Record<string, 'feature' | 'cohort' | 'score' | 'prediction' | 'label'>;
}

async function writeCsv(dir: string, path: string, header: string[], rows: (string | number | boolean | null)[][]): Promise<number> {
  const text = [csvLine(header), ...rows.map((r) => csvLine(r))].join('\n') + '\n';
  await writeFile(join(dir, path), text);
  return rows.length;
}

async function writeJsonArray(dir: string, path: string, rows: unknown[]): Promise<number> {
  await writeFile(join(dir, path), `${JSON.stringify(rows, null, 2)}\n`);
  return rows.length;
}

export async function writeSmallTables(dir: string, models: readonly ModelVersion[], datasetRows: readonly RecordRow[]): Promise<WrittenFile[]> {
  const out: WrittenFile[] = [];

  const dsRows = DATASET_VERSIONS.map((d) => [d.id, isoSeconds(d.createdAt), d.parent, d.pipeline, d.sourceUri, datasetRows.filter((r) => r.datasetVersion === d.id).length]);
  const dsCount = await writeCsv(dir, 'dataset_versions.csv', ['dataset_version', 'created_at', 'parent_version', 'feature_pipeline', 'source_uri', 'row_count'], dsRows);
  out.push({ path: 'dataset_versions.csv', table: 'dataset_versions', format: 'csv', rows: dsCount });

  const runs = models.map((m) => ({
    run_id: m.runId,
    dataset_version: m.datasetVersion,
    started_at: isoSeconds(m.trainStart),
    ended_at: isoSeconds(m.trainEnd),
    status: 'FINISHED',
    params: { model_type: 'gradient_boosting', n_estimators: 400, max_depth: 6, learning_rate: 0.05, model_name: 'fraud-scorer' },
    metrics: { auc: m.auc, logloss: m.logloss },
    experiment: 'fraud-scorer-training',
  }));
  out.push({ path: 'training_runs.json', table: 'training_runs', format: 'json', rows: await writeJsonArray(dir, 'training_runs.json', runs) });

  // How to read the scorer's outputs for performance and fairness: decisions block/review flag fraud, and for the
  // cardholder the favourable outcome is the negative one (the transaction is allowed).
  const mvs = models.map((m) => ({
    model_version: m.id,
    model_name: 'fraud-scorer',
    run_id: m.runId,
    created_at: isoSeconds(m.registeredAt),
    stage: m.stage,
    positive_label: 'fraud',
    positive_predictions: 'block,review',
    favourable_outcome: 'negative',
  }));
  out.push({ path: 'model_versions.json', table: 'model_versions', format: 'json', rows: await writeJsonArray(dir, 'model_versions.json', mvs) });

  const relRows = RELEASES.map((r) => [r.id, isoSeconds(r.releasedAt), r.modelVersion, r.datasetVersion, r.promptVersion, r.approvedBy === '' ? null : r.approvedBy, r.description]);
  const relCount = await writeCsv(dir, 'releases.csv', ['release_id', 'released_at', 'model_version', 'dataset_version', 'prompt_version', 'approved_by', 'description'], relRows);
  out.push({ path: 'releases.csv', table: 'releases', format: 'csv', rows: relCount });

  const events = deploymentEvents().map((e, i) => JSON.stringify({ event_id: `de-${String(i + 1).padStart(3, '0')}`, release_id: e.releaseId, ts: isoSeconds(e.ts), event_type: e.type, actor: e.actor, detail: e.detail }));
  await writeFile(join(dir, 'deployment_events.jsonl'), events.join('\n') + '\n');
  out.push({ path: 'deployment_events.jsonl', table: 'deployment_events', format: 'jsonl', rows: events.length });

  const cohortRows = COHORTS.map((c) => [`${c.attribute}=${c.value}`, c.attribute, c.value, c.releaseCritical, c.minEvalRows, c.description]);
  const cohortCount = await writeCsv(dir, 'cohorts.csv', ['cohort_id', 'attribute', 'value', 'release_critical', 'min_eval_rows', 'description'], cohortRows);
  out.push({ path: 'cohorts.csv', table: 'cohorts', format: 'csv', rows: cohortCount });

  return out;
}
