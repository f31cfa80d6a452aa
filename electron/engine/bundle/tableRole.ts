import { CANONICAL_TABLE_NAMES, META_TABLES, type CanonicalTableName } from '../../../shared/canonical';

export function isCanonicalName(name: string): name is CanonicalTableName {
  return (CANONICAL_TABLE_NAMES as readonly string[]).includes(name);
}

/** File-name stems that name a canonical table (lower case, before the first "." or "-part"/"_2026..." suffix). */
const NAME_RULES: [RegExp, CanonicalTableName][] = [
  [/^(spans?|traces?)([^a-z]|$)/, 'spans'],
  [/^(records?|predictions?|inferences?|dataset_rows|serving)([^a-z]|$)/, 'records'],
  [/^(dataset_versions?|datasets?)([^a-z]|$)/, 'dataset_versions'],
  [/^(training_runs?|runs?)([^a-z]|$)/, 'training_runs'],
  [/^(model_versions?|models?)([^a-z]|$)/, 'model_versions'],
  [/^releases?([^a-z]|$)/, 'releases'],
  [/^(deployment_events?|deployments?|deploy_events?)([^a-z]|$)/, 'deployment_events'],
  [/^eval/, 'eval_results'],
  [/^audit/, 'audit_log'],
  [/^cohorts?([^a-z]|$)/, 'cohorts'],
];

export function stemOf(innerPath: string): string {
  const base = (innerPath.split('/').pop() ?? innerPath).toLowerCase();
  const dot = base.indexOf('.');
  return dot <= 0 ? base : base.slice(0, dot);
}

export function tableFromFileName(innerPath: string): CanonicalTableName | null {
  const stem = stemOf(innerPath).replaceAll('-', '_');
  for (const [re, t] of NAME_RULES) if (re.test(stem)) return t;
  return null;
}

/** Canonical table from the columns a file carries (compared case- and style-insensitively: TraceId = trace_id). */
export function tableFromColumns(columns: string[]): CanonicalTableName | null {
  const keys = new Set(columns.map((c) => c.toLowerCase().replace(/[^a-z0-9]/g, '')));
  const has = { has: (name: string): boolean => keys.has(name.replace(/_/g, '')) };
  if (has.has('span_id') && has.has('trace_id')) return 'spans';
  if (has.has('eval_id')) return 'eval_results';
  if (has.has('record_id')) return 'records';
  if (has.has('log_id')) return 'audit_log';
  if (has.has('event_id') && has.has('release_id')) return 'deployment_events';
  if (has.has('cohort_id') || (has.has('attribute') && has.has('value') && has.has('release_critical'))) return 'cohorts';
  if (has.has('release_id') && has.has('released_at')) return 'releases';
  if (has.has('run_id') && !has.has('model_version')) return 'training_runs';
  if (has.has('model_version') && (has.has('model_name') || has.has('run_id'))) return 'model_versions';
  if (has.has('dataset_version') && (has.has('parent_version') || has.has('feature_pipeline') || has.has('created_at'))) return 'dataset_versions';
  return null;
}

/**
 * Name for an extra (non-canonical) table: lower-case [a-z0-9_], never empty, never starting with a digit,
 * never a canonical, engine (_ad_*) or reserved SQL name.
 */
export function extraTableName(raw: string, reserved: ReadonlySet<string>): string {
  let n = raw
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (n === '') n = 'table';
  if (/^[0-9]/.test(n)) n = `t_${n}`;
  const meta = Object.values(META_TABLES) as string[];
  if (isCanonicalName(n) || meta.includes(n) || n.startsWith('ad_') || reserved.has(n)) n = `extra_${n}`;
  return n;
}
