import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli';
import { generateDemoBundle } from '../../electron/engine/demo/generate';
import type { CoverageReport, EvalReport, LineageReport, PostureReport } from '../../shared/api/analytics';

// A quarter-scale demo bundle: same planted facts, a few seconds less import per command.
describe('auditdesk lineage / coverage / evals / health / posture', () => {
  let tmp: string;
  let bundle: string;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-analytics-cli-'));
    process.env['AUDITDESK_DATA_DIR'] = path.join(tmp, 'data');
    bundle = path.join(tmp, 'bundle');
    await generateDemoBundle({ outDir: bundle, seed: 42, scale: 0.25, spansFormat: 'jsonl' });
  });
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('coverage --json names the missing critical cohort; --min-rows changes the threshold', async () => {
    const r = await cli('coverage', bundle, '--json', '--min-rows', '7');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as CoverageReport;
    expect(report.min_rows_default).toBe(7);
    expect(report.per_release.find((p) => p.release_id === 'r4')?.missing).toEqual(['language=es']);
  });

  it('lineage --id prints the chain behind a trace as text', async () => {
    const json = JSON.parse((await cli('lineage', bundle, '--json')).stdout) as LineageReport;
    const legacy = json.completeness.find((c) => c.table === 'spans')?.gaps[0]?.examples[0] ?? '';
    const r = await cli('lineage', bundle, '--id', legacy);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`lookup ${legacy}: found as trace`);
    expect(r.stdout).toMatch(/missing: model_version, dataset_version/);
    expect(r.stdout).toMatch(/r5 .* approved: \S+ \(audit log\)\s+pre-release eval: FAILED/);
  });

  it('evals --json gives fail rates by stage, evaluator, cohort and release with Wilson intervals at full precision', async () => {
    const r = await cli('evals', bundle, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as EvalReport;
    for (const k of ['by_stage', 'by_evaluator', 'by_cohort', 'by_release', 'by_stage_cohort_release', 'pre_release', 'thresholds'] as const) expect(report[k].length, k).toBeGreaterThan(0);
    expect(report.shipped_without_passing_eval).toEqual(['r5']);
    // The interval, recomputed here from n and failures (docs/metrics.md "wilson"), agrees to the last bits.
    const z = 1.959963984540054;
    for (const g of [...report.by_stage, ...report.by_release, ...report.by_cohort]) {
      const p = g.failures / g.n;
      const centre = p + (z * z) / (2 * g.n);
      const half = z * Math.sqrt((p * (1 - p)) / g.n + (z * z) / (4 * g.n * g.n));
      const d = 1 + (z * z) / g.n;
      expect(g.ci_low).toBeCloseTo(Math.max(0, (centre - half) / d), 12);
      expect(g.ci_high).toBeCloseTo(Math.min(1, (centre + half) / d), 12);
      expect(g.rate).toBe(g.failures / g.n);
    }
    // Not rounded to 6 significant digits, as the report's text is.
    expect(report.by_release.some((g) => g.ci_low !== null && String(g.ci_low).replace(/^0\.0*/, '').length > 6)).toBe(true);
    const text = await cli('evals', bundle);
    expect(text.stdout).toMatch(/by release:\n.*\n\s+r1\s+\d+/);
    expect(text.stdout).toContain('shipped without a passing pre-release evaluation: r5');
    const bad = await cli('evals', bundle, '--gate-max-fail-rate', '2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--gate-max-fail-rate must be a share from 0 to 1/);
  });

  it('health prints the rolled-back release', async () => {
    const r = await cli('health', bundle);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/change failure rate 20\.0 %/);
    expect(r.stdout).toMatch(/\br3\s+canary failed, rolled back/);
  });

  it('posture --retention-days raises the bar; text shows the audit-log gap and the checklist', async () => {
    const j = await cli('posture', bundle, '--json', '--retention-days', '365');
    expect(j.code).toBe(0);
    const report = JSON.parse(j.stdout) as PostureReport;
    expect(report.meets_retention).toBe(false);
    expect(report.checklist.find((c) => c.id === 'log_retention')?.verdict).toBe('not_met');
    const t = await cli('posture', bundle);
    expect(t.stdout).toContain('GAP audit_log: 2026-06-10 → 2026-06-17 (7 days)');
    expect(t.stdout).toMatch(/✗ not met +Every shipped release passed its pre-release evaluation/);
  });

  it('usage errors exit 2 with a message on stderr', async () => {
    const bad = await cli('coverage', bundle, '--min-rows', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-rows must be a positive integer/);
    const none = await cli('health');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/expected exactly one BUNDLE/);
    const missing = await cli('posture', path.join(tmp, 'no-such-bundle'));
    expect(missing.code).toBe(2);
  });
});
