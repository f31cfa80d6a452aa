/**
 * Deterministic demo bundle generator ("Northwind Payments": fraud scorer + LLM dispute assistant).
 * Spec: docs/demo-bundle.md. Same seed and scale → byte-identical files. Large files are streamed:
 * one day of traffic is in memory at a time.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../../../shared/api/common';
import type { Manifest } from '../../../shared/manifest';
import { auditEntries, auditJson } from './auditLog';
import { COHORT_ATTRIBUTES, modelVersions } from './entities';
import { evalJson, postReleaseEvals, preReleaseEvals, SpanStats } from './evals';
import { FEATURE_NAMES } from './features';
import { stagingToParquet } from './parquet';
import { datasetRows, RECORD_COLUMNS, recordStagingHeader, recordStagingLine } from './records';
import { writeSmallTables, type WrittenFile } from './smallTables';
import { SPAN_COLUMNS } from './spans';
import { EXPORTED_AT } from './time';
import { streamTraffic, weekIndex, weekStart } from './traffic';
import { LineWriter, sha256File } from './writers';

export interface DemoOptions {
  outDir: string;
  seed: number;
  /** 1 = the default demo; N multiplies spans and records (N=50 ≈ 1M spans). */
  scale: number;
  spansFormat: 'jsonl' | 'parquet';
}

export interface DemoResult {
  outDir: string;
  files: string[];
  spans: number;
  records: number;
}

const EXPORTER = { system: 'northwind-ml-platform', version: '4.2.0' };

const OUTPUT_NAMES = [
  'manifest.json',
  'spans.jsonl',
  'spans.parquet',
  'records.parquet',
  'dataset_versions.csv',
  'training_runs.json',
  'model_versions.json',
  'releases.csv',
  'deployment_events.jsonl',
  'eval_results.jsonl.gz',
  'audit_log.jsonl',
  'cohorts.csv',
];

function validate(opts: DemoOptions): void {
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw new ApiError('bad_argument', `seed must be a non-negative integer, got ${opts.seed}`, { field: 'seed' });
  if (!Number.isFinite(opts.scale) || opts.scale <= 0 || opts.scale > 1000) throw new ApiError('bad_argument', `scale must be a number in (0, 1000], got ${opts.scale}`, { field: 'scale' });
  if (opts.spansFormat !== 'jsonl' && opts.spansFormat !== 'parquet') throw new ApiError('bad_argument', `spansFormat must be jsonl or parquet`, { field: 'spansFormat' });
}

/** Creates the folder; refuses one holding files the demo does not write; removes stale demo files. */
async function prepareOutDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  const foreign = entries.filter((e) => !OUTPUT_NAMES.includes(e)).sort();
  if (foreign.length > 0) {
    throw new ApiError('bad_argument', `output folder ${dir} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}, which the demo bundle does not write; choose an empty folder`, { file: dir });
  }
  for (const e of entries) await rm(join(dir, e), { force: true });
}

const COHORT_ROLES = Object.fromEntries(COHORT_ATTRIBUTES.map((a) => [a, 'cohort' as const]));

export async function generateDemoBundle(opts: DemoOptions): Promise<DemoResult> {
  validate(opts);
  const outDir = resolve(opts.outDir);
  const { seed, scale } = opts;
  await prepareOutDir(outDir);
  const tmp = await mkdtemp(join(tmpdir(), 'auditdesk-demo-'));
  const writers: LineWriter[] = [];
  const open = (path: string, gzip = false): LineWriter => {
    const w = new LineWriter(path, gzip);
    writers.push(w);
    return w;
  };
  try {
    const models = modelVersions(seed);
    const dsRows = datasetRows(seed);

    const recordsStaging = open(join(tmp, 'records.csv'));
    const spansPath = opts.spansFormat === 'jsonl' ? join(outDir, 'spans.jsonl') : join(tmp, 'spans.jsonl');
    const spans = open(spansPath);
    const evals = open(join(outDir, 'eval_results.jsonl.gz'), true);

    let seq = 0;
    await recordsStaging.line(recordStagingHeader(), true);
    for (const r of dsRows) await recordsStaging.line(recordStagingLine(++seq, r));

    let evalId = 0;
    for (const e of preReleaseEvals(seed, dsRows, models)) await evals.json(evalJson(++evalId, e));

    const stats = new SpanStats(weekIndex);
    let spanSeq = 0;
    await streamTraffic(seed, scale, {
      record: (rec) => recordsStaging.line(recordStagingLine(++seq, rec)),
      span: async (span, release) => {
        const json = JSON.stringify(span);
        await spans.line(opts.spansFormat === 'jsonl' ? json : `{"_seq":${++spanSeq},${json.slice(1)}`);
        stats.add(release, span);
      },
      evalRow: (e) => evals.json(evalJson(++evalId, e)),
    });

    for (const e of postReleaseEvals(stats, weekStart)) await evals.json(evalJson(++evalId, e));

    const audit = open(join(outDir, 'audit_log.jsonl'));
    let logId = 0;
    for (const e of auditEntries(seed, models)) await audit.json(auditJson(++logId, e));

    for (const w of [recordsStaging, spans, evals, audit]) await w.close();

    await stagingToParquet('csv', recordsStaging.path, RECORD_COLUMNS, join(outDir, 'records.parquet'), tmp);
    if (opts.spansFormat === 'parquet') await stagingToParquet('jsonl', spans.path, SPAN_COLUMNS, join(outDir, 'spans.parquet'), tmp);

    const cohortRoles = { ...COHORT_ROLES };
    const files: WrittenFile[] = [
      { path: `spans.${opts.spansFormat}`, table: 'spans', format: opts.spansFormat, rows: spans.rows, columns: cohortRoles },
      {
        path: 'records.parquet',
        table: 'records',
        format: 'parquet',
        rows: recordsStaging.rows,
        columns: { ...Object.fromEntries(FEATURE_NAMES.map((f) => [f, 'feature' as const])), ...cohortRoles, age_band: 'cohort', score: 'score', prediction: 'prediction', label: 'label' },
      },
      ...(await writeSmallTables(outDir, models, dsRows)),
      { path: 'eval_results.jsonl.gz', table: 'eval_results', format: 'jsonl', rows: evals.rows, columns: cohortRoles },
      { path: 'audit_log.jsonl', table: 'audit_log', format: 'jsonl', rows: audit.rows },
    ];

    const manifest: Manifest = {
      format: 'auditdesk-bundle',
      format_version: '1.0',
      exporter: { ...EXPORTER, generator: 'auditdesk demo', seed, scale },
      exported_at: EXPORTED_AT,
      files: [],
    };
    for (const f of files) {
      manifest.files.push({ path: f.path, table: f.table, format: f.format, sha256: await sha256File(join(outDir, f.path)), rows: f.rows, ...(f.columns ? { columns: f.columns } : {}) });
    }
    await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    return { outDir, files: [...files.map((f) => f.path), 'manifest.json'], spans: spans.rows, records: recordsStaging.rows };
  } catch (err) {
    for (const w of writers) w.abort();
    // The folder held only demo files (checked above): leave no half-written bundle behind.
    for (const name of OUTPUT_NAMES) await rm(join(outDir, name), { force: true });
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
