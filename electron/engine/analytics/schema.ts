import type { DuckDBConnection } from '@duckdb/node-api';
import { CANONICAL_TABLES, META_TABLES } from '../../../shared/canonical';
import { catalogMemo, queryRows, quoteIdent, quoteLiteral } from '../db';
import { presentSql, textOrNullSql } from '../../../shared/missing';

/** Defaults for every analytics parameter, stated once (docs/metrics.md repeats them). */
export const ANALYTICS_DEFAULTS = {
  minEvalRows: 30,
  smallCellK: 10,
  retentionDays: 183,
  auditWindowHours: 24,
  /** The pre-release gate passes when at most this share of its results failed. */
  gateMaxFailRate: 0.1,
  gateStages: ['validation'] as string[],
} as const;

/** 1.96: two-sided 95 % normal quantile, full precision. */
export const Z95 = 1.959963984540054;

type SqlType = 'VARCHAR' | 'TIMESTAMP' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN';

/**
 * What the bundle's database holds: tables and column types in schema main. Every SQL builder asks it
 * before naming a column, so a missing table or column becomes NULL or "not measurable", never an error.
 */
export class BundleSchema {
  private constructor(
    private readonly tables: Map<string, Map<string, string>>,
    /** "table\u0000column" of text columns with no blank value (bundle/textFacts.ts): missing there is NULL. */
    private readonly blankFree: ReadonlySet<string> = new Set(),
  ) {}

  /** Read once per session once the catalog is frozen (db.ts): a BundleSchema is immutable. */
  static load(conn: DuckDBConnection): Promise<BundleSchema> {
    return catalogMemo(conn, 'bundleSchema', () => BundleSchema.read(conn));
  }

  private static async read(conn: DuckDBConnection): Promise<BundleSchema> {
    const rows = await queryRows<{ t: string; c: string; ty: string }>(
      conn,
      "select table_name as t, column_name as c, data_type as ty from duckdb_columns() where schema_name = 'main' and database_name = current_database() order by table_name, column_index",
    );
    // Canonical columns that no file supplied are not part of the bundle: a metric over one is "not measurable".
    const absent = await absentCanonicalColumns(conn, new Set(rows.map((r) => r.t)));
    const tables = new Map<string, Map<string, string>>();
    for (const r of rows) {
      let cols = tables.get(r.t);
      if (!cols) tables.set(r.t, (cols = new Map()));
      if (absent.get(r.t)?.has(r.c)) continue;
      cols.set(r.c, r.ty);
    }
    return new BundleSchema(tables, await blankFreeColumns(conn, tables));
  }

  has(table: string): boolean {
    return this.tables.has(table);
  }

  hasColumn(table: string, column: string): boolean {
    return this.tables.get(table)?.has(column) ?? false;
  }

  columnType(table: string, column: string): string | undefined {
    return this.tables.get(table)?.get(column);
  }

  /** Table and column exist: the table quoted. */
  table(name: string): string {
    return quoteIdent(name);
  }

  /** A text column with missing values (shared/missing.ts: NULL or blank) as NULL, or a typed NULL when absent. `alias` qualifies the column. */
  text(table: string, column: string, alias?: string): string {
    const type = this.columnType(table, column);
    if (!type) return 'CAST(NULL AS VARCHAR)';
    if (type === 'VARCHAR' && this.blankFree.has(`${table}\u0000${column}`)) return qualify(column, alias);
    return textOrNullSql(qualify(column, alias), type);
  }

  /** A timestamp column as TIMESTAMP (UTC), whatever it was stored as; NULL when absent or unparseable. */
  ts(table: string, column: string, alias?: string): string {
    const type = this.columnType(table, column);
    if (!type) return 'CAST(NULL AS TIMESTAMP)';
    const ref = qualify(column, alias);
    if (type === 'TIMESTAMP') return ref;
    if (type.startsWith('TIMESTAMP WITH TIME ZONE')) return `timezone('UTC', ${ref})`;
    if (type.startsWith('TIMESTAMP')) return `CAST(${ref} AS TIMESTAMP)`;
    if (type === 'DATE') return `CAST(${ref} AS TIMESTAMP)`;
    return `TRY_CAST(${ref} AS TIMESTAMP)`;
  }

