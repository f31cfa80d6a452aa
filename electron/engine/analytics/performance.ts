/**
 * Model performance and fairness per group (issue 17; docs/metrics.md, "Performance and fairness").
 * resolvePerformanceSpec decides what the request means; performanceSql computes every per-group number in DuckDB;
 * disparitySql computes disparities and release-over-release changes in DuckDB from those numbers.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type {
  ClassificationMetrics,
  ComparedMetric,
  Disparity,
  Estimate,
  GroupMetrics,
  GroupPart,
  Interval,
  MetricChange,
  PerformanceReport,
  PerformanceRequest,
  PerformanceScan,
  Proportion,
  RegressionMetrics,
  ReliabilityBin,
} from '../../../shared/api/performance';
import { PERFORMANCE_DEFAULTS } from '../../../shared/api/performance';
import { queryRows, type Row } from '../db';
import { normalTwoSided } from '../drift/pvalues';
import { CHANGE_COLUMNS, changeSql, DISPARITY_COLUMNS, disparitySql, valuesTable } from './disparitySql';
import { classificationSql, regressionSql, SIDE_SEP } from './performanceSql';
import { resolvePerformanceSpec, type PerformanceSpec } from './performanceSpec';
import { num, Z95 } from './schema';

export const ALL_GROUP = '(all)';
export const MISSING_VALUE = '(missing)';

const esc = (s: string): string => s.replace(/%/g, '%25').replace(/,/g, '%2C').replace(/=/g, '%3D');

/** "attr=value[,attr=value]", escaped like cohort parameters; a missing value reads "(missing)". */
export function groupLabel(parts: readonly GroupPart[]): string {
  if (parts.length === 0) return ALL_GROUP;
  return parts.map((p) => `${esc(p.attribute)}=${p.value === null ? MISSING_VALUE : esc(p.value)}`).join(',');
}

const n0 = (v: unknown): number => num(v) ?? 0;
const interval = (lo: unknown, hi: unknown): Interval | null => {
  const l = num(lo);
  const h = num(hi);
  return l === null || h === null ? null : { low: l, high: h };
};

interface PropCell {
  m: string;
  k: number;
  n: number;
  v: number | null;
  lo: number | null;
  hi: number | null;
}

function propList(cell: unknown): Map<string, PropCell> {
  const list = typeof cell === 'string' ? (JSON.parse(cell) as PropCell[] | null) : null;
  return new Map((list ?? []).map((p) => [p.m, p]));
}

function asProportion(p: PropCell | undefined): Proportion {
  if (!p) return { k: 0, n: 0, value: null, ci: null };
  return { k: p.k, n: p.n, value: p.v, ci: p.lo === null || p.hi === null ? null : { low: p.lo, high: p.hi } };
}

function proportion(r: Row, name: string): Proportion {
  return asProportion(propList(r['props']).get(name));
}

function estimate(value: number | null, variance: number | null, n: number, clamp?: [number, number]): Estimate {
  if (value === null) return { value: null, ci: null, se: null, n };
  if (variance === null) return { value, ci: null, se: null, n };
  const se = Math.sqrt(variance);
  let low = value - Z95 * se;
  let high = value + Z95 * se;
  if (clamp) {
    low = Math.max(clamp[0], low);
    high = Math.min(clamp[1], high);
  }
  return { value, ci: { low, high }, se, n };
}

function parts(by: readonly string[], r: Row): GroupPart[] {
  if (r['is_all'] === true) return [];
  const out: GroupPart[] = [{ attribute: by[0] as string, value: (r['a1'] as string | null) ?? null }];
  if (by[1] !== undefined) out.push({ attribute: by[1], value: (r['a2'] as string | null) ?? null });
  return out;
}

function exclusion(spec: PerformanceSpec, n: number, share: number, isAll: boolean): string | null {
  if (isAll) return null;
  if (n < spec.minRows) return `fewer than ${spec.minRows} rows (${n})`;
  if (share < spec.minShare) return `under ${(spec.minShare * 100).toFixed(1)} % of the rows (${(share * 100).toFixed(2)} %)`;
  return null;
}

