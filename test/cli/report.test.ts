import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli';
import { generateDemoBundle } from '../../electron/engine/demo/generate';
import { readPdfAttachments, readPdfInfo } from '../../electron/engine/report/pdf';

// Quarter-scale demo bundle (same planted facts); drift per region only, to keep each run to seconds.
describe('auditdesk report / verify / check on the demo bundle', () => {
  let tmp: string;
  let bundle: string;
  let params: string;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-report-cli-'));
    process.env['AUDITDESK_DATA_DIR'] = path.join(tmp, 'data');
    bundle = path.join(tmp, 'demo');
    await generateDemoBundle({ outDir: bundle, seed: 42, scale: 0.25, spansFormat: 'jsonl' });
    params = path.join(tmp, 'params.json');
    writeFileSync(params, JSON.stringify({ drift_tables: 'records', drift_cohort_attributes: 'region', drift_max_charts: 4 }));
  });
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the same results.json twice, embeds it in a small multi-page PDF, and verify matches; one changed byte is named', async () => {
    const pdf1 = path.join(tmp, 'r1.pdf');
    const r1 = await cli('report', bundle, '--out', pdf1, '--json', path.join(tmp, 'r1.json'), '--params', params);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/wrote .*r1\.pdf: \d+ pages/);
    const r2 = await cli('report', bundle, '--out', path.join(tmp, 'r2.pdf'), '--json', path.join(tmp, 'r2.json'), '--params', params);
    expect(r2.code).toBe(0);
    const json1 = readFileSync(path.join(tmp, 'r1.json'));
    expect(readFileSync(path.join(tmp, 'r2.json')).equals(json1)).toBe(true);

    const bytes = new Uint8Array(readFileSync(pdf1));
    expect(statSync(pdf1).size).toBeLessThan(5 * 1024 * 1024);
    const files = await readPdfAttachments(bytes);
    expect(Buffer.from(files.get('results.json')!).equals(json1)).toBe(true);
    expect(Buffer.from(files.get('manifest.json')!).equals(readFileSync(path.join(bundle, 'manifest.json')))).toBe(true);
    const info = await readPdfInfo(bytes);
    expect(info.pages).toBeGreaterThan(1);
    expect(info.creationDate?.toISOString()).toBe('2026-09-01T06:00:00.000Z');
    const model = JSON.parse(json1.toString('utf8')) as { executive_summary: { findings: { title: string }[] } };
    const titles = model.executive_summary.findings.map((f) => f.title);
    expect(titles).toContain('Release r5 shipped without a passing pre-release evaluation');
    expect(titles).toContain('Drift in records.merchant_risk: all rows and 1 of 4 cohorts');

    const ok = await cli('verify', pdf1, '--bundle', bundle);
    expect(ok.stdout).toMatch(/^MATCH: /);
    expect(ok.code).toBe(0);

    // Copy the bundle and change one byte inside a string value of audit_log.jsonl.
    const copyDir = path.join(tmp, 'copy');
    mkdirSync(copyDir);
    const copy = path.join(copyDir, 'demo');
    cpSync(bundle, copy, { recursive: true });
    const logPath = path.join(copy, 'audit_log.jsonl');
    const log = readFileSync(logPath);
    const at = log.indexOf('"actor":"') + '"actor":"'.length;
    log[at] = log[at] === 0x58 ? 0x59 : 0x58;
    writeFileSync(logPath, log);
    const bad = await cli('verify', pdf1, '--bundle', copy);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^MISMATCH: /);
    expect(bad.stdout).toContain('file changed: audit_log.jsonl');
    expect(bad.stdout).toContain('integrity.state: "verified" → "altered"');
  });

  it('check fails closed when a rule group cannot be evaluated, unless --allow-unevaluated', async () => {
    const policy = path.join(tmp, 'drift-only.json');
    writeFileSync(policy, JSON.stringify({ version: 1, drift: { rules: [{ table: 'records', cohort: 'all', max_effect: 0.5 }] } }));
    const noTables = path.join(tmp, 'no-tables.json');
    writeFileSync(noTables, JSON.stringify({ drift_tables: 'no_such_table' }));
    const r = await cli('check', bundle, '--policy', policy, '--params', noTables);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: 1 rule group\(s\) of .* could not be evaluated/);
    expect(r.stdout).toMatch(/\? drift not evaluated: none of the drift tables \(no_such_table\) is in the bundle/);
    const allowed = await cli('check', bundle, '--policy', policy, '--params', noTables, '--allow-unevaluated', '--json');
    expect(allowed.code).toBe(0);
    const out = JSON.parse(allowed.stdout) as { pass: boolean; not_evaluated: { rule: string }[] };
    expect(out.pass).toBe(true);
    expect(out.not_evaluated.map((n) => n.rule)).toEqual(['drift']);
  });

  it('check exits 1 on the planted problems with a readable list', async () => {
    const policy = path.join(process.cwd(), 'examples', 'policy.json');
    const r = await cli('check', bundle, '--policy', policy, '--params', params);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: \d+ policy violation\(s\)/);
    for (const expected of [
      /✗ drift\.rules\[1\]\.fail_if_flagged — records\.merchant_risk \[region=EU\]/,
      /✗ coverage\.forbid_missing_critical — release r4: .*language=es/,
      /✗ health\.max_rollback_rate — all releases/,
      /✗ health\.max_error_rate — release r3/,
      /✗ lineage\.min_completeness — spans \(traces\)/,
      /✗ logging\.max_gap_days — audit_log 2026-06-10/,
      /✗ evals\.require_passing_pre_release_eval — release r5/,
    ])
      expect(r.stdout).toMatch(expected);
    expect(r.stdout).not.toMatch(/merchant_risk \[region=(US|APAC|LATAM)\]/);
  });

  it('errors name the problem and exit 2', async () => {
    const badPolicy = path.join(tmp, 'bad-policy.json');
    writeFileSync(badPolicy, JSON.stringify({ health: { max_rollback_rate: 3 } }));
    const r = await cli('check', bundle, '--policy', badPolicy);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/health\.max_rollback_rate/);
    const noOut = await cli('report', bundle);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out report\.pdf is required/);
    const notReport = path.join(tmp, 'plain.pdf');
    writeFileSync(notReport, 'not a pdf');
    const v = await cli('verify', notReport, '--bundle', bundle);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/Not a readable PDF/);
  });
});