  num(table: string, column: string, alias?: string, type: SqlType = 'DOUBLE'): string {
    if (!this.hasColumn(table, column)) return `CAST(NULL AS ${type})`;
    return `TRY_CAST(${qualify(column, alias)} AS ${type})`;
  }

  bool(table: string, column: string, alias?: string): string {
    const type = this.columnType(table, column);
    if (!type) return 'CAST(NULL AS BOOLEAN)';
    const ref = qualify(column, alias);
    if (type === 'BOOLEAN') return ref;
    // Exports write booleans as true/false, 1/0, yes/no; anything else is NULL rather than a guess.
    return `CASE lower(trim(CAST(${ref} AS VARCHAR))) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'yes' THEN true WHEN 't' THEN true WHEN 'false' THEN false WHEN '0' THEN false WHEN 'no' THEN false WHEN 'f' THEN false ELSE NULL END`;
  }
}

/** The import's list of text columns without blank values (none when the database has no such table). */
async function blankFreeColumns(conn: DuckDBConnection, tables: Map<string, Map<string, string>>): Promise<Set<string>> {
  if (!tables.has(META_TABLES.blankFree)) return new Set();
  const rows = await queryRows<{ t: string; c: string }>(conn, `select table_name as t, column_name as c from ${quoteIdent(META_TABLES.blankFree)}`);
  return new Set(rows.map((r) => `${r.t}\u0000${r.c}`));
}

/** table → canonical columns no file supplied, from _ad_column_map (empty when the database has no such table). */
async function absentCanonicalColumns(conn: DuckDBConnection, tables: Set<string>): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (!tables.has(META_TABLES.columnMap)) return out;
  const present = await queryRows<{ t: string; c: string }>(conn, `select distinct table_name as t, column_name as c from ${quoteIdent(META_TABLES.columnMap)} where tag <> 'absent'`);
  for (const def of CANONICAL_TABLES) {
    const have = new Set(present.filter((p) => p.t === def.name).map((p) => p.c));
    out.set(def.name, new Set(def.columns.map((c) => c.name).filter((c) => !have.has(c))));
  }
  return out;
}

function qualify(column: string, alias?: string): string {
  return alias ? `${alias}.${quoteIdent(column)}` : quoteIdent(column);
}

export const COHORT_TABLES = ['eval_results', 'records', 'spans'] as const;

/**
 * Cohort attribute names: columns with role 'cohort' in _ad_column_roles, plus the attributes named by the
 * cohorts table. Sorted, so every consumer iterates in the same order.
 */
export async function cohortAttributes(conn: DuckDBConnection, schema: BundleSchema): Promise<string[]> {
  // Once per session on a frozen catalog (the schema is then the session's one BundleSchema); a fresh copy each call.
  return [...(await catalogMemo(conn, 'cohortAttributes', () => readCohortAttributes(conn, schema)))];
}

async function readCohortAttributes(conn: DuckDBConnection, schema: BundleSchema): Promise<string[]> {
  const names = new Set<string>();
  if (schema.hasColumn(META_TABLES.columnRoles, 'column_name') && schema.hasColumn(META_TABLES.columnRoles, 'role')) {
    const rows = await queryRows<{ c: string }>(
      conn,
      `select distinct CAST(column_name AS VARCHAR) as c from ${quoteIdent(META_TABLES.columnRoles)} where lower(CAST(role AS VARCHAR)) = 'cohort' and column_name is not null order by 1`,
    );
    for (const r of rows) names.add(r.c);
  }
  if (schema.hasColumn('cohorts', 'attribute')) {
    const rows = await queryRows<{ a: string }>(conn, `select distinct ${schema.text('cohorts', 'attribute')} as a from cohorts where ${schema.text('cohorts', 'attribute')} is not null order by 1`);
    for (const r of rows) names.add(r.a);
  }
  return [...names].sort(byCodePoint);
}

