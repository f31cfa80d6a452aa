/**
 * Column mapping for one file going to a canonical table: which source column fills each canonical column.
 * Precedence: the manifest's declaration (`map`, or the role `timestamp`), then the auditor's mapping, then
 * inference (same name, a case / style variant, a documented alias, the file's only timestamp column).
 * Ambiguity is never guessed: it is reported with the candidates. A canonical column the file does not carry
 * is `absent`. Documented in docs/bundle-format.md ("Column mapping"); the alias list below is rendered there.
 */
import { CANONICAL_TABLES, type CanonicalColumn, type CanonicalTableName, type ColumnRole } from '../../../shared/canonical';
import type { MappingEntry } from '../../../shared/mapping';
import { isNested, isTimestamp } from './convert';

export interface SourceColumn {
  name: string;
  /** DuckDB type of the source column (JSON keys: the JSON type, VARCHAR for text). */
  type: string;
}

/** How a source column is read into its canonical column. */
export interface ColumnTarget {
  target: string;
  /** Multiply the converted value (durations given in another unit). */
  scale?: number;
}

export interface MappingPlan {
  table: CanonicalTableName;
  /** One entry per canonical column, in canonical order. */
  entries: MappingEntry[];
  /** Lower-cased source column → how it is loaded. Source columns not listed keep their name (extra columns). */
  bySource: Map<string, ColumnTarget>;
  /** Canonical columns made up from the file path and row number (row ids of tables whose rows are observations). */
  generated: string[];
  /** Required canonical columns no source column fills (the file is then not loaded into the table). */
  missingRequired: string[];
  /** For each missing required column, source columns that might serve. */
  suggestions: Record<string, string[]>;
  /** Inferred timestamp columns read from text or numbers: their values are checked before they are used (vetTimes). */
  vet: string[];
  /** Canonical columns computed from two mapped source columns: a span's end from its typed start plus its duration. */
  derived: DerivedColumn[];
}

/** `column` = `start` (a timestamp-typed source column) + `duration` (a numeric source column, × scale = milliseconds). */
export interface DerivedColumn {
  column: string;
  start: string;
  duration: string;
  scale: number;
}

/** Names a timestamp column is often given. */
const TIME_ALIASES = ['timestamp', 'time', 'date', 'datetime', 'event_time', 'event_timestamp', 'created_at', 'start_time', 'observed_at', 'prediction_ts', 'prediction_timestamp'];

/**
 * Documented aliases per canonical column (matched after exact names, before case / style variants; compared
 * case- and style-insensitively: `context.span_id` also matches `context_span_id`).
 */
export const COLUMN_ALIASES: Readonly<Record<CanonicalTableName, Readonly<Record<string, readonly string[]>>>> = {
  spans: {
    trace_id: ['context.trace_id', 'trace.id', 'spanContext.traceId'],
    span_id: ['context.span_id', 'span.id', 'spanContext.spanId', 'id'],
    parent_span_id: ['parent_id', 'parent.span_id', 'context.parent_span_id', 'parentSpanContext.spanId'],
    name: ['span_name', 'operation_name'],
    kind: ['SpanKind'],
    start_time: ['timestamp', 'start', 'start_timestamp'],
    end_time: ['end', 'end_timestamp'],
    status_code: ['status', 'status.code'],
    status_message: ['status.message', 'status_description'],
    service_name: ['service', 'service.name', 'resource.service.name'],
    attributes: ['SpanAttributes', 'span_attributes', 'attrs', 'tags'],
    resource: ['ResourceAttributes', 'resource_attributes'],
    input_tokens: ['prompt_tokens', 'llm.token_count.prompt', 'gen_ai.usage.input_tokens'],
    output_tokens: ['completion_tokens', 'llm.token_count.completion', 'gen_ai.usage.output_tokens'],
    total_tokens: ['llm.token_count.total'],
    model_name: ['llm.model_name', 'gen_ai.request.model'],
  },
  records: {
    record_id: ['id', 'row_id', 'prediction_id', 'inference_id', 'example_id', 'uuid'],
    ts: TIME_ALIASES,
    score: ['probability', 'proba', 'prediction_score', 'pred_proba'],
    prediction: ['predicted', 'predicted_label', 'prediction_label', 'y_pred', 'pred'],
    label: ['target', 'actual', 'actual_label', 'ground_truth', 'y_true'],
  },
  dataset_versions: { dataset_version: ['version'], created_at: ['creation_time', 'created', 'timestamp', 'date'] },
  training_runs: { run_id: ['id'], started_at: ['start_time', 'start'], ended_at: ['end_time', 'end'] },
  model_versions: { model_version: ['version'], model_name: ['name'], created_at: ['creation_timestamp', 'creation_time', 'created', 'timestamp'] },
  releases: { released_at: ['release_time', 'released', 'deployed_at', 'created_at', 'timestamp', 'date'] },
  deployment_events: { event_id: ['id'], ts: TIME_ALIASES, event_type: ['type', 'event'] },
  eval_results: { eval_id: ['id', 'result_id'], ts: TIME_ALIASES, metric: ['metric_name'], value: ['metric_value', 'score'], passed: ['pass', 'success'] },
  audit_log: { log_id: ['id', 'entry_id'], ts: TIME_ALIASES, actor: ['user', 'principal'], action: ['event', 'operation'] },
  cohorts: {},
};

