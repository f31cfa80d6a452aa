/**
 * A realistic engine session, run as a child process by no-network.test.ts under strace:
 * generate the demo bundle (small scale), open it, ask every analysis, run console SQL, close.
 * Usage: node --import tsx test/engine/hardening/netSession.ts <workDir>
 * Prints one JSON line: { ran: string[], failed: { call, error }[], newBesideBundle: string[] } (files that
 * appeared next to the bundle folder during the session: none expected; the workspace file is only written on save). Calls that are not implemented yet
 * (or fail) are recorded and the session goes on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../electron/engine/engine';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';

const workDir = process.argv[2];
if (!workDir) {
  process.stderr.write('usage: netSession.ts <workDir>\n');
  process.exit(2);
}

const ran: string[] = [];
const failed: { call: string; error: string }[] = [];
async function step<T>(call: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    const out = await fn();
    ran.push(call);
    return out;
  } catch (e) {
    failed.push({ call, error: e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e) });
    return undefined;
  }
}

const bundle = path.join(workDir, 'demo');
await generateDemoBundle({ outDir: bundle, seed: 42, scale: 0.2, spansFormat: 'jsonl' });
ran.push('generateDemoBundle');
const beside = new Set(fs.readdirSync(workDir));
const engine = createEngine({ dataDir: path.join(workDir, 'data'), memoryLimit: '1GB', threads: 2 });
const summary = await engine.openBundle({ path: bundle, jobId: 'open' });
ran.push('openBundle');
const bundleId = summary.bundleId;

const options = await step('driftOptions', () => engine.driftOptions({ bundleId }));
const releases = options?.releases ?? [];
if (releases.length >= 2) {
  await step('computeDrift', () =>
    engine.computeDrift({
      bundleId,
      table: 'records',
      baseline: { key: 'release', value: (releases[0] as { release_id: string }).release_id },
      current: { key: 'release', value: (releases[releases.length - 1] as { release_id: string }).release_id },
      by: 'week',
    }),
  );
}
await step('lineage', () => engine.lineage({ bundleId }));
await step('coverage', () => engine.coverage({ bundleId }));
await step('evals', () => engine.evals({ bundleId }));
await step('health', () => engine.health({ bundleId }));
await step('posture', () => engine.posture({ bundleId }));
await step('overview', () => engine.overview({ bundleId }));
await step('listRejects', () => engine.listRejects({ bundleId, offset: 0, limit: 10 }));
await step('runSql', () => engine.runSql({ bundleId, sql: 'SELECT model_version, count(*) AS n FROM spans GROUP BY ALL ORDER BY ALL' }));
await step('runSql refused (httpfs URL)', async () => {
  try {
    await engine.runSql({ bundleId, sql: "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')" });
  } catch (e) {
    if ((e as { code?: string }).code === 'sql_refused') return;
    throw e;
  }
  throw new Error('the URL read was not refused');
});
await step('loadWorkspace', () => engine.loadWorkspace({ bundleId }));
await step('reportPreview', () => engine.reportPreview({ bundleId }));
await step('recentBundles', () => engine.recentBundles({}));
await engine.closeBundle({ bundleId });
ran.push('closeBundle');
await engine.dispose();
const newBesideBundle = fs.readdirSync(workDir).filter((f) => !beside.has(f) && f !== 'data');
process.stdout.write(`${JSON.stringify({ ran, failed, newBesideBundle })}\n`);
