/** One palette app-wide. Baseline vs current never change; categories use Okabe–Ito (colour-blind safe). */
export const BASELINE = '#5B7083';
export const CURRENT = '#E8710A';
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export const EVENT_COLORS: Record<string, string> = {
  canary_start: '#56B4E9',
  canary_pass: '#009E73',
  canary_fail: '#D55E00',
  promote: '#0072B2',
  rollback: '#CC79A7',
  incident_open: '#E69F00',
  incident_resolved: '#999999',
};
export const EVENT_SYMBOLS: Record<string, string> = {
  canary_start: 'circle',
  canary_pass: 'diamond',
  canary_fail: 'times',
  promote: 'triangle',
  rollback: 'cross',
  incident_open: 'square',
  incident_resolved: 'star',
};

export const NODE_COLORS: Record<string, string> = {
  dataset_version: '#0072B2',
  training_run: '#009E73',
  model_version: '#CC79A7',
  release: '#E69F00',
  deployment_event: '#56B4E9',
};

/** Theme-aware text colour for chart annotations. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
