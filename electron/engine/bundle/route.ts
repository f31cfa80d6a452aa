import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { ManifestFile } from '../../../shared/manifest';
import type { AuditorMapping, MappingEntry } from '../../../shared/mapping';
import type { Job } from '../context';
import { queryOne, queryRows } from '../db';
import { mapSpec, type LoadCounts, type SourceSpec } from './load';
import { convert } from './convert';
import { COLUMN_ALIASES, dropInferred, missingRequiredText, planMapping, styleKey, type MappingPlan, type SourceColumn } from './mapping';
import { extraTableName, isCanonicalName, stemOf, tableFromColumns, tableFromFileName } from './tableRole';
import type { TargetTables } from './target';

/**
 * What the import knows of a file while it loads it, shared by the per-file path (importBundle.ts) and the batchers
 * (batchers.ts): the import's state, where a file's rows go (its route: table and column mapping, with inferred time
 * columns vetted) and what loading it gave.
 */

export interface Loaded {
  table: string | null;
  format: string;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  inferred: string[];
  unreadable?: string;
  mapping?: MappingEntry[];
  notLoadedAs?: { table: string; reason: string };
  leniency?: string[];
  sourceColumns?: string[];
}

/** Where a file's rows go and how its columns map (canonical tables only). */
export interface Route {
  table: string;
  plan: MappingPlan | null;
  /** The file's columns (offered by the app's "Map columns" editor). */
  columns: string[];
  /** The plan of a file refused by its table (kept to look for nested sources). */
  refusedPlan?: MappingPlan;
  notLoadedAs?: { table: string; reason: string };
}

export interface ImportState {
  conn: DuckDBConnection;
  targets: TargetTables;
  reserved: Set<string>;
  workDir: string;
  job: Job;
  stageCount: number;
  /** Longest JSON line accepted when a JSON Lines file has to be screened line by line (1/8 of the memory limit). */
  jsonLineLimit: number;
  /** The auditor's column mapping (table → canonical column → source column). */
  mapping: AuditorMapping;
  /** Mapping entries per file, recorded in _ad_column_map after the load. */
  mapped: { file: string; table: string; entries: MappingEntry[] }[];
}

export function cancelled(job: Job): void {
  if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
}

/** Which table a file goes to: manifest, else file name, else columns, else an extra table named after the file. */
export function chooseTable(state: ImportState, innerPath: string, m: ManifestFile | undefined, columns: string[], inferred: string[]): string {
  if (m?.table) return isCanonicalName(m.table) ? m.table : extraTableName(m.table, state.reserved);
  const byName = tableFromFileName(innerPath);
  if (byName) {
    inferred.push(`table ${byName} (from the file name)`);
    return byName;
  }
  const byCols = tableFromColumns(columns);
  if (byCols) {
    inferred.push(`table ${byCols} (from the columns)`);
    return byCols;
  }
  const extra = extraTableName(stemOf(innerPath), state.reserved);
  inferred.push(`extra table ${extra} (no canonical role recognised)`);
  return extra;
}

/**
 * Chooses the table, then plans the column mapping for a canonical table. A file whose columns cannot fill the
 * table's required columns is not loaded as NULL rows: it goes to an extra table named after the file, with the
 * reason (what is missing, which columns could serve, how to map them).
 */
export function routeFile(state: ImportState, innerPath: string, m: ManifestFile | undefined, columns: SourceColumn[], inferred: string[], typedTimesOnly = false): Route {
  const table = chooseTable(state, innerPath, m, columns.map((c) => c.name), inferred);
  const names = columns.map((c) => c.name);
  if (!isCanonicalName(table)) return { table, plan: null, columns: names };
  const plan = planMapping({ table, columns, declaredMap: m?.map, declaredRoles: m?.columns, auditor: state.mapping[table], typedTimesOnly });
  if (plan.missingRequired.length === 0) return { table, plan, columns: names };
  const extra = extraTableName(stemOf(innerPath), state.reserved);
  const reason = missingRequiredText(plan, columns.map((c) => c.name));
  inferred.push(`not loaded into ${table}: ${reason}`);
  return { table: extra, plan: null, notLoadedAs: { table, reason }, columns: names, refusedPlan: plan };
}

/** Style keys of the object columns a nested source could come from, for the canonical columns still unfilled. */
export function nestedPrefixes(plan: MappingPlan, declared: Record<string, string> | undefined, auditor: Record<string, string> | undefined): Set<string> {
  const out = new Set<string>();
  const open = new Set(plan.entries.filter((e) => e.tag === 'absent' || e.tag === 'generated').map((e) => e.column));
  for (const [col, aliases] of Object.entries(COLUMN_ALIASES[plan.table])) {
    if (!open.has(col)) continue;
    for (const a of aliases) if (a.includes('.')) out.add(styleKey(a.split('.')[0] as string));
  }
  for (const src of [...Object.values(declared ?? {}), ...Object.values(auditor ?? {})]) if (src.includes('.')) out.add(styleKey(src.split('.')[0] as string));
  return out;
}

