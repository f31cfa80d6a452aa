/**
 * The Overview's performance and fairness scan (docs/metrics.md, "Performance and fairness headline"): for every cohort
 * attribute of the records, per-group metrics of every promoted release and of all serving rows in one query; AUC
 * changes between consecutive promoted releases (Bonferroni over the whole family); impact ratios over all
 * serving rows against the four-fifths rule.
 */
import { impactRatioSeverity, performanceDropSeverity } from '../../../shared/severity';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { HeadlineFinding } from '../../../shared/api/analytics';
import type { AucDrop, ComparedMetric, ImpactFinding, PerformanceScan } from '../../../shared/api/performance';
import { PERFORMANCE_DEFAULTS } from '../../../shared/api/performance';
import { adjustPValues } from '../drift/correction';
import { promotedReleases } from './driftScan';
import { ALL_GROUP, computeChangesBatch, computeDisparitiesBatch, groupMetricsByAttributes, ruleOf, type ChangeJob } from './performance';
import { resolvePerformanceSpec } from './performanceSpec';
import { BundleSchema, byCodePoint, cohortAttributes } from './schema';

/**
 * An AUC drop is a headline when its Bonferroni-adjusted p-value (over every comparison the scan made) is under
 * SCAN_ALPHA and the drop is at least MIN_AUC_DROP. A group is compared only when both releases have at least
 * MIN_CLASS_ROWS labelled positives and negatives with a score (DeLong's normal approximation needs both classes).
 * Bonferroni rather than BH: a group that contains part of a degraded group moves with it, and a headline names one
 * group as degraded, so the family-wise error is what is controlled.
 */
export const SCAN_ALPHA = 0.05;
export const MIN_AUC_DROP = PERFORMANCE_DEFAULTS.minAucDrop;
export const MIN_CLASS_ROWS = 30;

/**
 * One scan per open bundle: its tables are read-only, so the Overview, the report and the engine call share the
 * result (the report reads the Overview too, which would otherwise compute it twice).
 */
const scans = new WeakMap<DuckDBConnection, Promise<PerformanceScan>>();
export function sharedPerformanceScan(conn: DuckDBConnection): Promise<PerformanceScan> {
  let p = scans.get(conn);
  if (!p) {
    p = performanceScan(conn);
    scans.set(conn, p);
    p.catch(() => scans.delete(conn));
  }
  return p;
}

const SCAN_METRICS: ComparedMetric[] = ['selection_rate', 'accuracy', 'precision', 'recall', 'fpr', 'auc', 'brier'];

export async function performanceScan(conn: DuckDBConnection): Promise<PerformanceScan> {
  const schema = await BundleSchema.load(conn);
  const out: PerformanceScan = { rule: null, attributes: [], promoted: [], per_attribute: [], release_changes: [], tested: 0, drops: [], impact: [], not_measurable: [] };
  if (!schema.hasColumn('records', 'label')) {
    out.not_measurable.push({ metric: 'performance_scan', reason: schema.has('records') ? 'records has no label column' : 'the bundle has no records table' });
    return out;
  }
  const attributes = (await cohortAttributes(conn, schema)).filter((a) => schema.hasColumn('records', a));
  out.attributes = attributes;
  if (attributes.length === 0) {
    out.not_measurable.push({ metric: 'performance_scan', reason: 'records has no cohort attribute' });
    return out;
  }
  const promoted = schema.hasColumn('records', 'release_id') ? await promotedReleases(conn, schema) : [];
  out.promoted = promoted;
  const sides = [{ name: 'all', selector: null }, ...promoted.map((r) => ({ name: `release:${r}`, selector: { key: 'release' as const, value: r } }))];
  let spec;
  try {
    spec = await resolvePerformanceSpec(conn, { by: [attributes[0] as string] }, { sides });
  } catch (e) {
    out.not_measurable.push({ metric: 'performance_scan', reason: e instanceof Error ? e.message : String(e) });
    return out;
  }
  if (spec.task !== 'classification') {
    out.not_measurable.push({ metric: 'performance_scan', reason: 'labels are numeric: the scan covers classification only' });
    return out;
  }
  out.rule = ruleOf(spec);
  const all = await groupMetricsByAttributes(
    conn,
    spec,
    attributes.map((a) => [a]),
  );
  const jobs: (ChangeJob & { attribute: string; baseline_release: string; current_release: string; skip: Set<string> })[] = [];
  const disparityLists = await computeDisparitiesBatch(conn, spec, all, undefined, ['all']);
  for (const [k, attribute] of attributes.entries()) {
    const groups = all[k] ?? [];
    const { disparities, references } = disparityLists[k] ?? { disparities: [], references: [] };
    const allGroups = groups.filter((g) => g.selection === 'all');
    out.per_attribute.push({
      attribute,
      groups: allGroups,
      reference: references[0]?.group ?? null,
      disparities,
      excluded: allGroups.filter((g) => g.excluded !== null).map((g) => ({ selection: g.selection, group: g.group, n: g.n, share: g.share, reason: g.excluded as string })),
    });
    for (const d of disparities) if (d.below_four_fifths === true) out.impact.push({ ...d, attribute });
    const skip = new Set(
      groups
        .filter((g) => g.excluded !== null || (g.classification?.auc.n_pos ?? 0) < MIN_CLASS_ROWS || (g.classification?.auc.n_neg ?? 0) < MIN_CLASS_ROWS)
        .map((g) => `${g.selection}\u0000${g.group}`),
    );
    for (let p = 1; p < promoted.length; p++)
      jobs.push({
        groups,
        from: `release:${promoted[p - 1] as string}`,
        to: `release:${promoted[p] as string}`,
        only: SCAN_METRICS,
        attribute,
        baseline_release: promoted[p - 1] as string,
        current_release: promoted[p] as string,
        skip,
      });
  }
  const results = await computeChangesBatch(conn, jobs);
  const candidates: Omit<AucDrop, 'p_adjusted'>[] = [];
  jobs.forEach((job, i) => {
    const changes = results[i] ?? [];
    out.release_changes.push({ attribute: job.attribute, baseline_release: job.baseline_release, current_release: job.current_release, changes });
    for (const c of changes) {
      if (c.metric !== 'auc' || c.group === ALL_GROUP || c.p_value === null || job.skip.has(`${job.from}\u0000${c.group}`) || job.skip.has(`${job.to}\u0000${c.group}`)) continue;
      candidates.push({ ...c, attribute: job.attribute, baseline_release: job.baseline_release, current_release: job.current_release });
    }
  });
  out.tested = candidates.length;
  const adjusted = adjustPValues(
    candidates.map((c) => c.p_value),
    'bonferroni',
  );
  candidates.forEach((c, i) => {
    const pa = adjusted[i];
    if (pa !== null && pa !== undefined && pa < SCAN_ALPHA && c.diff !== null && c.diff <= -MIN_AUC_DROP) out.drops.push({ ...c, p_adjusted: pa });
  });
  out.drops.sort((a, b) => a.p_adjusted - b.p_adjusted || (a.diff ?? 0) - (b.diff ?? 0) || byCodePoint(a.group, b.group));
  out.impact.sort((a, b) => (a.impact_ratio?.value ?? 1) - (b.impact_ratio?.value ?? 1) || byCodePoint(a.group, b.group));
  return out;
}

