import { ApiError } from '../../../shared/api/common';
import type { Selector } from '../../../shared/api/drift';
import { REPORT_PARAM_KEYS, reportParamsSchema, type EffectiveReportParams, type ReportParams } from '../../../shared/api/report';
import type { Signoff } from '../../../shared/api/workspace';
import { chooseAsOf } from '../../../shared/reportSignoff';
import { DEFAULT_ALPHA } from '../drift/auto';
import { ANALYTICS_DEFAULTS } from '../analytics/schema';

export const DEFAULT_REPORT_TITLE = 'AI system audit report';
export const DEFAULT_RETENTION_DAYS = ANALYTICS_DEFAULTS.retentionDays;
/**
 * Cohorts per attribute the drift section compares: all of them unless `drift_max_cohorts` is given (one grouped
 * pass per attribute makes every cohort cost the same scan, so a default cap would only hide cohorts).
 */
export const DEFAULT_MAX_DRIFT_COHORTS = null;

/** Parses a params object (params.json): unknown keys and bad values are errors naming the field. */
export function parseReportParams(input: unknown, source: string): ReportParams {
  const parsed = reportParamsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || undefined;
    const message = issue?.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}` : (issue?.message ?? 'invalid parameters');
    throw new ApiError('bad_argument', `${source}: ${message}${field ? ` (field ${field})` : ''}`, { file: source, ...(field ? { field } : {}) });
  }
  return parsed.data;
}

/** The workspace keeps params from every screen; the report reads only its own keys. */
export function reportParamsFromWorkspace(params: Record<string, string | number | boolean>): ReportParams {
  const picked: Record<string, string | number | boolean> = {};
  for (const key of REPORT_PARAM_KEYS) {
    const v = params[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  return parseReportParams(picked, 'workspace params');
}

function list(text: string | undefined, fallback: string[]): string[] {
  if (text === undefined) return fallback;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function normalizeInstant(s: string): string {
  return new Date(Date.parse(s)).toISOString();
}

/** Fills defaults. as-of never comes from the clock: params, then sign-off, then the bundle's period end or export time (shared/reportSignoff.ts); null when none. */
export function effectiveParams(
  p: ReportParams,
  signoff: Signoff,
  bundle: { exported_at: string | null; period_end: string | null },
): EffectiveReportParams {
  const { as_of, source: as_of_source } = chooseAsOf({ param: p.as_of, signoff: signoff.as_of }, bundle);
  return {
    as_of,
    as_of_source,
    paper: p.paper ?? 'A4',
    title: p.title ?? DEFAULT_REPORT_TITLE,
    drift_baseline: p.drift_baseline ?? 'auto',
    drift_current: p.drift_current ?? 'auto',
    drift_tables: list(p.drift_tables, ['records', 'spans']),
    drift_cohort_attributes: p.drift_cohort_attributes ?? 'auto',
    drift_bins: p.drift_bins ?? 10,
    drift_binning: p.drift_binning ?? 'quantile',
    drift_correction: p.drift_correction ?? 'bh',
    drift_alpha: p.drift_alpha ?? DEFAULT_ALPHA,
    drift_columns: p.drift_columns ?? 'auto',
    drift_methods: p.drift_methods ?? 'auto',
    drift_max_charts: p.drift_max_charts ?? 12,
    drift_max_cohorts: p.drift_max_cohorts ?? DEFAULT_MAX_DRIFT_COHORTS,
    coverage_min_rows: p.coverage_min_rows ?? ANALYTICS_DEFAULTS.minEvalRows,
    coverage_small_cell_k: p.coverage_small_cell_k ?? ANALYTICS_DEFAULTS.smallCellK,
    retention_days: p.retention_days ?? DEFAULT_RETENTION_DAYS,
  };
}

/** "release:r1" → {key:'release', value:'r1'}; "auto" → null. */
export function parseSelector(text: string): Selector | null {
  if (text === 'auto') return null;
  const i = text.indexOf(':');
  const key = text.slice(0, i);
  const value = text.slice(i + 1);
  if (key !== 'release' && key !== 'window' && key !== 'dataset_version' && key !== 'model_version') {
    throw new ApiError('bad_argument', `drift selector "${text}": unknown key "${key}"`, { field: 'drift_baseline' });
  }
  return { key, value };
}
