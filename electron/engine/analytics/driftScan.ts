import type { DuckDBConnection } from '@duckdb/node-api';
import type { DriftScanFinding, DriftScanReport, NotMeasurable } from '../../../shared/api/analytics';
import type { DriftOptions, DriftResult } from '../../../shared/api/drift';
import { queryRows, quoteIdent } from '../db';
import { DEFAULT_ALPHA, DEFAULT_THRESHOLDS } from '../drift/auto';
import { comparableColumns } from '../drift/columns';
import { computeDrift } from '../drift/compute';
import { adjustPValues } from '../drift/correction';
import { decide } from '../drift/decide';
import { driftOptions } from '../drift/options';
import { describeTable } from '../drift/select';
import { loadEvents } from './lineage';
import { BundleSchema, byCodePoint, cohortAttributes, loadReleases, num } from './schema';

/**
 * Release-to-release drift scan for the Overview: each promoted release against the previous promoted one,
 * overall and per cohort value. A cheap screen (one GROUP BY GROUPING SETS query per table and release pair)
 * picks candidate (column, cohort) cells; the exact drift engine confirms them, so every finding carries a real
 * method, statistic, p-value and n. docs/metrics.md ("Drift headline") states the rules.
 */

export interface DriftScanOptions {
  /** Tables to scan (default records and spans, when they have a release_id). */
  tables?: string[];
  /** Candidates confirmed per (table, pair, column), strongest screen first (default 3). */
  maxCohortsPerColumn?: number;
  alpha?: number;
}

/** Columns compared per table, by role (records: model inputs and outputs; spans: the LLM signals). */
const SCANNED_ROLES: Record<string, readonly string[]> = { records: ['feature', 'score'], spans: ['signal'] };
const DEFAULT_TABLES = ['records', 'spans'];
const DEFAULT_MAX_COHORTS = 3;
/** Each side of a cell needs this many values before the screen reads anything into it. */
export const SCREEN_MIN_N = 30;
/**
 * Screen gate: the difference must be this many standard errors away from zero. Loose on purpose: a finding also
 * needs p_adjusted < alpha over the whole scan family (hundreds of tests), i.e. roughly z > 3.5.
 */
export const SCREEN_MIN_Z = 3;
/**
 * The screen flags at the engine's default threshold. |Δmean| / σ_baseline never exceeds W1 / σ_baseline, so a
 * location shift the engine would flag with wasserstein_norm passes the screen.
 */
export const SCREEN_FACTOR = 1;
/** A change of spread alone must reach this multiple of the threshold (sample σ is noisy on heavy tails). */
export const SCREEN_SPREAD_FACTOR = 3;
/** Categories rarer than this (both sides pooled) do not gate the categorical screen: their z is unreliable. */
export const SCREEN_MIN_CATEGORY_COUNT = 10;
/** Values beyond this magnitude make a column unscreenable (its exact sums could overflow): always a candidate. */
const SCREEN_MAX_ABS = 1e9;

interface ScanColumn {
  name: string;
  expr: string;
  moments: boolean;
  histogram: boolean;
}

interface Side {
  rows: number;
  n: number;
  sum: number | null;
  sumsq: number | null;
  oversized: number;
  hist: Map<string, number> | null;
}

interface Cell {
  attribute: string | null;
  value: string | null;
  column: string;
  base: Side;
  cur: Side;
}

interface Candidate {
  attribute: string | null;
  value: string | null;
  column: string;
  score: number;
  distribution: boolean;
  nullRate: boolean;
}

function cohortLabel(attribute: string | null, value: string | null): string {
  return attribute === null ? 'all' : `${attribute}=${value ?? ''}`;
}

/** Exact (order-independent) sum as DOUBLE: every term rounded to 8 decimals and added as DECIMAL. */
function exactSum(expr: string): string {
  return `CAST(sum(CAST(${expr} AS DECIMAL(38, 8))) AS DOUBLE)`;
}

function cohensH(p1: number, p2: number): number {
  return Math.abs(2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2)));
}

function twoProportionZ(p1: number, n1: number, p2: number, n2: number): number {
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return se > 0 ? Math.abs(p1 - p2) / se : p1 === p2 ? 0 : Infinity;
}

