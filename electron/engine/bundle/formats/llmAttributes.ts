/**
 * LLM attribute mapping: OpenInference, OTel GenAI (current and deprecated names), traceAI and MLflow
 * span attributes, plus the application attributes the audit needs (versions, release, retries, gateway),
 * onto canonical span columns. Pure functions; the original attributes are stored unchanged by the caller.
 * Every key list below is documented in docs/trace-formats.md — keep the two in step.
 */
import type { RowValue } from './types';
import { isObject, type JsonObject } from './common/json';
import { nonFiniteOf } from './common/evalRow';

export type AttributeMap = Readonly<Record<string, unknown>>;

export interface LlmSpanColumns {
  span_kind: string | null;
  model_name: string | null;
  provider: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost_usd: number | null;
  session_id: string | null;
  user_id: string | null;
  prompt_version: string | null;
  model_version: string | null;
  dataset_version: string | null;
  release_id: string | null;
  retry_count: number | null;
  input_length: number | null;
  output_length: number | null;
  route_target: string | null;
  fallback_taken: boolean | null;
  guardrail_blocked: boolean | null;
}

/** Highest priority first. */
export const LLM_KEYS = {
  spanKind: ['openinference.span.kind', 'fi.span.kind', 'gen_ai.span.kind', 'mlflow.spanType'],
  operation: ['gen_ai.operation.name'],
  model: ['llm.model_name', 'gen_ai.response.model', 'gen_ai.request.model', 'mlflow.llm.model', 'model_name'],
  provider: ['llm.provider', 'gen_ai.provider.name', 'llm.system', 'gen_ai.system', 'mlflow.llm.provider'],
  inputTokens: ['llm.token_count.prompt', 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'mlflow.chat.tokenUsage.input_tokens', 'input_tokens'],
  outputTokens: ['llm.token_count.completion', 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'mlflow.chat.tokenUsage.output_tokens', 'output_tokens'],
  totalTokens: ['llm.token_count.total', 'gen_ai.usage.total_tokens', 'mlflow.chat.tokenUsage.total_tokens', 'total_tokens'],
  costTotal: ['llm.cost.total', 'gen_ai.cost.total', 'gen_ai.usage.cost', 'cost_usd', 'llm.cost_usd'],
  costParts: [
    ['llm.cost.prompt', 'llm.cost.completion'],
    ['gen_ai.cost.input', 'gen_ai.cost.output'],
  ],
  session: ['session.id', 'gen_ai.conversation.id', 'mlflow.trace.session', 'session_id'],
  user: ['user.id', 'enduser.id', 'mlflow.trace.user', 'user_id'],
  promptVersion: ['llm.prompt_template.version', 'gen_ai.prompt.template.version', 'gen_ai.prompt.version', 'prompt.version', 'prompt_version'],
  modelVersion: ['model_version', 'model.version', 'ml.model_version', 'ml.model.version', 'llm.model_version', 'mlflow.model_version'],
  datasetVersion: ['dataset_version', 'dataset.version', 'ml.dataset_version', 'ml.dataset.version', 'data.version'],
  releaseId: ['release_id', 'release.id', 'deployment.release', 'deployment.release_id', 'deployment.release.id', 'app.release_id'],
  retryCount: ['retry_count', 'retry.count', 'llm.retry_count', 'gen_ai.request.retry_count', 'http.request.resend_count', 'gateway.retry_count'],
  inputLength: ['input_length', 'input.length'],
  outputLength: ['output_length', 'output.length'],
  inputValue: ['input.value', 'gen_ai.input.messages', 'mlflow.spanInputs', 'gen_ai.prompt', 'input'],
  outputValue: ['output.value', 'gen_ai.output.messages', 'mlflow.spanOutputs', 'gen_ai.completion', 'output'],
  routeTarget: ['route_target', 'gateway.route_target', 'gateway.route.target', 'gateway.route', 'gateway.target', 'llm.router.target'],
  fallbackTaken: ['fallback_taken', 'gateway.fallback_taken', 'gateway.fallback', 'llm.router.fallback'],
  guardrailBlocked: ['guardrail_blocked', 'guardrail.blocked', 'gateway.guardrail_blocked', 'gateway.guardrail.blocked'],
} as const;

