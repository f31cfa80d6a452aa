/**
 * Drift benchmark: N baseline + N current rows × 20 numeric + 5 categorical columns generated inside
 * DuckDB, every column with its default method, against the exact floor — one `GROUP BY value` per column
 * with per-side counts, the least an exact comparison of two empirical distributions must do — in the same
 * run, with the load average beside every figure. Optionally exports the data to CSV and times
 * bench/drift_scipy.py on it.
 *
 *   npx tsx bench/drift.bench.ts [--rows 1000000] [--runs 2] [--scipy] [--sorted]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { memoryDb, queryRows, quoteLiteral } from '../electron/engine/db';
import { computeDrift, type DriftArgs } from '../electron/engine/drift/compute';

const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' }, scipy: { type: 'boolean' }, sorted: { type: 'boolean' } } });
const load = (): string => `load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`;
const ROWS = Number(values.rows ?? 1_000_000);
const RUNS = Number(values.runs ?? 2);
const NUMERIC = Array.from({ length: 20 }, (_, k) => `x${k + 1}`);
const CATEGORICAL = Array.from({ length: 5 }, (_, k) => `c${k + 1}`);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function build(conn: DuckDBConnection): Promise<void> {
  // uniform in (0,1) from a hash of (row, column); Box–Muller for normal columns.
  const u = (i: string, k: number) => `(((hash(${i} * 64 + ${k}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0)`;
  const num = NUMERIC.map((name, k) => {
    const normal = `sqrt(-2 * ln(${u('i', 2 * k)})) * cos(2 * pi() * ${u('i', 2 * k + 1)})`;
    // columns x1..x3 drift on the current side (mean shift 0.05, 0.1, 0.2); x4 gets 2% nulls on the current side
    const shift = k < 3 ? `case when i >= ${ROWS} then ${[0.05, 0.1, 0.2][k]} else 0 end` : '0';
    const nulls = k === 3 ? `case when i >= ${ROWS} and hash(i * 64 + 60) % 50 = 0 then null else 1 end` : '1';
    const scale = k % 2 === 0 ? '1' : `${k + 1}`;
    return `(${normal}) * ${scale} + ${shift} * ${nulls} * ${scale} as ${name}`;
  });
  const cat = CATEGORICAL.map((name, k) => {
    const card = [3, 5, 8, 12, 20][k] as number;
    const skew = k === 0 ? `case when i >= ${ROWS} and hash(i * 64 + 61) % 10 = 0 then 0 else hash(i * 64 + ${50 + k}) % ${card} end` : `hash(i * 64 + ${50 + k}) % ${card}`;
    return `'k' || (${skew})::VARCHAR as ${name}`;
  });
  await conn.run(`create table bench as
    select i, case when i < ${ROWS} then 'base' else 'cur' end as dataset_version,
      TIMESTAMP '2026-01-01' + to_seconds(i) as ts, ${[...num, ...cat].join(', ')}
    from range(${2 * ROWS}) t(i)`);
}

async function main(): Promise<void> {
  const { conn } = await memoryDb();
  const threads = await queryRows(conn, "select current_setting('threads') as t");
  const built = await timed(() => build(conn));
  console.log(`built ${2 * ROWS} rows × ${NUMERIC.length + CATEGORICAL.length} columns in ${built.ms.toFixed(0)} ms (threads ${String(threads[0]?.['t'])})`);

  // The exact floor: per column, one hash aggregation of its values with a count per side (what any exact
  // two-sample comparison needs at least); the summing scan of the earlier target is kept for reference.
  const groupSql = (c: string) =>
    `select count(*) as groups, sum(cb) as nb, sum(cc) as nc from (select ${c} as v, count(*) filter (where dataset_version = 'base') as cb, count(*) filter (where dataset_version = 'cur') as cc from bench where dataset_version in ('base', 'cur') group by v)`;
  const floorOnce = async () => {
    for (const c of [...NUMERIC, ...CATEGORICAL]) await queryRows(conn, groupSql(c));
  };
  const sumSql = `select ${[...NUMERIC.map((c) => `sum(${c})`), ...CATEGORICAL.map((c) => `sum(length(${c}))`)].join(', ')} from bench where dataset_version in ('base', 'cur')`;
  const sumScan: number[] = [];
  for (let r = 0; r < 3; r++) sumScan.push((await timed(() => queryRows(conn, sumSql))).ms);

  const args: DriftArgs = {
    table: 'bench',
    columns: [...NUMERIC, ...CATEGORICAL],
    baseline: { key: 'dataset_version', value: 'base' },
    current: { key: 'dataset_version', value: 'cur' },
  };
  // Interleaved in the same process: the floor and the default pass (and, with --sorted, the full-sort ECDF).
  const drift: number[] = [];
  const floor: number[] = [];
  const before: number[] = [];
  const loads: string[] = [];
  let report = await computeDrift(conn, args);
  for (let r = 0; r < RUNS; r++) {
    loads.push(load());
    floor.push((await timed(floorOnce)).ms);
    if (values.sorted) before.push((await timed(() => computeDrift(conn, args, { ecdf: 'sorted' }))).ms);
    const t = await timed(() => computeDrift(conn, args));
    drift.push(t.ms);
    report = t.value;
  }
  const ksPsi: number[] = [];
  for (let r = 0; r < RUNS; r++) ksPsi.push((await timed(() => computeDrift(conn, { ...args, columns: NUMERIC, methods: ['ks', 'wasserstein', 'psi'] }))).ms);

  const f = median(floor);
  const d = median(drift);
  console.log(`loads at each run: ${loads.join(' | ')}; now ${load()}`);
  console.log(`(reference) one scan summing ${NUMERIC.length + CATEGORICAL.length} columns: median ${median(sumScan).toFixed(0)} ms of [${sumScan.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`exact floor (one GROUP BY value per column, per-side counts, ${NUMERIC.length + CATEGORICAL.length} columns): median ${f.toFixed(0)} ms of [${floor.map((x) => x.toFixed(0)).join(', ')}]`);
  if (before.length) {
    const b = median(before);
    console.log(`ecdf sorted, all columns, default methods: median ${b.toFixed(0)} ms of [${before.map((x) => x.toFixed(0)).join(', ')}] = ${(b / f).toFixed(2)}× floor`);
  }
  console.log(`drift (default exact pass, with intervals), all columns, default methods: median ${d.toFixed(0)} ms of [${drift.map((x) => x.toFixed(0)).join(', ')}] = ${(d / f).toFixed(2)}× floor`);
  console.log(`drift, 20 numeric columns, ks + wasserstein + psi: median ${median(ksPsi).toFixed(0)} ms of [${ksPsi.map((x) => x.toFixed(0)).join(', ')}] (${load()})`);
  const flagged = report.results.filter((r) => r.drifted).map((r) => `${r.column}:${r.method}`);
  console.log(`methods: ${[...new Set(report.results.map((r) => r.method))].join(', ')}; drifted: ${flagged.join(', ') || 'none'}`);

  if (values.scipy) {
    const dir = join(tmpdir(), `drift-bench-${ROWS}`);
    mkdirSync(dir, { recursive: true });
    for (const side of ['base', 'cur']) {
      const file = join(dir, `${side}.csv`);
      const cols = [...NUMERIC, ...CATEGORICAL.map((c) => `substr(${c}, 2)::INTEGER as ${c}`)].join(', ');
      await conn.run(`copy (select ${cols} from bench where dataset_version = '${side}' order by i) to ${quoteLiteral(file)} (header, delimiter ',', nullstr 'nan')`);
    }
    console.log(`exported CSV to ${dir}; running bench/drift_scipy.py`);
    console.log(`before SciPy: ${load()}`);
    const py = spawnSync('python3', [join(import.meta.dirname, 'drift_scipy.py'), dir], { encoding: 'utf8' });
    console.log(`after SciPy: ${load()}`);
    process.stdout.write(py.stdout.split('\n').filter((l) => !l.startsWith('{')).join('\n'));
    if (py.status !== 0) process.stderr.write(py.stderr);
    const ours = new Map(
      (await computeDrift(conn, { ...args, columns: NUMERIC, methods: ['ks', 'wasserstein'] })).results.map((r) => [`${r.column}:${r.method}`, r.statistic]),
    );
    const scipyLine = py.stdout.split('\n').find((l) => l.startsWith('{'));
    if (scipyLine) {
      const ref = JSON.parse(scipyLine) as Record<string, { ks: number; w1: number }>;
      let maxKs = 0;
      let maxW = 0;
      for (const [col, v] of Object.entries(ref)) {
        maxKs = Math.max(maxKs, Math.abs((ours.get(`${col}:ks`) ?? Number.NaN) - v.ks));
        maxW = Math.max(maxW, Math.abs((ours.get(`${col}:wasserstein`) ?? Number.NaN) - v.w1) / Math.max(1e-300, Math.abs(v.w1)));
      }
      console.log(`agreement with SciPy over ${Object.keys(ref).length} columns: max |ΔD| = ${maxKs}, max relative ΔW1 = ${maxW.toExponential(2)}`);
    }
  }
}

await main();