/** Durations in another unit that fill spans.duration_ms: source name (style-insensitive) → unit and factor to ms. */
export const DURATION_SOURCES: readonly { name: string; unit: string; toMs: number; integerOnly?: boolean }[] = [
  { name: 'duration', unit: 'nanoseconds (the OpenTelemetry / ClickHouse convention for an integer Duration)', toMs: 1e-6, integerOnly: true },
  { name: 'duration_ns', unit: 'nanoseconds', toMs: 1e-6 },
  { name: 'duration_nanos', unit: 'nanoseconds', toMs: 1e-6 },
  { name: 'duration_us', unit: 'microseconds', toMs: 1e-3 },
  { name: 'duration_micros', unit: 'microseconds', toMs: 1e-3 },
  { name: 'latency_ms', unit: 'milliseconds', toMs: 1 },
  { name: 'duration_millis', unit: 'milliseconds', toMs: 1 },
  { name: 'duration_s', unit: 'seconds', toMs: 1000 },
];

/** Tables whose rows are observations without an id of their own in many exports: a missing row id is generated. */
const GENERATED_IDS: Partial<Record<CanonicalTableName, string>> = { records: 'record_id', eval_results: 'eval_id' };

/** Case- and style-insensitive form: "TraceId", "trace-id", "TRACE_ID", "trace.id" → "traceid". */
export function styleKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function timeColumnOf(table: CanonicalTableName): string | null {
  return CANONICAL_TABLES.find((t) => t.name === table)?.columns.find((c) => c.role === 'timestamp')?.name ?? null;
}

export interface MappingInput {
  table: CanonicalTableName;
  columns: SourceColumn[];
  /** Manifest `map` of this file: canonical column → source column. */
  declaredMap?: Record<string, string> | undefined;
  /** Manifest `columns` of this file: source column → role (role `timestamp` maps the table's time column). */
  declaredRoles?: Record<string, ColumnRole> | undefined;
  /** The auditor's mapping for this table: canonical column → source column ("" = leave absent). */
  auditor?: Record<string, string> | undefined;
  /** Whether a missing row id may be generated from the file and row number. */
  canGenerateIds?: boolean;
  /**
   * CSV: the reader casts a canonical timestamp column while reading, so a timestamp is inferred only from a column
   * DuckDB sniffed as a date or time (text that merely has a time-like name is listed, not used).
   */
  typedTimesOnly?: boolean;
}

/** Manifest roles that fill the one canonical column with that role (ids, features, cohorts and `other` never do). */
const ROLES_THAT_MAP: readonly ColumnRole[] = ['timestamp', 'score', 'prediction', 'label', 'model_version', 'dataset_version', 'release_id', 'trace_id'];

