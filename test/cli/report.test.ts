import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli';
import { generateDemoBundle } from '../../electron/engine/demo/generate';
import { readPdfAttachments, readPdfInfo } from '../../electron/engine/report/pdf';

// Quarter-scale demo bundle (same planted facts); drift per region only, to keep each run to seconds.
const SIGNOFF = ['--auditor', 'J. Auditor', '--system', 'Northwind fraud scoring'];

describe('auditdesk report / verify / check on the demo bundle', () => {
  let tmp: string;
  let bundle: string;
  let params: string;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];

  // One report, printed once and shared by the tests below (each test stays far from its timeout under load).
  let pdf1: string;
  let r1: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-report-cli-'));
    process.env['AUDITDESK_DATA_DIR'] = path.join(tmp, 'data');
    bundle = path.join(tmp, 'demo');
    await generateDemoBundle({ outDir: bundle, seed: 42, scale: 0.25, spansFormat: 'jsonl' });
    params = path.join(tmp, 'params.json');
    writeFileSync(params, JSON.stringify({ drift_tables: 'records', drift_cohort_attributes: 'region', drift_max_charts: 4 }));
    pdf1 = path.join(tmp, 'r1.pdf');
    r1 = await cli('report', bundle, '--out', pdf1, '--json', path.join(tmp, 'r1.json'), '--params', params, ...SIGNOFF);
  });
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('embeds results.json and the manifest in a small multi-page PDF dated as of the end of the period', async () => {
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/wrote .*r1\.pdf: \d+ pages/);
    expect(r1.stdout).toContain('(end of the bundle’s period)');
    const json1 = readFileSync(path.join(tmp, 'r1.json'));

    const bytes = new Uint8Array(readFileSync(pdf1));
    expect(statSync(pdf1).size).toBeLessThan(5 * 1024 * 1024);
    const files = await readPdfAttachments(bytes);
    expect(Buffer.from(files.get('results.json')!).equals(json1)).toBe(true);
    expect(Buffer.from(files.get('manifest.json')!).equals(readFileSync(path.join(bundle, 'manifest.json')))).toBe(true);
    const info = await readPdfInfo(bytes);
    expect(info.pages).toBeGreaterThan(1);
    const model = JSON.parse(json1.toString('utf8')) as { executive_summary: { findings: { title: string }[] }; params: { as_of: string; as_of_source: string }; title: { system: string; auditor: string } };
    expect(model.params.as_of_source).toBe('period_end');
    // PDF dates carry whole seconds.
    expect(info.creationDate?.toISOString()).toBe(model.params.as_of.replace(/\.\d{3}Z$/, '.000Z'));
    expect(model.title).toMatchObject({ system: 'Northwind fraud scoring', auditor: 'J. Auditor' });
    const titles = model.executive_summary.findings.map((f) => f.title);
    expect(titles).toContain('Release r5 shipped without a passing pre-release evaluation');
    expect(titles).toContain('Drift in records.merchant_risk: all rows and 1 of 4 cohorts');
  });

  it('verify recomputes the same results from the bundle', async () => {
    // A fresh engine recomputes the results and compares them with the embedded ones:
    // its MATCH is the determinism check (same bundle and parameters, same results).
    const ok = await cli('verify', pdf1, '--bundle', bundle);
    expect(ok.stdout).toMatch(/^MATCH: /);
    expect(ok.code).toBe(0);
  });

  it('verify names one changed byte in the bundle', async () => {
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
      /✗ fairness\.min_impact_ratio — channel=mobile vs channel=pos: Impact ratio 0\.7\d\d/,
    ])
      expect(r.stdout).toMatch(expected);
    expect(r.stdout).not.toMatch(/merchant_risk \[region=(US|APAC|LATAM)\]/);
    // The mobile impact ratio and nothing else of that kind: at quarter scale r4 has too few labelled 65+ rows for the
    // planted AUC drop to be significant (test/cli/performance.test.ts finds it at full scale).
    expect(r.stdout.match(/✗ (fairness|performance)\./g)).toHaveLength(1);
    // r5 has no labels yet: its AUC changes are listed as not applicable, never counted as "no drop".
    expect(r.stdout).toMatch(/– performance\.max_drop\[0\]: \d+ subjects not applicable, not counted as passing: age_band=\S+ \(r4 → r5\) \(auc not measurable in release r5/);
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
    // A signed report needs the system and the auditor: named, before any work is done.
    const noAuditor = await cli('report', bundle, '--out', path.join(tmp, 'x.pdf'), '--system', 'Northwind fraud scoring');
    expect(noAuditor.code).toBe(2);
    expect(noAuditor.stderr).toMatch(/cannot be signed off without: Auditor \(--auditor on the command line\)/);
    const neither = await cli('report', bundle, '--out', path.join(tmp, 'x.pdf'), '--auditor', ' ');
    expect(neither.stderr).toMatch(/System audited \(--system on the command line\) and Auditor \(--auditor on the command line\)/);
    expect(existsSync(path.join(tmp, 'x.pdf'))).toBe(false);
    const notReport = path.join(tmp, 'plain.pdf');
    writeFileSync(notReport, 'not a pdf');
    const v = await cli('verify', notReport, '--bundle', bundle);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/Not a readable PDF/);
  });
});

describe('auditdesk report on a bundle without a period', () => {
  let tmp: string;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-report-noperiod-'));
    process.env['AUDITDESK_DATA_DIR'] = path.join(tmp, 'data');
    mkdirSync(path.join(tmp, 'flights'));
    // Records only, no timestamp column, no manifest: no period and no export time.
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ record_id: `f${i}`, delay: (i * 7) % 50, origin: ['JFK', 'LAX', 'ORD'][i % 3] }));
    writeFileSync(path.join(tmp, 'flights', 'records.jsonl'), `${rows.join('\n')}\n`);
  });
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses to print without --as-of (never the epoch), and takes the one given', async () => {
    const bundle = path.join(tmp, 'flights');
    const refused = await cli('report', bundle, '--out', path.join(tmp, 'r.pdf'), ...SIGNOFF);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no period .* no as-of time: .*pass --as-of ISO on the command line/);
    expect(existsSync(path.join(tmp, 'r.pdf'))).toBe(false);
    // The results alone can be computed without one; they say it is not set.
    const json = await cli('report', bundle, '--json', path.join(tmp, 'r.json'), ...SIGNOFF);
    expect(json.code).toBe(0);
    expect(json.stdout).toContain('as of not set (the bundle has no period or export time, and none was given)');
    const model = JSON.parse(readFileSync(path.join(tmp, 'r.json'), 'utf8')) as { params: { as_of: string | null }; title: { as_of: string | null } };
    expect(model.params.as_of).toBeNull();
    expect(JSON.stringify(model)).not.toContain('1970-01-01');
    const given = await cli('report', bundle, '--json', path.join(tmp, 'r2.json'), '--as-of', '2026-01-31', ...SIGNOFF);
    expect(given.stdout).toContain('as of 2026-01-31T00:00:00.000Z (as-of parameter)');
  });
});
