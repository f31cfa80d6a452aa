import type { AuditApi } from '../../../shared/contract';
import type { ImportSummary } from '../../../shared/api/bundle';
import type { DriftOptions, DriftMethod, DriftResult, Selector } from '../../../shared/api/drift';
import { DRIFT_METHODS } from '../../../shared/api/drift';
import type { CoverageReport, EvalReport, HealthReport, LineageReport, PostureReport } from '../../../shared/api/analytics';
import type { Availability, DriftChart, DriftComparison, DriftSection, EffectiveReportParams, SkippedCohorts } from '../../../shared/api/report';
import type { PerformanceScan } from '../../../shared/api/performance';
import { ANALYTICS_DEFAULTS } from '../analytics/schema';
import { isApiErrorShape } from '../../../shared/api/common';
import { chartOrder } from './driftCharts';
import { parseSelector } from './params';

/** The engine calls the report reads. The real engine satisfies it; so does anything with the same shape. */
export type ReportSource = Pick<
  AuditApi,
  'getSummary' | 'lineage' | 'coverage' | 'evals' | 'health' | 'posture' | 'driftOptions' | 'computeDrift' | 'runSql' | 'performanceScan'
>;

export interface ReportInputs {
  summary: ImportSummary;
  lineage: Availability<LineageReport>;
  coverage: Availability<CoverageReport>;
  evals: Availability<EvalReport>;
  health: Availability<HealthReport>;
  posture: Availability<PostureReport>;
  drift: Availability<DriftSection>;
  fairness: Availability<PerformanceScan>;
  data_facts: { records_labelled: number | null; records_total: number | null };
}

function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/** A cancelled job is not a section that could not be computed: it stops the whole report (and nothing is cached). */
function rethrowCancel(e: unknown): void {
  if (isApiErrorShape(e) && e.code === 'cancelled') throw e;
}

async function attempt<T>(work: () => Promise<T>): Promise<Availability<T>> {
  try {
    return { status: 'ok', data: await work() };
  } catch (e) {
    rethrowCancel(e);
    return { status: 'unavailable', reason: reasonOf(e) };
  }
}

export interface ReleaseRef {
  release_id: string;
  released_at: string | null;
  promoted: boolean;
}

function byTime(a: ReleaseRef, b: ReleaseRef): number {
  const ta = a.released_at ?? '';
  const tb = b.released_at ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.release_id < b.release_id ? -1 : a.release_id > b.release_id ? 1 : 0;
}

export interface DriftPlan {
  baseline: Selector | null;
  current: Selector | null;
  baseline_source: string;
  current_source: string;
  tables: string[];
  cohorts: { attribute: string; value: string }[];
  methods: DriftMethod[] | undefined;
  /** Per table: the columns to compare, or undefined for the engine's full set. */
  columns: Record<string, string[] | undefined>;
  problem: string | null;
}

