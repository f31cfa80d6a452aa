import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import { driftText } from '../../electron/cli/commands/drift';
import type { DriftReport } from '../../shared/api/drift';
import { generateDemoBundle } from '../../electron/engine/demo/generate';

interface Captured {
  out: string[];
  err: string[];
}

async function cli(args: string[]): Promise<{ code: number } & Captured> {
  const cap: Captured = { out: [], err: [] };
  const code = await runCli(args, { out: (t) => cap.out.push(t), err: (t) => cap.err.push(t) });
  return { code, ...cap };
}

let dir: string;
let bundle: string;
const savedDataDir = process.env['AUDITDESK_DATA_DIR'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drift-cli-'));
  process.env['AUDITDESK_DATA_DIR'] = join(dir, 'data');
  bundle = join(dir, 'bundle');
  await generateDemoBundle({ outDir: bundle, seed: 42, scale: 1, spansFormat: 'jsonl' });
});
afterAll(async () => {
  if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
  else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
  await rm(dir, { recursive: true, force: true });
});

describe('auditdesk drift', () => {
  it('--json answers with results carrying the contract fields and finds the planted EU drift', async () => {
    const r = await cli([
      'drift', bundle, '--table', 'records', '--column', 'merchant_risk,amount', '--baseline', 'release=r2', '--current', 'release=r4',
      '--cohort', 'region=EU', '--cohort', 'region=US', '--method', 'ks,psi', '--bins', '8', '--json',
    ]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out.join('\n')) as { results: Record<string, unknown>[] };
    for (const x of report.results)
      for (const key of ['column', 'cohort', 'method', 'statistic', 'p_value', 'threshold', 'drifted', 'n_baseline', 'n_current']) expect(x).toHaveProperty(key);
    const psi = report.results.find((x) => x['column'] === 'merchant_risk' && x['cohort'] === 'region=EU' && x['method'] === 'psi');
    expect(psi?.['drifted']).toBe(true);
    expect((psi?.['bins'] as unknown[]).length).toBeGreaterThanOrEqual(8);
    expect(String(psi?.['detail'])).toContain('8 bins');
    const flagged = report.results.filter((x) => x['drifted']).map((x) => `${String(x['column'])}/${String(x['cohort'])}`);
    expect([...new Set(flagged)]).toEqual(['merchant_risk/region=EU']);
  });

  it('text output is a readable table with a series section', async () => {
    const r = await cli(['drift', bundle, '--column', 'merchant_risk', '--baseline', 'release=r2', '--current', 'window=2026-06-01/2026-08-01', '--cohort', 'region=EU', '--by', 'month']);
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toMatch(/^drift on records: baseline release=r2 vs current window=2026-06-01\/2026-08-01/);
    expect(text).toMatch(/merchant_risk\s+region=EU\s+numeric\s+wasserstein_norm\s+\S+.*DRIFT/);
    expect(text).toMatch(/2026-06\s+merchant_risk/);
    expect(text).toMatch(/2026-07\s+merchant_risk.*DRIFT/);
  });

  it('usage errors exit 2 with a message', async () => {
    const missing = await cli(['drift', bundle, '--current', 'release=r4']);
    expect(missing.code).toBe(2);
    expect(missing.err.join('\n')).toContain('--baseline KEY=VALUE is required');
    const badKey = await cli(['drift', bundle, '--baseline', 'version=1', '--current', 'release=r4']);
    expect(badKey.code).toBe(2);
    expect(badKey.err.join('\n')).toContain('unknown key "version"');
    const badMethod = await cli(['drift', bundle, '--baseline', 'release=r2', '--current', 'release=r4', '--method', 'mmd']);
    expect(badMethod.err.join('\n')).toContain('unknown method "mmd"');
  });

  it('prints a p-value that underflowed to 0 as <1e-300, never as 0', () => {
    const result = {
      column: 'x', cohort: 'all', column_kind: 'numeric', method: 'ks', statistic: 0.9, p_value: 0, p_adjusted: 0, alpha: 0.05, effect: 0.9,
      effect_name: 'D', effect_ci: null, effect_ci_method: null, threshold: 0.1, drifted: true, decision: 'drift', why: 'drift', section: 'drift', n_baseline: 5000, n_current: 5000, null_rate_baseline: 0, null_rate_current: 0, detail: '', not_computable: null,
    } as const;
    const report: DriftReport = {
      request: { table: 't', baseline: { key: 'dataset_version', value: 'a' }, current: { key: 'dataset_version', value: 'b' } },
      correction: 'bh', alpha: 0.05, tests_corrected: 1, ci_level: 0.95, plan: [], notes: ['n'], results: [result, { ...result, column: 'y', p_value: 0.5, p_adjusted: 0.5, drifted: false }], series: [], elapsed_ms: 0,
    };
    const lines = driftText(report).split('\n');
    expect(lines.find((l) => l.startsWith('x '))).toMatch(/0\.9\s+<1e-300\s+<1e-300\s/);
    expect(lines.find((l) => l.startsWith('y '))).toMatch(/0\.9\s+0\.5\s+0\.5\s/);
  });
});