function classification(spec: PerformanceSpec, r: Row): ClassificationMetrics {
  const bins = propList(r['bins']);
  const means = Array.isArray(r['bin_means']) ? (r['bin_means'] as unknown[]) : typeof r['bin_means'] === 'string' ? (JSON.parse(r['bin_means']) as unknown[]) : [];
  const binKeys = [...bins.keys()];
  const reliability: ReliabilityBin[] = [];
  for (let i = 0; i < spec.eceBins; i++) {
    const b = bins.get(String(i));
    const at = binKeys.indexOf(String(i));
    reliability.push({ bin: i, lower: i / spec.eceBins, upper: (i + 1) / spec.eceBins, n: b?.n ?? 0, mean_score: at >= 0 ? num(means[at]) : null, observed: asProportion(b) });
  }
  const brierN = n0(r['brier_n']);
  return {
    label_coverage: proportion(r, 'label_coverage'),
    selection_rate: proportion(r, 'selection_rate'),
    positive_rate: proportion(r, 'positive_rate'),
    prevalence: proportion(r, 'prevalence'),
    confusion: { tp: n0(r['tp']), fp: n0(r['fp']), tn: n0(r['tn']), fn: n0(r['fn']) },
    accuracy: proportion(r, 'accuracy'),
    precision: proportion(r, 'precision'),
    recall: proportion(r, 'recall'),
    fpr: proportion(r, 'fpr'),
    fnr: proportion(r, 'fnr'),
    specificity: proportion(r, 'specificity'),
    f1: num(r['f1']),
    auc: { ...estimate(num(r['auc']), num(r['auc_var']), n0(r['auc_pos']) + n0(r['auc_neg']), [0, 1]), n_pos: n0(r['auc_pos']), n_neg: n0(r['auc_neg']) },
    brier: estimate(num(r['brier']), num(r['brier_var']), brierN, [0, 1]),
    ece: { value: num(r['ece']), n: brierN, bins: spec.eceBins },
    reliability,
  };
}

function regression(r: Row): RegressionMetrics {
  const m = n0(r['m']);
  const mse = estimate(num(r['mse']), num(r['mse_var']), m);
  const rmseValue = mse.value === null ? null : Math.sqrt(Math.max(0, mse.value));
  const rmse: Estimate = {
    value: rmseValue,
    ci: mse.ci ? { low: Math.sqrt(Math.max(0, mse.ci.low)), high: Math.sqrt(Math.max(0, mse.ci.high)) } : null,
    // Delta method: se(√MSE) = se(MSE) / (2√MSE).
    se: mse.se !== null && rmseValue !== null && rmseValue > 0 ? mse.se / (2 * rmseValue) : null,
    n: m,
  };
  return {
    n: m,
    label_coverage: proportion(r, 'label_coverage'),
    mae: estimate(num(r['mae']), num(r['mae_var']), m, [0, Number.POSITIVE_INFINITY]),
    rmse,
    bias: estimate(num(r['bias']), num(r['bias_var']), m),
  };
}

type Estimated = { value: number | null; variance: number | null };

const PROPORTION_CHANGES: ComparedMetric[] = ['selection_rate', 'accuracy', 'precision', 'recall', 'fpr'];

function varianceOf(e: Estimate): number | null {
  return e.se === null ? null : e.se * e.se;
}

function estimatesFor(g: GroupMetrics): Partial<Record<ComparedMetric, Estimated>> {
  if (g.classification) {
    const c = g.classification;
    return { auc: { value: c.auc.value, variance: varianceOf(c.auc) }, brier: { value: c.brier.value, variance: varianceOf(c.brier) } };
  }
  if (g.regression) {
    const r = g.regression;
    return {
      mae: { value: r.mae.value, variance: varianceOf(r.mae) },
      rmse: { value: r.rmse.value, variance: varianceOf(r.rmse) },
      bias: { value: r.bias.value, variance: varianceOf(r.bias) },
    };
  }
  return {};
}

export interface ChangeJob {
  groups: GroupMetrics[];
  from: string;
  to: string;
  only?: readonly ComparedMetric[];
}

const METRIC_ORDER: ComparedMetric[] = ['selection_rate', 'accuracy', 'precision', 'recall', 'fpr', 'auc', 'brier', 'mae', 'rmse', 'bias'];
const TAG = '\u0002';

/** Per group and metric, the change from selection `from` to selection `to`. */
export async function computeChanges(conn: DuckDBConnection, groups: GroupMetrics[], from = 'baseline', to = 'current', only?: readonly ComparedMetric[]): Promise<MetricChange[]> {
  return (await computeChangesBatch(conn, [{ groups, from, to, ...(only ? { only } : {}) }]))[0] ?? [];
}

