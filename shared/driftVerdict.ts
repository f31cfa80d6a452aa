import type { CheckVerdict } from './verdict';

interface ResultLike {
  column: string;
  method: string;
  drifted: boolean;
  not_computable: string | null;
}

export interface DriftTally {
  /** Columns asked for. */
  columns: number;
  /** Columns with at least one comparison actually made (the null-rate check alone does not count). */
  compared: number;
  drifted: number;
  /** Why the first column that could not be compared was not (when any could not). */
  firstReason: string | null;
}

export function tallyDrift(results: readonly ResultLike[]): DriftTally {
  const cols = [...new Set(results.map((r) => r.column))];
  const main = results.filter((r) => r.method !== 'null_rate');
  const compared = cols.filter((c) => main.some((r) => r.column === c && r.not_computable === null));
  const drifted = cols.filter((c) => results.some((r) => r.column === c && r.drifted));
  const blocked = main.find((r) => r.not_computable !== null);
  return { columns: cols.length, compared: compared.length, drifted: drifted.length, firstReason: blocked?.not_computable ?? null };
}

/**
 * The verdict of a drift comparison over a table: not applicable when nothing could be compared (zero rows on a
 * side, no values, …) — never "no drift"; not met when a column drifted; met when columns were compared and none
 * drifted.
 */
export function driftVerdict(results: readonly ResultLike[]): CheckVerdict {
  const t = tallyDrift(results);
  if (t.compared === 0) return { verdict: 'not_applicable', why: t.columns === 0 ? 'no column to compare' : `nothing could be compared: ${t.firstReason ?? 'no comparable values'}` };
  return t.drifted > 0 ? { verdict: 'not_met', why: `${t.drifted} of ${t.compared} compared columns drifted` } : { verdict: 'met', why: `no drift in ${t.compared} compared columns` };
}

/** One line for a table's comparison, the same in the CLI, on the Drift screen and in the report. */
export function driftHeadline(results: readonly ResultLike[]): string {
  const t = tallyDrift(results);
  const plural = (n: number): string => `${n} column${n === 1 ? '' : 's'}`;
  if (t.columns === 0) return 'Nothing compared: no column to compare';
  if (t.compared === 0) return `Nothing compared: none of ${plural(t.columns)} could be compared — ${t.firstReason ?? 'no comparable values'}`;
  const rest = t.compared < t.columns ? ` (${t.columns - t.compared} of ${plural(t.columns)} not computable)` : '';
  return t.drifted > 0 ? `${t.drifted} of ${t.compared} compared columns drifted${rest}` : `No drift in ${plural(t.compared)} compared${rest}`;
}
