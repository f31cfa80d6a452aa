/**
 * Many cohorts: N rows × 20 numeric + 5 categorical columns with K cohort values, every cohort compared
 * in one grouped pass (cohort_by) against one computation per cohort value (timed on the first `--sample`
 * values and scaled to K), in the same run with the load average.
 *
 *   npx tsx bench/driftCohorts.bench.ts [--rows 4000] [--cohorts 1000] [--sample 50]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { memoryDb } from '../electron/engine/db';
import { computeDrift, type DriftArgs } from '../electron/engine/drift/compute';

const { values } = parseArgs({ options: { rows: { type: 'string' }, cohorts: { type: 'string' }, sample: { type: 'string' } } });
const ROWS = Number(values.rows ?? 4000);
const K = Number(values.cohorts ?? 1000);
const SAMPLE = Math.min(K, Number(values.sample ?? 50));
const NUMERIC = Array.from({ length: 20 }, (_, k) => `x${k + 1}`);
const CATEGORICAL = Array.from({ length: 5 }, (_, k) => `c${k + 1}`);
const load = (): string => `load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`;

const { conn } = await memoryDb();
const u = (k: number) => `(((hash(i * 64 + ${k}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0)`;
await conn.run(`create table bench as select i,
  case when i % 2 = 0 then 'base' else 'cur' end as dataset_version, TIMESTAMP '2026-01-01' + to_seconds(i) as ts,
  'v' || lpad(((hash(i * 64 + 63)) % ${K})::VARCHAR, 4, '0') as cohort,
  ${NUMERIC.map((c, k) => `sqrt(-2 * ln(${u(2 * k)})) * cos(2 * pi() * ${u(2 * k + 1)}) + case when i % 2 = 1 and ${k} < 3 then 0.3 else 0 end as ${c}`).join(', ')},
  ${CATEGORICAL.map((c, k) => `'k' || (hash(i * 64 + ${50 + k}) % ${[3, 5, 8, 12, 20][k]})::VARCHAR as ${c}`).join(', ')}
  from range(${ROWS}) t(i)`);
const args: DriftArgs = { table: 'bench', columns: [...NUMERIC, ...CATEGORICAL], baseline: { key: 'dataset_version', value: 'base' }, current: { key: 'dataset_version', value: 'cur' } };
const values_ = (await conn.runAndReadAll('select distinct cohort from bench order by 1')).getRows().map((r) => String(r[0]));
console.log(`${ROWS} rows, ${values_.length} cohort values × 25 columns (${load()})`);

let t0 = performance.now();
const grid = await computeDrift(conn, { ...args, cohort_by: 'cohort' });
const gridMs = performance.now() - t0;
console.log(`one grouped pass (cohort_by): ${gridMs.toFixed(0)} ms, ${grid.results.length} results (${load()})`);

t0 = performance.now();
for (const v of values_.slice(0, SAMPLE)) await computeDrift(conn, { ...args, cohort: [{ attribute: 'cohort', value: v }] });
const perMs = (performance.now() - t0) / SAMPLE;
console.log(`one computation per cohort: ${perMs.toFixed(0)} ms a cohort over the first ${SAMPLE} → ${((perMs * values_.length) / 1000).toFixed(1)} s for all ${values_.length} (${load()})`);
console.log(`ratio: ${((perMs * values_.length) / gridMs).toFixed(0)}×`);