/** Several change computations in one DuckDB query (the Overview's scan compares every release pair of every attribute). */
export async function computeChangesBatch(conn: DuckDBConnection, jobs: readonly ChangeJob[]): Promise<MetricChange[][]> {
  const rows: (string | number | null)[][] = [];
  const known = new Map<string, { baseline: number | null; current: number | null }>();
  jobs.forEach((job, j) => {
    const base = job.groups.filter((g) => g.selection === job.from);
    const cur = new Map(job.groups.filter((g) => g.selection === job.to).map((g) => [g.group, g]));
    const wanted = (m: ComparedMetric): boolean => !job.only || job.only.includes(m);
    for (const b of base) {
      const c = cur.get(b.group);
      if (!c) continue;
      const key = `${j}${TAG}${b.group}`;
      if (b.classification && c.classification) {
        for (const m of PROPORTION_CHANGES.filter(wanted)) {
          const bp = b.classification[m as 'accuracy'];
          const cp = c.classification[m as 'accuracy'];
          rows.push([key, m, bp.k, bp.n, cp.k, cp.n, null, null, null, null]);
          known.set(`${key}\u0000${m}`, { baseline: bp.value, current: cp.value });
        }
      }
      const be = estimatesFor(b);
      const ce = estimatesFor(c);
      for (const m of (Object.keys(be) as ComparedMetric[]).filter(wanted)) {
        const x = be[m];
        const y = ce[m];
        if (!x || !y) continue;
        rows.push([key, m, null, null, null, null, x.value, x.variance, y.value, y.variance]);
        known.set(`${key}\u0000${m}`, { baseline: x.value, current: y.value });
      }
    }
  });
  const out: MetricChange[][] = jobs.map(() => []);
  if (rows.length === 0) return out;
  for (const r of await queryRows(conn, changeSql(valuesTable('v', CHANGE_COLUMNS, rows)))) {
    const tagged = r['grp'] as string;
    const at = tagged.indexOf(TAG);
    const j = Number(tagged.slice(0, at));
    const metric = r['metric'] as ComparedMetric;
    const isProp = PROPORTION_CHANGES.includes(metric);
    const p = isProp ? 'p' : 'e';
    const values = known.get(`${tagged}\u0000${metric}`);
    const ci = interval(r[`${p}_lo`], r[`${p}_hi`]);
    const z = num(r[`${p}_z`]);
    out[j]?.push({
      group: tagged.slice(at + 1),
      metric,
      baseline: values?.baseline ?? null,
      current: values?.current ?? null,
      diff: num(r[`${p}_v`]),
      ci,
      excludes_zero: ci === null ? null : ci.low > 0 || ci.high < 0,
      p_value: z === null ? null : normalTwoSided(z),
      method: isProp ? 'Newcombe hybrid score interval (Wilson)' : metric === 'auc' ? 'normal, DeLong variances added' : 'normal, variances added',
    });
  }
  jobs.forEach((job, j) => {
    const order = new Map(job.groups.map((g, i) => [g.group, i]));
    out[j]?.sort((a, b) => (order.get(a.group) ?? 0) - (order.get(b.group) ?? 0) || METRIC_ORDER.indexOf(a.metric) - METRIC_ORDER.indexOf(b.metric));
  });
  return out;
}

export async function computeDisparities(
  conn: DuckDBConnection,
  spec: PerformanceSpec,
  groups: GroupMetrics[],
  reference: string | undefined,
  onlySides?: readonly string[],
): Promise<{ disparities: Disparity[]; references: PerformanceReport['references'] }> {
  return (await computeDisparitiesBatch(conn, spec, [groups], reference, onlySides))[0] ?? { disparities: [], references: [] };
}