/** Jensen–Shannon distance (base 2) between two count maps, plus the largest two-proportion z over their categories. */
function categoricalScreen(a: Map<string, number>, na: number, b: Map<string, number>, nb: number): { js: number; z: number } {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort(byCodePoint);
  let div = 0;
  let z = 0;
  for (const k of keys) {
    const p = (a.get(k) ?? 0) / na;
    const q = (b.get(k) ?? 0) / nb;
    const m = (p + q) / 2;
    if (p > 0) div += 0.5 * p * Math.log2(p / m);
    if (q > 0) div += 0.5 * q * Math.log2(q / m);
    if ((a.get(k) ?? 0) + (b.get(k) ?? 0) >= SCREEN_MIN_CATEGORY_COUNT) z = Math.max(z, twoProportionZ(p, na, q, nb));
  }
  return { js: Math.sqrt(Math.max(0, div)), z };
}

/** The screen for one cell: a score in effect units (compared with SCREEN_FACTOR × threshold) per test, or null. */
function screenCell(c: Cell, col: ScanColumn): { distribution: number | null; nullRate: number | null } {
  const { base, cur } = c;
  let distribution: number | null = null;
  let nullRate: number | null = null;
  if (base.rows >= SCREEN_MIN_N && cur.rows >= SCREEN_MIN_N) {
    const pb = 1 - base.n / base.rows;
    const pc = 1 - cur.n / cur.rows;
    if (twoProportionZ(pb, base.rows, pc, cur.rows) >= SCREEN_MIN_Z) nullRate = cohensH(pb, pc);
  }
  if (base.n < SCREEN_MIN_N || cur.n < SCREEN_MIN_N) return { distribution, nullRate };
  if (col.moments) {
    if (base.oversized > 0 || cur.oversized > 0 || base.sum === null || cur.sum === null || base.sumsq === null || cur.sumsq === null) {
      distribution = Infinity;
    } else {
      const mb = base.sum / base.n;
      const mc = cur.sum / cur.n;
      const vb = Math.max(0, base.sumsq / base.n - mb * mb);
      const vc = Math.max(0, cur.sumsq / cur.n - mc * mc);
      const sb = Math.sqrt(vb);
      const sc = Math.sqrt(vc);
      const se = Math.sqrt(vb / base.n + vc / cur.n);
      const meanZ = se > 0 ? Math.abs(mc - mb) / se : mc === mb ? 0 : Infinity;
      if (sb > 0) {
        const smd = meanZ >= SCREEN_MIN_Z ? Math.abs(mc - mb) / sb : 0;
        const spread = Math.abs(sc - sb) / sb;
        distribution = Math.max(smd, spread >= SCREEN_SPREAD_FACTOR * DEFAULT_THRESHOLDS.wasserstein_norm ? spread / SCREEN_SPREAD_FACTOR : 0);
      } else if (sc > 0 || mc !== mb) distribution = Infinity;
      else distribution = 0;
    }
  }
  if (col.histogram && base.hist && cur.hist) {
    const { js, z } = categoricalScreen(base.hist, base.n, cur.hist, cur.n);
    const h = z >= SCREEN_MIN_Z ? js : 0;
    distribution = Math.max(distribution ?? 0, h);
  }
  return { distribution, nullRate };
}

function parseHistogram(cell: unknown): Map<string, number> | null {
  if (typeof cell !== 'string') return null;
  const parsed: unknown = JSON.parse(cell);
  if (parsed === null || typeof parsed !== 'object') return null;
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out.set(k, Number(v));
  return out;
}

function sideOf(row: Record<string, unknown>, i: number, col: ScanColumn): Side {
  return {
    rows: num(row.rows) ?? 0,
    n: num(row[`n${i}`]) ?? 0,
    sum: col.moments ? num(row[`s${i}`]) : null,
    sumsq: col.moments ? num(row[`q${i}`]) : null,
    oversized: col.moments ? (num(row[`o${i}`]) ?? 0) : 0,
    hist: col.histogram ? parseHistogram(row[`h${i}`]) : null,
  };
}