/** Plans the mapping of one file onto a canonical table. Pure: names and types in, plan out. */
export function planMapping(input: MappingInput): MappingPlan {
  const def = CANONICAL_TABLES.find((t) => t.name === input.table);
  if (!def) throw new Error(`not a canonical table: ${input.table}`);
  const sources = input.columns;
  const byLower = new Map(sources.map((s) => [s.name.toLowerCase(), s]));
  const used = new Map<string, string>(); // lower source → canonical column
  const chosen = new Map<string, MappingEntry & { scale?: number }>();
  const notes = new Map<string, string[]>();
  const addNote = (col: string, n: string): void => void notes.set(col, [...(notes.get(col) ?? []), n]);
  const canonical = new Set(def.columns.map((c) => c.name));
  const timeCol = timeColumnOf(input.table);

  const take = (col: string, src: SourceColumn, tag: MappingEntry['tag'], note?: string, scale?: number): void => {
    used.set(src.name.toLowerCase(), col);
    chosen.set(col, { column: col, source: src.name, tag, ...(note ? { note } : {}), ...(scale !== undefined ? { scale } : {}) });
  };
  const absentByWord = new Set<string>();

  // 1. Declared (manifest): `map`, then a column given a role (`timestamp`, `label`, `score`, …) that exactly one
  //    canonical column of the table has, when the file has no column of that canonical name.
  const declared: [string, string][] = Object.entries(input.declaredMap ?? {});
  for (const role of ROLES_THAT_MAP) {
    const targets = def.columns.filter((c) => c.role === role);
    const target = targets.length === 1 ? (targets[0] as (typeof targets)[number]).name : null;
    if (!target || (input.declaredMap && target in input.declaredMap) || byLower.has(target)) continue;
    const viaRole = Object.entries(input.declaredRoles ?? {})
      .filter(([c, r]) => r === role && c.toLowerCase() !== target)
      .map(([c]) => c);
    if (viaRole.length === 1) declared.push([target, viaRole[0] as string]);
    else if (viaRole.length > 1) addNote(target, `manifest.json gives the role ${role} to ${viaRole.join(', ')}; declare one in "map"`);
  }
  for (const [col, srcName] of declared) {
    if (!canonical.has(col)) continue;
    if (srcName === '') {
      absentByWord.add(col);
      addNote(col, 'left absent by manifest.json');
      continue;
    }
    const src = byLower.get(srcName.toLowerCase());
    if (!src) {
      addNote(col, `manifest.json maps it to "${srcName}", which this file does not have`);
      continue;
    }
    if (used.has(src.name.toLowerCase())) {
      addNote(col, `manifest.json maps it to "${srcName}", already mapped to ${used.get(src.name.toLowerCase())}`);
      continue;
    }
    take(col, src, 'declared', 'manifest.json');
  }

  // 2. The auditor.
  for (const [col, srcName] of Object.entries(input.auditor ?? {})) {
    if (!canonical.has(col) || chosen.has(col) || absentByWord.has(col)) {
      if (canonical.has(col) && chosen.get(col)?.tag === 'declared') addNote(col, `the auditor's mapping (${srcName || 'absent'}) is overridden by manifest.json`);
      continue;
    }
    if (srcName === '') {
      absentByWord.add(col);
      addNote(col, "left absent by the auditor's mapping");
      continue;
    }
    const src = byLower.get(srcName.toLowerCase());
    if (!src) {
      addNote(col, `the auditor's mapping names "${srcName}", which this file does not have`);
      continue;
    }
    if (used.has(src.name.toLowerCase())) {
      addNote(col, `the auditor's mapping names "${srcName}", already mapped to ${used.get(src.name.toLowerCase())}`);
      continue;
    }
    take(col, src, 'auditor', 'auditor');
  }

  // OpenTelemetry JS span dumps (spanContext, HrTime arrays) number span kinds by the JS API enum (SERVER = 1),
  // not OTLP's (SERVER = 2): their kind is never inferred.
  if (input.table === 'spans' && sources.some((s) => styleKey(s.name) === 'spancontext') && !chosen.has('kind')) {
    absentByWord.add('kind');
    addNote('kind', 'an OpenTelemetry JS span dump numbers kinds by the JS API enum (SERVER = 1), not OTLP (SERVER = 2); map it explicitly if its values are names');
  }
  const open = (col: string): boolean => !chosen.has(col) && !absentByWord.has(col);
  const free = (s: SourceColumn): boolean => !used.has(s.name.toLowerCase());

  // 3a. Exact names (DuckDB compares names case-insensitively).
  for (const c of def.columns) {
    if (!open(c.name)) continue;
    const src = byLower.get(c.name.toLowerCase());
    if (src && free(src)) take(c.name, src, 'inferred', src.name === c.name ? 'same name' : 'same name, other case');
  }
  // An object or list never fills a scalar column by inference ("status" {code, message} is not status_code; its
  // nested "status.code" is), except a time, which may come as [seconds, nanos].
  const fits = (s: SourceColumn, c: CanonicalColumn): boolean => c.type === 'JSON' || c.type === 'TIMESTAMP' || !isNested(s.type);
  // 3b. Documented aliases; several matches are ambiguous.
  const aliases = COLUMN_ALIASES[input.table];
  const ambiguous = new Map<string, string[]>();
  for (const c of def.columns) {
    if (!open(c.name)) continue;
    const keys = new Set((aliases[c.name] ?? []).map(styleKey));
    if (keys.size === 0) continue;
    const hits = sources.filter((s) => free(s) && fits(s, c) && keys.has(styleKey(s.name)) && styleKey(s.name) !== styleKey(c.name));
    if (hits.length === 1) take(c.name, hits[0] as SourceColumn, 'inferred', `alias "${(hits[0] as SourceColumn).name}"`);
    else if (hits.length > 1) ambiguous.set(c.name, hits.map((h) => h.name));
  }
  // 3c. Case / style variants: TraceId, traceId, trace-id, TRACE_ID.
  for (const c of def.columns) {
    if (!open(c.name) || ambiguous.has(c.name)) continue;
    const hits = sources.filter((s) => free(s) && fits(s, c) && styleKey(s.name) === styleKey(c.name));
    if (hits.length === 1) take(c.name, hits[0] as SourceColumn, 'inferred', `style variant "${(hits[0] as SourceColumn).name}"`);
    else if (hits.length > 1) ambiguous.set(c.name, hits.map((h) => h.name));
  }
  // 3d. spans.duration_ms from a duration in another unit.
  if (input.table === 'spans' && open('duration_ms')) {
    // OpenTelemetry JS's ConsoleSpanExporter writes "timestamp" and "duration" both in microseconds (integers).
    const consoleForm = sources.some((s) => s.name === 'timestamp' && /INT/i.test(s.type));
    const hits = sources.flatMap((s) => {
      if (!free(s)) return [];
      let d = DURATION_SOURCES.find((x) => x.name === styleKey(s.name) || styleKey(x.name) === styleKey(s.name));
      if (!d || (d.integerOnly && !/INT/i.test(s.type))) return [];
      if (d.name === 'duration' && s.name === 'duration' && consoleForm) d = { name: 'duration', unit: 'microseconds (OpenTelemetry JS console exporter form: an integer "timestamp" beside it)', toMs: 1e-3 };
      return [{ s, d }];
    });
    if (hits.length === 1) {
      const { s, d } = hits[0] as { s: SourceColumn; d: (typeof DURATION_SOURCES)[number] };
      take('duration_ms', s, 'inferred', `from "${s.name}" in ${d.unit}, converted to milliseconds`, d.toMs);
    } else if (hits.length > 1) ambiguous.set('duration_ms', hits.map((h) => h.s.name));
  }
  // 3e. The table's time column: the file's only timestamp-typed column.
  if (timeCol && open(timeCol) && !ambiguous.has(timeCol)) {
    const typed = sources.filter((s) => free(s) && isTimestamp(s.type));
    if (typed.length === 1) take(timeCol, typed[0] as SourceColumn, 'inferred', `the file's only timestamp column "${(typed[0] as SourceColumn).name}"`);
    else if (typed.length > 1) ambiguous.set(timeCol, typed.map((s) => s.name));
  }

  const vet: string[] = [];
  for (const c of def.columns) {
    const got = chosen.get(c.name);
    // The exact name is the exporter's own statement: its bad values are rejected row by row, not second-guessed.
    if (c.type !== 'TIMESTAMP' || !got || got.tag !== 'inferred' || got.source === null || got.source.toLowerCase() === c.name) continue;
    const src = byLower.get(got.source.toLowerCase()) as SourceColumn;
    if (isTimestamp(src.type)) continue;
    if (input.typedTimesOnly) {
      chosen.delete(c.name);
      used.delete(src.name.toLowerCase());
      addNote(c.name, `"${src.name}" could serve but was not read as dates or times; map it explicitly to use it`);
      ambiguous.set(c.name, [src.name]);
    } else vet.push(c.name);
  }

  const generated: string[] = [];
  const idCol = GENERATED_IDS[input.table];
  if (input.canGenerateIds !== false && idCol && open(idCol) && !ambiguous.has(idCol)) generated.push(idCol);

  // A span export with a start and a duration but no end (the ClickHouse layout): the end is start + duration, so
  // every analysis sees the same span whether its file carried an end time or not.
  const derived: DerivedColumn[] = [];
  if (input.table === 'spans' && open('end_time')) {
    const st = chosen.get('start_time');
    const du = chosen.get('duration_ms');
    const stSrc = st?.source ? byLower.get(st.source.toLowerCase()) : undefined;
    const duSrc = du?.source ? byLower.get(du.source.toLowerCase()) : undefined;
    if (stSrc && duSrc && isTimestamp(stSrc.type) && stSrc.type.toUpperCase() !== 'DATE' && /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i.test(duSrc.type))
      derived.push({ column: 'end_time', start: stSrc.name, duration: duSrc.name, scale: du?.scale ?? 1 });
  }

  const entries: MappingEntry[] = def.columns.map((c) => {
    const got = chosen.get(c.name);
    const d = derived.find((x) => x.column === c.name);
    if (d && !got) return { column: c.name, source: null, tag: 'generated', note: `start_time ("${d.start}") + duration_ms ("${d.duration}"): the file has no end time` };
    const extra = notes.get(c.name) ?? [];
    if (got) {
      const { scale: _scale, ...entry } = got;
      const note = [entry.note, ...extra].filter(Boolean).join('; ');
      return { ...entry, ...(note ? { note } : { note: undefined }) };
    }
    if (generated.includes(c.name)) return { column: c.name, source: null, tag: 'generated', note: ['the file has no row id: "<file>:<row>"', ...extra].join('; ') };
    const cands = ambiguous.get(c.name);
    if (cands && cands.length === 1) return { column: c.name, source: null, tag: 'absent', note: extra.join('; '), candidates: cands };
    if (cands) return { column: c.name, source: null, tag: 'absent', note: [`ambiguous: ${cands.join(', ')} could each serve; map one`, ...extra].join('; '), candidates: cands };
    return { column: c.name, source: null, tag: 'absent', ...(extra.length > 0 ? { note: extra.join('; ') } : {}) };
  });
  for (const e of entries) if (e.note === undefined) delete e.note;

  const bySource = new Map<string, ColumnTarget>();
  for (const [col, e] of chosen) if (e.source) bySource.set(e.source.toLowerCase(), { target: col, ...(e.scale !== undefined && e.scale !== 1 ? { scale: e.scale } : {}) });

  const missingRequired = def.columns.filter((c: CanonicalColumn) => c.required && !chosen.has(c.name) && !generated.includes(c.name)).map((c) => c.name);
  const suggestions: Record<string, string[]> = {};
  for (const col of missingRequired) suggestions[col] = ambiguous.get(col) ?? suggest(col, sources.filter(free));
  return { table: input.table, entries, bySource, generated, missingRequired, suggestions, vet, derived };
}