export interface CohortDef {
  cohort_id: string;
  attribute: string;
  value: string;
  release_critical: boolean;
  min_eval_rows: number | null;
  source: 'definition' | 'attribute';
}

/**
 * Cohorts from the cohorts table, plus attribute=value cohorts for cohort attributes the table does not define
 * (values seen in eval_results, records or spans). Release-critical first, then attribute, value.
 */
export async function loadCohorts(conn: DuckDBConnection, schema: BundleSchema): Promise<CohortDef[]> {
  const attributes = await cohortAttributes(conn, schema);
  const defs: CohortDef[] = [];
  if (schema.has('cohorts') && schema.hasColumn('cohorts', 'attribute') && schema.hasColumn('cohorts', 'value')) {
    const rows = await queryRows<{ id: string | null; a: string; v: string; rc: boolean | null; m: number | null }>(
      conn,
      `select ${schema.text('cohorts', 'cohort_id')} as id, ${schema.text('cohorts', 'attribute')} as a, CAST(${quoteIdent('value')} AS VARCHAR) as v,
              ${schema.bool('cohorts', 'release_critical')} as rc, ${schema.num('cohorts', 'min_eval_rows', undefined, 'BIGINT')} as m
         from cohorts where ${schema.text('cohorts', 'attribute')} is not null and ${presentSql('"value"')}`,
    );
    for (const r of rows)
      defs.push({
        cohort_id: r.id ?? `${r.a}=${r.v}`,
        attribute: r.a,
        value: r.v,
        release_critical: r.rc === true,
        min_eval_rows: typeof r.m === 'number' && r.m > 0 ? r.m : null,
        source: 'definition',
      });
  }
  const defined = new Set(defs.map((d) => d.attribute));
  const undefinedAttrs = attributes.filter((a) => !defined.has(a));
  if (undefinedAttrs.length > 0) {
    const parts: string[] = [];
    for (const attr of undefinedAttrs)
      for (const t of COHORT_TABLES)
        if (schema.hasColumn(t, attr)) parts.push(`select ${quoteLiteral(attr)} as a, CAST(${quoteIdent(attr)} AS VARCHAR) as v from ${quoteIdent(t)} where ${quoteIdent(attr)} is not null`);
    if (parts.length > 0) {
      const rows = await queryRows<{ a: string; v: string }>(conn, `select distinct a, v from (${parts.join(' union all ')}) order by a, v`);
      for (const r of rows) defs.push({ cohort_id: `${r.a}=${r.v}`, attribute: r.a, value: r.v, release_critical: false, min_eval_rows: null, source: 'attribute' });
    }
  }
  return defs.sort(
    (x, y) => Number(y.release_critical) - Number(x.release_critical) || byCodePoint(x.attribute, y.attribute) || byCodePoint(x.value, y.value) || byCodePoint(x.cohort_id, y.cohort_id),
  );
}

export type ReleaseRow = {
  release_id: string;
  released_at: string | null;
  model_version: string | null;
  dataset_version: string | null;
  prompt_version: string | null;
  approved_by: string | null;
  description: string | null;
  /** false when only referenced by another table. */
  defined: boolean;
}

/**
 * SQL for the release list: the releases table, plus release ids referenced by deployment events or evals
 * but not defined. Ordered by release time (released_at, else the first deployment event), then id.
 */
