/**
 * audit_log.jsonl: routine platform activity every day plus the lifecycle of datasets, models and
 * releases. Planted fact 5: nothing is logged in [AUDIT_GAP_START, AUDIT_GAP_END).
 */
import { DATASET_VERSIONS, RELEASES, deploymentEvents, type ModelVersion } from './entities';
import { Rng } from './prng';
import { AUDIT_GAP_END, AUDIT_GAP_START, AUDIT_START, DAY_MS, HOUR_MS, SERVING_END, isoMillis } from './time';

export interface AuditEntry {
  ts: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  detail: string | null;
}

export function auditJson(id: number, e: AuditEntry): Record<string, string | null> {
  return {
    log_id: `al-${String(id).padStart(6, '0')}`,
    ts: isoMillis(e.ts),
    actor: e.actor,
    action: e.action,
    target_type: e.target_type,
    target_id: e.target_id,
    detail: e.detail,
  };
}

const PEOPLE = ['m.chen', 'a.okafor', 'j.alvarez', 's.patel', 'l.nguyen'] as const;

function activeAt<T extends { at: number }>(items: readonly T[], ms: number): T | undefined {
  let found: T | undefined;
  for (const x of items) if (x.at <= ms) found = x;
  return found;
}

const inGap = (ms: number): boolean => ms >= AUDIT_GAP_START && ms < AUDIT_GAP_END;

export function auditEntries(seed: number, models: readonly ModelVersion[]): AuditEntry[] {
  const rng = new Rng(seed, 'audit-log');
  const out: AuditEntry[] = [];
  const pipelines = DATASET_VERSIONS.map((d) => ({ at: d.createdAt, id: d.pipeline, dataset: d.id }));
  const registry = models.map((m) => ({ at: m.registeredAt, id: m.id }));

  for (let day = AUDIT_START; day < SERVING_END; day += DAY_MS) {
    for (const hour of [0, 6, 12, 18]) {
      const ts = day + hour * HOUR_MS + 15 * 60_000;
      const p = activeAt(pipelines, ts) ?? pipelines[0];
      if (p) out.push({ ts, actor: 'svc-airflow', action: 'pipeline.feature_refresh', target_type: 'feature_pipeline', target_id: p.id, detail: 'scheduled refresh completed' });
    }
    const n = rng.int(4, 10);
    for (let i = 0; i < n; i++) {
      const ts = day + Math.floor(rng.uniform(7, 20) * HOUR_MS);
      const actor = rng.pick(PEOPLE);
      const kind = rng.weighted([['dashboard', 40], ['model', 25], ['dataset', 20], ['access', 15]] as const);
      if (kind === 'dashboard') out.push({ ts, actor, action: 'dashboard.view', target_type: 'dashboard', target_id: rng.pick(['fraud-overview', 'dispute-quality', 'latency-slo']), detail: null });
      else if (kind === 'model') {
        const m = activeAt(registry, ts);
        if (m) out.push({ ts, actor, action: 'model_registry.read', target_type: 'model_version', target_id: m.id, detail: null });
      } else if (kind === 'dataset') {
        const p = activeAt(pipelines, ts);
        if (p) out.push({ ts, actor, action: 'dataset.read', target_type: 'dataset_version', target_id: p.dataset, detail: null });
      } else out.push({ ts, actor, action: 'access.review', target_type: 'role', target_id: 'ml-deployers', detail: 'quarterly access review item' });
    }
  }

  for (const d of DATASET_VERSIONS) {
    out.push({ ts: d.createdAt, actor: 'svc-airflow', action: 'dataset.register', target_type: 'dataset_version', target_id: d.id, detail: `${d.pipeline} from ${d.sourceUri}` });
  }
  for (const m of models) {
    out.push({ ts: m.trainStart, actor: 'svc-mlflow', action: 'training.run_start', target_type: 'training_run', target_id: m.runId, detail: `training ${m.id} on ${m.datasetVersion}` });
    out.push({ ts: m.trainEnd, actor: 'svc-mlflow', action: 'training.run_finish', target_type: 'training_run', target_id: m.runId, detail: 'status FINISHED' });
    out.push({ ts: m.registeredAt, actor: 'svc-mlflow', action: 'model.register', target_type: 'model_version', target_id: m.id, detail: `registered from run ${m.runId}` });
  }
  for (const r of RELEASES) {
    out.push({ ts: r.validatedAt - HOUR_MS, actor: 'm.chen', action: 'release.create', target_type: 'release', target_id: r.id, detail: r.description });
    const failed = r.id === 'r5';
    out.push({ ts: r.validatedAt + 30 * 60_000, actor: 'svc-ci', action: 'eval.validation_run', target_type: 'release', target_id: r.id, detail: failed ? 'validation FAILED: release-gate checks below threshold' : 'validation passed' });
    out.push({ ts: r.releasedAt - HOUR_MS, actor: r.auditApprover, action: 'release.approve', target_type: 'release', target_id: r.id, detail: failed ? 'approved with override: ship prompt v3 before the August billing cycle' : 'approved after validation' });
  }
  for (const e of deploymentEvents()) {
    const action = e.type.startsWith('incident') ? e.type.replace('_', '.').replace('resolved', 'resolve') : `deploy.${e.type}`;
    out.push({ ts: e.ts, actor: e.actor, action, target_type: 'release', target_id: e.releaseId, detail: e.detail });
  }

  return out.filter((e) => !inGap(e.ts)).sort((a, b) => a.ts - b.ts || a.action.localeCompare(b.action) || a.target_id.localeCompare(b.target_id) || a.actor.localeCompare(b.actor));
}
