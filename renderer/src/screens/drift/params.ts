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

/** "2026-03-15T00:00:00Z" → "2026-03-15"; other instants keep their time ("2026-03-15 11:30"). */
export function instantText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = d.toISOString();
  if (s.endsWith('T00:00:00.000Z')) return s.slice(0, 10);
  return s.replace('T', ' ').replace(/(:00)?\.000Z$/, '').replace(/\.\d+Z$/, '');
}

export function selectorLabel(s: Selector): string {
  if (s.key !== 'window') return `${s.key.replace('_', ' ')} ${s.value}`;
  const [lo, hi] = s.value.split('/');
  return lo && hi ? `window ${instantText(lo)} → ${instantText(hi)}` : 'window (not chosen)';
}

function validWindow(value: string): boolean {
  const [a, b, ...rest] = value.split('/');
  if (!a || !b || rest.length) return false;
  const lo = Date.parse(a);
  const hi = Date.parse(b);
  return Number.isFinite(lo) && Number.isFinite(hi) && lo < hi;
}

/** The whole period as a window (to the second after the last event), or '' when the bundle has no period. */
export function windowOfPeriod(o: DriftOptions): string {
  const lo = o.period.start ? Date.parse(o.period.start.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(o.period.start) ? '' : 'Z')) : NaN;
  const hi = o.period.end ? Date.parse(o.period.end.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(o.period.end) ? '' : 'Z')) : NaN;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return '';
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  return `${iso(Math.floor(lo / 1000) * 1000)}/${iso(Math.floor(hi / 1000) * 1000 + 1000)}`;
}

/** A selector this bundle can answer: a known release / version, or a well-formed window. */
export function selectorValid(s: Selector, o: DriftOptions): boolean {
  if (s.key === 'window') return validWindow(s.value);
  if (s.key === 'release') return o.releases.some((r) => r.release_id === s.value);
  if (s.key === 'dataset_version') return o.dataset_versions.includes(s.value);
  return o.model_versions.includes(s.value);
}

/**
 * Route params + what the bundle offers → the parameters in effect. A value the bundle does not have (a release,
 * cohort or column of another bundle, a malformed window) is dropped in favour of the bundle's own default, which the
 * engine derives from its data, so pickers always show exactly what is computed.
 */
export function resolveParams(p: RouteParams, o: DriftOptions): DriftParams {
  const tableNames = o.tables.map((t) => t.name);
  const table = p.table && tableNames.includes(p.table) ? p.table : (o.defaults.table ?? tableNames[0] ?? 'records');
  const tableColumns = o.tables.find((t) => t.name === table)?.columns.map((c) => c.name) ?? [];
  // No default (no releases, no period): an empty window the auditor fills in; nothing is computed until then.
  const fallbackBase: Selector = o.defaults.baseline ?? { key: 'window', value: windowOfPeriod(o) };
  const fallbackCur: Selector = o.defaults.current ?? fallbackBase;
  const fromRoute = (text: string | undefined): Selector | null => {
    const s = parseSelector(text);
    return s && selectorValid(s, o) ? s : null;
  };
  const method = p.method && (METHODS as readonly string[]).includes(p.method) ? (p.method as DriftMethod) : null;
  const cohort = parseCohortParam(p.cohort).filter((c) => o.cohort_attributes.some((a) => a.attribute === c.attribute && a.values.includes(c.value)));
  const attrs = o.cohort_attributes.map((a) => a.attribute);
  return {
    table,
    baseline: fromRoute(p.base) ?? fallbackBase,
    current: fromRoute(p.cur) ?? fallbackCur,
    cohort,
    method,
    column: p.column && tableColumns.includes(p.column) ? p.column : null,
    // The heatmap follows the cohort being examined unless the auditor picked another attribute.
    heatAttr: (p.hattr && attrs.includes(p.hattr) ? p.hattr : null) || cohort[0]?.attribute || (attrs[0] ?? null),
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
