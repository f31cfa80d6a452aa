import { chi2Sf } from '../pvalues';

export interface Chi2Outcome {
  statistic: number;
  df: number;
  p: number;
  /** Cramér's V of the 2×B table: √(χ² / N). */
  cramersV: number;
}

/**
 * Chi-square test of homogeneity on the 2×B contingency table (baseline row, current row) over
 * bins non-empty on at least one side. Both samples are treated as random (unlike Evidently's
 * goodness-of-fit form, which takes the reference shares as exact). Null when fewer than 2 bins.
 */
export function chi2Homogeneity(baseline: readonly number[], current: readonly number[]): Chi2Outcome | null {
  const nb = baseline.reduce((a, b) => a + b, 0);
  const nc = current.reduce((a, b) => a + b, 0);
  const total = nb + nc;
  if (nb === 0 || nc === 0) return null;
  let stat = 0;
  let used = 0;
  for (let i = 0; i < baseline.length; i++) {
    const ob = baseline[i] as number;
    const oc = current[i] as number;
    const col = ob + oc;
    if (col === 0) continue;
    used++;
    const eb = (col * nb) / total;
    const ec = (col * nc) / total;
    stat += ((ob - eb) * (ob - eb)) / eb + ((oc - ec) * (oc - ec)) / ec;
  }
  if (used < 2) return null;
  return { statistic: stat, df: used - 1, p: chi2Sf(stat, used - 1), cramersV: Math.sqrt(stat / total) };
}

/** Evidently's chisquare: goodness of fit of current counts to reference shares × n_current. For reproducing its numbers. */
export function chi2GoodnessOfFit(reference: readonly number[], current: readonly number[]): { statistic: number; p: number } {
  const nr = reference.reduce((a, b) => a + b, 0);
  const nc = current.reduce((a, b) => a + b, 0);
  let stat = 0;
  let k = 0;
  for (let i = 0; i < reference.length; i++) {
    const e = ((reference[i] as number) * nc) / nr;
    if (e === 0) continue;
    k++;
    const o = current[i] as number;
    stat += ((o - e) * (o - e)) / e;
  }
  return { statistic: stat, p: chi2Sf(stat, k - 1) };
}
