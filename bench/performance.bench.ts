/**
 * Performance & fairness benchmark: N records (half in release r1, half in r2) × 2 attributes (8 × 5 values: an
 * intersection of 40 groups), labels, predictions and scores generated inside DuckDB. Times every metric (per-group
 * classification metrics with intervals, AUC + DeLong, Brier, ECE and reliability, disparities, r1 → r2 changes)
 * against the floor (one scan summing the columns), in the same run. Optionally exports the data to CSV and times
 * bench/performance_sklearn.py (NumPy / scikit-learn on in-memory arrays) on it, and compares the AUCs.
 *
 *   npx tsx bench/performance.bench.ts [--rows 1000000] [--runs 3] [--sklearn]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { memoryDb, queryRows, quoteLiteral } from '../electron/engine/db';
import { performanceReport } from '../electron/engine/analytics/performance';
import type { PerformanceRequest } from '../shared/api/performance';

const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' }, sklearn: { type: 'boolean' } } });
const ROWS = Number(values.rows ?? 1_000_000);
const RUNS = Number(values.runs ?? 3);

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
  const u = (k: number) => `(((hash(i * 16 + ${k}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0)`;
  // latent risk ~ normal; the score sees it with noise (4 decimals: ties); group a1 = 'a7' is scored worse in r2.
  await conn.run(`create table records as
    with x as (
      select i, case when i % 2 = 0 then 'r1' else 'r2' end as release_id,
             'a' || (hash(i * 16 + 1) % 8)::VARCHAR as a1, 'b' || (hash(i * 16 + 2) % 5)::VARCHAR as a2,
             sqrt(-2 * ln(${u(3)})) * cos(2 * pi() * ${u(4)}) as z, sqrt(-2 * ln(${u(5)})) * cos(2 * pi() * ${u(6)}) as e, ${u(7)} as v, ${u(8)} as m
        from range(${ROWS}) t(i))
    select i as record_id, 'serving' as split, release_id, a1, a2,
           round(1 / (1 + exp(-(z + e * case when release_id = 'r2' and a1 = 'a7' then 2.5 else 0.8 end) + 2.5)), 4) as score,
           case when m < 0.1 then NULL when v < 1 / (1 + exp(-(1.4 * z - 3))) then '1' else '0' end as label
      from x`);
  await conn.run(`alter table records add column prediction VARCHAR`);
  await conn.run(`update records set prediction = case when score >= 0.2 then '1' else '0' end`);
}

async function main(): Promise<void> {
  const { conn } = await memoryDb();
  const threads = await queryRows(conn, "select current_setting('threads') as t");
  const built = await timed(() => build(conn));
  const shape = await queryRows(conn, "select count(*) as n, count(label) as labelled, count(distinct score) as scores, count(distinct (a1, a2)) as groups from records");
  console.log(`built ${ROWS} records in ${built.ms.toFixed(0)} ms (threads ${String(threads[0]?.['t'])}): ${JSON.stringify(shape[0])}`);

  const floorSql = `select count(*), sum(score), count(label), count_if(prediction = '1'), count(distinct a1 || a2) from records where split = 'serving'`;
  const floor: number[] = [];
  for (let r = 0; r < Math.max(3, RUNS); r++) floor.push((await timed(() => queryRows(conn, floorSql))).ms);

  const req: Omit<PerformanceRequest, 'bundleId'> = {
    by: ['a1', 'a2'],
    baseline: { key: 'release', value: 'r1' },
    current: { key: 'release', value: 'r2' },
    positive: '1',
    predictedPositive: ['1'],
  };
  const ours: number[] = [];
  let report = await performanceReport(conn, req);
  for (let r = 0; r < RUNS; r++) {
    const t = await timed(() => performanceReport(conn, req));
    ours.push(t.ms);
    report = t.value;
  }
  const single: number[] = [];
  for (let r = 0; r < RUNS; r++) single.push((await timed(() => performanceReport(conn, { by: ['a1', 'a2'], positive: '1', predictedPositive: ['1'] }))).ms);
  const f = median(floor);
  console.log(`floor (one scan of the columns): median ${f.toFixed(0)} ms of [${floor.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`all metrics, 40 groups × 2 releases + changes + disparities: median ${median(ours).toFixed(0)} ms of [${ours.map((x) => x.toFixed(0)).join(', ')}] = ${(median(ours) / f).toFixed(1)}× floor`);
  console.log(`one selection (all rows), 40 groups + disparities: median ${median(single).toFixed(0)} ms of [${single.map((x) => x.toFixed(0)).join(', ')}]`);
  const drops = report.changes.filter((c) => c.metric === 'auc' && c.excludes_zero && (c.diff ?? 0) < 0).map((c) => c.group);
  console.log(`groups: ${report.groups.length}; AUC drops whose interval excludes 0: ${drops.join(', ') || 'none'}`);

  if (values.sklearn) {
    const dir = join(tmpdir(), `performance-bench-${ROWS}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'records.csv');
    await conn.run(
      `copy (select case when release_id = 'r1' then 0 else 1 end as rel, substr(a1, 2)::INTEGER as a1, substr(a2, 2)::INTEGER as a2, score,
                    coalesce(label::INTEGER, -1) as label, prediction::INTEGER as prediction from records order by record_id) to ${quoteLiteral(file)} (header, delimiter ',')`,
    );
    console.log(`exported CSV to ${file}; running bench/performance_sklearn.py`);
    const py = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'performance_sklearn.py'), file], { encoding: 'utf8' });
    process.stdout.write(py.stdout.split('\n').filter((l) => !l.startsWith('{')).join('\n'));
    if (py.status !== 0) process.stderr.write(py.stderr);
    const line = py.stdout.split('\n').find((l) => l.startsWith('{'));
    if (line) {
      const ref = JSON.parse(line) as Record<string, number>;
      let max = 0;
      let n = 0;
      for (const g of report.groups) {
        if (g.group === '(all)') continue;
        const key = `${g.selection === 'baseline' ? 0 : 1}:${g.parts.map((p) => (p.value ?? '').slice(1)).join(':')}`;
        const theirs = ref[key];
        const mine = g.classification?.auc.value;
        if (theirs === undefined || mine === null || mine === undefined) continue;
        max = Math.max(max, Math.abs(theirs - mine));
        n++;
      }
      console.log(`agreement with scikit-learn roc_auc_score over ${n} group × release AUCs: max |Δ| = ${max.toExponential(2)}`);
    }
  }
}

await main();
