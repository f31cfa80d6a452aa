import { normalTwoSided } from '../pvalues';

export interface TwoProportionOutcome {
  z: number;
  p: number;
  shareBaseline: number;
  shareCurrent: number;
  /** Cohen's h = |2·asin√p₁ − 2·asin√p₂|, the effect size used for the decision. */
  cohensH: number;
}

/** Pooled two-proportion z-test (current − baseline); z = 0 and p = 1 when the pooled share is 0 or 1. */
export function twoProportionZ(kBaseline: number, nBaseline: number, kCurrent: number, nCurrent: number): TwoProportionOutcome | null {
  if (nBaseline <= 0 || nCurrent <= 0) return null;
  const p1 = kBaseline / nBaseline;
  const p2 = kCurrent / nCurrent;
  const pooled = (kBaseline + kCurrent) / (nBaseline + nCurrent);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nBaseline + 1 / nCurrent));
  const z = se > 0 ? (p2 - p1) / se : 0;
  return {
    z,
    p: se > 0 ? normalTwoSided(z) : 1,
    shareBaseline: p1,
    shareCurrent: p2,
    cohensH: Math.abs(2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2))),
  };
}
