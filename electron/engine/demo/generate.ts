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
import { COHORT_ATTRIBUTES, RELEASES, modelVersions, servingRelease, type Release } from './entities';
import { evalJson, evalSampleAllowed, onlineJudge, ONLINE_JUDGE_SHARE, postReleaseEvals, preReleaseEvals, SpanStats } from './evals';
import { drawCohort, drawFeatures, FEATURE_NAMES, decision, score } from './features';
import { stagingToParquet } from './parquet';
import { Rng } from './prng';
import { datasetRows, drawTimeOfDayUs, RECORD_COLUMNS, recordStagingHeader, recordStagingLine, servingRecord } from './records';
import { writeSmallTables, type WrittenFile } from './smallTables';
import { disputeTrace, ErrorSchedule, fraudSpan, SPAN_COLUMNS, type SpanRow } from './spans';
import { DAY_MS, EXPORTED_AT, SERVING_DAYS, SERVING_END, SERVING_START } from './time';
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

/** Per unit of --scale. */
export const SERVING_RECORDS_PER_SCALE = 20_000;
export const DISPUTE_CHATS_PER_SCALE = 2_500;
export const REPLAY_FRAUD_PER_CANARY = 150;
export const REPLAY_CHATS_PER_CANARY = 30;
/** Share of serving requests whose trace was sampled (and so linked from the record). */
export const TRACE_SAMPLE_SHARE = 0.6;
/** Planted fact 4: target share of all traces that went through the legacy router. */
export const LEGACY_TRACE_SHARE = 0.08;

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

