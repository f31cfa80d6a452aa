import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../../electron/engine/engine';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import { chromiumPrinter, readPdfAttachments } from '../../../electron/engine/report/pdf';
import type { Progress } from '../../../shared/api/common';
import type { ReportModel } from '../../../shared/api/report';

// The WorkspaceApi handlers through the real engine: workspace file next to the bundle, preview, export with progress.
describe('workspace handlers on the demo bundle', () => {
  let tmp: string;
  let bundle: string;
  let engine: Engine;
  const events: Progress[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-report-handlers-'));
    bundle = path.join(tmp, 'demo');
    await generateDemoBundle({ outDir: bundle, seed: 7, scale: 0.25, spansFormat: 'jsonl' });
    engine = createEngine({ dataDir: path.join(tmp, 'data'), onProgress: (p) => events.push(p), printPdf: chromiumPrinter() });
  });
  afterAll(async () => {
    await engine?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('loads a default workspace, saves it next to the bundle, previews and exports what it says', async () => {
    const { bundleId } = await engine.openBundle({ path: bundle });
    const first = await engine.loadWorkspace({ bundleId });
    expect(first.exists).toBe(false);
    expect(first.path).toBe(`${bundle}.auditdesk.json`);
    expect(first.workspace.findings).toEqual([]);

    const workspace = {
      ...first.workspace,
      signoff: { ...first.workspace.signoff, auditor: 'Ana Auditor', approver: 'Bo Approver' },
      params: { drift_tables: 'records', drift_cohort_attributes: 'region', as_of: '2026-09-02T00:00:00Z', some_ui_setting: true },
      findings: [
        {
          id: 'f-1',
          created_at: '2026-09-01T09:00:00Z',
          severity: 'high' as const,
          title: 'EU merchant_risk shift confirmed',
          note: 'Checked with the model owner.',
          source: { screen: 'drift', params: { column: 'merchant_risk' } },
          evidence: [{ column: 'merchant_risk', cohort: 'region=EU' }],
        },
      ],
    };
    const saved = await engine.saveWorkspace({ bundleId, workspace });
    expect(saved.path).toBe(first.path);
    expect(readdirSync(bundle)).not.toContain('demo.auditdesk.json');
    const again = await engine.loadWorkspace({ bundleId });
    expect(again).toMatchObject({ exists: true, notice: null });
    expect(again.workspace).toEqual(workspace);

    const { html } = await engine.reportPreview({ bundleId });
    expect(html).toContain('EU merchant_risk shift confirmed');
    expect(html).toContain('Ana Auditor');

    const out = path.join(tmp, 'report.pdf');
    const res = await engine.exportReport({ bundleId, outPath: out, jobId: 'export-1' });
    expect(res.path).toBe(out);
    expect(res.pages).toBeGreaterThan(1);
    expect(res.bytes).toBe(readFileSync(out).length);
    const phases = new Set(events.filter((e) => e.jobId === 'export-1').map((e) => e.phase));
    for (const p of ['compute', 'render', 'print', 'done']) expect(phases).toContain(p);

    const files = await readPdfAttachments(new Uint8Array(readFileSync(out)));
    const model = JSON.parse(new TextDecoder().decode(files.get('results.json'))) as ReportModel;
    expect(model.title.as_of).toBe('2026-09-02T00:00:00.000Z');
    expect(model.title.auditor).toBe('Ana Auditor');
    expect(model.auditor_findings.map((f) => f.id)).toEqual(['f-1']);
    expect(model.params.drift_tables).toEqual(['records']);
    expect(model.drift.status === 'ok' && model.drift.data.comparisons.map((c) => c.cohort)).toEqual(['all', 'region=APAC', 'region=EU', 'region=LATAM', 'region=US']);
  });

  it('reuses what was computed: analyses across screens and report, gathered inputs across sign-off edits; export refuses a missing auditor', async () => {
    const { bundleId } = await engine.openBundle({ path: bundle });
    // The Overview prefetch and the screens compute each analysis once per session; the report gets the same results.
    await engine.overview({ bundleId });
    expect(await engine.coverage({ bundleId })).toBe(await engine.coverage({ bundleId }));
    expect(await engine.posture({ bundleId })).toBe(await engine.posture({ bundleId }));
    const session = engine.context.session(bundleId);
    expect([...session.memo.keys()].map((k) => (JSON.parse(k) as string[])[0])).toEqual(expect.arrayContaining(['coverage', 'evals', 'health', 'overview', 'posture']));

    const ws = (await engine.loadWorkspace({ bundleId })).workspace;
    await engine.saveWorkspace({ bundleId, workspace: { ...ws, params: { ...ws.params, drift_cohort_attributes: 'none' } } });
    // Every drift computation runs as an engine job: count them.
    const jobs = vi.spyOn(engine.context, 'runJob');
    await engine.reportPreview({ bundleId });
    const firstRun = jobs.mock.calls.length;
    expect(firstRun).toBeGreaterThan(0);
    // Only the sign-off changes: the model is rebuilt from the inputs already gathered, no drift recomputed.
    await engine.saveWorkspace({ bundleId, workspace: { ...ws, params: { ...ws.params, drift_cohort_attributes: 'none' }, signoff: { ...ws.signoff, auditor: 'Ana Auditor 2' } } });
    const { html } = await engine.reportPreview({ bundleId });
    expect(html).toContain('Ana Auditor 2');
    expect(jobs.mock.calls.length).toBe(firstRun);
    jobs.mockRestore();

    await engine.saveWorkspace({ bundleId, workspace: { ...ws, signoff: { ...ws.signoff, auditor: '' } } });
    await expect(engine.exportReport({ bundleId, outPath: path.join(tmp, 'unsigned.pdf') })).rejects.toThrow(/cannot be signed off without: Auditor/);
    expect(readdirSync(tmp)).not.toContain('unsigned.pdf');
  });
});
