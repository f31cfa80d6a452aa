import type { DriftComparison, DriftSection } from '../../../shared/api/report';
import type { DriftResult } from '../../../shared/api/drift';
import { MIN_VALUES_FOR_DISTANCE } from '../drift/plan';

export interface ChartCandidate {
  c: DriftComparison;
  r: DriftResult;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Which drifted results get a chart first: per drifted column (strongest column first), its all-rows result and
 * the cohort where the effect is largest; then every other drifted result by effect size. Stable for ties.
 */
export function chartOrder(comparisons: DriftComparison[]): ChartCandidate[] {
  const items: ChartCandidate[] = comparisons.flatMap((c) => (c.status === 'ok' ? c.results.filter((r) => r.drifted).map((r) => ({ c, r })) : []));
  const effect = (x: ChartCandidate): number => x.r.effect ?? -1;
  const key = (x: ChartCandidate): string => `${x.c.table}\u0000${x.r.column}`;
  const byEffect = [...items].sort((a, b) => effect(b) - effect(a) || cmp(key(a), key(b)) || cmp(a.c.cohort, b.c.cohort));
  const firstCohort = new Map<string, ChartCandidate>();
  for (const x of byEffect) if (x.c.cohort !== 'all' && !firstCohort.has(key(x))) firstCohort.set(key(x), x);
  const columns = [...new Set(byEffect.map(key))];
  const leading: ChartCandidate[] = [];
  for (const k of columns) {
    const all = byEffect.find((x) => key(x) === k && x.c.cohort === 'all');
    if (all) leading.push(all);
    const strongest = firstCohort.get(k);
    if (strongest) leading.push(strongest);
  }
  const chosen = new Set(leading);
  return [...leading, ...byEffect.filter((x) => !chosen.has(x))];
}

/** Every drift test that could not be computed, named "table.column [cohort] (method)", with its reason. */
export function notComputableTests(d: DriftSection): { name: string; table: string; cohort: string; column: string; method: string; reason: string }[] {
  return d.comparisons.flatMap((c) =>
    c.results
      .filter((r) => r.not_computable !== null)
      .map((r) => ({ name: `${c.table}.${r.column} [${c.cohort}] (${r.method})`, table: c.table, cohort: c.cohort, column: r.column, method: r.method, reason: r.not_computable as string })),
  );
}

/**
 * The kind of a not-computable reason, for grouping like cases: counts and the cohort's own name are cut
 * ("too few values for psi: n_baseline 3, n_current 8 (…)" → "too few values for psi"), the rest is kept.
 */
export function reasonKind(reason: string, cohort: string): string {
  const few = /^(too few values for [a-z_0-9]+)/.exec(reason);
  if (few) return `${few[1]} (at least ${MIN_VALUES_FOR_DISTANCE} non-null values a side)`;
  return cohort === 'all' ? reason : reason.split(cohort).join('the cohort');
}

export interface NotComputableGroup {
  table: string;
  reason: string;
  /** Tests in the group, each "column [cohort] (method)". */
  tests: string[];
}

/** Not-computable drift tests grouped by table and kind of reason, largest group first (ties by reason). */
export function groupNotComputable(d: DriftSection): NotComputableGroup[] {
  const groups = new Map<string, NotComputableGroup>();
  for (const t of notComputableTests(d)) {
    const reason = reasonKind(t.reason, t.cohort);
    const key = `${t.table}\u0000${reason}`;
    const g = groups.get(key) ?? { table: t.table, reason, tests: [] };
    g.tests.push(`${t.column} [${t.cohort}] (${t.method})`);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.tests.length - a.tests.length || cmp(a.table, b.table) || cmp(a.reason, b.reason));
}