/** Which resource attributes may stand in for missing span attributes (versions are often set per process). */
type ResourceFallbackKey = 'modelVersion' | 'datasetVersion' | 'releaseId';

/**
 * Looks up a dotted key in attributes that may be flat ({"llm.token_count.prompt": 1}), nested
 * ({"llm": {"token_count": {"prompt": 1}}}, as Phoenix and MLflow export them) or mixed.
 */
export function getAttribute(attrs: unknown, key: string): unknown {
  if (!isObject(attrs)) return undefined;
  if (key in attrs) return attrs[key];
  return lookupParts(attrs, key.split('.'));
}

function lookupParts(obj: JsonObject, parts: readonly string[]): unknown {
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (!(head in obj)) continue;
    const next = obj[head];
    if (isObject(next)) {
      const rest = parts.slice(i);
      const joined = rest.join('.');
      if (joined in next) return next[joined];
      const found = lookupParts(next, rest);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function first(attrs: AttributeMap, keys: readonly string[]): unknown {
  for (const key of keys) {
    const v = getAttribute(attrs, key);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function asText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return null;
}

/** Counts: non-negative integers given as numbers or digit strings; anything else is not a count. */
function asCount(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  if (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return null;
}

/** Amounts and scores (DOUBLE columns): NaN and ±Infinity are kept, so the import loads and reports them (#14 item 11). */
function asAmount(v: unknown): number | null {
  const nonFinite = nonFiniteOf(v);
  if (nonFinite !== null) return nonFinite;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function asFlag(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === '1' || t === 'yes') return true;
    if (t === 'false' || t === '0' || t === 'no') return false;
  }
  return null;
}

/** Length in Unicode code points of an input / output value; structured values count their JSON text. */
function valueLength(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  let text: string;
  if (typeof v === 'string') text = v;
  else {
    try {
      text = JSON.stringify(v) ?? '';
    } catch {
      return null;
    }
  }
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

const DIRECT_KINDS: Readonly<Record<string, string>> = {
  LLM: 'LLM',
  CHAT_MODEL: 'LLM',
  CHAIN: 'CHAIN',
  PROMPT: 'CHAIN',
  PARSER: 'CHAIN',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  EMBEDDING: 'EMBEDDING',
  AGENT: 'AGENT',
  RERANKER: 'RERANKER',
  GUARDRAIL: 'GUARDRAIL',
  EVALUATOR: 'EVALUATOR',
  UNKNOWN: 'UNKNOWN',
};

const GENAI_OPERATIONS: Readonly<Record<string, string>> = {
  chat: 'LLM',
  text_completion: 'LLM',
  generate_content: 'LLM',
  embeddings: 'EMBEDDING',
  execute_tool: 'TOOL',
  invoke_agent: 'AGENT',
  create_agent: 'AGENT',
  retrieval: 'RETRIEVER',
};

/**
 * Canonical LLM span kind from a kind name (OpenInference / traceAI / MLflow values, any case) or a GenAI
 * operation name. Unrecognised values give UNKNOWN; no LLM kind attribute at all gives null.
 */
export function canonicalSpanKind(attrs: AttributeMap): string | null {
  const named = first(attrs, LLM_KEYS.spanKind);
  if (named !== undefined) {
    const key = String(named).trim().toUpperCase().replace(/[\s-]+/g, '_');
    return DIRECT_KINDS[key] ?? 'UNKNOWN';
  }
  const op = first(attrs, LLM_KEYS.operation);
  if (op !== undefined) return GENAI_OPERATIONS[String(op).trim().toLowerCase()] ?? 'UNKNOWN';
  return null;
}

/** The integer columns filled from attributes: a non-finite value given for one cannot be stored there. */
export type CountColumn = 'input_tokens' | 'output_tokens' | 'total_tokens' | 'retry_count' | 'input_length' | 'output_length';

/** What the file's report says of a count given NaN or ±Infinity (the span loads, the count is missing). */
export function nonFiniteCountNote(column: CountColumn): string {
  return `${column} given NaN or ±Infinity, which a count cannot be: loaded as missing (the span's attributes keep the value)`;
}

/**
 * Maps span attributes (and, for version / release ids, resource attributes) onto canonical span columns.
 * `onNonFiniteCount` hears of each count column left missing because its attribute was NaN or ±Infinity.
 */
export function mapLlmAttributes(attrs: AttributeMap, resource: AttributeMap = {}, onNonFiniteCount?: (column: CountColumn) => void): LlmSpanColumns {
  const pick = (keys: readonly string[]) => first(attrs, keys);
  const pickWithResource = (name: ResourceFallbackKey) => pick(LLM_KEYS[name]) ?? first(resource, LLM_KEYS[name]);
  /** The count, or null; a non-finite value (never a count) is reported when nothing else fills the column. */
  const count = (column: CountColumn, raw: unknown, fallback: () => number | null = () => null): number | null => {
    const n = asCount(raw) ?? fallback();
    if (n === null && nonFiniteOf(raw) !== null) onNonFiniteCount?.(column);
    return n;
  };

  const input = count('input_tokens', pick(LLM_KEYS.inputTokens));
  const output = count('output_tokens', pick(LLM_KEYS.outputTokens));
  const total = count('total_tokens', pick(LLM_KEYS.totalTokens), () => (input !== null && output !== null ? input + output : null));

  let cost = asAmount(pick(LLM_KEYS.costTotal));
  if (cost === null) {
    for (const [a, b] of LLM_KEYS.costParts) {
      const pa = asAmount(getAttribute(attrs, a));
      const pb = asAmount(getAttribute(attrs, b));
      if (pa !== null || pb !== null) {
        cost = (pa ?? 0) + (pb ?? 0);
        break;
      }
    }
  }
  const provider = asText(pick(LLM_KEYS.provider));

  return {
    span_kind: canonicalSpanKind(attrs),
    model_name: asText(pick(LLM_KEYS.model)),
    provider: provider === null ? null : provider.toLowerCase(),
    input_tokens: input,
    output_tokens: output,
    total_tokens: total,
    cost_usd: cost,
    session_id: asText(pick(LLM_KEYS.session)),
    user_id: asText(pick(LLM_KEYS.user)),
    prompt_version: asText(pick(LLM_KEYS.promptVersion)),
    model_version: asText(pickWithResource('modelVersion')),
    dataset_version: asText(pickWithResource('datasetVersion')),
    release_id: asText(pickWithResource('releaseId')),
    retry_count: count('retry_count', pick(LLM_KEYS.retryCount)),
    input_length: count('input_length', pick(LLM_KEYS.inputLength), () => valueLength(pick(LLM_KEYS.inputValue))),
    output_length: count('output_length', pick(LLM_KEYS.outputLength), () => valueLength(pick(LLM_KEYS.outputValue))),
    route_target: asText(pick(LLM_KEYS.routeTarget)),
    fallback_taken: asFlag(pick(LLM_KEYS.fallbackTaken)),
    guardrail_blocked: asFlag(pick(LLM_KEYS.guardrailBlocked)),
  };
}

/** One evaluation carried by a span (OpenInference annotations, GenAI evaluation events, traceAI / eval.* attributes). */
export interface SpanEvaluation {
  name: string;
  score: number | null;
  label: string | null;
  explanation: string | null;
  source: string;
}

function evaluationFrom(obj: unknown, keys: { name?: string; score: string; label: string; explanation: string }, fallbackName: string | null, source: string): SpanEvaluation | null {
  const name = keys.name ? asText(getAttribute(obj, keys.name)) : null;
  const score = asAmount(getAttribute(obj, keys.score));
  const label = asText(getAttribute(obj, keys.label));
  const explanation = asText(getAttribute(obj, keys.explanation));
  if (score === null && label === null) return null;
  const resolved = name ?? fallbackName;
  if (resolved === null) return null;
  return { name: resolved, score, label, explanation, source };
}

/** Evaluation results attached to a span, in a stable order (annotations by index, then eval.* by name, then events). */
export function spanEvaluations(attrs: AttributeMap, events: readonly RowValue[] = []): SpanEvaluation[] {
  const out: SpanEvaluation[] = [];
  // OpenInference: annotations.N.annotation.{name,score,label,explanation}
  const indices = new Set<number>();
  for (const key of Object.keys(attrs)) {
    const m = /^annotations\.(\d+)\./.exec(key);
    if (m) indices.add(Number(m[1]));
  }
  const nested = getAttribute(attrs, 'annotations');
  if (Array.isArray(nested)) nested.forEach((_v, i) => indices.add(i));
  else if (isObject(nested)) for (const k of Object.keys(nested)) if (/^\d+$/.test(k)) indices.add(Number(k));
  for (const i of [...indices].sort((a, b) => a - b)) {
    const base = `annotations.${i}.annotation`;
    const e = evaluationFrom(
      attrs,
      { name: `${base}.name`, score: `${base}.score`, label: `${base}.label`, explanation: `${base}.explanation` },
      null,
      'openinference.annotation',
    );
    if (e) out.push(e);
  }
  // eval.<name>.{score,label,explanation} (Phoenix / traceAI style)
  const evalNames = new Set<string>();
  for (const key of Object.keys(attrs)) {
    const m = /^eval\.(.+)\.(score|label|explanation)$/.exec(key);
    if (m && m[1]) evalNames.add(m[1]);
  }
  const evalNested = getAttribute(attrs, 'eval');
  if (isObject(evalNested)) for (const k of Object.keys(evalNested)) evalNames.add(k);
  for (const name of [...evalNames].sort()) {
    const e = evaluationFrom(attrs, { score: `eval.${name}.score`, label: `eval.${name}.label`, explanation: `eval.${name}.explanation` }, name, 'eval.attribute');
    if (e) out.push(e);
  }
  // traceAI: gen_ai.evaluation.* directly on the span
  const onSpan = evaluationFrom(attrs, GENAI_EVAL_KEYS, null, 'gen_ai.evaluation.attribute');
  if (onSpan) out.push(onSpan);
  // OTel GenAI: events named gen_ai.evaluation.result
  for (const ev of events) {
    if (!isObject(ev) || ev.name !== 'gen_ai.evaluation.result') continue;
    const e = evaluationFrom(ev.attributes, GENAI_EVAL_KEYS, null, 'gen_ai.evaluation.result');
    if (e) out.push(e);
  }
  return out;
}

const GENAI_EVAL_KEYS = {
  name: 'gen_ai.evaluation.name',
  score: 'gen_ai.evaluation.score.value',
  label: 'gen_ai.evaluation.score.label',
  explanation: 'gen_ai.evaluation.explanation',
};

const PASS_LABELS = new Set(['pass', 'passed', 'correct', 'relevant', 'factual', 'true', 'yes', 'ok', 'success', 'safe', 'grounded']);
const FAIL_LABELS = new Set(['fail', 'failed', 'incorrect', 'irrelevant', 'hallucinated', 'hallucination', 'false', 'no', 'error', 'unsafe', 'toxic', 'ungrounded']);

/** Whether an evaluation label states pass or fail; null when the label does not say (then the score alone stands). */
export function passedFromLabel(label: string | null): boolean | null {
  if (label === null) return null;
  const t = label.trim().toLowerCase();
  if (PASS_LABELS.has(t)) return true;
  if (FAIL_LABELS.has(t)) return false;
  return null;
}
