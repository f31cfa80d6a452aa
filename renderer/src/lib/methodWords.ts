import type { DriftMethod } from '../../../shared/api/drift';
import { DRIFT_METHOD_INFO } from '../../../shared/driftMethods';

/** A drift method in plain words: the one vocabulary the table, the CLI and the report use (shared/driftMethods). */
export function methodWords(m: DriftMethod): string {
  return DRIFT_METHOD_INFO[m]?.name ?? m;
}

/** The technical name, the meaning of the effect and the formula, for a tooltip. */
export function methodTooltip(m: DriftMethod, detail?: string): string {
  const info = DRIFT_METHOD_INFO[m];
  return `${m}${info ? ` — ${info.meaning}. ${info.formula}` : ''}${detail ? `\n${detail}` : ''}`;
}