/**
 * Drops an inferred mapping whose values did not pass a check (a time column whose text is not a time):
 * the canonical column becomes absent, with the reason and the source listed as a candidate.
 */
export function dropInferred(plan: MappingPlan, column: string, reason: string): void {
  const e = plan.entries.find((x) => x.column === column);
  if (!e || e.source === null) return;
  plan.bySource.delete(e.source.toLowerCase());
  const source = e.source;
  e.tag = 'absent';
  e.source = null;
  e.note = reason;
  e.candidates = [source];
  plan.vet = plan.vet.filter((c) => c !== column);
}

/** Source columns whose names share a word with a canonical column ("TraceIdentifier" for trace_id); at most 5. */
function suggest(col: string, sources: SourceColumn[]): string[] {
  const words = col.split('_').filter((w) => w.length > 1 && w !== 'id');
  const hits = sources.filter((s) => {
    const k = styleKey(s.name);
    return words.some((w) => k.includes(w)) || (col.endsWith('_id') && k.endsWith('id'));
  });
  return hits.slice(0, 5).map((s) => s.name);
}

/** "spans: no trace_id, span_id — has TraceIdentifier; map them with --map spans.trace_id=COLUMN" */
export function missingRequiredText(plan: MappingPlan, available: string[]): string {
  const cands = [...new Set(plan.missingRequired.flatMap((c) => plan.suggestions[c] ?? []))];
  const has = cands.length > 0 ? cands : available.slice(0, 8);
  const first = plan.missingRequired[0] as string;
  const example = plan.suggestions[first]?.[0] ?? 'COLUMN';
  return `${plan.table}: no ${plan.missingRequired.join(', ')}${has.length > 0 ? ` — has ${has.join(', ')}` : ''}; map ${
    plan.missingRequired.length > 1 ? 'them' : 'it'
  } with --map ${plan.table}.${first}=${example} (or "map" in manifest.json); the rows are kept as an extra table`;
}
