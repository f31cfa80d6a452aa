/**
 * mlflow-export-import exports: `model.json` (a registered model and its versions → model_versions) and
 * `run.json` (one run → training_runs, its dataset inputs → dataset_versions). Lineage is model version →
 * run_id → dataset input, the chain the audit follows.
 */
import type { RowSink, RowValue, SniffInput, StructuredReader } from '../types';
import { excerpt, fileName, headHasKey, isObject, parseJson, toRowObject, toRowValue, type JsonObject } from '../common/json';
import { epochMillisToIso } from '../common/time';
import { textOrNull } from '../common/evalRow';
import { LLM_KEYS } from '../llmAttributes';

function timeOrNull(raw: unknown): string | null {
  const t = epochMillisToIso(raw);
  return t.ok ? t.value : null;
}

async function readDocument(source: { relPath: string; text(): Promise<string> }, sink: RowSink): Promise<JsonObject | null> {
  const parsed = parseJson(await source.text());
  if (!parsed.ok || !isObject(parsed.value)) {
    sink.read();
    sink.reject(1, null, `${source.relPath}: ${parsed.ok ? 'not a JSON object' : parsed.reason}`, null);
    return null;
  }
  return parsed.value;
}

/** Aliases per version: from the version itself and from the registered model's alias list. */
function aliasesByVersion(model: JsonObject): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (version: string, alias: string) => {
    const list = out.get(version) ?? [];
    if (!list.includes(alias)) list.push(alias);
    out.set(version, list);
  };
  if (Array.isArray(model.aliases)) {
    for (const a of model.aliases) if (isObject(a) && a.version !== undefined && typeof a.alias === 'string') add(String(a.version), a.alias);
  }
  return out;
}

export const mlflowModelReader: StructuredReader = {
  format: 'mlflow-model',
  sniff({ relPath, head }: SniffInput): boolean {
    return headHasKey(head, 'mlflow') && headHasKey(head, 'registered_model') && (/\.json$/i.test(relPath) || fileName(relPath) === 'model.json');
  },
  async read(source, sink) {
    const doc = await readDocument(source, sink);
    if (!doc) return;
    const mlflow = isObject(doc.mlflow) ? doc.mlflow : {};
    const model = isObject(mlflow.registered_model) ? mlflow.registered_model : null;
    if (!model) {
      sink.read();
      sink.reject(1, 'mlflow.registered_model', `${source.relPath}: no mlflow.registered_model object`, null);
      return;
    }
    const modelName = textOrNull(model.name);
    const versions = Array.isArray(model.versions) ? model.versions : Array.isArray(model.latest_versions) ? model.latest_versions : [];
    const aliases = aliasesByVersion(model);
    versions.forEach((v: unknown, i) => {
      const line = i + 1;
      sink.read();
      if (!isObject(v)) {
        sink.reject(line, `mlflow.registered_model.versions[${i}]`, 'a model version must be an object', excerpt(v));
        return;
      }
      const version = textOrNull(v.version);
      const name = textOrNull(v.name) ?? modelName;
      if (version === null || name === null) {
        sink.reject(line, `mlflow.registered_model.versions[${i}].version`, 'a model version needs a model name and a version', excerpt(v));
        return;
      }
      const own = Array.isArray(v.aliases) ? v.aliases.filter((a): a is string => typeof a === 'string') : [];
      const allAliases = [...new Set([...own, ...(aliases.get(version) ?? [])])].sort();
      const stage = textOrNull(v.current_stage);
      sink.row(
        'model_versions',
        {
          model_version: `${name}:${version}`,
          model_name: name,
          run_id: textOrNull(v.run_id),
          created_at: timeOrNull(v.creation_timestamp),
          stage: stage !== null && stage !== 'None' ? stage : (allAliases[0] ?? null),
          aliases: allAliases,
          status: textOrNull(v.status),
          source_uri: textOrNull(v.source),
          description: textOrNull(v.description),
        },
        line,
      );
    });
  },
};

/** params: {k: v} (export-import) or [{key, value}] (REST API) → object. */
function keyValueObject(raw: unknown): { [k: string]: RowValue } {
  if (Array.isArray(raw)) {
    const out: { [k: string]: RowValue } = {};
    for (const kv of raw) if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = toRowValue(kv.value);
    return out;
  }
  return toRowObject(raw ?? {});
}

/**
 * metrics: {name: [{value, timestamp, step}]} (export-import history) or [{key, value, step}] (REST API)
 * → {name: value at the highest step (latest timestamp on ties)}, the number a run reports.
 */
