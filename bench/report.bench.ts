/**
 * Report benchmark: where the audit report's time goes, phase by phase.
 *   npx tsx bench/report.bench.ts [--bundle DIR] [--scale 1] [--as-of ISO] [--params params.json] [--prefetch] [--calls] [--queries] [--preview-only] [--repeat 1 | --concurrency 1,2,…] [--out report.pdf]
 * Generates the demo bundle (seed 42) into a temp dir unless --bundle names one, imports it, then times each engine call
 * the report makes, the model, the HTML, the Chromium print and the pdf-lib post-processing. Prints the load average
 * beside the numbers: the machine is shared, so compare ratios within one run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoBundle } from '../electron/engine/demo/generate';
import { createEngine } from '../electron/engine/engine';
import { computeReport, renderReportPdf, reportAttachments } from '../electron/engine/report/service';
import { chromiumPrinter } from '../electron/engine/report/pdf';
import { renderReportHtml } from '../electron/engine/report/html/render';
import type { ReportSource } from '../electron/engine/report/gather';
import { defaultWorkspace } from '../electron/engine/workspace/workspaceFile';
import { formatQueryStats, installQueryStats, takeQueryStats } from './queryStats';

const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    bundle: { type: 'string' },
    'as-of': { type: 'string' },
    /** A params.json for the report (e.g. drift windows for a bundle without releases). */
    params: { type: 'string' },
    repeat: { type: 'string' },
    out: { type: 'string' },
    /** Compute the Overview first, as the app does right after import, so the report can reuse its results. */
    prefetch: { type: 'boolean' },
    /** Print every computeDrift call with its time. */
    calls: { type: 'boolean' },
    /** Count the SQL statements of the overview prefetch and of the model, by shape (bench/queryStats.ts). */
    queries: { type: 'boolean' },
    /** Drift comparisons in flight at once, per run, e.g. "1,2,1,2" (A/B in one process; default the report's own). */
    concurrency: { type: 'string' },
    /** Stop after the model and HTML (the preview): no Chromium print. */
    'preview-only': { type: 'boolean' },
  },
});
const scale = Number(values.scale ?? 1);
const concurrencies = values.concurrency ? values.concurrency.split(',').map(Number) : null;
const repeat = concurrencies ? concurrencies.length : Number(values.repeat ?? 1);
const load = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const s = (ms: number): string => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-report-bench-'));
  const bundle = values.bundle ?? path.join(tmp, 'bundle');
  try {
    if (!values.bundle || !existsSync(bundle)) {
      const g = await generateDemoBundle({ outDir: bundle, seed: 42, scale, spansFormat: 'parquet' });
      console.log(`generated demo scale ${scale}: ${g.spans} spans, ${g.records} records`);
    }
    if (values.queries) installQueryStats();
    const engine = createEngine({ dataDir: path.join(tmp, 'data') });
    const printPdf = chromiumPrinter();
    let t = performance.now();
    const summary = await engine.openBundle({ path: bundle });
    console.log(`import ${s(performance.now() - t)} s (load ${load()}); ${summary.tables.map((x) => `${x.name} ${x.rows}`).join(', ')}`);
    const { bundleId } = summary;
    takeQueryStats();
    if (values.prefetch) {
      t = performance.now();
      const cpuOverview = process.cpuUsage();
      await engine.overview({ bundleId });
      const cpu = process.cpuUsage(cpuOverview);
      console.log(`overview prefetch (the app, right after import) ${s(performance.now() - t)} s (load ${load()}); CPU ${s((cpu.user + cpu.system) / 1000)} s`);
      if (values.queries) console.log(formatQueryStats(takeQueryStats()));
    }
    for (let run = 1; run <= repeat; run++) {
      // Every engine call the report makes, timed where it is made.
      const timings = new Map<string, number>();
      const calls = new Map<string, number>();
      const timed = <K extends keyof ReportSource>(name: K): ReportSource[K] =>
        (async (args: never) => {
          const t0 = performance.now();
          // The drift section's chart runs (PSI bins for KS / Wasserstein results) are timed apart from its comparisons.
          const a = args as { methods?: string[]; cohort_by?: string };
          const label = name === 'computeDrift' && a.methods?.length === 1 && a.methods[0] === 'psi' ? 'computeDrift (chart bins)' : name;
          try {
            return await (engine[name] as (a: never) => Promise<unknown>)(args);
          } finally {
            timings.set(label, (timings.get(label) ?? 0) + performance.now() - t0);
            if (values.calls && name === 'computeDrift') {
              const d = args as { table: string; cohort_by?: string; columns?: string[] };
              console.log(`    ${label} ${d.table} ${d.cohort_by ? `by ${d.cohort_by}` : 'all'} ${d.columns ? `${d.columns.length} column(s)` : ''} ${s(performance.now() - t0)} s`);
            }
            calls.set(label, (calls.get(label) ?? 0) + 1);
          }
        }) as unknown as ReportSource[K];
      const source = Object.fromEntries(
        (['getSummary', 'lineage', 'coverage', 'evals', 'health', 'posture', 'driftOptions', 'computeDrift', 'runSql', 'performanceScan'] as const).map((k) => [k, timed(k)]),
      ) as unknown as ReportSource;
      const ws = defaultWorkspace(summary.integrity.root_hash, summary.exporter ?? '');
      const signoff = { ...ws.signoff, system: ws.signoff.system || 'benchmark system', auditor: 'Bench Auditor' };
      const params = { ...(values.params ? (JSON.parse(readFileSync(values.params, 'utf8')) as Record<string, unknown>) : {}), ...(values['as-of'] ? { as_of: values['as-of'] } : {}) };
      const driftConcurrency = concurrencies?.[run - 1];
      console.log(`\nrun ${run}${driftConcurrency ? `, drift concurrency ${driftConcurrency}` : ''} (load ${load()})`);
      const cpu0 = process.cpuUsage();
      t = performance.now();
      const { model, json } = await computeReport(source, { bundleId, signoff, findings: [], params, ...(driftConcurrency ? { driftConcurrency } : {}) });
      const modelMs = performance.now() - t;
      for (const [k, v] of [...timings.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(26)} ${s(v)} s (${calls.get(k)} call(s))`);
      const cpuModel = process.cpuUsage(cpu0);
      console.log(`model total    ${s(modelMs)} s; CPU ${s((cpuModel.user + cpuModel.system) / 1000)} s`);
      if (values.queries) console.log(formatQueryStats(takeQueryStats()));
      t = performance.now();
      const html = renderReportHtml(model);
      console.log(`html           ${s(performance.now() - t)} s (${(html.length / 1024).toFixed(0)} KiB); preview = model + html ${s(modelMs + performance.now() - t)} s`);
      if (values['preview-only']) continue;
      t = performance.now();
      const attachments = await reportAttachments(json, summary.path, summary);
      const pdf = await renderReportPdf(model, json, printPdf, attachments);
      console.log(`html+print+pdf ${s(performance.now() - t)} s (${pdf.pages} pages, ${(pdf.bytes.length / 1024).toFixed(0)} KiB)`);
      const cpu = process.cpuUsage(cpu0);
      console.log(`report total   ${s(modelMs + performance.now() - t)} s (load ${load()}); this process's CPU ${s((cpu.user + cpu.system) / 1000)} s (Chromium's not counted)`);
      if (values.out) writeFileSync(values.out, pdf.bytes);
    }
    await engine.dispose();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
