import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { afterEach } from 'vitest';
import { CANONICAL_TABLES, META_TABLES, type CanonicalTableName } from '../../../shared/canonical';
import { memoryDb, quoteIdent } from '../../../electron/engine/db';

/** A row of a hand-built table: canonical columns by name, anything else becomes an extra column. Timestamps as ISO strings. */
export type FixtureRow = Record<string, string | number | boolean | null>;
export type FixtureBundle = Partial<Record<CanonicalTableName, FixtureRow[]>> & {
  /** Rows for _ad_column_roles (table_name, column_name, role). */
  columnRoles?: { table_name: string; column_name: string; role: string }[];
};

function sqlTypeOf(values: FixtureRow[string][]): string {
  const v = values.find((x) => x !== null && x !== undefined);
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'number') return values.every((x) => x === null || Number.isInteger(x)) ? 'BIGINT' : 'DOUBLE';
  return 'VARCHAR';
}

async function createTable(conn: DuckDBConnection, name: string, columns: { name: string; type: string }[], rows: FixtureRow[]): Promise<void> {
  await conn.run(`CREATE TABLE ${quoteIdent(name)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
  const batch = 200;
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    const placeholders = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    const params: DuckDBValue[] = [];
    for (const r of chunk) for (const c of columns) params.push((r[c.name] ?? null) as DuckDBValue);
    await conn.run(`INSERT INTO ${quoteIdent(name)} VALUES ${placeholders}`, params);
  }
}

/**
 * Builds canonical tables in a fresh in-memory DuckDB. A table given (even with no rows) is created with every
 * canonical column plus the extra columns its rows use; a table not given does not exist.
 */
export async function buildBundle(spec: FixtureBundle): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection; close(): void }> {
  const { instance, conn } = await memoryDb();
  for (const table of CANONICAL_TABLES) {
    const rows = spec[table.name];
    if (!rows) continue;
    const canonical = table.columns.map((c) => ({ name: c.name, type: c.type }));
    const known = new Set(canonical.map((c) => c.name));
    const extraNames = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !known.has(k)).sort();
    const extra = extraNames.map((name) => ({ name, type: sqlTypeOf(rows.map((r) => r[name] ?? null)) }));
    await createTable(conn, table.name, [...canonical, ...extra], rows);
  }
  if (spec.columnRoles)
    await createTable(
      conn,
      META_TABLES.columnRoles,
      [
        { name: 'table_name', type: 'VARCHAR' },
        { name: 'column_name', type: 'VARCHAR' },
        { name: 'role', type: 'VARCHAR' },
      ],
      spec.columnRoles,
    );
  return {
    instance,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** n copies of a row built from its index. */
/**
 * `open(spec)` for a test file: builds the fixture bundle and closes it after the test. Call once at the
 * top level of the file.
 */
export function fixtureOpener(): (spec: FixtureBundle) => Promise<DuckDBConnection> {
  let close: (() => void) | undefined;
  afterEach(() => close?.());
  return async (spec) => {
    const b = await buildBundle(spec);
    close = b.close;
    return b.conn;
  };
}

export function times(n: number, make: (i: number) => FixtureRow): FixtureRow[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

/** ISO timestamp at a day offset (and hour) from 2026-03-01T00:00:00Z. */
export function day(offset: number, hour = 0, minute = 0): string {
  return new Date(Date.UTC(2026, 2, 1 + offset, hour, minute)).toISOString();
}

/**
 * A small three-release system with known answers (see each test):
 * - releases rA (m:1/ds1, approved alice), rB (m:2/ds2, approved only in audit_log by bob), rC (m:2/ds2, canary fails, rolled back);
 * - deployment events inserted out of time order;
 * - validation evals before each release: rA 0/10 failed, rB 5/10 failed, rC 1/10 failed; eval cohort region EU/US, US absent from rB;
 * - 100 traces of rA with root latencies 1..100 ms, 10 traces of rB, 10 of rC (3 errors), 5 traces with no version;
 * - spans on days 0..29 except days 5 and 6; audit_log daily except days 12..14.
 */
export function miniBundle(): FixtureBundle {
  const spans: FixtureRow[] = [];
  const addTrace = (tid: string, rid: string | null, mv: string | null, dv: string | null, d: number, ms: number, error = false, extra: FixtureRow = {}) => {
    const start = day(d, 10);
    const end = new Date(Date.parse(start) + ms).toISOString();
    spans.push({ trace_id: tid, span_id: `${tid}-root`, parent_span_id: null, name: 'root', start_time: start, end_time: end, duration_ms: ms, status_code: error ? 'ERROR' : 'OK', service_name: 'svc', release_id: rid, model_version: mv, dataset_version: dv, region: 'EU', ...extra });
    spans.push({ trace_id: tid, span_id: `${tid}-llm`, parent_span_id: `${tid}-root`, name: 'llm', start_time: start, end_time: start, duration_ms: 0.5, status_code: 'OK', service_name: 'svc', release_id: null, model_version: null, dataset_version: null, model_name: 'gpt-x', retry_count: 0, input_tokens: 10, output_tokens: 5, cost_usd: 0.001, fallback_taken: false, guardrail_blocked: false, route_target: 'primary', region: 'EU', ...extra });
  };
  // rA: days 0..9 but not 5, 6.
  const daysA = [0, 1, 2, 3, 4, 7, 8, 9];
  for (let i = 1; i <= 100; i++) addTrace(`ta${String(i).padStart(3, '0')}`, 'rA', 'm:1', 'ds1', daysA[i % daysA.length] ?? 0, i);
  for (let i = 0; i < 10; i++) addTrace(`tb${i}`, 'rB', 'm:2', 'ds2', 10 + i, 200 + i, false, { region: i < 5 ? 'EU' : 'US' });
  for (let i = 0; i < 10; i++) addTrace(`tc${i}`, 'rC', 'm:2', 'ds2', 20 + (i % 10), 300, i < 3);
  for (let i = 0; i < 5; i++) addTrace(`tz${i}`, null, null, null, 20 + i, 50);
  // One retry and one fallback among rB's LLM spans, one guardrail block in rC.
  const tb0 = spans.find((s) => s.span_id === 'tb0-llm');
  if (tb0) Object.assign(tb0, { retry_count: 2, fallback_taken: true, route_target: 'backup' });
  const tc0 = spans.find((s) => s.span_id === 'tc0-llm');
  if (tc0) tc0['guardrail_blocked'] = true;

  const evals: FixtureRow[] = [];
  const addEvals = (rid: string, mv: string, d: number, n: number, fails: number, regions: (i: number) => string, stage = 'validation') => {
    for (let i = 0; i < n; i++)
      evals.push({ eval_id: `${rid}-${stage}-${i}`, ts: day(d, 12), stage, evaluator: 'acc-check', metric: 'accuracy', value: i < fails ? 0.5 : 0.9, threshold: 0.8, passed: i >= fails, release_id: rid, model_version: mv, region: regions(i) });
  };
  addEvals('rA', 'm:1', -1, 10, 0, (i) => (i < 6 ? 'EU' : 'US'));
  addEvals('rB', 'm:2', 9, 10, 5, () => 'EU');
  addEvals('rC', 'm:2', 19, 10, 1, (i) => (i < 5 ? 'EU' : 'US'));
  addEvals('rA', 'm:1', 5, 20, 2, () => 'EU', 'monitoring');

  const audit: FixtureRow[] = [];
  for (let d = 0; d < 30; d++) if (d < 12 || d > 14) audit.push({ log_id: `log${d}`, ts: day(d, 9), actor: 'ops', action: 'config.read', target_type: 'system', target_id: 'svc' });
  audit.push({ log_id: 'appr-b', ts: day(10, 8), actor: 'bob', action: 'release.approve', target_type: 'release', target_id: 'rB' });
  audit.push({ log_id: 'dep-a', ts: day(0, 1), actor: 'ci', action: 'deploy.canary', target_type: 'release', target_id: 'rA' });

  return {
    dataset_versions: [
      { dataset_version: 'ds1', created_at: day(-20), feature_pipeline: 'feat@1' },
      { dataset_version: 'ds2', created_at: day(-5), parent_version: 'ds1', feature_pipeline: 'feat@2' },
    ],
    training_runs: [
      { run_id: 'run1', dataset_version: 'ds1', status: 'FINISHED' },
      { run_id: 'run2', dataset_version: 'ds2', status: 'FINISHED' },
    ],
    model_versions: [
      { model_version: 'm:1', model_name: 'scorer', run_id: 'run1' },
      { model_version: 'm:2', model_name: 'scorer', run_id: 'run2' },
    ],
    releases: [
      { release_id: 'rC', released_at: day(20), model_version: 'm:2', dataset_version: 'ds2', prompt_version: 'p2', approved_by: 'carol' },
      { release_id: 'rA', released_at: day(0), model_version: 'm:1', dataset_version: 'ds1', prompt_version: 'p1', approved_by: 'alice' },
      { release_id: 'rB', released_at: day(10), model_version: 'm:2', dataset_version: 'ds2', prompt_version: 'p1', approved_by: '' },
    ],
    deployment_events: [
      { event_id: 'e9', release_id: 'rC', ts: day(20, 12), event_type: 'incident_resolved', actor: 'oncall' },
      { event_id: 'e1', release_id: 'rA', ts: day(0), event_type: 'canary_start', actor: 'ci' },
      { event_id: 'e6', release_id: 'rC', ts: day(20, 6), event_type: 'canary_fail', actor: 'canary-analysis' },
      { event_id: 'e2', release_id: 'rA', ts: day(0, 12), event_type: 'canary_pass', actor: 'canary-analysis' },
      { event_id: 'e3', release_id: 'rA', ts: day(1), event_type: 'promote', actor: 'ci' },
      { event_id: 'e8', release_id: 'rC', ts: day(20, 9), event_type: 'rollback', actor: 'oncall' },
      { event_id: 'e4', release_id: 'rB', ts: day(10), event_type: 'canary_start', actor: 'ci' },
      { event_id: 'e5', release_id: 'rB', ts: day(11), event_type: 'promote', actor: 'ci' },
      { event_id: 'e7', release_id: 'rC', ts: day(20, 7), event_type: 'incident_open', actor: 'oncall' },
      { event_id: 'e0', release_id: 'rC', ts: day(20), event_type: 'canary_start', actor: 'ci' },
    ],
    eval_results: evals,
    audit_log: audit,
    cohorts: [
      { cohort_id: 'region=EU', attribute: 'region', value: 'EU', release_critical: true, min_eval_rows: null },
      { cohort_id: 'region=US', attribute: 'region', value: 'US', release_critical: true, min_eval_rows: 3 },
      { cohort_id: 'region=APAC', attribute: 'region', value: 'APAC', release_critical: false, min_eval_rows: null },
    ],
    spans,
  };
}
