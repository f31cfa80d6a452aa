/**
 * spans.jsonl rows: flat canonical spans. Fraud requests are one SERVER span "fraud.score";
 * dispute chats are CHAIN → RETRIEVER → LLM → GUARDRAIL. Legacy-router chats (planted fact 4)
 * carry no lineage stamps at all.
 */
import type { LlmSpanColumns } from '../bundle/formats/llmAttributes';
import type { Release } from './entities';
import type { Cohort } from './features';
import type { Rng } from './prng';
import { isoMicros } from './time';
import { round } from './writers';

/** The canonical span row: the generic span fields plus the same LLM columns the importer maps to. */
export interface SpanRow extends LlmSpanColumns {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_time: string;
  end_time: string;
  duration_ms: number;
  status_code: string;
  status_message: string | null;
  service_name: string;
  region: string;
  channel: string;
  segment: string;
  language: string;
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string>;
  events: { name: string; time: string; attributes: Record<string, string> }[];
  links: never[];
}

/** Column names and DuckDB types of spans, in file order (used for the optional Parquet output). */
export const SPAN_COLUMNS: readonly (readonly [keyof SpanRow, string])[] = [
  ['trace_id', 'VARCHAR'],
  ['span_id', 'VARCHAR'],
  ['parent_span_id', 'VARCHAR'],
  ['name', 'VARCHAR'],
  ['kind', 'VARCHAR'],
  ['span_kind', 'VARCHAR'],
  ['start_time', 'TIMESTAMP'],
  ['end_time', 'TIMESTAMP'],
  ['duration_ms', 'DOUBLE'],
  ['status_code', 'VARCHAR'],
  ['status_message', 'VARCHAR'],
  ['service_name', 'VARCHAR'],
  ['model_name', 'VARCHAR'],
  ['provider', 'VARCHAR'],
  ['input_tokens', 'BIGINT'],
  ['output_tokens', 'BIGINT'],
  ['total_tokens', 'BIGINT'],
  ['cost_usd', 'DOUBLE'],
  ['session_id', 'VARCHAR'],
  ['user_id', 'VARCHAR'],
  ['prompt_version', 'VARCHAR'],
  ['model_version', 'VARCHAR'],
  ['dataset_version', 'VARCHAR'],
  ['release_id', 'VARCHAR'],
  ['retry_count', 'INTEGER'],
  ['input_length', 'INTEGER'],
  ['output_length', 'INTEGER'],
  ['route_target', 'VARCHAR'],
  ['fallback_taken', 'BOOLEAN'],
  ['guardrail_blocked', 'BOOLEAN'],
  ['region', 'VARCHAR'],
  ['channel', 'VARCHAR'],
  ['segment', 'VARCHAR'],
  ['language', 'VARCHAR'],
  ['attributes', 'JSON'],
  ['resource', 'JSON'],
  ['events', 'JSON'],
  ['links', 'JSON'],
];

/** Planted fact 3: spans served by the failed r3 canary error ~15% of the time, everything else ~1%. */
export function spanErrorRate(release: Release | null): number {
  return release?.id === 'r3' ? 0.15 : 0.01;
}

/**
 * Decides which spans fail: systematic sampling with a random start per release, so each
 * release's error rate is its nominal rate to within one span (small canaries stay readable).
 */
export class ErrorSchedule {
  private readonly state = new Map<string, { k: number; phase: number }>();

  constructor(private readonly rng: Rng) {}

  next(release: Release | null): boolean {
    const key = release?.id ?? 'legacy';
    let s = this.state.get(key);
    if (!s) {
      s = { k: 0, phase: this.rng.next() };
      this.state.set(key, s);
    }
    const p = spanErrorRate(release);
    const fails = Math.floor((s.k + 1) * p + s.phase) > Math.floor(s.k * p + s.phase);
    s.k++;
    return fails;
  }
}

const FRAUD_ERRORS = [['TimeoutError', 'feature store lookup timed out'], ['HTTPError', 'HTTP 503 from model server']] as const;
const STEP_ERRORS = [['TimeoutError', 'step deadline exceeded'], ['InternalError', 'unexpected error in dispute pipeline step']] as const;
const LLM_ERRORS = [['RateLimitError', 'provider rate limit exceeded after retries'], ['TimeoutError', 'upstream LLM request timed out']] as const;

