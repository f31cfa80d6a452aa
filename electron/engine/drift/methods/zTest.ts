import { twoProportionZ } from './z';
import { arcsineInterval } from '../interval';
import { notComputable, type ColumnData, type Outcome } from './types';

/** Two-proportion z-test on a binary column; the "positive" value is the larger of the two (true, 1, or the later string). */
export async function zMethod(col: ColumnData): Promise<Outcome> {
  const cats = await col.categories();
  const values = cats.bins;
  if (values.length !== 2 || cats.folded > 0)
    return notComputable(`z needs a binary column; "${col.spec.name}" has ${cats.distinct} distinct values`, "Cohen's h");
  const positive = values[1];
  if (!positive) return notComputable('binary column without a second value', "Cohen's h");
  const r = twoProportionZ(positive.baseline_count, col.nBaseline, positive.current_count, col.nCurrent);
  if (!r) return notComputable('one side has no non-null values', "Cohen's h");
  return {
    statistic: r.z,
    p_value: r.p,
    effect: r.cohensH,
    effect_name: "Cohen's h",
    detail: [
      `share of "${positive.label}": baseline ${r.shareBaseline}, current ${r.shareCurrent}`,
      'pooled two-proportion z-test (two-sided, normal); effect Cohen\'s h = |2·asin√p_c − 2·asin√p_b|',
    ],
    not_computable: null,
    bins: values,
    ci: arcsineInterval(r.shareBaseline, col.nBaseline, r.shareCurrent, col.nCurrent),
  };
}
