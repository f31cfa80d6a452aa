/**
 * A/B of the engine work behind the Overview and the report preview, in ONE process and load window: the code
 * of another checkout (--base DIR: e.g. `git worktree add --detach /tmp/base <commit>`, with a node_modules
 * symlink) against this one, alternating, on the same demo bundle (seed 42). Prints wall time, this process's
 * CPU time (DuckDB's threads included) and the number of SQL statements, with the load average: on a shared
 * machine the CPU time and the statement counts compare far better than wall times.
 *   npx tsx bench/ab.bench.ts --base /tmp/base [--what overview|preview] [--rounds 2] [--scale 1]
 * overview = overview + posture at once, as the app asks right after import; preview = reportPreview after the
 * Overview (the report reuses what the Overview computed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { installQueryStats, takeQueryStats } from './queryStats';

const { values } = parseArgs({ options: { base: { type: 'string' }, what: { type: 'string' }, rounds: { type: 'string' }, scale: { type: 'string' } } });
const here = path.resolve(import.meta.dirname, '..');
const roots: [string, string][] = values.base ? [['base', path.resolve(values.base)], ['this', here]] : [['this', here]];
const what = values.what ?? 'overview';

interface EngineLike {
  openBundle(a: { path: string }): Promise<{ bundleId: string }>;
  overview(a: { bundleId: string }): Promise<unknown>;
  posture(a: { bundleId: string }): Promise<unknown>;
  reportPreview(a: { bundleId: string }): Promise<unknown>;
  dispose(): Promise<void>;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-ab-bench-'));
  try {
    const { generateDemoBundle } = (await import(path.join(here, 'electron/engine/demo/generate.ts'))) as typeof import('../electron/engine/demo/generate');
    const bundle = path.join(tmp, 'bundle');
    await generateDemoBundle({ outDir: bundle, seed: 42, scale: Number(values.scale ?? 1), spansFormat: 'parquet' });
    installQueryStats();
    for (let round = 0; round < Number(values.rounds ?? 2); round++) {
      for (const [name, root] of roots) {
        const { createEngine } = (await import(path.join(root, 'electron/engine/engine.ts'))) as { createEngine: (o: { dataDir: string }) => EngineLike };
        const engine = createEngine({ dataDir: path.join(tmp, `data-${name}-${round}`) });
        const { bundleId } = await engine.openBundle({ path: bundle });
        if (what === 'preview') await engine.overview({ bundleId });
        takeQueryStats();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        if (what === 'preview') await engine.reportPreview({ bundleId });
        else await Promise.all([engine.overview({ bundleId }), engine.posture({ bundleId })]);
        const wall = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const q = takeQueryStats();
        console.log(
          `${name.padEnd(4)} round ${round}: ${what} ${(wall / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, ${q.queries} SQL statements (load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`,
        );
        await engine.dispose();
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