export function releasesSql(schema: BundleSchema): string | null {
  const parts: string[] = [];
  if (schema.has('releases') && schema.hasColumn('releases', 'release_id'))
    parts.push(
      `select ${schema.text('releases', 'release_id')} as release_id, ${schema.ts('releases', 'released_at')} as released_at,
              ${schema.text('releases', 'model_version')} as model_version, ${schema.text('releases', 'dataset_version')} as dataset_version,
              ${schema.text('releases', 'prompt_version')} as prompt_version, ${schema.text('releases', 'approved_by')} as approved_by,
              ${schema.text('releases', 'description')} as description, true as defined from releases`,
    );
  for (const t of ['deployment_events', 'eval_results'])
    if (schema.hasColumn(t, 'release_id'))
      parts.push(
        `select ${schema.text(t, 'release_id')} as release_id, CAST(NULL AS TIMESTAMP) as released_at, CAST(NULL AS VARCHAR) as model_version, CAST(NULL AS VARCHAR) as dataset_version,
                CAST(NULL AS VARCHAR) as prompt_version, CAST(NULL AS VARCHAR) as approved_by, CAST(NULL AS VARCHAR) as description, false as defined from ${quoteIdent(t)}`,
      );
  if (parts.length === 0) return null;
  const firstEvent = schema.hasColumn('deployment_events', 'release_id')
    ? `left join (select ${schema.text('deployment_events', 'release_id')} as rid, min(${schema.ts('deployment_events', 'ts')}) as first_ts from deployment_events group by 1) fe on fe.rid = u.release_id`
    : `left join (select CAST(NULL AS VARCHAR) as rid, CAST(NULL AS TIMESTAMP) as first_ts) fe on false`;
  // A release defined twice keeps its first row by (released_at, model_version): duplicates are an import finding.
  return `select release_id, released_at, model_version, dataset_version, prompt_version, approved_by, description, defined,
                 row_number() over (order by coalesce(released_at, first_ts) nulls last, release_id) as ord
            from (select u.*, fe.first_ts,
                         row_number() over (partition by u.release_id order by u.defined desc, u.released_at nulls last, u.model_version nulls last, u.approved_by nulls last) as dup
                    from (${parts.join(' union all ')}) u ${firstEvent}
                   where u.release_id is not null)
           where dup = 1`;
}

export async function loadReleases(conn: DuckDBConnection, schema: BundleSchema): Promise<ReleaseRow[]> {
  const sql = releasesSql(schema);
  if (!sql) return [];
  return queryRows<ReleaseRow & { ord: number }>(conn, `${sql} order by ord`).then((rows) =>
    rows.map((r) => ({
      release_id: r.release_id,
      released_at: r.released_at,
      model_version: r.model_version,
      dataset_version: r.dataset_version,
      prompt_version: r.prompt_version,
      approved_by: r.approved_by,
      description: r.description,
      defined: r.defined,
    })),
  );
}

/**
 * A sum of doubles that does not depend on row order or thread count: each term is rounded to 12 decimals and summed
 * as DECIMAL (exact integer arithmetic), then returned as DOUBLE. DuckDB's parallel SUM and even fsum can differ in the
 * last bits between runs; this cannot.
 */
export function exactSum(expr: string): string {
  return `CAST(sum(CAST(${expr} AS DECIMAL(38, 12))) AS DOUBLE)`;
}

/** Mean via exactSum; NULL when there is no non-null term. */
export function exactMean(expr: string): string {
  return `CASE WHEN count(${expr}) > 0 THEN ${exactSum(expr)} / count(${expr}) END`;
}

/** Code-point order: deterministic regardless of locale. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Turns a numeric cell into a number or null (BIGINT beyond 2^53 arrives as a string). */
export function num(cell: unknown): number | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'string' && cell.trim() !== '' && Number.isFinite(Number(cell))) return Number(cell);
  return null;
}

export function count(cell: unknown): number {
  return num(cell) ?? 0;
}

/** Values for a `VALUES` list, quoted as literals. */
export function valuesList(rows: (string | number | boolean | null)[][]): string {
  return rows.map((r) => `(${r.map((v) => (v === null ? 'NULL' : typeof v === 'string' ? quoteLiteral(v) : String(v))).join(', ')})`).join(', ');
}
