import type { DriftDecision } from './api/drift';
import type { CheckVerdict } from './verdict';

interface ResultLike {
  column: string;
  method: string;
  drifted: boolean;
  not_computable: string | null;
  /** The decision as a person reads it (#18); derived from drifted / not_computable when absent. */
  decision?: DriftDecision;
  /** 'data_quality' rows (label coverage) are not drift comparisons and never count as compared columns. */
  section?: 'drift' | 'data_quality';
  why?: string;
}

export interface DriftTally {
  /** Columns asked for (columns with at least one drift result; label-coverage rows alone do not make a column). */
  columns: number;
  /** Columns with at least one comparison actually made (the null-rate check alone counts only when it drifted). */
  compared: number;
  /** Compared columns that drifted (in any cohort). */
  drifted: number;
  /** Compared columns that did not drift but whose result is inconclusive in at least one cohort. */
  inconclusive: number;
  /** Compared columns decided "no drift" everywhere they were compared. */
  noDrift: number;
  /** Why the first column that could not be compared was not (when any could not). */
  firstReason: string | null;
  /** Why the first inconclusive result was inconclusive (when any was). */
  firstInconclusive: string | null;
}

function decisionOf(r: ResultLike): DriftDecision {
  if (r.decision) return r.decision;
  if (r.not_computable !== null) return 'not_computable';
  return r.drifted ? 'drift' : 'no_drift';
}

/** Per column: drift if any cohort drifted; else inconclusive if any compared result is; else no drift if any comparison was made. */
export function tallyDrift(results: readonly ResultLike[]): DriftTally {
  const drift = results.filter((r) => (r.section ?? 'drift') === 'drift' && decisionOf(r) !== 'data_quality');
  const cols = [...new Set(drift.map((r) => r.column))];
  const t: DriftTally = { columns: cols.length, compared: 0, drifted: 0, inconclusive: 0, noDrift: 0, firstReason: null, firstInconclusive: null };
  for (const c of cols) {
    const rows = drift.filter((r) => r.column === c);
    const main = rows.filter((r) => r.method !== 'null_rate' && decisionOf(r) !== 'not_computable');
    if (rows.some((r) => decisionOf(r) === 'drift')) t.drifted += 1;
    else if (main.some((r) => decisionOf(r) === 'inconclusive')) t.inconclusive += 1;
    else if (main.length > 0) t.noDrift += 1;
    else continue;
    t.compared += 1;
  }
  const blocked = drift.find((r) => r.method !== 'null_rate' && decisionOf(r) === 'not_computable');
  t.firstReason = blocked?.not_computable ?? null;
  const unsure = drift.find((r) => decisionOf(r) === 'inconclusive');
  t.firstInconclusive = unsure ? (unsure.why?.replace(/^inconclusive: /, '') || 'the effect’s interval straddles the threshold') : null;
  return t;
}

const plural = (n: number): string => `${n} column${n === 1 ? '' : 's'}`;

/**
 * The verdict of a drift comparison over a table: not met when a column drifted; met only when columns were
 * compared and every one was decided "no drift"; otherwise not applicable with why — nothing could be compared
 * (zero rows on a side, no values, …) or some compared column is inconclusive. Never "met" for what was not decided.
 */
export function driftVerdict(results: readonly ResultLike[]): CheckVerdict {
  const t = tallyDrift(results);
  if (t.compared === 0) return { verdict: 'not_applicable', why: t.columns === 0 ? 'no column to compare' : `nothing could be compared: ${t.firstReason ?? 'no comparable values'}` };
  if (t.drifted > 0) return { verdict: 'not_met', why: `${t.drifted} of ${t.compared} compared columns drifted` };
  if (t.inconclusive > 0)
    return {
      verdict: 'not_applicable',
      why: t.noDrift === 0 ? `no column could be decided: ${t.inconclusive} of ${t.compared} compared columns inconclusive` : `${t.inconclusive} of ${t.compared} compared columns inconclusive; no drift in the other ${t.noDrift}`,
    };
  return { verdict: 'met', why: `no drift in ${t.compared} compared column${t.compared === 1 ? '' : 's'}` };
}

/** One line for a table's comparison, the same in the CLI, on the Drift screen and in the report. */
export function driftHeadline(results: readonly ResultLike[]): string {
  const t = tallyDrift(results);
  if (t.columns === 0) return 'Nothing compared: no column to compare';
  if (t.compared === 0) return `Nothing compared: none of ${plural(t.columns)} could be compared — ${t.firstReason ?? 'no comparable values'}`;
  const rest = t.compared < t.columns ? ` (${t.columns - t.compared} of ${plural(t.columns)} not computable)` : '';
  const unsure = t.inconclusive > 0 ? `, ${t.inconclusive} inconclusive` : '';
  if (t.drifted > 0) return `${t.drifted} of ${t.compared} compared columns drifted${unsure}${rest}`;
  if (t.noDrift === 0) {
    const who = t.compared === 1 ? 'the one compared column is' : t.compared === 2 ? 'both compared columns are' : `all ${t.compared} compared columns are`;
    return `Undecided: ${who} inconclusive — ${t.firstInconclusive ?? 'the effect’s interval straddles the threshold'}${rest}`;
  }
  if (t.inconclusive > 0) return `No drift in ${t.noDrift} of ${t.compared} compared columns${unsure}${rest}`;
  return `No drift in ${plural(t.compared)} compared${rest}`;
}
