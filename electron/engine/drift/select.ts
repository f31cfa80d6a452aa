import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { CohortFilter, Selector } from '../../../shared/api/drift';
import { catalogMemo, columnsOf, queryRows, quoteIdent, tableExists, type SqlParam } from '../db';
import { META_TABLES, CANONICAL_TABLES } from '../../../shared/canonical';
import { absentColumns } from '../bundle/mappingStore';

/** A SQL fragment with its `?` parameters in order. */
export interface SqlPart {
  sql: string;
  params: SqlParam[];
}

export interface TableInfo {
  name: string;
  columns: { name: string; type: string }[];
  timestampColumn: string | null;
  /** column → role, from _ad_column_roles when present, else the canonical definition. */
  roles: Map<string, string>;
}

export const SELECTOR_COLUMN: Record<Exclude<Selector['key'], 'window'>, string> = {
  release: 'release_id',
  dataset_version: 'dataset_version',
  model_version: 'model_version',
};

/** A table's columns, roles and time column (read once per session once the catalog is frozen; a fresh copy each call). */
export async function describeTable(conn: DuckDBConnection, table: string): Promise<TableInfo> {
  const info = await catalogMemo(conn, `describeTable\u0000${table}`, () => readTableInfo(conn, table));
  return { ...info, columns: info.columns.map((c) => ({ ...c })), roles: new Map(info.roles) };
}

async function readTableInfo(conn: DuckDBConnection, table: string): Promise<TableInfo> {
  if (!(await tableExists(conn, table)) && (await columnsOf(conn, table)).length === 0)
    throw new ApiError('not_found', `table "${table}" is not in this bundle`, { field: 'table' });
  // Canonical columns no file supplied are not columns of this bundle: never offered, never a time column.
  const absent = await absentColumns(conn, table);
  const columns = (await columnsOf(conn, table)).filter((c) => !absent.has(c.name));
  const roles = new Map<string, string>();
  const canonical = CANONICAL_TABLES.find((t) => t.name === table);
  for (const c of canonical?.columns ?? []) if (c.role && !absent.has(c.name)) roles.set(c.name, c.role);
  if (await tableExists(conn, META_TABLES.columnRoles)) {
    const rows = await queryRows<{ column_name: string; role: string }>(
      conn,
      `select column_name, role from ${quoteIdent(META_TABLES.columnRoles)} where table_name = ? order by column_name`,
      [table],
    );
    for (const r of rows) if (r.column_name && r.role && !absent.has(r.column_name)) roles.set(r.column_name, r.role);
  }
  const names = new Set(columns.map((c) => c.name));
  const byRole = [...roles.entries()].find(([col, role]) => role === 'timestamp' && names.has(col) && isTimestampType(typeOf(columns, col)));
  // Never a guess: a canonical table's time column is its mapped time column; an extra table's, the one with the
  // role timestamp, else its only timestamp column.
  const typed = columns.filter((c) => isTimestampType(c.type));
  const onlyTs = !canonical && typed.length === 1 ? (typed[0]?.name ?? null) : null;
  return { name: table, columns, timestampColumn: byRole?.[0] ?? onlyTs, roles };
}

function typeOf(columns: TableInfo['columns'], name: string): string {
  return columns.find((c) => c.name === name)?.type ?? '';
}

export function isTimestampType(type: string): boolean {
  return type.startsWith('TIMESTAMP') || type === 'DATE';
}

function requireColumn(info: TableInfo, column: string, field: string): void {
  if (!info.columns.some((c) => c.name === column))
    throw new ApiError('bad_argument', `table "${info.name}" has no column "${column}"`, { field, column });
}

/** Parses one end of an ISO 8601 interval into a UTC timestamp literal DuckDB casts exactly. */
function parseInstant(text: string, field: string): string {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed))
    throw new ApiError('bad_argument', `"${text}" is not an ISO 8601 date or date-time`, { field });
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) && trimmed.length > 10;
  const d = new Date(hasZone || trimmed.length === 10 ? trimmed : `${trimmed}Z`);
  if (Number.isNaN(d.getTime())) throw new ApiError('bad_argument', `"${text}" is not a valid date-time`, { field });
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** window START/END → [start, end) as UTC timestamp strings. */
export function parseWindow(value: string, field: string): { start: string; end: string } {
  const parts = value.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new ApiError('bad_argument', `window must be an ISO 8601 interval START/END (half-open), got "${value}"`, { field });
  const start = parseInstant(parts[0], field);
  const end = parseInstant(parts[1], field);
  if (!(start < end)) throw new ApiError('bad_argument', `window start must be before its end: "${value}"`, { field });
  return { start, end };
}

export function timeRangePredicate(info: TableInfo, start: string, end: string | null, field: string): SqlPart {
  if (!info.timestampColumn) throw new ApiError('bad_argument', `table "${info.name}" has no timestamp column for a time window`, { field });
  const ts = quoteIdent(info.timestampColumn);
  if (end === null) return { sql: `${ts} >= ?::TIMESTAMP`, params: [start] };
  return { sql: `(${ts} >= ?::TIMESTAMP and ${ts} < ?::TIMESTAMP)`, params: [start, end] };
}

