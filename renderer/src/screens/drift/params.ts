import type { CohortFilter, DriftMethod, DriftOptions, Selector, SelectorKey } from '../../../../shared/api/drift';
import type { RouteParams } from '../../stores/navigation';
import { formatCohortParam, parseCohortParam } from '../../../../shared/cohortParam';

export const METHODS = ['ks', 'wasserstein', 'wasserstein_norm', 'psi', 'js', 'kl', 'hellinger', 'chi2', 'z', 'linf', 'null_rate'] as const satisfies readonly DriftMethod[];
export const SELECTOR_KEYS = ['release', 'dataset_version', 'model_version', 'window'] as const satisfies readonly SelectorKey[];

export interface DriftParams {
  table: string;
  baseline: Selector;
  current: Selector;
  cohort: CohortFilter[];
  method: DriftMethod | null;
  column: string | null;
  heatAttr: string | null;
}

export function parseSelector(s: string | undefined): Selector | null {
  if (!s) return null;
  const i = s.indexOf(':');
  if (i <= 0) return null;
  const key = s.slice(0, i);
  const value = s.slice(i + 1);
  if (!(SELECTOR_KEYS as readonly string[]).includes(key) || !value) return null;
  return { key: key as SelectorKey, value };
}

export function formatSelector(s: Selector): string {
  return `${s.key}:${s.value}`;
}

/** Cohort filters for people to read (not parsed back). */
export function cohortDisplay(c: readonly CohortFilter[]): string {
  return c.map((f) => `${f.attribute}=${f.value}`).join(', ');
}

export function selectorLabel(s: Selector): string {
  return s.key === 'window' ? `window ${s.value}` : `${s.key.replace('_', ' ')} ${s.value}`;
}

/** Route params + what the bundle offers → complete parameters, with sensible defaults (first vs last release). */
export function resolveParams(p: RouteParams, o: DriftOptions): DriftParams {
  const tableNames = o.tables.map((t) => t.name);
  const table = p.table && tableNames.includes(p.table) ? p.table : tableNames.includes('records') ? 'records' : (tableNames[0] ?? 'records');
  const releases = o.releases.map((r) => r.release_id);
  const firstRelease = releases[0];
  const lastRelease = releases[releases.length - 1];
  const fallbackBase: Selector = firstRelease ? { key: 'release', value: firstRelease } : { key: 'window', value: `${o.period.start ?? ''}/${o.period.end ?? ''}` };
  const fallbackCur: Selector = lastRelease ? { key: 'release', value: lastRelease } : fallbackBase;
  const method = p.method && (METHODS as readonly string[]).includes(p.method) ? (p.method as DriftMethod) : null;
  const cohort = parseCohortParam(p.cohort);
  return {
    table,
    baseline: parseSelector(p.base) ?? fallbackBase,
    current: parseSelector(p.cur) ?? fallbackCur,
    cohort,
    method,
    column: p.column || null,
    // The heatmap follows the cohort being examined unless the auditor picked another attribute.
    heatAttr: p.hattr || cohort[0]?.attribute || (o.cohort_attributes[0]?.attribute ?? null),
  };
}

export function toRouteParams(d: DriftParams): RouteParams {
  const out: RouteParams = { table: d.table, base: formatSelector(d.baseline), cur: formatSelector(d.current) };
  if (d.cohort.length) out.cohort = formatCohortParam(d.cohort);
  if (d.method) out.method = d.method;
  if (d.column) out.column = d.column;
  if (d.heatAttr) out.hattr = d.heatAttr;
  return out;
}
