/**
 * Import benchmark: the demo bundle scaled (spans as JSON Lines, then as Parquet), imported by
 * openBundle, against DuckDB's own floor — CREATE TABLE AS SELECT * FROM read_json / read_csv /
 * read_parquet of the same files, in a fresh database with the same threads and memory limit.
 * Each measurement runs in its own child process so peak RSS is per measurement.
 *
 *   npx tsx bench/import.bench.ts [--scale 50] [--threads 2] [--keep DIR]
 *
 * Many tiny files (#14 item 14): `--tiny N` writes N JSON Lines files of `--rows` spans each (default 3) under
 * spans/, as a folder and as a zip, and imports both; `--alone` also imports the folder with every file loaded by
 * itself (the per-file path the batched load replaced), for a before/after in the same run.
 *
 *   npx tsx bench/import.bench.ts --tiny 100000 [--rows 3] [--alone] [--tiny-format jsonl|csv|json|parquet|jsonl.gz|csv.gz]
 *
 * `--tiny-format` writes the same spans as CSV files (a header line, one row per span), JSON arrays, Parquet files
 * (DuckDB's writer) or gzipped JSON Lines / CSV instead.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';

interface Measure {
  ms: number;
  maxRssMiB: number;
  detail?: Record<string, unknown>;
}

const SELF = fileURLToPath(import.meta.url);

function floorReader(file: string): string | null {
  const f = file.replace(/\.gz$/, '');
  const lit = `'${file.replaceAll("'", "''")}'`;
  if (f.endsWith('.parquet')) return `read_parquet(${lit})`;
  if (f.endsWith('.csv')) return `read_csv(${lit})`;
  // sample_size = -1: DuckDB's schema detection over the whole file (its default sample misses keys that appear late).
  if (f.endsWith('.jsonl')) return `read_json(${lit}, format = 'newline_delimited', sample_size = -1)`;
  if (f.endsWith('.json')) return `read_json(${lit}, sample_size = -1)`;
  return null;
}

async function child(mode: string, dir: string, threads: number, memory: string): Promise<void> {
  let detail: Record<string, unknown> = {};
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { createEngine } = await import('../electron/engine/engine');
  // Timing starts after module loading (tsx transpiles the engine on first import).
  const started = Date.now();
  if (mode === 'floor') {
    const instance = await DuckDBInstance.create(':memory:', { threads: String(threads), memory_limit: memory });
    const conn = await instance.connect();
    let i = 0;
    for (const f of fs.readdirSync(dir).sort()) {
      if (f === 'manifest.json') continue;
      const reader = floorReader(path.join(dir, f));
      if (!reader) continue;
      const t = Date.now();
      await conn.run(`CREATE TABLE t${i++} AS SELECT * FROM ${reader}`);
      detail[f] = Date.now() - t;
    }
    conn.disconnectSync();
    instance.closeSync();
  } else if (mode === 'import-alone') {
    const { importBundle } = await import('../electron/engine/bundle/importBundle');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-bench-work-'));
    const job = { id: 'bench', signal: new AbortController().signal, progress: () => undefined, onCancel: () => undefined };
    const b = await importBundle({ dataDir: work, threads, memoryLimit: memory }, dir, 'bench', work, job, { loadAlone: true });
    detail = { rows: Object.fromEntries(b.summary.tables.map((t) => [t.name, t.rows])), integrity: b.summary.integrity.state, rejects: b.summary.rejects_total };
    b.conn.disconnectSync();
    b.instance.closeSync();
    fs.rmSync(work, { recursive: true, force: true });
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-bench-data-'));
    const perFile: Record<string, number> = {};
    let last = Date.now();
    let current = '';
    const engine = createEngine({
      dataDir,
      threads,
      memoryLimit: memory,
      onProgress: (p) => {
        if (p.phase === 'load' && p.file && p.message.startsWith('Loading')) {
          current = p.file;
          last = Date.now();
        } else if (p.phase === 'load' && p.file === current) perFile[current] = Date.now() - last;
      },
    });
    const s = await engine.openBundle({ path: dir });
    detail = { perFile: Object.keys(perFile).length > 50 ? `${Object.keys(perFile).length} files` : perFile, rows: Object.fromEntries(s.tables.map((t) => [t.name, t.rows])), integrity: s.integrity.state, rejects: s.rejects_total };
    await engine.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const m: Measure = { ms: Date.now() - started, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), detail };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function measure(mode: string, dir: string, threads: number, memory: string): Measure {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', mode, '--dir', dir, '--threads', String(threads), '--memory', memory], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Measure;
}

async function parquetVariant(jsonlDir: string, out: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  fs.mkdirSync(out, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(jsonlDir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256?: string; format?: string }[] };
  for (const f of fs.readdirSync(jsonlDir)) if (f !== 'spans.jsonl' && f !== 'manifest.json') fs.copyFileSync(path.join(jsonlDir, f), path.join(out, f));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const src = path.join(jsonlDir, 'spans.jsonl').replaceAll("'", "''");
  const dst = path.join(out, 'spans.parquet').replaceAll("'", "''");
  // JSON columns stay JSON text so the Parquet file holds the same canonical columns.
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(`COPY (SELECT * REPLACE (CAST(start_time AS TIMESTAMPTZ)::TIMESTAMP AS start_time, CAST(end_time AS TIMESTAMPTZ)::TIMESTAMP AS end_time) FROM read_json('${src}', format = 'newline_delimited', columns = ${await spanColumns(conn, src)})) TO '${dst}' (FORMAT parquet)`);
  conn.disconnectSync();
  instance.closeSync();
  const sha = createHash('sha256').update(fs.readFileSync(path.join(out, 'spans.parquet'))).digest('hex');
  manifest.files = manifest.files.map((f) => (f.path === 'spans.jsonl' ? { ...f, path: 'spans.parquet', format: 'parquet', sha256: sha } : f));
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

async function spanColumns(conn: import('@duckdb/node-api').DuckDBConnection, src: string): Promise<string> {
  const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_json('${src}', format = 'newline_delimited', sample_size = -1)`);
  const cols = r.getRowObjectsJS().map((x) => [String(x['column_name']), String(x['column_type'])]);
  const json = new Set(['attributes', 'resource', 'events', 'links']);
  return `{${cols.map(([n, t]) => `'${n}': '${json.has(n as string) ? 'JSON' : n === 'start_time' || n === 'end_time' ? 'VARCHAR' : t}'`).join(', ')}}`;
}

const TINY_FORMATS = ['jsonl', 'csv', 'json', 'parquet', 'jsonl.gz', 'csv.gz'] as const;
type TinyFormat = (typeof TINY_FORMATS)[number];

/** N tiny files of `rows` spans each under spans/ (a folder), and the same files as a zip. */
async function tinyBundles(work: string, n: number, rows: number, format: TinyFormat): Promise<{ folder: string; zip: string }> {
  const folder = path.join(work, `tiny-${n}x${rows}${format === 'jsonl' ? '' : `-${format.replace('.', '-')}`}`);
  const zip = `${folder}.zip`;
  if (!fs.existsSync(zip)) {
    const { zipSync, gzipSync } = await import('fflate');
    fs.mkdirSync(path.join(folder, 'spans'), { recursive: true });
    const entries: Record<string, Uint8Array> = {};
    const writer = format === 'parquet' ? await parquetWriter() : null;
    for (let i = 0; i < n; i++) {
      const spans = Array.from({ length: rows }, (_, k) => ({ trace_id: `t${i}`, span_id: `s${i}_${k}`, parent_span_id: k === 0 ? null : `s${i}_0`, name: 'llm', start_time: `2026-01-01T00:00:0${k % 10}Z`, end_time: `2026-01-01T00:00:1${k % 10}Z`, input_tokens: 10 + k }));
      const rel = `spans/${String(i).padStart(6, '0')}.${format}`;
      let data: Uint8Array;
      if (writer) data = await writer.write(spans, path.join(folder, rel));
      else {
        const text =
          format === 'json'
            ? JSON.stringify(spans, null, 1)
            : (format.startsWith('csv') ? [Object.keys(spans[0] ?? {}).join(','), ...spans.map((s) => Object.values(s).map((v) => v ?? '').join(','))] : spans.map((s) => JSON.stringify(s))).join('\n');
        const plain = Buffer.from(`${text}\n`);
        data = format.endsWith('.gz') ? gzipSync(plain) : plain;
        fs.writeFileSync(path.join(folder, rel), data);
      }
      entries[rel] = data;
    }
    writer?.close();
    fs.writeFileSync(zip, zipSync(entries, { level: 6 }));
  }
  return { folder, zip };
}

