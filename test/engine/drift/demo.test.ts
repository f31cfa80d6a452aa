import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import type { DriftOptions } from '../../../shared/api/drift';

// Planted fact 1 of the demo bundle (docs/demo-bundle.md): merchant_risk shifts upward for region=EU
// in serving records of release r4 onwards (from 2026-06-20); nothing else drifts.

let dir: string;
let engine: Engine;
let bundleId: string;
let options: DriftOptions;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drift-demo-'));
  await generateDemoBundle({ outDir: join(dir, 'bundle'), seed: 42, scale: 1, spansFormat: 'jsonl' });
  engine = createEngine({ dataDir: join(dir, 'data') });
  bundleId = (await engine.openBundle({ path: join(dir, 'bundle') })).bundleId;
  options = await engine.driftOptions({ bundleId });
});
afterAll(async () => {
  await engine.dispose();
  await rm(dir, { recursive: true, force: true });
});

function features(): string[] {
  const records = options.tables.find((t) => t.name === 'records');
  return (records?.columns ?? []).filter((c) => c.role === 'feature').map((c) => c.name);
}

describe('demo bundle: planted drift', () => {
  it('driftOptions lists records features, releases with dates and cohort values', () => {
    expect(features()).toContain('merchant_risk');
    expect(features().length).toBeGreaterThanOrEqual(8);
    expect(options.releases.map((r) => r.release_id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(options.releases.find((r) => r.release_id === 'r4')?.released_at).toMatch(/^2026-06-20/);
    expect(options.cohort_attributes.find((a) => a.attribute === 'region')?.values).toEqual(expect.arrayContaining(['EU', 'US', 'APAC', 'LATAM']));
    expect(options.tables.find((t) => t.name === 'spans')?.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['latency', 'error', 'input_tokens', 'provider']));
  });

  it('r2 → r4 flags merchant_risk for region=EU and no other feature; region=US flags no feature', async () => {
    const report = await engine.computeDrift({
      bundleId,
      table: 'records',
      baseline: { key: 'release', value: 'r2' },
      current: { key: 'release', value: 'r4' },
      cohort: [
        { attribute: 'region', value: 'EU' },
        { attribute: 'region', value: 'US' },
      ],
    });
    const feats = new Set(features());
    const driftedFeatures = (cohort: string) => [...new Set(report.results.filter((r) => r.cohort === cohort && r.drifted && feats.has(r.column)).map((r) => r.column))];
    expect(driftedFeatures('region=EU')).toEqual(['merchant_risk']);
    expect(driftedFeatures('region=US')).toEqual([]);
    const mr = report.results.find((r) => r.cohort === 'region=EU' && r.column === 'merchant_risk' && r.method !== 'null_rate');
    expect(mr?.method).toBe('wasserstein_norm');
    expect(mr?.effect).toBeGreaterThan(0.5);
    // score depends on merchant_risk, so it moves for EU only
    expect(report.results.find((r) => r.cohort === 'region=EU' && r.column === 'score')?.drifted).toBe(true);
    expect(report.results.find((r) => r.cohort === 'region=US' && r.column === 'score')?.drifted).toBe(false);
    expect(report.correction).toBe('bh');
  });

  it('weekly series for EU shows the change starting the week of 2026-06-20', async () => {
    const report = await engine.computeDrift({
      bundleId,
      table: 'records',
      columns: ['merchant_risk'],
      baseline: { key: 'release', value: 'r2' },
      current: { key: 'window', value: '2026-04-15/2026-09-01' },
      cohort: [{ attribute: 'region', value: 'EU' }],
      by: 'week',
    });
    const firstDrifted = report.series.find((p) => p.drifted);
    expect(firstDrifted).toBeDefined();
    // the week containing 2026-06-20 starts Monday 2026-06-15 (mostly r2 traffic); the first full r4 week starts 06-22
    expect(['2026-06-15', '2026-06-22']).toContain(firstDrifted?.bucket);
    for (const p of report.series) {
      if (p.bucket < '2026-06-15') expect(p.drifted).toBe(false);
      if (p.bucket >= '2026-06-22') expect(p.drifted).toBe(true);
    }
  });

  it('same request twice → byte-identical results', async () => {
    const req = { bundleId, table: 'spans', baseline: { key: 'release' as const, value: 'r2' }, current: { key: 'release' as const, value: 'r4' }, chunks: 3 };
    const a = await engine.computeDrift(req);
    const b = await engine.computeDrift(req);
    expect(JSON.stringify(b.results) + JSON.stringify(b.series)).toBe(JSON.stringify(a.results) + JSON.stringify(a.series));
    expect(a.results.map((r) => r.column)).toEqual(expect.arrayContaining(['latency', 'error', 'model_name', 'provider']));
  });
});
