import { twoProportionZ } from './z';
import { arcsineInterval } from '../interval';
import { notComputable, type ColumnData, type Outcome } from './types';

/** A change in the share of missing values (NULL, NaN, ±inf), tested on its own: two-proportion z on the null share. */
export function nullRate(col: ColumnData): Outcome {
  const r = twoProportionZ(col.nullBaseline, col.rowsBaseline, col.nullCurrent, col.rowsCurrent);
  if (!r) return notComputable(col.rowsBaseline === 0 ? 'baseline selection has no rows' : 'current selection has no rows', "Cohen's h");
  return {
    statistic: r.shareCurrent - r.shareBaseline,
    p_value: r.p,
    effect: r.cohensH,
    effect_name: "Cohen's h",
    detail: [
      `null share baseline ${r.shareBaseline} (${col.nullBaseline}/${col.rowsBaseline}), current ${r.shareCurrent} (${col.nullCurrent}/${col.rowsCurrent})`,
      'statistic = current − baseline null share; pooled two-proportion z-test; effect Cohen\'s h',
    ],
    not_computable: null,
    ci: arcsineInterval(r.shareBaseline, col.rowsBaseline, r.shareCurrent, col.rowsCurrent),
  };
}