/** Disparities of several group lists (the scan's attributes) in one DuckDB query; one result per list. */
export async function computeDisparitiesBatch(
  conn: DuckDBConnection,
  spec: PerformanceSpec,
  groupsList: readonly GroupMetrics[][],
  reference: string | undefined,
  onlySides?: readonly string[],
): Promise<{ disparities: Disparity[]; references: PerformanceReport['references'] }[]> {
  const sides = spec.sides.filter((s) => !onlySides || onlySides.includes(s.name));
  const rows: (string | number | boolean | null)[][] = [];
  groupsList.forEach((groups, k) => {
    for (const side of sides) {
      const mine = groups.filter((g) => g.selection === side.name && g.group !== ALL_GROUP && g.classification);
      if (mine.length > 0 && reference !== undefined && !mine.some((g) => g.group === reference))
        throw new ApiError('bad_argument', `reference group "${reference}" is not a group of ${side.name} (groups: ${mine.map((g) => g.group).slice(0, 12).join(', ')})`, { field: 'reference' });
      for (const g of mine) {
        const c = g.classification as ClassificationMetrics;
        rows.push([`${k}${TAG}${side.name}`, g.group, g.excluded === null, c.selection_rate.k, c.selection_rate.n, c.confusion.tp, c.confusion.tp + c.confusion.fn, c.confusion.fp, c.confusion.fp + c.confusion.tn]);
      }
    }
  });
  const bySide = new Map<string, Row[]>();
  if (rows.length > 0)
    for (const r of await queryRows(conn, disparitySql(valuesTable('v', DISPARITY_COLUMNS, rows), reference ?? null))) {
      const key = r['side'] as string;
      bySide.set(key, [...(bySide.get(key) ?? []), r]);
    }
  return groupsList.map((groups, k) => {
    const references: PerformanceReport['references'] = [];
    const disparities: Disparity[] = [];
    for (const side of sides) {
      const mine = groups.filter((g) => g.selection === side.name && g.group !== ALL_GROUP && g.classification);
      if (mine.length === 0) {
        references.push({ selection: side.name, group: null, source: reference ? 'chosen' : 'most_favoured', why: spec.task === 'regression' ? 'disparities are for classification' : 'no group' });
        continue;
      }
      const out = bySide.get(`${k}${TAG}${side.name}`) ?? [];
      const ref = (out[0]?.['reference'] as string | null | undefined) ?? null;
      references.push({
        selection: side.name,
        group: ref,
        source: reference ? 'chosen' : 'most_favoured',
        why: ref === null ? `no group has at least ${spec.minRows} rows and ${(spec.minShare * 100).toFixed(0)} % of the rows` : null,
      });
      if (ref === null) continue;
      const byGroup = new Map(mine.map((g) => [g.group, g]));
      for (const r of out) {
        const g = byGroup.get(r['grp'] as string);
        if (!g || g.excluded !== null || g.group === ref) continue;
        const notes: string[] = [];
        const est = (p: string, n: number): Estimate | null => {
          const v = num(r[`${p}_v`]);
          return v === null ? null : { value: v, ci: interval(r[`${p}_lo`], r[`${p}_hi`]), se: null, n };
        };
        const sn = n0(r['sn']);
        const ir = est('ir', sn);
        if (ir === null) notes.push(`impact ratio: too few rows (selected ${n0(r['sk'])} of ${sn}; reference selection ${n0(r['r_sn'])} rows)`);
        const dp = est('dp', sn);
        const tpr = n0(r['tn']) > 0 && n0(r['r_tn']) > 0 ? est('eo', n0(r['tn'])) : null;
        if (tpr === null) notes.push(`equal opportunity: too few rows (labelled positives ${n0(r['tn'])}, reference ${n0(r['r_tn'])})`);
        const fd = n0(r['fn']) > 0 && n0(r['r_fn']) > 0 ? est('fd', n0(r['fn'])) : null;
        if (fd === null) notes.push(`equalized odds: too few rows (labelled negatives ${n0(r['fn'])}, reference ${n0(r['r_fn'])})`);
        let eodds: Estimate | null = null;
        if (tpr && fd && tpr.value !== null && fd.value !== null) {
          const dist = (ci: Interval | null): number => (ci === null ? 0 : ci.low > 0 ? ci.low : ci.high < 0 ? -ci.high : 0);
          const far = (ci: Interval | null, v: number): number => (ci === null ? Math.abs(v) : Math.max(Math.abs(ci.low), Math.abs(ci.high)));
          eodds = {
            value: Math.max(Math.abs(tpr.value), Math.abs(fd.value)),
            ci: tpr.ci && fd.ci ? { low: Math.max(dist(tpr.ci), dist(fd.ci)), high: Math.max(far(tpr.ci, tpr.value), far(fd.ci, fd.value)) } : null,
            se: null,
            n: n0(r['tn']) + n0(r['fn']),
          };
        }
        disparities.push({
          selection: side.name,
          group: g.group,
          reference: ref,
          impact_ratio: ir,
          below_four_fifths: ir?.value === null || ir === null ? null : (ir.value as number) < PERFORMANCE_DEFAULTS.minImpactRatio,
          demographic_parity_difference: dp,
          equal_opportunity_difference: tpr,
          equalized_odds_difference: eodds,
          notes,
        });
      }
    }
    return { disparities, references };
  });
}