/** Writes each tiny file's spans as a Parquet file (DuckDB's writer, as a pipeline's part files would be). */
async function parquetWriter(): Promise<{ write: (spans: Record<string, unknown>[], to: string) => Promise<Uint8Array>; close: () => void }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  const lit = (v: unknown): string => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  return {
    write: async (spans, to) => {
      const rows = spans.map((s) => `(${Object.values(s).map(lit).join(', ')})`).join(', ');
      const cols = Object.keys(spans[0] ?? {}).join(', ');
      await conn.run(`COPY (SELECT * REPLACE (CAST(start_time AS TIMESTAMPTZ) AS start_time, CAST(end_time AS TIMESTAMPTZ) AS end_time) FROM (VALUES ${rows}) v(${cols})) TO ${lit(to)} (FORMAT parquet)`);
      return fs.readFileSync(to);
    },
    close: () => {
      conn.disconnectSync();
      instance.closeSync();
    },
  };
}

async function tinyMain(n: number, rows: number, format: TinyFormat, alone: boolean, threads: number, memory: string, keep: string | undefined): Promise<void> {
  const work = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ad-bench-tiny-'));
  const { folder, zip } = await tinyBundles(work, n, rows, format);
  const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const results: Record<string, unknown> = { files: n, rows, format, threads, memory, node: process.version, cpus: os.cpus().length };
  const runs: [string, string, string][] = [
    ['folder', 'import', folder],
    ['zip', 'import', zip],
    ...(alone ? ([['folder, each file alone', 'import-alone', folder]] as [string, string, string][]) : []),
  ];
  for (const [name, mode, dir] of runs) {
    const before = load();
    const m = measure(mode, dir, threads, memory);
    const filesPerSecond = Math.round(n / (m.ms / 1000));
    results[name] = { ...m, filesPerSecond, loadBefore: before, loadAfter: load() };
    console.error(`${name}: ${(m.ms / 1000).toFixed(1)} s, ${filesPerSecond} files/s, peak RSS ${m.maxRssMiB} MiB (load average before ${before}, after ${load()})`);
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string' },
      threads: { type: 'string' },
      memory: { type: 'string' },
      keep: { type: 'string' },
      child: { type: 'string' },
      dir: { type: 'string' },
      tiny: { type: 'string' },
      rows: { type: 'string' },
      alone: { type: 'boolean' },
      'tiny-format': { type: 'string' },
    },
  });
  const threads = Number(values.threads ?? 2);
  const memory = values.memory ?? '8GB';
  if (values.child) return child(values.child, values.dir as string, threads, memory);
  const tinyFormat = values['tiny-format'] ?? 'jsonl';
  if (!(TINY_FORMATS as readonly string[]).includes(tinyFormat)) throw new Error(`--tiny-format is one of ${TINY_FORMATS.join(', ')}, not ${tinyFormat}`);
  if (values.tiny) return tinyMain(Number(values.tiny), Number(values.rows ?? 3), tinyFormat as TinyFormat, values.alone === true, threads, memory, values.keep);
  const scale = Number(values.scale ?? 50);
  const work = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ad-bench-'));
  const jsonlDir = path.join(work, `demo-x${scale}-jsonl`);
  const parquetDir = path.join(work, `demo-x${scale}-parquet`);
  if (!fs.existsSync(path.join(jsonlDir, 'manifest.json'))) {
    const { generateDemoBundle } = await import('../electron/engine/demo/generate');
    const t = Date.now();
    const r = await generateDemoBundle({ outDir: jsonlDir, seed: 42, scale, spansFormat: 'jsonl' });
    console.error(`generated scale ${scale}: ${r.spans} spans, ${r.records} records in ${Date.now() - t} ms`);
  }
  if (!fs.existsSync(path.join(parquetDir, 'manifest.json'))) await parquetVariant(jsonlDir, parquetDir);
  const sizeMiB = (d: string) => Math.round(fs.readdirSync(d).reduce((a, f) => a + fs.statSync(path.join(d, f)).size, 0) / 1048576);
  const results: Record<string, unknown> = { scale, threads, memory, node: process.version, cpus: os.cpus().length, totalMemGiB: Math.round(os.totalmem() / 1024 ** 3) };
  for (const [name, dir] of [
    ['jsonl', jsonlDir],
    ['parquet', parquetDir],
  ] as const) {
    const floor = measure('floor', dir, threads, memory);
    const imp = measure('import', dir, threads, memory);
    results[name] = { bundleMiB: sizeMiB(dir), floor, import: imp, ratio: Number((imp.ms / floor.ms).toFixed(2)) };
    console.error(`${name}: import ${imp.ms} ms (peak RSS ${imp.maxRssMiB} MiB) vs floor ${floor.ms} ms (peak RSS ${floor.maxRssMiB} MiB) → ${(imp.ms / floor.ms).toFixed(2)}×`);
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
}

await main();
