import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import type { CoverageReport, EvalReport, HealthReport, LineageReport, Overview, PostureReport } from '../../../shared/api/analytics';

// The planted facts of docs/demo-bundle.md, each found by the metric meant to find it.
describe('analytics on the demo bundle', () => {
  let tmp: string;
  let engine: Engine;
  let bundleId: string;
  let coverage: CoverageReport;
  let health: HealthReport;
  let lineage: LineageReport;
  let posture: PostureReport;
  let evals: EvalReport;
  let overview: Overview;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-analytics-demo-'));
    const out = path.join(tmp, 'bundle');
    await generateDemoBundle({ outDir: out, seed: 42, scale: 1, spansFormat: 'jsonl' });
    engine = createEngine({ dataDir: path.join(tmp, 'data') });
    bundleId = (await engine.openBundle({ path: out })).bundleId;
    coverage = await engine.coverage({ bundleId });
    health = await engine.health({ bundleId });
    lineage = await engine.lineage({ bundleId });
    posture = await engine.posture({ bundleId });
    evals = await engine.evals({ bundleId });
    overview = await engine.overview({ bundleId });
  });
  afterAll(async () => {
    await engine?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('coverage: release-critical language=es has no rows in r4 eval data, and rows in every other release', () => {
    const es = coverage.cells.filter((c) => c.cohort_id === 'language=es');
    expect(es.every((c) => c.release_critical)).toBe(true);
    expect(es.find((c) => c.release_id === 'r4')).toMatchObject({ eval_rows: 0, missing: true, meets_threshold: false });
    for (const c of es.filter((x) => x.release_id !== 'r4')) expect(c.eval_rows).toBeGreaterThan(0);
    expect(coverage.per_release.map((p) => [p.release_id, p.missing])).toEqual([
      ['r1', []],
      ['r2', []],
      ['r3', []],
      ['r4', ['language=es']],
      ['r5', []],
    ]);
    // es still has traffic in r4: the gap is in the eval data, not in production.
    expect(es.find((c) => c.release_id === 'r4')?.traffic_share).toBeGreaterThan(0);
  });

  it('health: r3 canary failed and was rolled back; change failure rate 1 of 5 deployments', () => {
    const r3 = health.releases.find((r) => r.release_id === 'r3');
    expect(r3).toMatchObject({ canary_failures: 1, rolled_back: true, change_failed: true, incidents: 1, unresolved_incidents: 0 });
    expect(r3?.time_to_recover_hours).toBeGreaterThan(0);
    for (const r of health.releases.filter((x) => x.release_id !== 'r3')) expect(r).toMatchObject({ canary_failures: 0, rolled_back: false, change_failed: false });
    expect(health.overall).toMatchObject({ deployments: 5, change_failures: 1, change_failure_rate: 0.2, rollback_rate: 0.2, canary_failure_rate: 0.2 });
    // r3's canary traffic errs far more often than the releases around it.
    const others = health.releases.filter((x) => x.release_id !== 'r3').map((x) => x.error_rate ?? 1);
    expect(r3?.error_rate ?? 0).toBeGreaterThan(3 * Math.max(...others));
    expect(r3?.vs_previous?.previous_release_id).toBe('r2');
  });

  it('lineage: about 8 % of traces carry no model version and no dataset version', () => {
    const spans = lineage.completeness.find((c) => c.table === 'spans');
    expect(spans).toBeDefined();
    if (!spans) return;
    const noModel = spans.gaps.find((g) => g.reason === 'no model_version on any span');
    const noDataset = spans.gaps.find((g) => g.reason === 'no dataset_version on any span');
    expect(noModel?.count).toBe(noDataset?.count);
    const share = (noModel?.count ?? 0) / spans.total;
    expect(share).toBeGreaterThan(0.06);
    expect(share).toBeLessThan(0.1);
    expect(spans.total - spans.complete).toBe(noModel?.count);
  });

  it('lineage lookup: a versioned trace resolves to its full chain, a legacy trace names what is missing', async () => {
    const spans = lineage.completeness.find((c) => c.table === 'spans');
    const legacy = spans?.gaps[0]?.examples[0];
    expect(legacy).toBeDefined();
    const gap = await engine.lineage({ bundleId, id: legacy ?? '' });
    expect(gap.chain?.found_as).toBe('trace');
    expect(gap.chain?.missing).toEqual(expect.arrayContaining(['model_version', 'dataset_version']));
    const full = await engine.runSql({ bundleId, sql: "select trace_id from spans where release_id = 'r4' and model_version is not null order by trace_id limit 1" });
    const tid = String(full.rows[0]?.[0]);
    const chain = (await engine.lineage({ bundleId, id: tid })).chain;
    expect(chain).toMatchObject({ found_as: 'trace', model_version: 'fraud-scorer:6', dataset_version: 'ds-2026.06', release_id: 'r4', missing: [] });
    expect(chain?.training_run).toMatch(/^[0-9a-f]{32}$/);
    expect(chain?.feature_pipeline).toMatch(/1\.6/);
  });

  it('posture: the audit log is silent from 2026-06-10 to 2026-06-17 while traffic continues; retention met', () => {
    expect(posture.gaps).toEqual([{ table: 'audit_log', start: '2026-06-10', end: '2026-06-17', days: 7 }]);
    expect(posture.zero_volume_days).toEqual([]);
    expect(posture.days_covered).toBe(184);
    expect(posture.meets_retention).toBe(true);
    expect(posture.checklist.find((c) => c.id === 'log_continuity')?.verdict).toBe('not_met');
    expect(posture.checklist.find((c) => c.id === 'log_retention')?.verdict).toBe('met');
  });

  it('evals: r5 shipped without a passing pre-release eval, every other release passed', () => {
    expect(evals.shipped_without_passing_eval).toEqual(['r5']);
    expect(evals.pre_release.find((g) => g.release_id === 'r5')).toMatchObject({ shipped: true, verdict: 'fail' });
    expect(evals.pre_release.filter((g) => g.release_id !== 'r5').every((g) => g.verdict === 'pass')).toBe(true);
    expect(lineage.changelog.find((c) => c.release_id === 'r5')).toMatchObject({ approval_source: 'audit_log', passing_eval_before_release: false });
  });

  it('overview: one headline finding per planted fact, each linking to its screen', () => {
    const high = overview.headline.filter((h) => h.severity === 'high').map((h) => h.id);
    expect(high).toEqual(expect.arrayContaining(['coverage:missing:r4', 'eval:r5', 'lineage:spans', 'logging:audit_log:2026-06-10']));
    // One severity model with the report: a failed canary that was rolled back is medium (the control caught it).
    expect(overview.headline.find((h) => h.id === 'canary:r3')?.severity).toBe('medium');
    expect(overview.systems).toEqual(['dispute-assistant', 'fraud-scorer']);
    expect(overview.releases.map((r) => r.release_id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('overview without its scans: the same Overview minus the drift and performance findings, and says the scans are pending', async () => {
    const quick = await engine.overview({ bundleId, scans: false });
    expect(quick.scans_pending).toBe(true);
    expect(overview.scans_pending).toBeUndefined();
    const scanned = new Set(['drift', 'performance', 'fairness']);
    expect(overview.headline.some((h) => scanned.has(h.kind))).toBe(true);
    expect(quick.headline).toEqual(overview.headline.filter((h) => !scanned.has(h.kind)));
    const { scans_pending: _pending, headline: _quickHeadline, ...quickRest } = quick;
    const { headline: _fullHeadline, ...fullRest } = overview;
    expect(quickRest).toEqual(fullRest);
  });

  it('overview before its checks: the same period, systems, models and releases, only the import findings, and says what is pending', async () => {
    const basics = await engine.overview({ bundleId, checks: false });
    expect(basics.checks_pending).toBe(true);
    expect(basics.scans_pending).toBe(true);
    expect(overview.checks_pending).toBeUndefined();
    expect(basics.headline).toEqual(overview.headline.filter((h) => h.kind === 'integrity'));
    const { checks_pending: _c, scans_pending: _s, headline: _bh, ...basicsRest } = basics;
    const { headline: _fh, ...fullRest } = overview;
    expect(basicsRest).toEqual(fullRest);
    // The checks' findings are what the next answer adds: the demo has lineage, coverage, canary, eval and logging ones.
    const quick = await engine.overview({ bundleId, scans: false });
    expect(new Set(quick.headline.filter((h) => h.kind !== 'integrity').map((h) => h.kind))).toEqual(new Set(['lineage', 'coverage', 'canary', 'eval', 'logging']));
  });

  it('is deterministic: recomputing gives byte-identical JSON', async () => {
    expect(JSON.stringify(await engine.overview({ bundleId }))).toBe(JSON.stringify(overview));
    expect(JSON.stringify(await engine.health({ bundleId }))).toBe(JSON.stringify(health));
  });
});
