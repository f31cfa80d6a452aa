import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli';
import { generateDemoBundle } from '../../electron/engine/demo/generate';
import { createEngine, type Engine } from '../../electron/engine/engine';
import type { Overview } from '../../shared/api/analytics';
import type { Disparity, PerformanceReport, PerformanceScan } from '../../shared/api/performance';

// The demo's planted performance and fairness problems (docs/demo-bundle.md, facts 7 and 8), found by the CLI and the
// engine, and nothing else of that kind. Full scale: the planted effects are sized for it.
describe('auditdesk performance / fairness on the demo bundle', () => {
  let tmp: string;
  let bundle: string;
  let engine: Engine;
  let bundleId: string;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-performance-cli-'));
    process.env['AUDITDESK_DATA_DIR'] = path.join(tmp, 'data');
    bundle = path.join(tmp, 'bundle');
    await generateDemoBundle({ outDir: bundle, seed: 42, scale: 1, spansFormat: 'jsonl' });
    engine = createEngine({ dataDir: path.join(tmp, 'engine') });
    bundleId = (await engine.openBundle({ path: bundle })).bundleId;
  });
  afterAll(async () => {
    await engine?.dispose();
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('fairness --by channel --json: mobile is under the four-fifths rule against pos, and nothing else', async () => {
    const r = await cli('fairness', bundle, '--by', 'channel', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { references: { group: string | null; source: string }[]; disparities: Disparity[]; favourable: string; prediction_rule: { description: string } };
    expect(out.favourable).toBe('negative');
    expect(out.prediction_rule.description).toMatch(/^prediction in \(block, review\)/);
    expect(out.references).toEqual([{ selection: 'all', group: 'channel=pos', source: 'most_favoured', why: null }]);
    const under = out.disparities.filter((d) => d.below_four_fifths);
    expect(under.map((d) => d.group)).toEqual(['channel=mobile']);
    expect(under[0]?.impact_ratio?.value).toBeCloseTo(0.7048, 3);
    expect(under[0]?.impact_ratio?.ci?.high).toBeLessThan(0.8);
  });

  it('the scan finds the 65+ AUC drop after r4 and the mobile impact ratio, and no other headline', async () => {
    const scan: PerformanceScan = await engine.performanceScan({ bundleId });
    expect(scan.attributes).toEqual(['age_band', 'channel', 'language', 'region', 'segment']);
    expect(scan.promoted).toEqual(['r1', 'r2', 'r4', 'r5']);
    expect(scan.drops[0]).toMatchObject({ attribute: 'age_band', group: 'age_band=65+', baseline_release: 'r2', current_release: 'r4' });
    expect(scan.drops[0]?.diff).toBeCloseTo(-0.256, 2);
    // Spill-over into a group that contains many 65+ customers is reported in the same headline, never alone.
    expect(scan.drops.every((d) => d.baseline_release === 'r2' && d.current_release === 'r4')).toBe(true);
    expect(scan.impact.map((d) => `${d.attribute}:${d.group}`)).toEqual(['channel:channel=mobile']);
    // r5 has no labels: its AUC comparisons are not made, not reported as "no drop".
    expect(scan.release_changes.filter((c) => c.current_release === 'r5').flatMap((c) => c.changes.filter((x) => x.metric === 'auc' && x.diff !== null))).toEqual([]);

    const overview: Overview = await engine.overview({ bundleId });
    const mine = overview.headline.filter((h) => h.kind === 'performance' || h.kind === 'fairness');
    // Sorted like every headline: severity, then kind, then id.
    expect(mine.map((h) => h.title)).toEqual([
      'Impact ratio 0.70 for channel=mobile against channel=pos (under the four-fifths rule)',
      'AUC dropped for age_band=65+: release r2 → r4 (0.66 → 0.41)',
    ]);
    expect(mine[1]?.target).toEqual({ screen: 'fairness', params: { by: 'age_band', base: 'release:r2', cur: 'release:r4', group: 'age_band=65+' } });
  });

  it('performance --baseline r2 --current r4 by age band: the 65+ AUC interval of the difference excludes 0, the other bands do not', async () => {
    const r = await cli('performance', bundle, '--by', 'age_band', '--baseline', 'release=r2', '--current', 'release=r4', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as PerformanceReport;
    const auc = report.changes.filter((c) => c.metric === 'auc' && c.group !== '(all)');
    expect(auc.filter((c) => c.excludes_zero).map((c) => c.group)).toEqual(['age_band=65+']);
    const text = await cli('performance', bundle, '--by', 'age_band', '--baseline', 'release=r2', '--current', 'release=r4');
    expect(text.stdout).toMatch(/age_band=65\+\s+auc\s+0\.662\s+0\.406\s+-0\.256\s+\[-0\.394, -0\.118\]\s+\*/);
  });

  it('intersections, label coverage and excluded groups are reported with their size', async () => {
    const r = await cli('performance', bundle, '--by', 'region,age_band', '--json');
    const report = JSON.parse(r.stdout) as PerformanceReport;
    expect(report.groups.filter((g) => g.group !== '(all)')).toHaveLength(20);
    const all = report.groups.find((g) => g.group === '(all)');
    expect(all?.classification?.label_coverage).toMatchObject({ k: 14123, n: 20000 });
    // LATAM × 18-24 is under 2 % of the rows: excluded, listed with its size, metrics still there.
    const small = report.excluded.find((e) => e.group === 'region=LATAM,age_band=18-24');
    expect(small?.n).toBeGreaterThan(0);
    expect(report.groups.find((g) => g.group === 'region=LATAM,age_band=18-24')?.classification?.accuracy.value).not.toBeNull();
  });

  it('says which option is missing, names unknown columns, and exits 2', async () => {
    const noRule = await cli('performance', bundle, '--by', 'channel', '--favourable', 'negative', '--table', 'records', '--predicted-positive', 'block', '--threshold', '0.3');
    expect(noRule.code).toBe(2);
    expect(noRule.stderr).toContain('use either --threshold or --predicted-positive');
    const unknown = await cli('fairness', bundle, '--by', 'age');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('table "records" has no column "age"');
    const threshold = await cli('performance', bundle, '--by', 'channel', '--threshold', '0.12', '--json');
    expect((JSON.parse(threshold.stdout) as PerformanceReport).prediction_rule?.description).toBe('score ≥ 0.12 (option)');
  });
});
