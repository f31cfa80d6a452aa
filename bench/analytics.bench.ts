/**
 * Analytics benchmark and result snapshot: opens a bundle once and runs each analysis behind the Overview, posture,
 * lineage, coverage, health, evals, performance and the report preview, in a fresh engine per analysis group, counting
 * the SQL statements each one sends to DuckDB and their total time (by wrapping the connection's run calls).
 *   npx tsx bench/analytics.bench.ts --bundle DIR [--out DIR] [--only overview,posture]
 * With --out, every result is also written as JSON (byte-for-byte comparable between two versions of the code).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBConnection } from '@duckdb/node-api';
import { createEngine } from '../electron/engine/engine';

const { values } = parseArgs({ options: { bundle: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' }, top: { type: 'string' } } });
if (!values.bundle) throw new Error('--bundle DIR is required');
const load = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');

// Every statement an analysis sends goes through one of these (runAndReadAll calls run; none calls another).
const stats = { n: 0, ms: 0, perSql: new Map<string, { n: number; ms: number }>() };
const proto = DuckDBConnection.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
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
      const key = String(args[0]).replace(/\s+/g, ' ').slice(0, 140);
      const e = stats.perSql.get(key) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += ms;
      stats.perSql.set(key, e);
    }
  };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-analytics-bench-'));
  const only = values.only?.split(',');
  const engine = createEngine({ dataDir: path.join(tmp, 'data') });
  if (values.out) mkdirSync(values.out, { recursive: true });
  try {
    const { bundleId } = await engine.openBundle({ path: values.bundle as string });
    const steps: [string, () => Promise<unknown>][] = [
      ['overview+posture', () => Promise.all([engine.overview({ bundleId }), engine.posture({ bundleId })])],
      ['lineage', () => engine.lineage({ bundleId })],
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
        for (const [sql, e] of top) console.log(`    ${Math.round(e.ms)} ms ×${e.n}  ${sql}`);
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
