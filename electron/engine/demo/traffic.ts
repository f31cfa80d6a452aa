/**
 * Serving traffic, day by day: fraud-scoring requests (a record each, a trace for the sampled
 * ones), dispute chats (a 4-span trace each, some through the legacy router) and canary replays.
 * Only one day of events is in memory at a time; rows go straight to the sinks.
 */
import { RELEASES, servingRelease, type Release } from './entities';
import { evalSampleAllowed, onlineJudge, ONLINE_JUDGE_SHARE, type EvalRow } from './evals';
import { decision, drawCohort, drawFeatures, score } from './features';
import { Rng } from './prng';
import { drawExtras, drawTimeOfDayUs, servingRecord, type RecordRow } from './records';
import { disputeTrace, ErrorSchedule, fraudSpan, type SpanRow } from './spans';
import { DAY_MS, SERVING_DAYS, SERVING_END, SERVING_START } from './time';

/** Per unit of --scale. */
export const SERVING_RECORDS_PER_SCALE = 20_000;
export const DISPUTE_CHATS_PER_SCALE = 2_500;
export const REPLAY_FRAUD_PER_CANARY = 150;
export const REPLAY_CHATS_PER_CANARY = 30;
/** Share of serving requests whose trace was sampled (and so linked from the record). */
export const TRACE_SAMPLE_SHARE = 0.6;
/** Planted fact 4: target share of all traces that went through the legacy router. */
export const LEGACY_TRACE_SHARE = 0.08;

export interface TrafficSinks {
  record(rec: RecordRow): Promise<void>;
  span(span: SpanRow, release: Release | null): Promise<void>;
  evalRow(e: EvalRow): Promise<void>;
}

type EventKind = 'fraud' | 'chat' | 'replay-fraud' | 'replay-chat';
interface TrafficEvent {
  us: number;
  kind: EventKind;
  /** Set for replays (they target one canary); live traffic is routed when handled. */
  release: Release | null;
}
const KIND_ORDER: Record<EventKind, number> = { fraud: 0, chat: 1, 'replay-fraud': 2, 'replay-chat': 3 };
const byTime = (a: TrafficEvent, b: TrafficEvent): number => a.us - b.us || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];

/** Deterministic per-day counts summing exactly to `total` (weekends carry 80% of a weekday). */
export function dailyCounts(total: number): number[] {
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
  return out.sort(byTime);
}

export function weekIndex(ms: number): number {
  return Math.floor((ms - SERVING_START) / (7 * DAY_MS));
}

/** Start of week `week` of the serving period, capped at its last second (weekly evals are stamped at week end). */
export function weekStart(week: number): number {
  return Math.min(SERVING_START + week * 7 * DAY_MS, SERVING_END - 1000);
}

export interface TrafficTotals {
  servingRecords: number;
}

export async function streamTraffic(seed: number, scale: number, sinks: TrafficSinks): Promise<TrafficTotals> {
  const trafficRng = new Rng(seed, 'traffic');
  const recordRng = new Rng(seed, 'serving-records');
  const extraRng = new Rng(seed, 'serving-records-extra');
  const spanRng = new Rng(seed, 'spans');
  const judgeRng = new Rng(seed, 'online-judge');
  const errors = new ErrorSchedule(new Rng(seed, 'span-errors'));
  const requests = Math.round(SERVING_RECORDS_PER_SCALE * scale);
  const fraudPerDay = dailyCounts(requests);
  const chatsPerDay = dailyCounts(Math.round(DISPUTE_CHATS_PER_SCALE * scale));
  const replays = replayEvents(new Rng(seed, 'replays'), scale);
  const totalChats = chatsPerDay.reduce((a, b) => a + b, 0);
  const expectedTraces = TRACE_SAMPLE_SHARE * requests + totalChats + replays.length;
  const legacyShareOfChats = Math.min(1, (LEGACY_TRACE_SHARE * expectedTraces) / Math.max(1, totalChats));

  const fraudRequest = async (ev: TrafficEvent, ms: number, index: number): Promise<void> => {
    const release = servingRelease(ms, trafficRng.next());
    const traceId = trafficRng.chance(TRACE_SAMPLE_SHARE) ? spanRng.hex(32) : null;
    const rec = servingRecord(recordRng, drawExtras(extraRng), index, ms, release, traceId);
    await sinks.record(rec);
    if (traceId) {
      const span = fraudSpan(spanRng, { traceId, errors, cohort: rec.cohort, release, replay: false, startUs: ev.us, recordId: rec.recordId, score: rec.score, prediction: rec.prediction });
      await sinks.span(span, release);
    }
  };

  const fraudReplay = async (ev: TrafficEvent, ms: number, release: Release): Promise<void> => {
    const cohort = drawCohort(recordRng);
    const { features } = drawFeatures(recordRng, cohort, new Date(ms).getUTCHours(), release.datasetVersion === 'ds-2026.06');
    const s = score(features);
    const span = fraudSpan(spanRng, { traceId: spanRng.hex(32), errors, cohort, release, replay: true, startUs: ev.us, recordId: null, score: s, prediction: decision(s) });
    await sinks.span(span, release);
  };

  const chat = async (ev: TrafficEvent, ms: number): Promise<void> => {
    const replay = ev.kind === 'replay-chat';
    const serving = replay && ev.release ? ev.release : servingRelease(ms, trafficRng.next());
    const legacy = !replay && trafficRng.chance(legacyShareOfChats);
    const release = legacy ? null : serving;
    const cohort = drawCohort(recordRng, true);
    const trace = disputeTrace(spanRng, { traceId: spanRng.hex(32), errors, cohort, release, replay }, ev.us);
    for (const s of trace.spans) await sinks.span(s, release);
    if (release && !replay && judgeRng.chance(ONLINE_JUDGE_SHARE) && evalSampleAllowed(release, cohort)) {
      await sinks.evalRow(onlineJudge(judgeRng, trace.llm, release, cohort, ms + 60_000));
    }
  };

  let servingIndex = 0;
  let replayIndex = 0;
  for (let day = 0; day < SERVING_DAYS; day++) {
    const dayStartUs = (SERVING_START + day * DAY_MS) * 1000;
    const dayEndUs = dayStartUs + DAY_MS * 1000;
    const events: TrafficEvent[] = [];
    for (let i = 0; i < (fraudPerDay[day] ?? 0); i++) events.push({ us: dayStartUs + drawTimeOfDayUs(trafficRng), kind: 'fraud', release: null });
    for (let i = 0; i < (chatsPerDay[day] ?? 0); i++) events.push({ us: dayStartUs + drawTimeOfDayUs(trafficRng), kind: 'chat', release: null });
    for (let next = replays[replayIndex]; next && next.us < dayEndUs; next = replays[++replayIndex]) events.push(next);
    events.sort(byTime);

    for (const ev of events) {
      const ms = Math.floor(ev.us / 1000);
      if (ev.kind === 'fraud') await fraudRequest(ev, ms, ++servingIndex);
      else if (ev.kind === 'replay-fraud' && ev.release) await fraudReplay(ev, ms, ev.release);
      else await chat(ev, ms);
    }
  }
  return { servingRecords: servingIndex };
}
