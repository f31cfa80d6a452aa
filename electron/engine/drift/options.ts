import type { DuckDBConnection } from '@duckdb/node-api';
import type { DriftOptions } from '../../../shared/api/drift';
import { catalogMemo, columnsOf, queryRows, quoteIdent, tableExists } from '../db';
import { columnKind } from './auto';
import { cohortAttributes, comparableColumns, defaultColumns } from './columns';
import { describeTable } from './select';
import { CANONICAL_TABLE_NAMES, CANONICAL_TABLES } from '../../../shared/canonical';

/** Canonical tables whose rows are observations worth comparing; registry tables (releases, audit_log, …) are not. */
const OBSERVATION_TABLES = new Set(['records', 'spans', 'eval_results']);

async function listTables(conn: DuckDBConnection): Promise<string[]> {
  const names = await catalogMemo(conn, 'driftTables', async () => {
    const rows = await queryRows<{ name: string }>(
      conn,
      "select table_name as name from duckdb_tables() where schema_name = 'main' and not starts_with(table_name, '_ad_') union select view_name from duckdb_views() where schema_name = 'main' and not internal and not starts_with(view_name, '_ad_') order by 1",
    );
    return rows.map((r) => r.name);
  });
  return [...names];
}

async function distinctStrings(conn: DuckDBConnection, table: string, column: string): Promise<string[]> {
  if (!(await tableExists(conn, table))) return [];
  if (!(await columnsOf(conn, table)).some((c) => c.name === column)) return [];
  const rows = await queryRows<{ v: string }>(conn, `select distinct ${quoteIdent(column)}::VARCHAR as v from ${quoteIdent(table)} where ${quoteIdent(column)} is not null order by 1`);
  return rows.map((r) => r.v);
}

/** At most this many distinct values for an undeclared text column to be offered as a cohort attribute. */
const MAX_OFFERED_COHORT_VALUES = 50;

/** Text columns of a canonical table that are not canonical columns (the file's own), with 2–50 distinct values. */
async function offeredCohortColumns(conn: DuckDBConnection, table: string, columns: { name: string; type: string }[]): Promise<Set<string>> {
  const canonical = new Set(CANONICAL_TABLES.find((t) => t.name === table)?.columns.map((c) => c.name) ?? []);
  const text = columns.filter((c) => c.type === 'VARCHAR' && !canonical.has(c.name));
  if (text.length === 0) return new Set();
  const row = (await queryRows(conn, `select ${text.map((c, i) => `count(distinct ${quoteIdent(c.name)}) as c${i}`).join(', ')} from ${quoteIdent(table)}`))[0] ?? {};
  return new Set(text.filter((_c, i) => Number(row[`c${i}`] ?? 0) >= 2 && Number(row[`c${i}`] ?? 0) <= MAX_OFFERED_COHORT_VALUES).map((c) => c.name));
}

/**
 * What the drift screen can offer: tables, comparable columns with kinds and roles, selectors, cohorts, period.
 * Derived from the read-only bundle alone, so read once per session once the catalog is frozen (the Overview's
 * drift scan, the Drift screen, the report and `check` share it); each caller gets its own copy.
 */
export async function driftOptions(conn: DuckDBConnection): Promise<DriftOptions> {
  return structuredClone(await catalogMemo(conn, 'driftOptions', () => readDriftOptions(conn)));
}