/** One query: per side (baseline/current) × grouping set (all, each cohort attribute), counts, exact sums and histograms. */
async function screenPair(
  conn: DuckDBConnection,
  table: string,
  attrs: string[],
  cols: ScanColumn[],
  baseline: string,
  current: string,
): Promise<Cell[]> {
  const rel = `CAST(${quoteIdent('release_id')} AS VARCHAR)`;
  const groups = attrs.map((a, k) => `CAST(${quoteIdent(a)} AS VARCHAR) as g${k}`);
  const values = cols.map((c, i) => `${c.expr} as v${i}`);
  const aggs: string[] = ['count(*) as rows'];
  cols.forEach((c, i) => {
    aggs.push(`count(v${i}) as n${i}`);
    if (c.moments) {
      const small = `case when abs(v${i}) <= ${SCREEN_MAX_ABS} then v${i} end`;
      aggs.push(`${exactSum(small)} as s${i}`, `${exactSum(`(${small}) * (${small})`)} as q${i}`, `count_if(abs(v${i}) > ${SCREEN_MAX_ABS}) as o${i}`);
    }
    if (c.histogram) aggs.push(`CAST(to_json(histogram(CAST(v${i} AS VARCHAR))) AS VARCHAR) as h${i}`);
  });
  const sets = ['(cur)', ...attrs.map((_, k) => `(cur, g${k})`)];
  const flags = attrs.map((_, k) => `grouping(g${k}) as x${k}`);
  const sql = `with src as (select ${rel} = ? as cur${groups.length ? `, ${groups.join(', ')}` : ''}, ${values.join(', ')}
                 from ${quoteIdent(table)} where ${rel} in (?, ?))
               select cur${attrs.map((_, k) => `, g${k}`).join('')}${flags.length ? `, ${flags.join(', ')}` : ''}, ${aggs.join(', ')}
                 from src group by grouping sets (${sets.join(', ')})
                order by ${[...attrs.map((_, k) => `x${k}, g${k}`), 'cur'].join(', ')}`;
  const rows = await queryRows(conn, sql, [current, baseline, current]);
  const byKey = new Map<string, { attribute: string | null; value: string | null; base?: Record<string, unknown>; cur?: Record<string, unknown> }>();
  for (const row of rows) {
    const k = attrs.findIndex((_, j) => num(row[`x${j}`]) === 0);
    const attribute = k >= 0 ? (attrs[k] as string) : null;
    const value = k >= 0 ? (row[`g${k}`] as string | null) : null;
    if (attribute !== null && value === null) continue;
    const key = `${attribute ?? ''}\u0000${value ?? ''}`;
    const entry = byKey.get(key) ?? { attribute, value };
    if (row.cur === true) entry.cur = row;
    else entry.base = row;
    byKey.set(key, entry);
  }
  const cells: Cell[] = [];
  for (const e of byKey.values()) {
    if (!e.base || !e.cur) continue;
    const b = e.base;
    const c = e.cur;
    cols.forEach((col, i) => cells.push({ attribute: e.attribute, value: e.value, column: col.name, base: sideOf(b, i, col), cur: sideOf(c, i, col) }));
  }
  return cells;
}

function byCandidate(a: Candidate, b: Candidate): number {
  return b.score - a.score || byCodePoint(cohortLabel(a.attribute, a.value), cohortLabel(b.attribute, b.value)) || byCodePoint(a.column, b.column);
}

async function scanColumns(conn: DuckDBConnection, table: DriftOptions['tables'][number]): Promise<ScanColumn[]> {
  const roles = SCANNED_ROLES[table.name] ?? ['feature', 'score'];
  const exprs = new Map(comparableColumns(await describeTable(conn, table.name)).map((c) => [c.name, c]));
  const out: ScanColumn[] = [];
  for (const c of table.columns) {
    const spec = exprs.get(c.name);
    if (!spec || !roles.includes(c.role ?? '')) continue;
    const numeric = spec.valueType === 'float' || spec.valueType === 'integer';
    out.push({ name: c.name, expr: spec.expr, moments: numeric, histogram: !numeric || c.kind !== 'numeric' });
  }
  return out.sort((a, b) => byCodePoint(a.name, b.name));
}