function latestMetrics(raw: unknown): { [k: string]: RowValue } {
  const points = new Map<string, { value: RowValue; step: number; ts: number }>();
  const consider = (name: string, p: unknown) => {
    if (!isObject(p)) {
      if (typeof p === 'number') points.set(name, { value: p, step: 0, ts: 0 });
      return;
    }
    const step = typeof p.step === 'number' ? p.step : 0;
    const ts = typeof p.timestamp === 'number' ? p.timestamp : 0;
    const prev = points.get(name);
    if (!prev || step > prev.step || (step === prev.step && ts >= prev.ts)) points.set(name, { value: toRowValue(p.value), step, ts });
  };
  if (Array.isArray(raw)) {
    for (const m of raw) if (isObject(m) && typeof m.key === 'string') consider(m.key, m);
  } else if (isObject(raw)) {
    for (const [name, history] of Object.entries(raw)) {
      if (Array.isArray(history)) history.forEach((p) => consider(name, p));
      else consider(name, history);
    }
  }
  const out: { [k: string]: RowValue } = {};
  for (const name of [...points.keys()].sort()) out[name] = (points.get(name) as { value: RowValue }).value;
  return out;
}

interface DatasetInput {
  version: string;
  name: string | null;
  digest: string | null;
  source: string | null;
  context: string | null;
}

function datasetInputs(mlflow: JsonObject): DatasetInput[] {
  const inputs = isObject(mlflow.inputs) ? mlflow.inputs.dataset_inputs : mlflow.dataset_inputs ?? mlflow.inputs;
  if (!Array.isArray(inputs)) return [];
  const out: DatasetInput[] = [];
  for (const input of inputs) {
    if (!isObject(input) || !isObject(input.dataset)) continue;
    const ds = input.dataset;
    const name = textOrNull(ds.name);
    const digest = textOrNull(ds.digest);
    if (name === null && digest === null) continue;
    const tags = Array.isArray(input.tags) ? input.tags : [];
    const contextTag = tags.find((t: unknown) => isObject(t) && t.key === 'mlflow.data.context');
    out.push({
      version: name !== null && digest !== null ? `${name}@${digest}` : ((name ?? digest) as string),
      name,
      digest,
      source: textOrNull(ds.source),
      context: isObject(contextTag) ? textOrNull(contextTag.value) : null,
    });
  }
  return out;
}

export const mlflowRunReader: StructuredReader = {
  format: 'mlflow-run',
  sniff({ head }: SniffInput): boolean {
    return headHasKey(head, 'mlflow') && (headHasKey(head, 'run_id') || headHasKey(head, 'run_uuid')) && !headHasKey(head, 'registered_model') && !headHasKey(head, 'spans');
  },
  async read(source, sink) {
    const doc = await readDocument(source, sink);
    if (!doc) return;
    const mlflow = isObject(doc.mlflow) ? doc.mlflow : doc;
    const info = isObject(mlflow.info) ? mlflow.info : {};
    sink.read();
    const runId = textOrNull(info.run_id ?? info.run_uuid);
    if (runId === null) {
      sink.reject(1, 'mlflow.info.run_id', `${source.relPath}: a run needs mlflow.info.run_id`, excerpt(info));
      return;
    }
    const tags = keyValueObject(mlflow.tags);
    const inputs = datasetInputs(mlflow);
    // An explicit dataset-version tag wins; otherwise the training input, else the first input.
    const tagged = LLM_KEYS.datasetVersion.map((k) => tags[k]).find((v) => typeof v === 'string' && v !== '');
    const training = inputs.find((d) => d.context === 'training') ?? inputs[0];
    sink.row(
      'training_runs',
      {
        run_id: runId,
        dataset_version: typeof tagged === 'string' ? tagged : (training?.version ?? null),
        started_at: timeOrNull(info.start_time),
        ended_at: timeOrNull(info.end_time),
        status: textOrNull(info.status),
        params: keyValueObject(mlflow.params),
        metrics: latestMetrics(mlflow.metrics),
        run_name: textOrNull(info.run_name) ?? (typeof tags['mlflow.runName'] === 'string' ? tags['mlflow.runName'] : null),
        experiment_id: textOrNull(info.experiment_id),
        dataset_inputs: inputs.map((d) => ({ dataset_version: d.version, name: d.name, digest: d.digest, source: d.source, context: d.context })),
      },
      1,
    );
    const seen = new Set<string>();
    for (const d of inputs) {
      if (seen.has(d.version)) continue;
      seen.add(d.version);
      sink.row('dataset_versions', { dataset_version: d.version, created_at: null, parent_version: null, feature_pipeline: null, source_uri: d.source, row_count: null }, 1);
    }
  },
};