interface SpanBase {
  traceId: string;
  errors: ErrorSchedule;
  cohort: Cohort;
  release: Release | null;
  replay: boolean;
}

function blankSpan(base: SpanBase, spanId: string, parent: string | null, name: string, kind: string, service: string, startUs: number, durUs: number): SpanRow {
  const r = base.release;
  return {
    trace_id: base.traceId,
    span_id: spanId,
    parent_span_id: parent,
    name,
    kind,
    span_kind: null,
    start_time: isoMicros(startUs),
    end_time: isoMicros(startUs + durUs),
    duration_ms: durUs / 1000,
    status_code: 'OK',
    status_message: null,
    service_name: service,
    model_name: null,
    provider: null,
    input_tokens: null,
    output_tokens: null,
    total_tokens: null,
    cost_usd: null,
    session_id: null,
    user_id: null,
    prompt_version: null,
    model_version: r ? r.modelVersion : null,
    dataset_version: r ? r.datasetVersion : null,
    release_id: r ? r.id : null,
    retry_count: null,
    input_length: null,
    output_length: null,
    route_target: null,
    fallback_taken: null,
    guardrail_blocked: null,
    region: base.cohort.region,
    channel: base.cohort.channel,
    segment: base.cohort.segment,
    language: base.cohort.language,
    attributes: {},
    resource: { 'service.name': service, 'deployment.environment': 'prod' },
    events: [],
    links: [],
  };
}

function markError(span: SpanRow, rng: Rng, errors: readonly (readonly [string, string])[], atUs: number): void {
  const [type, message] = rng.pick(errors);
  span.status_code = 'ERROR';
  span.status_message = message;
  span.events = [{ name: 'exception', time: isoMicros(atUs), attributes: { 'exception.type': type, 'exception.message': message } }];
}

function lineageAttributes(release: Release | null): Record<string, string> {
  if (!release) return {};
  return { 'northwind.release_id': release.id, 'northwind.model_version': release.modelVersion, 'northwind.dataset_version': release.datasetVersion };
}

export interface FraudSpanInput extends SpanBase {
  startUs: number;
  recordId: string | null;
  score: number;
  prediction: string;
}

export function fraudSpan(rng: Rng, input: FraudSpanInput): SpanRow {
  const durUs = Math.round(rng.lognormal(Math.log(18), 0.35) * 1000);
  const span = blankSpan(input, rng.hex(16), null, 'fraud.score', 'SERVER', 'fraud-scorer', input.startUs, durUs);
  span.resource['service.version'] = input.release ? `${input.release.modelVersion.split(':')[1] ?? '0'}.0.0` : 'unknown';
  span.attributes = {
    'http.route': '/v1/score',
    'fraud.score': input.score,
    'fraud.decision': input.prediction,
    ...(input.recordId ? { 'northwind.record_id': input.recordId } : {}),
    ...(input.replay ? { 'northwind.traffic': 'canary-replay' } : {}),
    ...lineageAttributes(input.release),
  };
  if (input.replay) span.user_id = 'canary-replay';
  if (input.errors.next(input.release)) markError(span, rng, FRAUD_ERRORS, input.startUs + durUs);
  return span;
}

export interface DisputeTrace {
  spans: SpanRow[];
  llm: SpanRow;
}

/** Price per 1M tokens (input, output) in USD. */
const PRICES = { 'gpt-4o-mini': [0.15, 0.6], 'claude-3-5-haiku': [0.8, 4.0] } as const;

