/**
 * The fixed entities of the fictional "Northwind Payments" platform: dataset versions, training
 * runs, model versions, releases with their deployment events, cohorts, and which release served
 * traffic at any moment. None of this depends on --scale.
 */
import { Rng } from './prng';
import { DAY_MS, HOUR_MS, utc } from './time';

export interface DatasetVersion {
  id: string;
  createdAt: number;
  parent: string | null;
  pipeline: string;
  sourceUri: string;
  trainRows: number;
  testRows: number;
  /** Observation window of its rows: the 60 days before creation. */
  observedFrom: number;
}

export const DATASET_VERSIONS: readonly DatasetVersion[] = [
  { id: 'ds-2026.02', createdAt: utc('2026-02-15T08:00:00Z'), parent: null, pipeline: 'features@1.4', sourceUri: 's3://northwind-ml/datasets/fraud/2026.02/', trainRows: 2400, testRows: 600, observedFrom: utc('2025-12-17T00:00:00Z') },
  { id: 'ds-2026.04', createdAt: utc('2026-04-08T08:00:00Z'), parent: 'ds-2026.02', pipeline: 'features@1.5', sourceUri: 's3://northwind-ml/datasets/fraud/2026.04/', trainRows: 2800, testRows: 700, observedFrom: utc('2026-02-07T00:00:00Z') },
  { id: 'ds-2026.06', createdAt: utc('2026-06-03T08:00:00Z'), parent: 'ds-2026.04', pipeline: 'features@1.6', sourceUri: 's3://northwind-ml/datasets/fraud/2026.06/', trainRows: 2800, testRows: 700, observedFrom: utc('2026-04-04T00:00:00Z') },
];

export interface ModelVersion {
  id: string;
  datasetVersion: string;
  runId: string;
  trainStart: number;
  trainEnd: number;
  registeredAt: number;
  stage: string;
  auc: number;
  logloss: number;
}

export function modelVersions(seed: number): ModelVersion[] {
  const rng = new Rng(seed, 'model-versions');
  const spec: [string, string, string, string, number, number][] = [
    ['fraud-scorer:3', 'ds-2026.02', '2026-02-18T02:00:00Z', 'Archived', 0.912, 0.081],
    ['fraud-scorer:4', 'ds-2026.04', '2026-04-10T02:00:00Z', 'Archived', 0.921, 0.077],
    ['fraud-scorer:5', 'ds-2026.04', '2026-05-12T02:00:00Z', 'Archived', 0.924, 0.076],
    ['fraud-scorer:6', 'ds-2026.06', '2026-06-06T02:00:00Z', 'Production', 0.927, 0.074],
  ];
  return spec.map(([id, ds, start, stage, auc, logloss]) => {
    const trainStart = utc(start);
    const trainEnd = trainStart + 2 * HOUR_MS + rng.int(0, 3600) * 1000;
    return { id, datasetVersion: ds, runId: rng.hex(32), trainStart, trainEnd, registeredAt: trainEnd + 30 * 60_000, stage, auc, logloss };
  });
}

export type ReleaseId = 'r1' | 'r2' | 'r3' | 'r4' | 'r5';

export interface Release {
  id: ReleaseId;
  releasedAt: number;
  modelVersion: string;
  datasetVersion: string;
  promptVersion: string;
  approvedBy: string;
  /** Approver as recorded in the audit log (r5's release record leaves it empty). */
  auditApprover: string;
  description: string;
  /** End of the canary: pass+promote, or fail+rollback. */
  canaryEnd: number;
  /** Share of live traffic the canary receives (the first release takes it all). */
  canaryShare: number;
  outcome: 'promoted' | 'rolled_back';
  /** Pre-release validation time (two days before the canary). */
  validatedAt: number;
}

const CANARY_START_HOUR = 10;

function release(
  id: ReleaseId,
  day: string,
  modelVersion: string,
  datasetVersion: string,
  promptVersion: string,
  approvedBy: string,
  auditApprover: string,
  description: string,
  outcome: Release['outcome'] = 'promoted',
): Release {
  const releasedAt = id === 'r1' ? utc(`${day}T00:00:00Z`) : utc(`${day}T00:00:00Z`) + CANARY_START_HOUR * HOUR_MS;
  const canaryEnd = id === 'r1' ? releasedAt + 6 * HOUR_MS + 30 * 60_000 : outcome === 'rolled_back' ? releasedAt + 22 * HOUR_MS + 15 * 60_000 : releasedAt + DAY_MS + 30 * 60_000;
  return { id, releasedAt, modelVersion, datasetVersion, promptVersion, approvedBy, auditApprover, description, canaryEnd, canaryShare: id === 'r1' ? 1 : 0.05, outcome, validatedAt: releasedAt - 2 * DAY_MS };
}

export const RELEASES: readonly Release[] = [
  release('r1', '2026-03-01', 'fraud-scorer:3', 'ds-2026.02', 'v1', 'm.chen', 'm.chen', 'Initial production release of fraud-scorer:3 with the dispute assistant prompt v1'),
  release('r2', '2026-04-15', 'fraud-scorer:4', 'ds-2026.04', 'v1', 'm.chen', 'm.chen', 'Retrain on ds-2026.04 (features@1.5)'),
  release('r3', '2026-05-20', 'fraud-scorer:5', 'ds-2026.04', 'v2', 'm.chen', 'm.chen', 'fraud-scorer:5 (tuned thresholds) and dispute prompt v2', 'rolled_back'),
  release('r4', '2026-06-20', 'fraud-scorer:6', 'ds-2026.06', 'v2', 'a.okafor', 'a.okafor', 'Retrain on ds-2026.06 (features@1.6), dispute prompt v2'),
  release('r5', '2026-08-05', 'fraud-scorer:6', 'ds-2026.06', 'v3', '', 'j.alvarez', 'Dispute assistant prompt v3'),
];

