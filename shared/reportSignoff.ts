/**
 * What a report needs before it can be rendered and signed: an as-of time and the required sign-off fields.
 * One definition used by the engine (report, preview, export), the CLI (`--as-of`, `--auditor`, `--system`)
 * and the export dialog. Pure: no Node, no DOM.
 */

export type AsOfSource = 'params' | 'signoff' | 'period_end' | 'exported_at' | 'none';

export interface AsOfChoice {
  /** ISO instant (UTC, milliseconds), or null when nothing gives one: then the report refuses to render. */
  as_of: string | null;
  source: AsOfSource;
}

const parsable = (s: string | null | undefined): s is string => typeof s === 'string' && s.trim() !== '' && !Number.isNaN(Date.parse(s.trim()));
const instant = (s: string): string => new Date(Date.parse(s.trim())).toISOString();

/** The as-of time the bundle gives by itself: the end of its period, else its export time; null when it has neither. */
export function bundleAsOf(bundle: { period_end: string | null; exported_at: string | null }): AsOfChoice {
  if (parsable(bundle.period_end)) return { as_of: instant(bundle.period_end), source: 'period_end' };
  if (parsable(bundle.exported_at)) return { as_of: instant(bundle.exported_at), source: 'exported_at' };
  return { as_of: null, source: 'none' };
}

/** The as-of time, in this order: the `as_of` parameter (`--as-of`), the sign-off field, the bundle's period end, its export time. Never the clock. */
export function chooseAsOf(given: { param?: string | undefined; signoff: string }, bundle: { period_end: string | null; exported_at: string | null }): AsOfChoice {
  if (parsable(given.param)) return { as_of: instant(given.param), source: 'params' };
  if (parsable(given.signoff)) return { as_of: instant(given.signoff), source: 'signoff' };
  return bundleAsOf(bundle);
}

export const AS_OF_SOURCE_LABEL: Record<AsOfSource, string> = {
  params: 'as-of parameter',
  signoff: 'sign-off field',
  period_end: 'end of the bundle’s period',
  exported_at: 'bundle export time',
  none: 'the bundle has no period or export time, and none was given',
};

/** Sign-off fields a report cannot be exported without, with the CLI option that fills each. */
export const REQUIRED_SIGNOFF = [
  { key: 'system', label: 'System audited', option: '--system' },
  { key: 'auditor', label: 'Auditor', option: '--auditor' },
] as const;

export type RequiredSignoffKey = (typeof REQUIRED_SIGNOFF)[number]['key'];

/** The required sign-off fields left empty (blank counts as empty). */
export function missingSignoff(signoff: Record<RequiredSignoffKey, string>): (typeof REQUIRED_SIGNOFF)[number][] {
  return REQUIRED_SIGNOFF.filter((f) => signoff[f.key].trim() === '');
}

/** The message for a report without an as-of time; `how` names the way to give one (CLI option or UI field). */
export function noAsOfMessage(how: string): string {
  return `The bundle has no period (no timestamped rows) and no export time, so the report has no as-of time: ${how}. The report never uses the clock or a placeholder date.`;
}