const f2 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(2));
const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(3));

/** One headline per release pair with a material AUC drop (titled by its strongest group), one per attribute with an impact ratio under 0.8. */
export function performanceHeadlines(scan: PerformanceScan): HeadlineFinding[] {
  const out: HeadlineFinding[] = [];
  const byPair = new Map<string, AucDrop[]>();
  for (const d of scan.drops) {
    const key = `${d.baseline_release}\u0000${d.current_release}`;
    byPair.set(key, [...(byPair.get(key) ?? []), d]);
  }
  for (const drops of byPair.values()) {
    const top = drops[0] as AucDrop;
    const others = drops.slice(1).map((d) => `${d.group} (${f3(d.diff)})`);
    out.push({
      id: `performance:auc:${top.baseline_release}:${top.current_release}`,
      kind: 'performance',
      severity: performanceDropSeverity(top.diff, MIN_AUC_DROP),
      title: `AUC dropped for ${top.group}: release ${top.baseline_release} → ${top.current_release} (${f2(top.baseline)} → ${f2(top.current)})`,
      detail:
        `Δ ${f3(top.diff)} (95 % CI ${f3(top.ci?.low)} to ${f3(top.ci?.high)}, p adjusted ${top.p_adjusted.toExponential(1)} over ${scan.tested} group comparisons)` +
        (others.length > 0 ? `; also significant: ${others.join(', ')} (a group of another attribute shares rows with ${top.group} and can move with it)` : ''),
      metric: 'auc_change',
      value: top.diff,
      target: { screen: 'fairness', params: { by: top.attribute, base: `release:${top.baseline_release}`, cur: `release:${top.current_release}`, group: top.group } },
    });
  }
  const byAttr = new Map<string, ImpactFinding[]>();
  for (const d of scan.impact) byAttr.set(d.attribute, [...(byAttr.get(d.attribute) ?? []), d]);
  for (const [attribute, list] of [...byAttr.entries()].sort((a, b) => byCodePoint(a[0], b[0]))) {
    const top = list[0] as ImpactFinding;
    const ir = top.impact_ratio;
    out.push({
      id: `fairness:impact_ratio:${attribute}`,
      kind: 'fairness',
      severity: impactRatioSeverity(ir?.ci?.high ?? null, PERFORMANCE_DEFAULTS.minImpactRatio),
      title: `Impact ratio ${f2(ir?.value)} for ${top.group} against ${top.reference} (under the four-fifths rule)`,
      detail:
        `selection rate relative to the most-favoured group, over all serving records; 95 % CI ${f3(ir?.ci?.low)} to ${f3(ir?.ci?.high)}` +
        (list.length > 1 ? `; also under 0.8: ${list.slice(1).map((d) => `${d.group} (${f2(d.impact_ratio?.value)})`).join(', ')}` : ''),
      metric: 'impact_ratio',
      value: ir?.value ?? null,
      target: { screen: 'fairness', params: { by: attribute, group: top.group } },
    });
  }
  return out;
}