/** Promoted releases in release order: a 'promote' deployment event and no 'rollback'. */
export async function promotedReleases(conn: DuckDBConnection, schema: BundleSchema): Promise<string[]> {
  const releases = await loadReleases(conn, schema);
  const events = await loadEvents(conn, schema);
  const types = new Map<string, Set<string>>();
  for (const e of events) {
    if (!e.release_id || !e.event_type) continue;
    const set = types.get(e.release_id) ?? new Set<string>();
    set.add(e.event_type);
    types.set(e.release_id, set);
  }
  return releases.map((r) => r.release_id).filter((id) => types.get(id)?.has('promote') === true && types.get(id)?.has('rollback') !== true);
}

export async function driftScan(conn: DuckDBConnection, opts: DriftScanOptions = {}): Promise<DriftScanReport> {
  const schema = await BundleSchema.load(conn);
  const notMeasurable: NotMeasurable[] = [];
  const promoted = await promotedReleases(conn, schema);
  const report: DriftScanReport = { promoted, pairs: [], drifted: [], not_measurable: notMeasurable };
  if (promoted.length < 2) {
    notMeasurable.push({ metric: 'drift_scan', reason: promoted.length === 0 ? 'no promoted release (no deployment event of type promote)' : 'only one promoted release: nothing to compare it with' });
    return report;
  }
  const wanted = opts.tables ?? DEFAULT_TABLES;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const maxCohorts = opts.maxCohortsPerColumn ?? DEFAULT_MAX_COHORTS;
  const options = await driftOptions(conn);
  const allAttrs = await cohortAttributes(conn, schema);
  for (const tableName of wanted) {
    const table = options.tables.find((t) => t.name === tableName);
    if (!table || !schema.hasColumn(tableName, 'release_id')) {
      if (schema.has(tableName)) notMeasurable.push({ metric: 'drift_scan', reason: `${tableName} has no release_id or no comparable column` });
      continue;
    }
    const cols = await scanColumns(conn, table);
    if (cols.length === 0) continue;
    const attrs = allAttrs.filter((a) => schema.hasColumn(tableName, a));
    for (let p = 1; p < promoted.length; p++) {
      const baseline = promoted[p - 1] as string;
      const current = promoted[p] as string;
      const cells = await screenPair(conn, tableName, attrs, cols, baseline, current);
      if (cells.length === 0) {
        notMeasurable.push({ metric: 'drift_scan', reason: `${tableName}: no rows for release ${baseline} or ${current}` });
        continue;
      }
      const colByName = new Map(cols.map((c) => [c.name, c]));
      const candidates: Candidate[] = [];
      for (const cell of cells) {
        const s = screenCell(cell, colByName.get(cell.column) as ScanColumn);
        const cut = (m: keyof typeof DEFAULT_THRESHOLDS) => SCREEN_FACTOR * DEFAULT_THRESHOLDS[m];
        const distribution = s.distribution !== null && s.distribution >= cut('wasserstein_norm');
        const nullRate = s.nullRate !== null && s.nullRate >= cut('null_rate');
        if (distribution || nullRate)
          candidates.push({ attribute: cell.attribute, value: cell.value, column: cell.column, score: Math.max(distribution ? (s.distribution ?? 0) : 0, nullRate ? (s.nullRate ?? 0) : 0), distribution, nullRate });
      }
      candidates.sort(byCandidate);
      const kept: Candidate[] = [];
      const unconfirmed: string[] = [];
      const perColumn = new Map<string, number>();
      for (const c of candidates) {
        const k = perColumn.get(c.column) ?? 0;
        if (k < maxCohorts) kept.push(c);
        else unconfirmed.push(`${c.column} · ${cohortLabel(c.attribute, c.value)}`);
        perColumn.set(c.column, k + 1);
      }
      const confirmed = await confirm(conn, tableName, baseline, current, kept);
      // The family is every test the screen looked at (distribution and null rate per cell): unconfirmed ones count as p = 1.
      const family = cells.length * 2;
      const ps = confirmed.map((x) => x.result.p_value);
      const padded = [...ps.map((p) => p ?? 1), ...Array.from({ length: Math.max(0, family - ps.length) }, () => 1)];
      const adjusted = adjustPValues(padded, 'bh');
      confirmed.forEach((x, i) => {
        const r = x.result;
        const pAdj = r.p_value === null ? null : (adjusted[i] ?? null);
        // A decided drift only: an interval straddling the threshold is inconclusive, not a headline.
        if (decide({ ...r, p_adjusted: pAdj, alpha }).decision !== 'drift') return;
        report.drifted.push({
          table: tableName,
          column: r.column,
          cohort: cohortLabel(x.candidate.attribute, x.candidate.value),
          cohort_attribute: x.candidate.attribute,
          cohort_value: x.candidate.value,
          baseline_release: baseline,
          current_release: current,
          method: r.method,
          statistic: r.statistic,
          effect: r.effect,
          effect_name: r.effect_name,
          threshold: r.threshold,
          p_value: r.p_value,
          p_adjusted: pAdj,
          n_baseline: r.n_baseline,
          n_current: r.n_current,
          screen: x.candidate.score,
        });
      });
      report.pairs.push({ table: tableName, baseline_release: baseline, current_release: current, cells_screened: cells.length, candidates: candidates.length, confirmed_with_engine: kept.length, unconfirmed });
    }
  }
  const order = new Map(promoted.map((r, i) => [r, i]));
  report.drifted.sort(
    (a, b) =>
      strength(b) - strength(a) ||
      byCodePoint(a.table, b.table) ||
      byCodePoint(a.column, b.column) ||
      (order.get(a.current_release) ?? 0) - (order.get(b.current_release) ?? 0) ||
      byCodePoint(a.cohort, b.cohort) ||
      byCodePoint(a.method, b.method),
  );
  return report;
}