/** Default comparison: baseline = first promoted release, current = last release; params may override either. */
export function planDrift(params: EffectiveReportParams, releases: ReleaseRef[], options: DriftOptions | null): DriftPlan {
  const sorted = [...releases].sort(byTime);
  const firstPromoted = sorted.find((r) => r.promoted) ?? sorted[0];
  const last = sorted[sorted.length - 1];
  let baseline = parseSelector(params.drift_baseline);
  let current = parseSelector(params.drift_current);
  let baseline_source = 'parameter drift_baseline';
  let current_source = 'parameter drift_current';
  if (!baseline && firstPromoted) {
    baseline = { key: 'release', value: firstPromoted.release_id };
    baseline_source = firstPromoted.promoted ? 'first promoted release' : 'first release (none promoted)';
  }
  if (!current && last) {
    current = { key: 'release', value: last.release_id };
    current_source = 'last release';
  }
  const tables = options ? params.drift_tables.filter((t) => options.tables.some((o) => o.name === t)) : params.drift_tables;
  let attrs: { attribute: string; values: string[] }[] = [];
  if (options && params.drift_cohort_attributes !== 'none') {
    const wanted = params.drift_cohort_attributes === 'auto' ? null : new Set(params.drift_cohort_attributes.split(',').map((s) => s.trim()));
    // 'auto' takes declared cohorts only; a column merely offered on the Drift screen is compared when named.
    attrs = options.cohort_attributes.filter((a) => (wanted ? wanted.has(a.attribute) : !a.offered));
  }
  const cohorts = attrs
    .flatMap((a) => [...a.values].sort().map((value) => ({ attribute: a.attribute, value })))
    .sort((a, b) => (a.attribute === b.attribute ? (a.value < b.value ? -1 : 1) : a.attribute < b.attribute ? -1 : 1));
  const methods =
    params.drift_methods === 'auto'
      ? undefined
      : params.drift_methods
          .split(',')
          .map((s) => s.trim())
          .filter((m): m is DriftMethod => (DRIFT_METHODS as readonly string[]).includes(m));
  const columns: Record<string, string[] | undefined> = {};
  for (const t of tables) {
    const known = options?.tables.find((o) => o.name === t)?.columns ?? null;
    if (params.drift_columns === 'all') columns[t] = undefined;
    else if (params.drift_columns === 'auto') columns[t] = known ? known.filter((c) => c.role !== 'label').map((c) => c.name) : undefined;
    else {
      const wanted = params.drift_columns.split(',').map((s) => s.trim()).filter(Boolean);
      columns[t] = known ? wanted.filter((w) => known.some((c) => c.name === w)) : wanted;
    }
  }
  let problem: string | null = null;
  if (!baseline || !current) problem = 'the bundle has no releases to compare and no drift_baseline/drift_current parameter was given';
  else if (baseline.key === current.key && baseline.value === current.value)
    problem = `baseline and current are the same (${baseline.key} ${baseline.value}): the bundle has a single release`;
  else if (tables.length === 0) problem = `none of the drift tables (${params.drift_tables.join(', ')}) is in the bundle`;
  return { baseline, current, baseline_source, current_source, tables, cohorts, methods, columns, problem };
}

/** Releases in time order with whether each was ever promoted (a promote event, even if rolled back later). */
export function releasesFrom(lineage: Availability<LineageReport>, options: DriftOptions | null): ReleaseRef[] {
  if (lineage.status === 'ok' && lineage.data.changelog.length > 0) {
    const promoted = new Set(
      lineage.data.nodes
        .filter((n) => n.type === 'deployment_event' && n.detail['event_type'] === 'promote' && typeof n.detail['release_id'] === 'string')
        .map((n) => n.detail['release_id'] as string),
    );
    return lineage.data.changelog.map((c) => ({ release_id: c.release_id, released_at: c.released_at, promoted: c.outcome === 'promoted' || promoted.has(c.release_id) }));
  }
  return (options?.releases ?? []).map((r) => ({ release_id: r.release_id, released_at: r.released_at, promoted: false }));
}

/** Long decimals inside explanatory text (e.g. "W1 = 23.698595026624403") are cut to 6 significant digits, like every number in results.json. */
export function roundNumbersInText(text: string): string {
  return text.replace(/-?\d+\.\d{7,}(?:e[-+]?\d+)?/gi, (m) => String(Number(Number(m).toPrecision(6))));
}

function cohortKey(c: { attribute: string; value: string } | null): string {
  return c ? `${c.attribute}=${c.value}` : 'all';
}

/** Drift engine calls the report keeps in flight at once (the engine has two analysis connections per bundle). */
export const DRIFT_CONCURRENCY = 2;

/**
 * `fn` over `items`, at most `limit` at a time, results in the order of `items`. The first failure stops further
 * starts and is thrown once the calls in flight have settled (a cancelled report must not leave work running).
 */
export async function mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return out;
}