export function disputeTrace(rng: Rng, base: SpanBase, startUs: number): DisputeTrace {
  const { release, replay } = base;
  const legacy = release === null;
  const sessionId = `sess-${rng.hex(12)}`;
  const userId = replay ? 'canary-replay' : `cust-${rng.hex(8)}`;
  const promptVersion = release ? release.promptVersion : null;

  const rootId = rng.hex(16);
  const retrId = rng.hex(16);
  const llmId = rng.hex(16);
  const guardId = rng.hex(16);

  const retrStart = startUs + rng.int(1500, 4000);
  const retrDur = Math.round(rng.lognormal(Math.log(70), 0.3) * 1000);
  const llmStart = retrStart + retrDur + rng.int(500, 2000);
  const retries = rng.weighted([['0', 90], ['1', 8], ['2', 2]] as const);
  const retryCount = Number(retries);
  const llmDur = Math.round((rng.lognormal(Math.log(900), 0.35) + retryCount * rng.uniform(300, 700)) * 1000);
  const guardStart = llmStart + llmDur + rng.int(300, 1200);
  const guardDur = Math.round(rng.uniform(12, 40) * 1000);
  const endUs = guardStart + guardDur + rng.int(500, 2500);

  const resource = (s: SpanRow): void => {
    s.resource['service.version'] = legacy ? '0.9.3-legacy' : `2026.${promptVersion ?? 'v0'}`;
  };

  const root = blankSpan(base, rootId, null, 'dispute.handle', 'SERVER', 'dispute-assistant', startUs, endUs - startUs);
  root.span_kind = 'CHAIN';
  root.session_id = sessionId;
  root.user_id = userId;
  root.prompt_version = promptVersion;
  root.attributes = {
    'openinference.span.kind': 'CHAIN',
    'session.id': sessionId,
    'northwind.router': legacy ? 'legacy-router' : 'gateway',
    ...(replay ? { 'northwind.traffic': 'canary-replay' } : {}),
    ...lineageAttributes(release),
  };
  resource(root);

  const retr = blankSpan(base, retrId, rootId, 'kb.retrieve', 'INTERNAL', 'dispute-assistant', retrStart, retrDur);
  retr.span_kind = 'RETRIEVER';
  const docs = rng.int(3, 8);
  retr.attributes = { 'openinference.span.kind': 'RETRIEVER', 'retrieval.documents.count': docs, 'retrieval.index': 'dispute-kb-2026' };
  resource(retr);

  const fallback = rng.chance(0.06);
  const model = fallback ? 'claude-3-5-haiku' : 'gpt-4o-mini';
  const provider = fallback ? 'anthropic' : 'openai';
  const inTok = rng.int(600, 1400) + docs * rng.int(80, 160);
  const outTok = rng.int(80, 420);
  const [pin, pout] = PRICES[model];
  const llm = blankSpan(base, llmId, rootId, 'llm.generate', 'CLIENT', 'dispute-assistant', llmStart, llmDur);
  llm.span_kind = 'LLM';
  llm.model_name = model;
  llm.provider = provider;
  llm.input_tokens = inTok;
  llm.output_tokens = outTok;
  llm.total_tokens = inTok + outTok;
  llm.cost_usd = round((inTok * pin + outTok * pout) / 1_000_000, 8);
  llm.prompt_version = promptVersion;
  llm.retry_count = retryCount;
  llm.input_length = Math.round(inTok * rng.uniform(3.6, 4.4));
  llm.output_length = Math.round(outTok * rng.uniform(3.6, 4.4));
  llm.route_target = legacy ? `legacy-router/${model}` : `${provider}/${model}`;
  llm.fallback_taken = fallback;
  llm.guardrail_blocked = rng.chance(0.02);
  llm.attributes = {
    'openinference.span.kind': 'LLM',
    'llm.model_name': model,
    'llm.provider': provider,
    'llm.token_count.prompt': inTok,
    'llm.token_count.completion': outTok,
    'llm.token_count.total': inTok + outTok,
    ...(promptVersion ? { 'llm.prompt_template.version': promptVersion } : {}),
  };
  resource(llm);
  if (base.errors.next(release)) markError(llm, rng, LLM_ERRORS, llmStart + llmDur);

  const guard = blankSpan(base, guardId, rootId, 'guardrail.check', 'INTERNAL', 'dispute-assistant', guardStart, guardDur);
  guard.span_kind = 'GUARDRAIL';
  guard.attributes = { 'openinference.span.kind': 'GUARDRAIL', 'guardrail.result': llm.guardrail_blocked ? 'blocked' : 'passed' };
  resource(guard);

  for (const s of [root, retr, guard]) if (base.errors.next(release)) markError(s, rng, STEP_ERRORS, s === root ? endUs : guardStart + guardDur);
  return { spans: [root, retr, llm, guard], llm };
}