/** How the spec reads outcomes, as reported (PerformanceReport and PerformanceScan.rule). */
export function ruleOf(spec: PerformanceSpec): NonNullable<PerformanceScan['rule']> {
  return {
    table: spec.table,
    positive_label: spec.positive,
    positive_source: spec.positiveSource,
    prediction_rule: spec.rule,
    favourable: spec.favourable,
    favourable_source: spec.favourableSource,
    min_rows: spec.minRows,
    min_share: spec.minShare,
    ece_bins: spec.eceBins,
  };
}

/** Every per-group number of every selection of the spec (one DuckDB query). */
export async function groupMetrics(conn: DuckDBConnection, spec: PerformanceSpec): Promise<GroupMetrics[]> {
  return (await groupMetricsByAttributes(conn, spec, [spec.by]))[0] ?? [];
}

/** The same for several attribute lists in one query (the Overview's scan): one list of groups per attribute list. */
export async function groupMetricsByAttributes(conn: DuckDBConnection, spec: PerformanceSpec, byList: readonly (readonly string[])[]): Promise<GroupMetrics[][]> {
  const q = spec.task === 'classification' ? classificationSql(spec, byList) : regressionSql(spec, byList);
  const rows = await queryRows(conn, q.sql, q.params);
  const sideOrder = new Map(spec.sides.map((s, i) => [s.name, i]));
  const out: GroupMetrics[][] = byList.map(() => []);
  for (const r of rows) {
    const rawSide = r['side'] as string;
    const sep = rawSide.lastIndexOf(SIDE_SEP);
    const k = sep >= 0 ? Number(rawSide.slice(sep + 1)) : 0;
    const selection = sep >= 0 ? rawSide.slice(0, sep) : rawSide;
    const isAll = r['is_all'] === true;
    const ps = parts(byList[k] ?? spec.by, r);
    const n = n0(r['n']);
    const sideN = n0(r['side_n']);
    const share = sideN > 0 ? n / sideN : 0;
    out[k]?.push({
      selection,
      group: groupLabel(ps),
      parts: ps,
      n,
      share,
      excluded: exclusion(spec, n, share, isAll),
      classification: spec.task === 'classification' ? classification(spec, r) : null,
      regression: spec.task === 'regression' ? regression(r) : null,
    });
  }
  for (const groups of out)
    groups.sort(
      (a, b) =>
        (sideOrder.get(a.selection) ?? 0) - (sideOrder.get(b.selection) ?? 0) || Number(b.group === ALL_GROUP) - Number(a.group === ALL_GROUP) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0),
    );
  return out;
}

export async function performanceReport(conn: DuckDBConnection, req: Omit<PerformanceRequest, 'bundleId'>): Promise<PerformanceReport> {
  const spec = await resolvePerformanceSpec(conn, req);
  const groups = await groupMetrics(conn, spec);
  const selections = spec.sides.map((s) => ({ name: s.name, selector: s.selector, scope: s.scope, rows: groups.find((g) => g.selection === s.name && g.group === ALL_GROUP)?.n ?? 0 }));
  const notes = [...spec.notes];
  for (const s of selections) if (s.rows === 0) notes.push(`${s.name} selection (${s.scope}) has no rows: nothing measured for it`);
  const { disparities, references } = spec.task === 'classification' ? await computeDisparities(conn, spec, groups, req.reference) : { disparities: [], references: [] };
  const changes = spec.sides.length === 2 ? await computeChanges(conn, groups) : [];
  return {
    ...ruleOf(spec),
    by: spec.by,
    task: spec.task,
    confidence: 0.95,
    selections,
    groups,
    references,
    disparities,
    excluded: groups.filter((g) => g.excluded !== null).map((g) => ({ selection: g.selection, group: g.group, n: g.n, share: g.share, reason: g.excluded as string })),
    changes,
    notes,
  };
}