export async function runDrift(
  source: ReportSource,
  bundleId: string,
  params: EffectiveReportParams,
  plan: DriftPlan,
  onStep: (done: number, total: number, label: string) => void,
  concurrency = DRIFT_CONCURRENCY,
): Promise<DriftSection> {
  const comparisons: DriftComparison[] = [];
  const { baseline, current } = plan;
  if (!baseline || !current || plan.problem) throw new Error(plan.problem ?? 'no drift comparison');
  // One engine call for all rows and ONE per cohort attribute (every value of it in a grouped pass, corrected
  // across the grid), instead of one call per cohort value: 1 000 cohort values are one pass, not 1 000.
  const attributes = [...new Set(plan.cohorts.map((c) => c.attribute))];
  const steps = plan.tables.flatMap((table) => [null, ...attributes].map((attribute) => ({ table, attribute })));
  const attributes_absent: DriftSection['attributes_absent'] = [];
  // The comparisons are independent: DRIFT_CONCURRENCY of them at a time (the engine runs them on separate DuckDB
  // connections, and one's JavaScript overlaps the other's SQL); the results are read in step order below, so the
  // section is the same whatever order they finish in.
  let finished = 0;
  onStep(0, steps.length, steps.length > 0 ? `${steps[0]?.table} all` : 'drift');
  const outcomes = await mapInOrder(steps, concurrency, async ({ table, attribute }) => {
    const columns = plan.columns[table];
    if (columns && columns.length === 0) return { ok: false as const, error: null };
    try {
      const r = await source.computeDrift({
        bundleId,
        table,
        baseline,
        current,
        ...(attribute !== null ? { cohort_by: attribute } : {}),
        ...(columns ? { columns } : {}),
        ...(plan.methods && plan.methods.length > 0 ? { methods: plan.methods } : {}),
        bins: params.drift_bins,
        binning: params.drift_binning,
        correction: params.drift_correction,
        alpha: params.drift_alpha,
      });
      return { ok: true as const, report: r };
    } catch (e) {
      rethrowCancel(e);
      return { ok: false as const, error: e };
    } finally {
      finished += 1;
      onStep(finished, steps.length, `${table} ${attribute === null ? 'all' : `by ${attribute}`}`);
    }
  });
  for (const [i, { table, attribute }] of steps.entries()) {
    const values = attribute === null ? [null] : plan.cohorts.filter((c) => c.attribute === attribute);
    const fail = (reason: string) => {
      for (const c of values) comparisons.push({ table, baseline, current, cohort: cohortKey(c), status: 'unavailable', reason, correction: null, alpha: null, notes: [], tested: 0, drifted: 0, results: [] });
    };
    const outcome = outcomes[i] as (typeof outcomes)[number];
    if (!outcome.ok && outcome.error === null) {
      fail(`no comparable columns selected in ${table}`);
      continue;
    }
    try {
      if (!outcome.ok) throw outcome.error;
      const r = outcome.report;
      for (const c of values) {
        const key = cohortKey(c);
        const results = r.results
          .filter((x) => x.cohort === key)
          .map((x) => ({ ...x, detail: roundNumbersInText(x.detail) }))
          .sort((a, b) => (a.column === b.column ? (a.method < b.method ? -1 : a.method > b.method ? 1 : 0) : a.column < b.column ? -1 : 1));
        if (c !== null && results.length === 0) {
          comparisons.push({ table, baseline, current, cohort: key, status: 'unavailable', reason: `no rows of ${key} in either selection`, correction: null, alpha: null, notes: [], tested: 0, drifted: 0, results: [] });
          continue;
        }
        comparisons.push({
          table,
          baseline,
          current,
          cohort: key,
          status: 'ok',
          reason: null,
          correction: r.correction,
          alpha: r.alpha,
          notes: r.notes,
          tested: results.filter((x) => x.not_computable === null && x.section === 'drift').length,
          // Decided drift only: an inconclusive result (interval straddling the threshold) is not counted as drifted.
          drifted: results.filter((x) => x.decision === 'drift').length,
          results,
        });
      }
    } catch (e) {
      rethrowCancel(e);
      // A table without the attribute (spans carry no age_band) is one line, not one unavailable row per cohort.
      if (attribute !== null && isApiErrorShape(e) && e.code === 'bad_argument' && e.where?.field === 'cohort_by') attributes_absent.push({ table, attribute, cohorts: values.length });
      else fail(reasonOf(e));
    }
  }
  onStep(steps.length, steps.length, 'drift charts');
  const chosen = chartOrder(comparisons).slice(0, params.drift_max_charts);
  // KS / Wasserstein carry no bins: their distributions are drawn from a PSI run over the same selection — one run
  // per table, cohort attribute and column, over only the cohorts charted for that column (a PSI run over every
  // cohort of a 229-value attribute costs as much as the comparison itself; a run over the union of charted columns
  // and cohorts loads columns no chart needs).
  const psiRuns = new Map<string, { table: string; attribute: string | null; values: Set<string>; columns: Set<string> }>();
  for (const { c, r } of chosen) {
    if (r.bins && r.bins.length > 0) continue;
    const eq = c.cohort.indexOf('=');
    const attribute = c.cohort === 'all' ? null : c.cohort.slice(0, eq);
    const key = `${c.table}\u0000${attribute ?? ''}\u0000${r.column}`;
    const run = psiRuns.get(key) ?? { table: c.table, attribute, values: new Set<string>(), columns: new Set<string>([r.column]) };
    if (attribute !== null) run.values.add(c.cohort.slice(eq + 1));
    psiRuns.set(key, run);
  }
  const psiBins = new Map<string, DriftResult>();
  const MAX_COHORT_FILTERS = 20;
  // Runs over the same cohorts (always so for the all-rows charts) are one call over their columns together: a
  // column's PSI bins do not depend on the other columns of a call, and each call costs its own scans.
  const merged = new Map<string, { table: string; attribute: string | null; values: Set<string>; columns: Set<string> }>();
  for (const run of psiRuns.values()) {
    const key = `${run.table}\u0000${run.attribute ?? ''}\u0000${[...run.values].sort().join('\u0000')}`;
    const m = merged.get(key);
    if (m) for (const c of run.columns) m.columns.add(c);
    else merged.set(key, { ...run, columns: new Set(run.columns) });
  }
  const psiCalls = [...merged.values()].flatMap((run) => {
    const values = [...run.values].sort();
    const batches = run.attribute === null ? [[]] : Array.from({ length: Math.ceil(values.length / MAX_COHORT_FILTERS) }, (_, i) => values.slice(i * MAX_COHORT_FILTERS, (i + 1) * MAX_COHORT_FILTERS));
    return batches.map((batch) => ({ run, batch }));
  });
  const psiReports = await mapInOrder(psiCalls, concurrency, async ({ run, batch }) => {
    try {
      return await source.computeDrift({
        bundleId,
        table: run.table,
        columns: [...run.columns].sort(),
        methods: ['psi'],
        baseline,
        current,
        ...(run.attribute !== null ? { cohort: batch.map((value) => ({ attribute: run.attribute as string, value })) } : {}),
        bins: params.drift_bins,
        binning: params.drift_binning,
      });
    } catch (e) {
      rethrowCancel(e);
      // no chart for these results; the tables still list them
      return null;
    }
  });
  for (const [i, psi] of psiReports.entries()) {
    const run = (psiCalls[i] as (typeof psiCalls)[number]).run;
    for (const x of psi?.results ?? []) if (x.bins && x.bins.length > 0) psiBins.set(`${run.table}\u0000${x.cohort}\u0000${x.column}`, x);
  }
  const charts: DriftChart[] = [];
  for (const { c, r } of chosen) {
    if (r.bins && r.bins.length > 0) {
      charts.push({ table: c.table, cohort: c.cohort, column: r.column, method: r.method, bins_method: r.method, bins_detail: r.detail, bins: r.bins });
      continue;
    }
    const binned = psiBins.get(`${c.table}\u0000${c.cohort}\u0000${r.column}`);
    if (binned?.bins) charts.push({ table: c.table, cohort: c.cohort, column: r.column, method: r.method, bins_method: binned.method, bins_detail: binned.detail, bins: binned.bins });
  }
  for (const c of comparisons) c.results = c.results.map((x) => ({ ...x, bins: undefined }));
  return {
    baseline,
    current,
    baseline_source: plan.baseline_source,
    current_source: plan.current_source,
    comparisons,
    charts,
    cohorts_skipped: [],
    attributes_absent,
  };
}

