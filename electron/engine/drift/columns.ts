import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import { catalogMemo, queryRows, quoteIdent, tableExists } from '../db';
import type { TableInfo } from './select';

/** How the values are stored; the drift kind (numeric / categorical / binary) also depends on distinct counts. */
export type ValueType = 'float' | 'integer' | 'string' | 'boolean';
export type ColumnKind = 'numeric' | 'categorical' | 'binary';

export interface ColumnSpec {
  /** Name in results: the physical column, or a derived LLM signal (latency, error). */
  name: string;
  /** SQL producing the value; NaN and ±inf become NULL for floats. */
  expr: string;
  valueType: ValueType;
  role: string | null;
}

export function valueTypeOf(duckType: string): ValueType | null {
  const t = duckType.toUpperCase();
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL' || t.startsWith('DECIMAL')) return 'float';
  if (/^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT))$/.test(t)) return 'integer';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'VARCHAR' || t.startsWith('ENUM')) return 'string';
  return null;
}

function physicalExpr(name: string, type: ValueType): string {
  const q = quoteIdent(name);
  if (type === 'float') return `(case when isfinite(${q}::DOUBLE) then ${q}::DOUBLE end)`;
  if (type === 'integer') return `${q}::DOUBLE`;
  if (type === 'string') return `${q}::VARCHAR`;
  return q;
}

/** Derived LLM signals on spans: name → (source column, expression, type). */
const SPAN_SIGNALS: { name: string; source: string; expr: (q: string) => string; type: ValueType }[] = [
  { name: 'input_tokens', source: 'input_tokens', expr: (q) => `${q}::DOUBLE`, type: 'integer' },
  { name: 'output_tokens', source: 'output_tokens', expr: (q) => `${q}::DOUBLE`, type: 'integer' },
  { name: 'latency', source: 'duration_ms', expr: (q) => `(case when isfinite(${q}::DOUBLE) then ${q}::DOUBLE end)`, type: 'float' },
  { name: 'retry_count', source: 'retry_count', expr: (q) => `${q}::DOUBLE`, type: 'integer' },
  { name: 'error', source: 'status_code', expr: (q) => `(${q} = 'ERROR')`, type: 'boolean' },
  { name: 'input_length', source: 'input_length', expr: (q) => `${q}::DOUBLE`, type: 'integer' },
  { name: 'output_length', source: 'output_length', expr: (q) => `${q}::DOUBLE`, type: 'integer' },
  { name: 'model_name', source: 'model_name', expr: (q) => `${q}::VARCHAR`, type: 'string' },
  { name: 'provider', source: 'provider', expr: (q) => `${q}::VARCHAR`, type: 'string' },
];

/** Roles that are never compared by default: identifiers, times, selectors and cohort attributes. */
const NON_COMPARABLE_ROLES = new Set(['id', 'timestamp', 'model_version', 'dataset_version', 'release_id', 'trace_id', 'cohort', 'other']);
const COMPARED_ROLES = new Set(['feature', 'score', 'prediction', 'label']);
/** Canonical bookkeeping columns without a role that are not model inputs or outputs. */
const BOOKKEEPING = new Set(['split', 'parent_span_id', 'name', 'kind', 'span_kind', 'status_message', 'service_name', 'session_id', 'user_id',
  'prompt_version', 'stage', 'evaluator', 'metric', 'record_id', 'span_id', 'event_type', 'actor', 'detail', 'description', 'attribute', 'value_text']);

export async function cohortAttributes(conn: DuckDBConnection, info: TableInfo): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [col, role] of info.roles) if (role === 'cohort') out.add(col);
  // The cohorts table's attributes: read once per session (catalogMemo) — a read-only bundle's cohorts never change.
  const declared = await catalogMemo(conn, 'cohortsTableAttributes', async () =>
    (await tableExists(conn, 'cohorts'))
      ? (await queryRows<{ attribute: string }>(conn, 'select distinct attribute::VARCHAR as attribute from cohorts where attribute is not null order by 1')).map((r) => r.attribute)
      : [],
  );
  for (const attribute of declared) if (info.columns.some((c) => c.name === attribute)) out.add(attribute);
  return out;
}

/** Every column a drift comparison can use on this table, derived signals first for spans. */
export function comparableColumns(info: TableInfo): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  const names = new Set(info.columns.map((c) => c.name));
  if (info.name === 'spans') {
    for (const s of SPAN_SIGNALS) if (names.has(s.source)) out.push({ name: s.name, expr: s.expr(quoteIdent(s.source)), valueType: s.type, role: 'signal' });
  }
  for (const c of info.columns) {
    const type = valueTypeOf(c.type);
    if (!type || out.some((o) => o.name === c.name)) continue;
    out.push({ name: c.name, expr: physicalExpr(c.name, type), valueType: type, role: info.roles.get(c.name) ?? null });
  }
  return out;
}

/** Columns compared when the request names none. */
export function defaultColumns(info: TableInfo, all: ColumnSpec[], cohortAttrs: Set<string>): ColumnSpec[] {
  if (info.name === 'spans') return all.filter((c) => c.role === 'signal');
  const explicit = all.filter((c) => c.role !== null && COMPARED_ROLES.has(c.role));
  const hasDeclaredFeatures = explicit.some((c) => c.role === 'feature');
  if (hasDeclaredFeatures) return explicit;
  return all.filter(
    (c) => (c.role === null || COMPARED_ROLES.has(c.role)) && !NON_COMPARABLE_ROLES.has(c.role ?? '') && !cohortAttrs.has(c.name) && !BOOKKEEPING.has(c.name),
  );
}

export function resolveColumns(info: TableInfo, all: ColumnSpec[], requested: readonly string[]): ColumnSpec[] {
  return requested.map((name) => {
    const spec = all.find((c) => c.name === name);
    if (spec) return spec;
    const physical = info.columns.find((c) => c.name === name);
    if (physical) throw new ApiError('bad_argument', `column "${name}" of "${info.name}" has type ${physical.type}, which drift cannot compare`, { column: name, field: 'columns' });
    const known = all.map((c) => c.name).join(', ');
    throw new ApiError('bad_argument', `table "${info.name}" has no column "${name}" (comparable: ${known})`, { column: name, field: 'columns' });
  });
}
