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
}

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