/** Deterministic per-day counts summing exactly to `total` (weekends carry 80% of a weekday). */
function dailyCounts(total: number): number[] {
  const weights: number[] = [];
  for (let d = 0; d < SERVING_DAYS; d++) {
    const dow = new Date(SERVING_START + d * DAY_MS).getUTCDay();
    weights.push(dow === 0 || dow === 6 ? 0.8 : 1);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let cum = 0;
  let prev = 0;
  for (const w of weights) {
    cum += (w / sum) * total;
    const rounded = Math.round(cum);
    out.push(rounded - prev);
    prev = rounded;
  }
  return out;
}

type EventKind = 'fraud' | 'chat' | 'replay-fraud' | 'replay-chat';
interface TrafficEvent {
  us: number;
  kind: EventKind;
  release: Release | null;
}
const KIND_ORDER: Record<EventKind, number> = { fraud: 0, chat: 1, 'replay-fraud': 2, 'replay-chat': 3 };

/** Canary replays: the deploy controller replays recent requests against every canary after r1. */
function replayEvents(rng: Rng, scale: number): TrafficEvent[] {
  const out: TrafficEvent[] = [];
  for (const r of RELEASES) {
    if (r.canaryShare >= 1) continue;
    const window = r.canaryEnd - r.releasedAt;
    const add = (n: number, kind: EventKind): void => {
      for (let i = 0; i < n; i++) out.push({ us: Math.floor((r.releasedAt + rng.next() * window) * 1000), kind, release: r });
    };
    add(Math.max(1, Math.round(REPLAY_FRAUD_PER_CANARY * scale)), 'replay-fraud');
    add(Math.max(1, Math.round(REPLAY_CHATS_PER_CANARY * scale)), 'replay-chat');
  }
  return out.sort((a, b) => a.us - b.us || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

function weekIndex(ms: number): number {
  return Math.floor((ms - SERVING_START) / (7 * DAY_MS));
}

/** Start of week `week` of the serving period, capped at its last second (weekly evals are stamped at week end). */
function weekStart(week: number): number {
  return Math.min(SERVING_START + week * 7 * DAY_MS, SERVING_END - 1000);
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

    const stats = new SpanStats();
    let spanSeq = 0;
    const writeSpan = async (s: SpanRow, release: Release | null): Promise<void> => {
      const json = JSON.stringify(s);
      await spans.line(opts.spansFormat === 'jsonl' ? json : `{"_seq":${++spanSeq},${json.slice(1)}`);
      const startMs = Date.parse(s.start_time);
      stats.add(release, s, startMs, weekIndex(startMs));
    };

    const trafficRng = new Rng(seed, 'traffic');
    const recordRng = new Rng(seed, 'serving-records');
    const spanRng = new Rng(seed, 'spans');
    const judgeRng = new Rng(seed, 'online-judge');
    const errors = new ErrorSchedule(new Rng(seed, 'span-errors'));
    const fraudPerDay = dailyCounts(Math.round(SERVING_RECORDS_PER_SCALE * scale));
    const chatsPerDay = dailyCounts(Math.round(DISPUTE_CHATS_PER_SCALE * scale));
    const replays = replayEvents(new Rng(seed, 'replays'), scale);
    const totalChats = chatsPerDay.reduce((a, b) => a + b, 0);
    const expectedTraces = TRACE_SAMPLE_SHARE * Math.round(SERVING_RECORDS_PER_SCALE * scale) + totalChats + replays.length;
    const legacyShareOfChats = Math.min(1, (LEGACY_TRACE_SHARE * expectedTraces) / Math.max(1, totalChats));

    let servingIndex = 0;
    let replayIndex = 0;
    for (let day = 0; day < SERVING_DAYS; day++) {
      const dayStartUs = (SERVING_START + day * DAY_MS) * 1000;
      const dayEndUs = dayStartUs + DAY_MS * 1000;
      const events: TrafficEvent[] = [];
      for (let i = 0; i < (fraudPerDay[day] ?? 0); i++) events.push({ us: dayStartUs + drawTimeOfDayUs(trafficRng), kind: 'fraud', release: null });
      for (let i = 0; i < (chatsPerDay[day] ?? 0); i++) events.push({ us: dayStartUs + drawTimeOfDayUs(trafficRng), kind: 'chat', release: null });
      while (replayIndex < replays.length && (replays[replayIndex]?.us ?? Infinity) < dayEndUs) events.push(replays[replayIndex++] as TrafficEvent);
      events.sort((a, b) => a.us - b.us || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);

      for (const ev of events) {
        const ms = Math.floor(ev.us / 1000);
        if (ev.kind === 'fraud') {
          const release = servingRelease(ms, trafficRng.next());
          const traceId = trafficRng.chance(TRACE_SAMPLE_SHARE) ? spanRng.hex(32) : null;
          const rec = servingRecord(recordRng, ++servingIndex, ms, release, traceId);
          await recordsStaging.line(recordStagingLine(++seq, rec));
          if (traceId) {
            const span = fraudSpan(spanRng, { traceId, errors, cohort: rec.cohort, release, replay: false, startUs: ev.us, recordId: rec.recordId, score: rec.score, prediction: rec.prediction });
            await writeSpan(span, release);
          }
        } else if (ev.kind === 'replay-fraud') {
          const release = ev.release as Release;
          const cohort = drawCohort(recordRng);
          const { features } = drawFeatures(recordRng, cohort, new Date(ms).getUTCHours(), release.datasetVersion === 'ds-2026.06');
          const s = score(features);
          const span = fraudSpan(spanRng, { traceId: spanRng.hex(32), errors, cohort, release, replay: true, startUs: ev.us, recordId: null, score: s, prediction: decision(s) });
          await writeSpan(span, release);
        } else {
          const replay = ev.kind === 'replay-chat';
          const serving = replay ? (ev.release as Release) : servingRelease(ms, trafficRng.next());
          const legacy = !replay && trafficRng.chance(legacyShareOfChats);
          const release = legacy ? null : serving;
          const cohort = drawCohort(recordRng, true);
          const trace = disputeTrace(spanRng, { traceId: spanRng.hex(32), errors, cohort, release, replay }, ev.us);
          for (const s of trace.spans) await writeSpan(s, release);
          if (release && !replay && judgeRng.chance(ONLINE_JUDGE_SHARE) && evalSampleAllowed(release, cohort)) {
            await evals.json(evalJson(++evalId, onlineJudge(judgeRng, trace.llm, release, cohort, ms + 60_000)));
          }
        }
      }
    }

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
        columns: { ...Object.fromEntries(FEATURE_NAMES.map((f) => [f, 'feature' as const])), ...cohortRoles, score: 'score', prediction: 'prediction', label: 'label' },
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
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