/** SQL identifier quoting (the cohort attribute and table names come from the bundle). */
const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Attributes with more values than `max` are compared for their `max` largest cohorts (rows over the drift tables,
 * ties by value); the others are counted and named in the model (`cohorts_skipped`), never silently dropped.
 */
export async function capCohorts(source: ReportSource, bundleId: string, plan: DriftPlan, max: number | null): Promise<{ plan: DriftPlan; skipped: SkippedCohorts[] }> {
  if (max === null) return { plan, skipped: [] };
  const byAttr = new Map<string, string[]>();
  for (const c of plan.cohorts) byAttr.set(c.attribute, [...(byAttr.get(c.attribute) ?? []), c.value]);
  const keep = new Set<string>();
  const skipped: SkippedCohorts[] = [];
  for (const [attribute, values] of [...byAttr.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (values.length <= max) {
      for (const v of values) keep.add(`${attribute}\u0000${v}`);
      continue;
    }
    const volume = new Map<string, number>(values.map((v) => [v, 0]));
    for (const table of plan.tables) {
      try {
        const r = await source.runSql({ bundleId, sql: `select CAST(${ident(attribute)} AS VARCHAR) as v, count(*) as n from ${ident(table)} group by 1` });
        for (const row of r.rows) {
          const v = row[0];
          if (typeof v === 'string' && volume.has(v)) volume.set(v, (volume.get(v) ?? 0) + Number(row[1] ?? 0));
        }
      } catch {
        // the table lacks the attribute: its rows do not count towards any cohort
      }
    }
    const ranked = [...volume.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [v] of ranked.slice(0, max)) keep.add(`${attribute}\u0000${v}`);
    const rest = ranked.slice(max);
    skipped.push({ attribute, values_total: values.length, compared: max, skipped_rows: rest.reduce((n, [, x]) => n + x, 0), skipped: rest.map(([v]) => v).sort() });
  }
  return { plan: { ...plan, cohorts: plan.cohorts.filter((c) => keep.has(`${c.attribute}\u0000${c.value}`)) }, skipped };
}

async function labelFacts(source: ReportSource, bundleId: string, summary: ImportSummary): Promise<ReportInputs['data_facts']> {
  const records = summary.tables.find((t) => t.name === 'records');
  if (!records) return { records_labelled: null, records_total: null };
  if (!records.columns.some((c) => c.name === 'label')) return { records_labelled: 0, records_total: records.rows };
  try {
    const r = await source.runSql({ bundleId, sql: 'select count(label) as labelled, count(*) as total from records' });
    const row = r.rows[0];
    return { records_labelled: Number(row?.[0] ?? 0), records_total: Number(row?.[1] ?? 0) };
  } catch {
    return { records_labelled: null, records_total: records.rows };
  }
}

/** Collects everything the report model needs; a section that fails records why instead of failing the report. */
export async function gatherReportInputs(
  source: ReportSource,
  bundleId: string,
  params: EffectiveReportParams,
  progress: (phase: string, message: string, fraction?: number) => void,
  driftConcurrency = DRIFT_CONCURRENCY,
): Promise<ReportInputs> {
  progress('compute', 'Reading the import summary');
  const summary = await source.getSummary({ bundleId });
  progress('compute', 'Overview, lineage, coverage, evaluations, health, posture', 0.05);
  const lineage = await attempt(() => source.lineage({ bundleId }));
  // Default values are passed as undefined so these calls share the session's results with the screens.
  const coverage = await attempt(() =>
    source.coverage({
      bundleId,
      ...(params.coverage_min_rows !== ANALYTICS_DEFAULTS.minEvalRows ? { minRows: params.coverage_min_rows } : {}),
      ...(params.coverage_small_cell_k !== ANALYTICS_DEFAULTS.smallCellK ? { smallCellK: params.coverage_small_cell_k } : {}),
    }),
  );
  const evals = await attempt(() => source.evals({ bundleId }));
  const health = await attempt(() => source.health({ bundleId }));
  const posture = await attempt(() =>
    source.posture({ bundleId, ...(params.retention_days !== ANALYTICS_DEFAULTS.retentionDays ? { retentionDays: params.retention_days } : {}) }),
  );
  const options = await attempt(() => source.driftOptions({ bundleId }));
  const optionsData = options.status === 'ok' ? options.data : null;
  const planned = planDrift(params, releasesFrom(lineage, optionsData), optionsData);
  const { plan, skipped } = planned.problem ? { plan: planned, skipped: [] } : await capCohorts(source, bundleId, planned, params.drift_max_cohorts);
  const drift: Availability<DriftSection> =
    options.status === 'unavailable'
      ? { status: 'unavailable', reason: options.reason }
      : plan.problem
        ? { status: 'unavailable', reason: plan.problem }
        : await attempt(() =>
            runDrift(
              source,
              bundleId,
              params,
              plan,
              (done, total, label) => progress('drift', `Drift ${done + 1 > total ? total : done + 1}/${total}: ${label}`, 0.1 + 0.8 * (done / Math.max(total, 1))),
              driftConcurrency,
            ).then((d) => ({ ...d, cohorts_skipped: skipped })),
          );
  progress('compute', 'Performance and fairness per group', 0.92);
  const fairness = await attempt(() => source.performanceScan({ bundleId }));
  const data_facts = await labelFacts(source, bundleId, summary);
  return { summary, lineage, coverage, evals, health, posture, drift, fairness, data_facts };
}