export function releaseById(id: ReleaseId): Release {
  const r = RELEASES.find((x) => x.id === id);
  if (!r) throw new Error(`unknown demo release ${id}`);
  return r;
}

export interface DeploymentEvent {
  releaseId: ReleaseId;
  ts: number;
  type: 'canary_start' | 'canary_pass' | 'canary_fail' | 'promote' | 'rollback' | 'incident_open' | 'incident_resolved';
  actor: string;
  detail: string;
}

export function deploymentEvents(): DeploymentEvent[] {
  const out: DeploymentEvent[] = [];
  for (const r of RELEASES) {
    const share = `${Math.round(r.canaryShare * 100)}% of traffic`;
    out.push({ releaseId: r.id, ts: r.releasedAt, type: 'canary_start', actor: 'deploy-bot', detail: `canary of ${r.modelVersion} / prompt ${r.promptVersion} on ${share}` });
    if (r.outcome === 'promoted') {
      out.push({ releaseId: r.id, ts: r.canaryEnd - 30 * 60_000, type: 'canary_pass', actor: 'canary-analyzer', detail: 'canary analysis passed: error rate and p99 latency within budget' });
      out.push({ releaseId: r.id, ts: r.canaryEnd, type: 'promote', actor: 'deploy-bot', detail: `promoted ${r.id} to 100% of traffic` });
    } else {
      out.push({ releaseId: r.id, ts: r.releasedAt + 16 * HOUR_MS, type: 'incident_open', actor: 'pagerduty', detail: 'INC-2041: elevated 5xx on fraud-scorer canary' });
      out.push({ releaseId: r.id, ts: r.canaryEnd - 15 * 60_000, type: 'canary_fail', actor: 'canary-analyzer', detail: 'canary analysis failed: error rate 15% above the 5% budget' });
      out.push({ releaseId: r.id, ts: r.canaryEnd, type: 'rollback', actor: 's.patel', detail: 'rolled back to r2' });
      out.push({ releaseId: r.id, ts: r.canaryEnd + 2 * HOUR_MS + 45 * 60_000, type: 'incident_resolved', actor: 's.patel', detail: 'INC-2041 resolved after rollback to r2' });
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}

/**
 * Which release serves a request at `ms`: the live release, except that during a canary the
 * canary release takes its share. `u` is a uniform draw deciding the canary split.
 */
export function servingRelease(ms: number, u: number): Release {
  let live: Release | undefined;
  let canary: Release | undefined;
  for (const r of RELEASES) {
    if (ms < r.releasedAt) break;
    if (ms < r.canaryEnd) canary = r;
    else if (r.outcome === 'promoted') live = r;
  }
  if (canary && (!live || u < canary.canaryShare)) return canary;
  if (!live) throw new Error(`no release serves ${new Date(ms).toISOString()}`);
  return live;
}

export const COHORT_ATTRIBUTES = ['region', 'channel', 'segment', 'language'] as const;
export type CohortAttribute = (typeof COHORT_ATTRIBUTES)[number];

export interface CohortDef {
  attribute: CohortAttribute;
  value: string;
  releaseCritical: boolean;
  minEvalRows: number | null;
  description: string;
}

export const COHORTS: readonly CohortDef[] = [
  { attribute: 'region', value: 'EU', releaseCritical: true, minEvalRows: null, description: 'European Union cardholders (PSD2, EU AI Act scope)' },
  { attribute: 'region', value: 'US', releaseCritical: true, minEvalRows: null, description: 'United States cardholders' },
  { attribute: 'region', value: 'APAC', releaseCritical: true, minEvalRows: null, description: 'Asia-Pacific cardholders' },
  { attribute: 'region', value: 'LATAM', releaseCritical: false, minEvalRows: null, description: 'Latin America cardholders' },
  { attribute: 'channel', value: 'web', releaseCritical: false, minEvalRows: null, description: 'Card-not-present web checkout' },
  { attribute: 'channel', value: 'mobile', releaseCritical: true, minEvalRows: 40, description: 'Mobile app payments' },
  { attribute: 'channel', value: 'pos', releaseCritical: false, minEvalRows: null, description: 'Card-present point of sale' },
  { attribute: 'segment', value: 'consumer', releaseCritical: false, minEvalRows: null, description: 'Consumer cards' },
  { attribute: 'segment', value: 'small_business', releaseCritical: true, minEvalRows: null, description: 'Small-business cards (fair-lending commitment)' },
  { attribute: 'segment', value: 'enterprise', releaseCritical: false, minEvalRows: null, description: 'Enterprise cards' },
  { attribute: 'language', value: 'en', releaseCritical: false, minEvalRows: null, description: 'English-speaking customers' },
  { attribute: 'language', value: 'es', releaseCritical: true, minEvalRows: 20, description: 'Spanish-speaking customers (dispute assistant must be evaluated in Spanish)' },
  { attribute: 'language', value: 'de', releaseCritical: false, minEvalRows: null, description: 'German-speaking customers' },
  { attribute: 'language', value: 'fr', releaseCritical: false, minEvalRows: null, description: 'French-speaking customers' },
  { attribute: 'language', value: 'pt', releaseCritical: false, minEvalRows: null, description: 'Portuguese-speaking customers' },
];