export function lowerKeys(o: Record<string, unknown>): Record<string, true> {
  return Object.fromEntries(Object.keys(o).map((k) => [k.toLowerCase(), true]));
}

export function withRoute(state: ImportState, file: string, route: Route, counts: LoadCounts | null): Pick<Loaded, 'mapping' | 'notLoadedAs' | 'leniency' | 'sourceColumns'> {
  const out: Pick<Loaded, 'mapping' | 'notLoadedAs' | 'leniency' | 'sourceColumns'> = {};
  if (route.plan || route.notLoadedAs) out.sourceColumns = route.columns;
  if (route.plan) {
    out.mapping = route.plan.entries;
    state.mapped.push({ file, table: route.table, entries: route.plan.entries });
  }
  if (route.notLoadedAs) out.notLoadedAs = route.notLoadedAs;
  if (counts && counts.lenient.length > 0) out.leniency = leniencyNotes(counts);
  return out;
}

/** A file's leniency lines from what its load counted ("value: 2 values non-finite …"). */
export function leniencyNotes(counts: LoadCounts): string[] {
  return counts.lenient.map((l) => `${l.column}: ${l.count} value${l.count === 1 ? '' : 's'} ${l.plain ? l.note : `read leniently (${l.note})`}`);
}

/** Checks inferred time columns read from text or numbers, then renames the mapped source columns. */
export async function applyRoute(conn: DuckDBConnection, spec: SourceSpec, route: Route, file: string): Promise<SourceSpec> {
  if (!route.plan) return spec;
  for (const column of [...route.plan.vet]) await vetTime(conn, spec, route.plan, column);
  return mapSpec(spec, route.plan, file);
}

/**
 * An inferred time column given as text or numbers is used only when every value reads as a time after 1990
 * (so "01010001", a month-day-hour-minute stamp, is not taken for epoch seconds in 1970).
 */
async function vetTime(conn: DuckDBConnection, spec: SourceSpec, plan: MappingPlan, column: string): Promise<void> {
  const source = plan.entries.find((e) => e.column === column)?.source;
  const src = source ? spec.columns.find((c) => c.name.toLowerCase() === source.toLowerCase()) : undefined;
  if (!source || !src) return;
  const { bad, present } = vetSql(src.type);
  const row = await queryOne<{ bad: number; n: number; example: string | null }>(
    conn,
    `SELECT count(*) FILTER (WHERE ${bad})::BIGINT AS bad, count(*) FILTER (WHERE ${present})::BIGINT AS n, CAST(first(v) FILTER (WHERE ${bad}) AS VARCHAR) AS example FROM (SELECT ${src.expr} AS v FROM ${spec.from})`,
  );
  const n = Number(row?.bad ?? 0);
  if (n === 0) return;
  dropInferred(
    plan,
    column,
    `"${source}" was not used for ${column}: ${n} of ${Number(row?.n ?? 0)} values do not read as times after 1990 (e.g. ${JSON.stringify(row?.example ?? '')}); map it explicitly (--map ${plan.table}.${column}=${source}) if they are`,
  );
}

/** SQL over a value v of an inferred time column: present, and present but not a time after 1990. */
function vetSql(srcType: string): { bad: string; present: string } {
  const text = srcType.toUpperCase() === 'VARCHAR';
  const conv = convert('v', srcType, 'TIMESTAMP').expr;
  const present = text ? `nullif(trim(v), '') IS NOT NULL` : 'v IS NOT NULL';
  const numeric = text ? `regexp_full_match(trim(v), '[+-]?[0-9.]+([eE][+-]?[0-9]+)?')` : 'true';
  return { present, bad: `${present} AND ((${conv}) IS NULL OR (${numeric} AND (${conv}) < TIMESTAMP '1990-01-01'))` };
}

/** Batch files (of one source over a batch) in which an inferred time column would be dropped by vetTime. */
export async function vetFailures(conn: DuckDBConnection, spec: SourceSpec, plan: MappingPlan): Promise<Set<number>> {
  const out = new Set<number>();
  for (const column of plan.vet) {
    const source = plan.entries.find((e) => e.column === column)?.source;
    const src = source ? spec.columns.find((c) => c.name.toLowerCase() === source.toLowerCase()) : undefined;
    if (!src) continue;
    const rows = await queryRows<{ f: number }>(conn, `SELECT DISTINCT _f AS f FROM (SELECT _f, ${src.expr} AS v FROM ${spec.from}) WHERE ${vetSql(src.type).bad}`);
    for (const r of rows) out.add(Number(r.f));
  }
  return out;
}