async function readDriftOptions(conn: DuckDBConnection): Promise<DriftOptions> {
  const tables: DriftOptions['tables'] = [];
  let start: string | null = null;
  let end: string | null = null;
  for (const name of await listTables(conn)) {
    const canonical = (CANONICAL_TABLE_NAMES as readonly string[]).includes(name);
    if (canonical && !OBSERVATION_TABLES.has(name)) continue;
    const info = await describeTable(conn, name);
    const all = comparableColumns(info);
    if (all.length === 0) continue;
    const cohortAttrs = await cohortAttributes(conn, info);
    const defaults = new Set(defaultColumns(info, all, cohortAttrs).map((c) => c.name));
    const comparable = all.filter((c) => defaults.has(c.name));
    // A table without a time column is still offered: release / version selectors work, and a time window says
    // why it selects nothing ("no time column with values; map one …") instead of the table disappearing.
    if (comparable.length === 0) continue;
    // approx_count_distinct is enough to tell ≤ 2 / ≤ 10 distinct values apart and scans once.
    const counts = await queryRows(
      conn,
      `select ${comparable.map((c, i) => `approx_count_distinct(${c.expr}) as c${i}`).join(', ')} from ${quoteIdent(name)}`,
    );
    const row = counts[0] ?? {};
    tables.push({
      name,
      timestamp_column: info.timestampColumn,
      columns: comparable.map((c, i) => ({ name: c.name, kind: columnKind(c.valueType, Number(row[`c${i}`] ?? 0)), role: c.role, distinct: Number(row[`c${i}`] ?? 0) })),
    });
    if ((name === 'records' || name === 'spans' || !canonical) && info.timestampColumn) {
      const ts = quoteIdent(info.timestampColumn);
      const range = await queryRows<{ lo: string | null; hi: string | null }>(conn, `select min(${ts}) as lo, max(${ts}) as hi from ${quoteIdent(name)}`);
      const lo = range[0]?.lo ?? null;
      const hi = range[0]?.hi ?? null;
      if (lo && (start === null || lo < start)) start = lo;
      if (hi && (end === null || hi > end)) end = hi;
    }
  }
  const releases = (await tableExists(conn, 'releases'))
    ? await queryRows<{ release_id: string; released_at: string | null }>(
        conn,
        'select release_id::VARCHAR as release_id, released_at from releases where release_id is not null order by released_at nulls last, release_id',
      )
    : [];
  const datasetVersions = [...new Set([...(await distinctStrings(conn, 'dataset_versions', 'dataset_version')), ...(await distinctStrings(conn, 'records', 'dataset_version'))])].sort();
  const modelVersions = [...new Set([...(await distinctStrings(conn, 'model_versions', 'model_version')), ...(await distinctStrings(conn, 'records', 'model_version'))])].sort();

  const attrValues = new Map<string, Set<string>>();
  const offered = new Set<string>();
  if (await tableExists(conn, 'cohorts')) {
    const rows = await queryRows<{ attribute: string; value: string }>(conn, 'select attribute::VARCHAR as attribute, value::VARCHAR as value from cohorts where attribute is not null and value is not null');
    for (const r of rows) attrValues.set(r.attribute, (attrValues.get(r.attribute) ?? new Set()).add(r.value));
  }
  for (const t of ['records', 'spans']) {
    if (!(await tableExists(conn, t))) continue;
    const info = await describeTable(conn, t);
    const declared = await cohortAttributes(conn, info);
    // Nothing declares a cohort (no manifest role, no cohorts table — another tool's export): offer the file's own
    // text columns with a few values (origin, region…) so the screen can compare per group, as the CLI can.
    const attrs = declared.size > 0 || attrValues.size > 0 ? declared : await offeredCohortColumns(conn, t, info.columns);
    if (attrs !== declared) for (const a of attrs) offered.add(a);
    for (const attr of attrs) {
      for (const v of await distinctStrings(conn, t, attr)) attrValues.set(attr, (attrValues.get(attr) ?? new Set()).add(v));
    }
  }
  const cohort_attributes = [...attrValues.entries()]
    .map(([attribute, values]) => ({ attribute, values: [...values].sort(), ...(offered.has(attribute) ? { offered: true as const } : {}) }))
    .sort((a, b) => (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0));
  const period = { start, end };
  return { tables, releases, dataset_versions: datasetVersions, model_versions: modelVersions, cohort_attributes, period, defaults: defaultComparison(tables, releases, period) };
}

function utcInstant(text: string): Date | null {
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Where a bundle's drift screen starts: its own releases, else the two halves of its own period. */
export function defaultComparison(tables: DriftOptions['tables'], releases: DriftOptions['releases'], period: DriftOptions['period']): DriftOptions['defaults'] {
  const names = tables.map((t) => t.name);
  const table = names.includes('records') ? 'records' : (names[0] ?? null);
  const first = releases[0];
  const last = releases[releases.length - 1];
  if (first && last && releases.length >= 2)
    return { table, baseline: { key: 'release', value: first.release_id }, current: { key: 'release', value: last.release_id }, why: `first release ${first.release_id} vs last release ${last.release_id}` };
  const lo = period.start ? utcInstant(period.start) : null;
  const hi = period.end ? utcInstant(period.end) : null;
  if (lo && hi && lo < hi) {
    // Half-open windows. Over two days or more they are cut at UTC midnights (start of the first day, the midnight
    // nearest the middle, the midnight after the last event), so they read as whole days; else at the second.
    const DAY = 86_400_000;
    const wholeDays = hi.getTime() - lo.getTime() >= 2 * DAY;
    const start = wholeDays ? new Date(Math.floor(lo.getTime() / DAY) * DAY) : lo;
    const end = wholeDays ? new Date(Math.floor(hi.getTime() / DAY) * DAY + DAY) : new Date(Math.floor(hi.getTime() / 1000) * 1000 + 1000);
    const half = (end.getTime() - start.getTime()) / 2;
    const mid = wholeDays ? new Date(start.getTime() + Math.round(half / DAY) * DAY) : new Date(start.getTime() + Math.floor(half / 1000) * 1000);
    const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');
    return {
      table,
      baseline: { key: 'window', value: `${iso(start)}/${iso(mid)}` },
      current: { key: 'window', value: `${iso(mid)}/${iso(end)}` },
      why: `${releases.length === 1 ? 'one release only' : 'no releases'}: first vs second half of the bundle's period`,
    };
  }
  return { table, baseline: null, current: null, why: 'no releases and no time period: pick what to compare' };
}