/** Effect as a multiple of its threshold: how far past the line a finding is. */
export function strength(f: Pick<DriftScanFinding, 'effect' | 'threshold' | 'statistic'>): number {
  const e = f.effect ?? f.statistic ?? 0;
  return f.threshold > 0 ? Math.abs(e) / f.threshold : Math.abs(e);
}

/**
 * The exact engine on the candidates; raw p-values (corrected by the caller). Candidates over all rows: one call
 * with just their columns. Candidates in cohorts: ONE call per cohort attribute (cohort_by: every value of it in
 * a grouped pass) over the union of their columns, instead of one call per cohort value — a cohort's results in
 * the grouped pass are the very results of asking for that cohort alone (test/engine/drift/cohortGrid.test.ts),
 * and only the candidates' cells are read.
 */
async function confirm(
  conn: DuckDBConnection,
  table: string,
  baseline: string,
  current: string,
  kept: Candidate[],
): Promise<{ candidate: Candidate; result: DriftResult }[]> {
  const byAttribute = new Map<string, Candidate[]>();
  for (const c of kept) {
    const key = c.attribute ?? '';
    byAttribute.set(key, [...(byAttribute.get(key) ?? []), c]);
  }
  const found = new Map<Candidate, DriftResult[]>();
  for (const key of [...byAttribute.keys()].sort(byCodePoint)) {
    const group = byAttribute.get(key) as Candidate[];
    const attribute = (group[0] as Candidate).attribute;
    const report = await computeDrift(conn, {
      table,
      columns: [...new Set(group.map((c) => c.column))].sort(byCodePoint),
      baseline: { key: 'release', value: baseline },
      current: { key: 'release', value: current },
      ...(attribute !== null ? { cohort_by: attribute } : {}),
      correction: 'none',
    });
    for (const c of group) {
      const label = cohortLabel(c.attribute, c.value);
      found.set(
        c,
        report.results.filter((r) => r.column === c.column && r.cohort === label),
      );
    }
  }
  // In the order the per-cohort calls gave: by cohort label, then column.
  const ordered = [...kept].sort((a, b) => byCodePoint(cohortLabel(a.attribute, a.value), cohortLabel(b.attribute, b.value)) || byCodePoint(a.column, b.column));
  const out: { candidate: Candidate; result: DriftResult }[] = [];
  for (const c of ordered) {
    const results = found.get(c) ?? [];
    const primary = results.find((r) => r.method !== 'null_rate');
    const nulls = results.find((r) => r.method === 'null_rate');
    if (c.distribution && primary) out.push({ candidate: c, result: primary });
    if (c.nullRate && nulls) out.push({ candidate: c, result: nulls });
  }
  return out;
}
