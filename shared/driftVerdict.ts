import type { CheckVerdict } from './verdict';

interface ResultLike {
  column: string;
  method: string;
  drifted: boolean;
  not_computable: string | null;
  /** The engine's reading of the result; `inconclusive` when the effect's interval straddles the threshold. */
  decision?: string;
}

export interface DriftTally {
  /** Columns asked for. */
  columns: number;
  /** Columns with at least one comparison actually made (the null-rate check alone does not count). */
  compared: number;
  drifted: number;
  /** Compared columns that did not drift but could not be shown stable either (an inconclusive comparison). */
  inconclusive: number;
  /** Why the first column that could not be compared was not (when any could not). */
  firstReason: string | null;
}

export function tallyDrift(results: readonly ResultLike[]): DriftTally {
  const cols = [...new Set(results.map((r) => r.column))];
  const main = results.filter((r) => r.method !== 'null_rate');
  const compared = cols.filter((c) => main.some((r) => r.column === c && r.not_computable === null));
  const drifted = cols.filter((c) => results.some((r) => r.column === c && r.drifted));
  const inconclusive = compared.filter((c) => !drifted.includes(c) && main.some((r) => r.column === c && r.decision === 'inconclusive'));
  const blocked = main.find((r) => r.not_computable !== null);
  return { columns: cols.length, compared: compared.length, drifted: drifted.length, inconclusive: inconclusive.length, firstReason: blocked?.not_computable ?? null };
}

const INCONCLUSIVE_WHY = "the effect's 95 % interval straddles the threshold, so drift is neither shown nor ruled out";

/**
 * The verdict of a drift comparison over a table: not applicable when nothing could be compared (zero rows on a
 * side, no values, …) — never "no drift"; not met when a column drifted; not applicable either when no column
 * drifted but some comparison was inconclusive (drift is not ruled out, so "no drift" would claim too much); met
 * only when every compared column reads no drift.
 */
export function driftVerdict(results: readonly ResultLike[]): CheckVerdict {
  const t = tallyDrift(results);
  if (t.compared === 0) return { verdict: 'not_applicable', why: t.columns === 0 ? 'no column to compare' : `nothing could be compared: ${t.firstReason ?? 'no comparable values'}` };
  if (t.drifted > 0) return { verdict: 'not_met', why: `${t.drifted} of ${t.compared} compared columns drifted` };
  if (t.inconclusive > 0) return { verdict: 'not_applicable', why: `no column drifted, but ${t.inconclusive} of ${t.compared} compared ${t.compared === 1 ? 'column is' : 'columns are'} inconclusive: ${INCONCLUSIVE_WHY}` };
  return { verdict: 'met', why: `no drift in ${t.compared} compared columns` };
}

/** One line for a table's comparison, the same in the CLI, on the Drift screen and in the report. */
export function driftHeadline(results: readonly ResultLike[]): string {
  const t = tallyDrift(results);
  const plural = (n: number): string => `${n} column${n === 1 ? '' : 's'}`;
  if (t.columns === 0) return 'Nothing compared: no column to compare';
  if (t.compared === 0) return `Nothing compared: none of ${plural(t.columns)} could be compared — ${t.firstReason ?? 'no comparable values'}`;
  const rest = t.compared < t.columns ? ` (${t.columns - t.compared} of ${plural(t.columns)} not computable)` : '';
  const unsure = t.inconclusive > 0 ? `, ${t.inconclusive} inconclusive` : '';
  if (t.drifted > 0) return `${t.drifted} of ${t.compared} compared columns drifted${unsure}${rest}`;
  if (t.inconclusive === t.compared) return `Inconclusive: none of ${plural(t.compared)} compared drifted, none shown stable${rest}`;
  if (t.inconclusive > 0) return `No drift shown in ${t.compared - t.inconclusive} of ${t.compared} compared columns, ${t.inconclusive} inconclusive${rest}`;
  return `No drift in ${plural(t.compared)} compared${rest}`;
}
