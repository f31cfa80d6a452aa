import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import { computeReport } from '../../../electron/engine/report/service';
import type { ReportSource } from '../../../electron/engine/report/gather';
import { renderReportHtml } from '../../../electron/engine/report/html/render';
import type { DriftRequest } from '../../../shared/api/drift';
import type { Signoff } from '../../../shared/api/workspace';

// The report's drift compares every cohort of an attribute in one engine pass: no default cap, a table without the
// attribute is one line, and the bins of KS / Wasserstein charts come from one PSI run per table and attribute.
const ORIGINS = Array.from({ length: 45 }, (_, i) => `O${String(i).padStart(2, '0')}`);

function writeBundle(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const lines = ['record_id,ts,amount,distance,origin'];
  let id = 0;
  ORIGINS.forEach((origin, k) => {
    const n = 240 - 4 * k; // unequal cohorts: the largest first
    for (let i = 0; i < n; i++) {
      const month = i % 2 === 0 ? '01' : '06';
      const shift = month === '06' && k < 3 ? 40 : 0; // three origins drift strongly in June
      const amount = 20 + ((i * 37 + k * 11) % 50) + shift;
      const distance = 100 + ((i * 53 + k * 7) % 900);
      lines.push(`r${id++},2001-${month}-${String(1 + (i % 27)).padStart(2, '0')}T10:00:00Z,${amount},${distance},${origin}`);
    }
  });
  writeFileSync(path.join(dir, 'records.csv'), `${lines.join('\n')}\n`);
  const spans = Array.from({ length: 40 }, (_, i) =>
    JSON.stringify({ trace_id: `t${i}`, span_id: `s${i}`, name: 'call', start_time: `2001-${i % 2 === 0 ? '01' : '06'}-10T10:00:00Z`, end_time: `2001-${i % 2 === 0 ? '01' : '06'}-10T10:00:0${1 + (i % 5)}Z`, status_code: 'OK' }),
  );
  writeFileSync(path.join(dir, 'spans.jsonl'), `${spans.join('\n')}\n`);
  const sha = (f: string): string => createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex');
  const manifest = {
    format_version: '1.0',
    exporter: { system: 'drift cohorts test' },
    files: [
      { path: 'records.csv', table: 'records', sha256: sha('records.csv'), columns: { ts: 'timestamp', origin: 'cohort' } },
      { path: 'spans.jsonl', table: 'spans', sha256: sha('spans.jsonl') },
    ],
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
}

const signoff: Signoff = { system: 'Test system', auditor: 'Ana Auditor', approver: '', as_of: '', notes: '' };
const params = { drift_baseline: 'window:2001-01-01T00:00:00Z/2001-02-01T00:00:00Z', drift_current: 'window:2001-06-01T00:00:00Z/2001-07-01T00:00:00Z', as_of: '2001-07-01T00:00:00Z' };

describe('report drift over many cohorts', () => {
  let tmp: string;
  let engine: Engine;
  let bundleId: string;
  const calls: DriftRequest[] = [];
  let source: ReportSource;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-report-drift-cohorts-'));
    writeBundle(path.join(tmp, 'b'));
    engine = createEngine({ dataDir: path.join(tmp, 'data') });
    bundleId = (await engine.openBundle({ path: path.join(tmp, 'b') })).bundleId;
    source = new Proxy(engine, {
      get(target, key, receiver) {
        if (key === 'computeDrift')
          return (args: DriftRequest) => {
            calls.push(args);
            return target.computeDrift(args);
          };
        return Reflect.get(target, key, receiver) as unknown;
      },
    }) as unknown as ReportSource;
  });
  afterAll(async () => {
    await engine?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('compares every cohort by default, says which table lacks the attribute once, and draws charts from one PSI run per attribute and column', async () => {
    calls.length = 0;
    const { model } = await computeReport(source, { bundleId, signoff, findings: [], params });
    if (model.drift.status !== 'ok') throw new Error(model.drift.reason);
    const d = model.drift.data;
    expect(model.params.drift_max_cohorts).toBeNull();
    expect(d.cohorts_skipped).toEqual([]);
    const records = d.comparisons.filter((c) => c.table === 'records' && c.cohort !== 'all');
    expect(records.map((c) => c.cohort)).toEqual(ORIGINS.map((o) => `origin=${o}`));
    // spans carry no origin: one line, no 45 "table has no column" rows.
    expect(d.comparisons.filter((c) => c.table === 'spans').map((c) => c.cohort)).toEqual(['all']);
    expect(d.attributes_absent).toEqual([{ table: 'spans', attribute: 'origin', cohorts: 45 }]);
    expect(model.limitations.some((l) => l.text.includes('spans has no column origin'))).toBe(true);
    // The three shifted origins drift on amount.
    const drifted = records.filter((c) => c.results.some((r) => r.column === 'amount' && r.drifted)).map((c) => c.cohort);
    expect(drifted).toEqual(expect.arrayContaining(['origin=O00', 'origin=O01', 'origin=O02']));
    // Comparisons: one call per table and attribute; chart bins: at most one PSI run per table and attribute.
    const psi = calls.filter((c) => c.methods?.length === 1 && c.methods[0] === 'psi');
    const main = calls.filter((c) => !psi.includes(c));
    expect(main.map((c) => `${c.table} ${c.cohort_by ?? 'all'}`).sort()).toEqual(['records all', 'records origin', 'spans all', 'spans origin']);
    const runs = psi.map((c) => `${c.table} ${c.cohort?.[0]?.attribute ?? 'all'} ${(c.columns ?? []).join(',')}`);
    for (const c of psi) expect(c.columns).toHaveLength(1);
    expect(new Set(runs).size).toBe(runs.length);
    // ... over the charted cohorts only, never every cohort of the attribute.
    for (const c of psi) expect(c.cohort_by).toBeUndefined();
    const charted = new Set(d.charts.filter((ch) => ch.cohort !== 'all').map((ch) => ch.cohort.slice('origin='.length)));
    for (const c of psi) for (const f of c.cohort ?? []) expect(charted.has(f.value)).toBe(true);
    expect(d.charts.length).toBeGreaterThan(0);
    for (const ch of d.charts) expect(ch.bins.length).toBeGreaterThan(0);

    // Printed: the 30 rows with drift first then the largest, the rest counted; the missing attribute in one line.
    const html = renderReportHtml(model);
    const at = html.indexOf('id="drift"');
    const section = html.slice(at, html.indexOf('</section>', at));
    for (const o of ['O00', 'O01', 'O02', 'O03']) expect(section).toContain(`origin=${o}<`);
    expect(section).not.toContain('origin=O44<');
    expect(section).toContain('45 cohort comparisons were made; 30 are shown');
    expect(section).toContain('spans has no column origin: its 45 origin cohorts are compared on the other table only.');
    expect(section).not.toContain('has no column "origin"');
  });

  it('a cap, when given, is applied to the largest cohorts and said in the section and under Limitations', async () => {
    const { model } = await computeReport(source, { bundleId, signoff, findings: [], params: { ...params, drift_max_cohorts: 10, drift_tables: 'records' } });
    if (model.drift.status !== 'ok') throw new Error(model.drift.reason);
    const d = model.drift.data;
    expect(d.comparisons.filter((c) => c.cohort !== 'all').map((c) => c.cohort)).toEqual(ORIGINS.slice(0, 10).map((o) => `origin=${o}`));
    expect(d.cohorts_skipped).toEqual([expect.objectContaining({ attribute: 'origin', values_total: 45, compared: 10, skipped: ORIGINS.slice(10) })]);
    expect(model.limitations.some((l) => l.text.startsWith('Drift compared the 10 largest of the 45 cohorts of origin'))).toBe(true);
    expect(renderReportHtml(model)).toContain('origin has 45 values: the 10 largest cohorts are compared; 35 smaller ones');
  });
});
