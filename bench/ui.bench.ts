/**
 * UI budget benchmark: the engine work behind each screen's first answer, as the renderer asks for it, on the demo
 * bundle (default scale 1) or a bigger one. Cold = the first call after import; the renderer caches results per
 * session, so a warm visit costs no engine time (its renderer-side latency is measured by test/e2e/latency.e2e.ts).
 *   npx tsx bench/ui.bench.ts [--scale 1] [--bundle DIR]
 * Prints one row per screen with the calls behind it and the load average at that moment (the machine is shared).
 * Budgets (issue 15, on a quiet machine): every screen's first answer ≤ 1 s on the demo; a drill-down ≤ 300 ms warm.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoBundle } from '../electron/engine/demo/generate';
import { createEngine } from '../electron/engine/engine';
import type { DriftRequest } from '../shared/api/drift';

const { values } = parseArgs({ options: { scale: { type: 'string' }, bundle: { type: 'string' } } });
const scale = Number(values.scale ?? 1);

const load = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-ui-bench-'));
  const bundle = values.bundle ?? path.join(tmp, 'bundle');
  try {
    if (!values.bundle || !existsSync(path.join(bundle, 'manifest.json'))) await generateDemoBundle({ outDir: bundle, seed: 42, scale, spansFormat: scale > 5 ? 'parquet' : 'jsonl' });
    const engine = createEngine({ dataDir: path.join(tmp, 'data') });
    const rows: { screen: string; calls: string; ms: number; load: string }[] = [];
    const time = async <T>(screen: string, calls: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const out = await fn();
      rows.push({ screen, calls, ms: performance.now() - t0, load: load() });
      return out;
    };
    const summary = await time('Import summary', 'openBundle', () => engine.openBundle({ path: bundle }));
    const { bundleId } = summary;
    {
      // As the renderer asks right after import: the full Overview, posture, the Overview without its scans and the
      // one before its checks, all at once; each row is the time until that answer arrived.
      const t0 = performance.now();
      const all = Promise.all([engine.overview({ bundleId }), engine.posture({ bundleId })]);
      const quick = engine.overview({ bundleId, scans: false });
      await engine.overview({ bundleId, checks: false });
      rows.push({ screen: 'Overview (first answer)', calls: 'overview before its checks (period, releases, import findings), beside the next rows', ms: performance.now() - t0, load: load() });
      await quick;
      rows.push({ screen: 'Overview (checks)', calls: 'overview without the drift and performance scans', ms: performance.now() - t0, load: load() });
      await all;
      rows.push({ screen: 'Overview (complete)', calls: 'overview + posture (prefetched after import)', ms: performance.now() - t0, load: load() });
    }
    const options = await time('Drift (options)', 'driftOptions', () => engine.driftOptions({ bundleId }));
    const d = options.defaults;
    if (d.table && d.baseline && d.current) {
      const req: DriftRequest = { bundleId, table: d.table, baseline: d.baseline, current: d.current };
      const report = await time('Drift (table: first answer)', 'computeDrift, every column', () => engine.computeDrift(req));
      await time('Drift (sparklines, after the table)', 'computeDrift, every column, weekly series', () => engine.computeDrift({ ...req, by: 'week' }));
      const attr = options.cohort_attributes[0];
      if (attr) {
        await time(`Drift (heatmap, ${attr.values.length} ${attr.attribute} values)`, 'computeDrift with cohort_by: every value in one pass, as the screen asks', () =>
          engine.computeDrift({ ...req, cohort_by: attr.attribute }),
        );
      }
      const numeric = report.results.find((r) => r.column_kind === 'numeric' && !r.bins?.length);
      if (numeric) {
        const one = { bundleId, table: d.table, baseline: d.baseline, current: d.current, columns: [numeric.column], methods: ['psi' as const] };
        await time('Drift drill-down (cold)', `computeDrift ${numeric.column}, psi bins`, () => engine.computeDrift(one));
        await time('Drift drill-down (engine again)', 'same call (the renderer would answer from its cache)', () => engine.computeDrift(one));
      }
    }
    await time('Coverage', 'coverage', () => engine.coverage({ bundleId }));
    await time('Lineage', 'lineage', () => engine.lineage({ bundleId }));
    await time('Releases', 'health', () => engine.health({ bundleId }));
    await time('Evals', 'evals', () => engine.evals({ bundleId }));
    // The Traces screen's first list: the newest 1,000 spans, the columns it shows.
    const list = 'SELECT trace_id, span_id, name, service_name, model_name, status_code, duration_ms, start_time FROM spans ORDER BY start_time DESC, span_id LIMIT 1000';
    await time('Traces', 'runSql: newest 1,000 spans', () => engine.runSql({ bundleId, sql: list, limit: 1000 }));
    await time('Report preview', 'reportPreview', () => engine.reportPreview({ bundleId }));
    console.log(`bundle: ${values.bundle ?? `demo scale ${scale}`}; ${summary.tables.map((t) => `${t.name} ${t.rows}`).join(', ')}`);
    console.log('| screen | engine calls | ms | load average (1/5/15 min) |\n|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.screen} | ${r.calls} | ${Math.round(r.ms).toLocaleString('en-US')} | ${r.load} |`);
    await engine.dispose();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
