/** What the exact ECDF passes (sorted and bucketed) compute for one numeric column over two samples. */
export interface NumericProfile {
  rowsBaseline: number;
  rowsCurrent: number;
  nBaseline: number;
  nCurrent: number;
  distinct: number;
  minBaseline: number | null;
  maxBaseline: number | null;
  minCurrent: number | null;
  maxCurrent: number | null;
  meanBaseline: number | null;
  stdBaseline: number | null;
  /** D·nB·nC as an exact integer. */
  dScaled: number;
  w1: number | null;
  /** A coarse copy of both samples for the bootstrap interval of W1/σ (interval.ts); null when there are no values. */
  atoms: Atoms | null;
}

/**
 * Up to ATOMS consecutive value ranges of the union of both samples (by rank in the sorted pass, by bucket in
 * the bucketed pass), each with its count and mean position per side. Positions are in column units.
 */
export interface Atoms {
  countB: number[];
  countC: number[];
  /** Mean value of the baseline (current) rows of each atom; NaN where the side has none. */
  meanB: number[];
  meanC: number[];
}

/** Atoms per numeric column and comparison: enough to bootstrap W1/σ, few enough to do it in a millisecond. */
export const ATOMS = 64;

export interface NumericRange {
  rows_b: number;
  rows_c: number;
  nb: number;
  nc: number;
  minb: number | null;
  maxb: number | null;
  minc: number | null;
  maxc: number | null;
}

/** [count b, count c, Σ position b, Σ position c] per atom → counts and mean values per side. */
export function atomsFromSums(list: readonly (readonly [number, number, number, number])[], toValue: (meanPosition: number) => number): Atoms {
  const a: Atoms = { countB: [], countC: [], meanB: [], meanC: [] };
  for (const [cb, cc, pb, pc] of list) {
    a.countB.push(cb);
    a.countC.push(cc);
    a.meanB.push(cb > 0 ? toValue(pb / cb) : Number.NaN);
    a.meanC.push(cc > 0 ? toValue(pc / cc) : Number.NaN);
  }
  return a;
}
