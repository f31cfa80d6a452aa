/**
 * Analytics benchmark and result snapshot: opens a bundle once and runs, in the order a user meets them, the analyses
 * behind the Overview (overview + posture, in parallel as the renderer asks), Lineage, the import checks, the Drift
 * table, Coverage, Releases, Evals, the performance scan and the report preview, counting the SQL statements each
 * sends to DuckDB and their time (by wrapping the connection's run calls). Later steps reuse what earlier ones computed (the session memo), as in the app.
 *   npx tsx bench/analyticsSql.bench.ts --bundle DIR [--out DIR] [--only overview+posture,lineage] [--top N] [--root CHECKOUT]
 * --out writes every result as JSON (compare two versions of the code byte for byte); --top N lists the N slowest
 * statements of each step; --root runs another checkout's engine (e.g. main, for a before/after in one sitting).
 * Statements of analyses that run in parallel wait for each other on the one connection: their SQL ms overlap.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { createEngine as CreateEngine } from '../electron/engine/engine';

const { values } = parseArgs({ options: { bundle: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' }, top: { type: 'string' }, root: { type: 'string' } } });
const root = path.resolve(values.root ?? path.join(import.meta.dirname, '..'));
const { DuckDBConnection: Connection } = (await import(pathToFileURL(path.join(root, 'node_modules/@duckdb/node-api/lib/index.js')).href)) as { DuckDBConnection: typeof DuckDBConnection };
const { createEngine } = (await import(pathToFileURL(path.join(root, 'electron/engine/engine.ts')).href)) as { createEngine: typeof CreateEngine };
if (!values.bundle) throw new Error('--bundle DIR is required');
const load = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');

// Every statement an analysis sends goes through one of these (runAndReadAll calls run; none calls another).
const stats = { n: 0, ms: 0, perSql: new Map<string, { n: number; ms: number }>() };
const proto = Connection.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
for (const name of ['run', 'stream', 'start', 'startStream']) {
  const orig = proto[name] as (...a: unknown[]) => Promise<unknown>;
  proto[name] = async function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return await orig.apply(this, args);
    } finally {
      const ms = performance.now() - t0;
      stats.n++;
      stats.ms += ms;
      const key = String(args[0]).replace(/\s+/g, ' ');
      const e = stats.perSql.get(key) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += ms;
      stats.perSql.set(key, e);
    }
  };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-analytics-sql-bench-'));
  const only = values.only?.split(',');
  const engine = createEngine({ dataDir: path.join(tmp, 'data') });
  if (values.out) mkdirSync(values.out, { recursive: true });
  try {
    const { bundleId } = await engine.openBundle({ path: values.bundle as string });
    const steps: [string, () => Promise<unknown>][] = [
      ['overview+posture', () => Promise.all([engine.overview({ bundleId }), engine.posture({ bundleId })])],
      ['lineage', () => engine.lineage({ bundleId })],
      ['importChecks', async () => (await engine.getSummary({ bundleId })).check_outcomes],
      [
        'driftTable',
        async () => {
          const d = (await engine.driftOptions({ bundleId })).defaults;
          return d.table && d.baseline && d.current ? engine.computeDrift({ bundleId, table: d.table, baseline: d.baseline, current: d.current }) : null;
        },
      ],
      ['coverage', () => engine.coverage({ bundleId })],
      ['health', () => engine.health({ bundleId })],
      ['evals', () => engine.evals({ bundleId })],
      ['performanceScan', () => engine.performanceScan({ bundleId })],
      ['reportPreview', () => engine.reportPreview({ bundleId })],
    ];
    console.log('| analysis | ms | SQL statements | SQL ms | load average |\n|---|---|---|---|---|');
    for (const [name, fn] of steps) {
      if (only && !only.includes(name)) continue;
      stats.n = 0;
      stats.ms = 0;
      stats.perSql.clear();
      const t0 = performance.now();
      const out = await fn();
      const ms = performance.now() - t0;
      console.log(`| ${name} | ${Math.round(ms).toLocaleString('en-US')} | ${stats.n} | ${Math.round(stats.ms).toLocaleString('en-US')} | ${load()} |`);
      if (values.top) {
        const top = [...stats.perSql.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(values.top));
        for (const [sql, e] of top) console.log(`    ${Math.round(e.ms)} ms ×${e.n}  ${sql.slice(0, 140)}`);
      }
      if (values.out) writeFileSync(path.join(values.out, `${name}.json`), JSON.stringify(out, null, 1));
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
