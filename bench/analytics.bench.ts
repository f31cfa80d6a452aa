/**
 * Analytics benchmark: every analytics call on the demo bundle at a given scale (default 50 ≈ 1M spans).
 *   npx tsx bench/analytics.bench.ts [--scale 50] [--bundle DIR] [--repeat 3]
 * Generates the bundle into a temp dir unless --bundle names an existing one, imports it once, then times each call
 * `repeat` times (median reported) next to a floor: one scan of spans summing duration_ms.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoBundle } from '../electron/engine/demo/generate';
import { createEngine } from '../electron/engine/engine';
import { queryValue } from '../electron/engine/db';

const { values } = parseArgs({ options: { scale: { type: 'string' }, bundle: { type: 'string' }, repeat: { type: 'string' } } });
const scale = Number(values.scale ?? 50);
const repeat = Number(values.repeat ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-analytics-bench-'));
  const bundle = values.bundle ?? path.join(tmp, 'bundle');
  try {
    if (!values.bundle || !existsSync(path.join(bundle, 'manifest.json'))) {
      const t0 = performance.now();
      const g = await generateDemoBundle({ outDir: bundle, seed: 42, scale, spansFormat: 'parquet' });
      console.log(`generate: scale ${scale}, ${g.spans} spans, ${g.records} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const engine = createEngine({ dataDir: path.join(tmp, 'data') });
    const t1 = performance.now();
    const summary = await engine.openBundle({ path: bundle });
    console.log(`import: ${((performance.now() - t1) / 1000).toFixed(1)} s; ${summary.tables.map((t) => `${t.name} ${t.rows}`).join(', ')}`);
    const { bundleId } = summary;
    const conn = engine.context.session(bundleId).conn;
    const calls: [string, () => Promise<unknown>][] = [
      ['floor: scan spans (count, sum duration_ms)', () => queryValue(conn, 'select count(*) + coalesce(sum(duration_ms), 0) from spans')],
      ['lineage (graph, completeness, change log)', () => engine.lineage({ bundleId })],
      ['lineage --id (one trace)', () => engine.lineage({ bundleId, id: 'no-such-id' })],
      ['coverage', () => engine.coverage({ bundleId })],
      ['evals', () => engine.evals({ bundleId })],
      ['health', () => engine.health({ bundleId })],
      ['posture (includes coverage, evals, health)', () => engine.posture({ bundleId })],
      ['overview (all of the above once)', () => engine.overview({ bundleId })],
    ];
    console.log(`\n| call | median ms (of ${repeat}) | min ms |\n|---|---:|---:|`);
    for (const [name, fn] of calls) {
      const times: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const t = performance.now();
        await fn();
        times.push(performance.now() - t);
      }
      console.log(`| ${name} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)} |`);
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
