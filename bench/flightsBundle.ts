/**
 * A records-only bundle shaped like the public 3M-row flights file (vega-datasets): `date` (January–June 2001),
 * `delay`, `distance`, `origin` with 229 values of Zipf-like volumes, `destination`; no releases, spans or evals.
 * Delays grow from March on, and for a handful of origins more than for the rest.
 *   npx tsx bench/flightsBundle.ts OUT_DIR [--rows 3000000]
 * With a manifest declaring `date` the time column and `origin` a cohort (so the report's drift can compare
 * windows per origin: drift_baseline window:2001-01-01/2001-02-01, drift_current window:2001-06-01/2001-07-01).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: 'string' } } });
const out = positionals[0];
if (!out) throw new Error('usage: npx tsx bench/flightsBundle.ts OUT_DIR [--rows N]');
const rows = Number(values.rows ?? 3_000_000);

async function main(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'flights.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  // origin k (0..228) has weight 1/(k+1): airport codes made of letters, deterministic.
  await conn.run(`
    create table origins as
      select k, chr((65 + (k // 26) % 26)::INTEGER) || chr((65 + k % 26)::INTEGER) || chr((65 + (k * 7) % 26)::INTEGER) as code, 1.0 / (k + 1) as w
      from range(229) t(k);
    create table cum as select code, k, sum(w) over (order by k) / sum(w) over () as hi from origins;
    copy (
      select b.i as record_id,
             timestamp '2001-01-01' + to_seconds(cast(hash(b.i, 1) % 15638400 as bigint)) as date,
             c.code as origin,
             d.code as destination,
             cast(100 + hash(b.i, 4) % 2400 as integer) as distance
      from (select i, (hash(i, 2) % 1000000) / 1000000.0 as u, hash(i, 3) % 229 as dk from range(${rows}) t(i)) b
      asof join cum c on b.u <= c.hi
      join origins d on d.k = b.dk
    ) to '${file}.tmp.parquet' (format parquet);
    copy (
      select record_id, date,
             cast(round(((hash(record_id, 5) % 10000) / 10000.0 - 0.5) * 60
                   + case when month(date) >= 3 then 4 else 0 end
                   + case when month(date) >= 5 and origin in ('AAA', 'ABH', 'ACO') then 25 else 0 end) as integer) as delay,
             distance, origin, destination
      from read_parquet('${file}.tmp.parquet') order by record_id
    ) to '${file}' (format parquet);
  `);
  conn.closeSync();
  const { rmSync } = await import('node:fs');
  rmSync(`${file}.tmp.parquet`);
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  const manifest = {
    format_version: '1.0',
    exporter: { system: 'flights-like generator (bench/flightsBundle.ts)' },
    files: [{ path: 'flights.parquet', table: 'records', sha256, columns: { date: 'timestamp', origin: 'cohort' } }],
  };
  writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${rows} rows → ${file}`);
}

main(out).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