export function selectorPredicate(info: TableInfo, selector: Selector, field: string): SqlPart {
  if (selector.key === 'window') {
    const { start, end } = parseWindow(selector.value, field);
    return timeRangePredicate(info, start, end, field);
  }
  const column = SELECTOR_COLUMN[selector.key];
  requireColumn(info, column, field);
  return { sql: `${quoteIdent(column)} = ?`, params: [selector.value] };
}

export function cohortPredicate(info: TableInfo, filters: readonly CohortFilter[]): SqlPart {
  if (filters.length === 0) return { sql: 'true', params: [] };
  const sql: string[] = [];
  const params: SqlParam[] = [];
  for (const f of filters) {
    requireColumn(info, f.attribute, 'cohort');
    sql.push(`${quoteIdent(f.attribute)}::VARCHAR = ?`);
    params.push(f.value);
  }
  return { sql: sql.join(' and '), params };
}

export function andParts(...parts: SqlPart[]): SqlPart {
  return { sql: parts.map((p) => `(${p.sql})`).join(' and '), params: parts.flatMap((p) => p.params) };
}

/**
 * Filters on the same attribute with different values become separate cohorts; filters on different
 * attributes combine (AND). region=EU + region=US → two cohorts; region=EU + channel=web → one.
 */
export function expandCohorts(filters: readonly CohortFilter[] | undefined): CohortFilter[][] {
  if (!filters || filters.length === 0) return [[]];
  const byAttr = new Map<string, string[]>();
  for (const f of filters) {
    const values = byAttr.get(f.attribute) ?? [];
    if (!values.includes(f.value)) values.push(f.value);
    byAttr.set(f.attribute, values);
  }
  let combos: CohortFilter[][] = [[]];
  for (const [attribute, values] of byAttr) combos = combos.flatMap((c) => values.map((value) => [...c, { attribute, value }]));
  if (combos.length > 100) throw new ApiError('bad_argument', `the cohort filters expand to ${combos.length} cohorts; at most 100`, { field: 'cohort' });
  return combos;
}

export function cohortLabel(filters: readonly CohortFilter[]): string {
  return filters.length === 0 ? 'all' : filters.map((f) => `${f.attribute}=${f.value}`).join(',');
}

/** Baseline and current row selections of one table (cohort filter already applied to both). */
export interface Sample {
  table: string;
  baseline: SqlPart;
  current: SqlPart;
  /**
   * SQL giving each row's cohort value (VARCHAR) when every cohort of an attribute is compared in one pass;
   * rows where it is NULL belong to no cohort. Absent: one group, labelled ''.
   */
  group?: string;
  /**
   * Series: `group` cuts the current side only, and every baseline row belongs to each of these groups
   * (each time bucket of the current side is compared with the whole baseline).
   */
  baselineIn?: string[];
}

/** The grouping expression of a sample ('' when it is one group) and the filter keeping rows that have a group. */
export function groupOf(sample: Sample): { expr: string; where: string } {
  return sample.group ? { expr: sample.group, where: `${sample.group} is not null` } : { expr: "''", where: 'true' };
}

/**
 * Both sides of a comparison as one relation (s = 0 baseline, 1 current; a row in both selections counts on
 * both), with g = the cohort value when the sample is grouped ('' otherwise).
 */
export function sidesSql(sample: Sample, expr: string): SqlPart {
  return sidesWith(sample, `${expr} as v`);
}

/** `select s, g, <columns>` over both sides (see sidesSql); `columns` is a select list. */
export function sidesWith(sample: Sample, columns: string): SqlPart {
  const t = quoteIdent(sample.table);
  const g = groupOf(sample);
  const current = `select 1::UTINYINT as s, ${g.expr} as g, ${columns} from ${t} where (${sample.current.sql}) and ${g.where}`;
  if (sample.baselineIn) {
    const groups = sample.baselineIn.length > 0 ? sample.baselineIn.map(() => '(?)').join(', ') : '(null)';
    return {
      sql: `select 0::UTINYINT as s, bg.g as g, ${columns} from ${t} cross join (values ${groups}) bg(g) where (${sample.baseline.sql}) and bg.g is not null union all ${current}`,
      params: [...sample.baselineIn, ...sample.baseline.params, ...sample.current.params],
    };
  }
  return {
    sql: `select 0::UTINYINT as s, ${g.expr} as g, ${columns} from ${t} where (${sample.baseline.sql}) and ${g.where} union all ${current}`,
    params: [...sample.baseline.params, ...sample.current.params],
  };
}

/** One group of a grouped sample as an ordinary sample (the group's rows only). */
export function groupSample(sample: Sample, value: string): Sample {
  if (!sample.group) return sample;
  const only: SqlPart = { sql: `${sample.group} = ?`, params: [value] };
  return { table: sample.table, baseline: sample.baselineIn ? sample.baseline : andParts(sample.baseline, only), current: andParts(sample.current, only) };
}

/** The same relation as a `src(s, v)` CTE (v = the column expression, NULL kept). */
export function sampleCte(sample: Sample, expr: string): SqlPart {
  const sides = sidesSql(sample, expr);
  return { sql: `src as (${sides.sql})`, params: sides.params };
}
