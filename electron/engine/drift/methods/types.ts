import type { DriftBin } from '../../../../shared/api/drift';
import type { BinCounts, CategoryCounts } from '../binning';
import type { ColumnKind, ColumnSpec } from '../columns';
import type { NumericProfile } from '../profile';
import type { EffectInterval } from '../interval';

/** What a method sees of one column in one comparison; SQL results are fetched once and shared. */
export interface ColumnData {
  spec: ColumnSpec;
  kind: ColumnKind;
  rowsBaseline: number;
  rowsCurrent: number;
  nBaseline: number;
  nCurrent: number;
  nullBaseline: number;
  nullCurrent: number;
  /** Distinct non-null values over both sides. */
  distinct: number;
  /** Present for numeric value types (one exact ECDF pass). */
  profile: NumericProfile | null;
  categories(): Promise<CategoryCounts>;
  /** Bins suited to the kind: numeric bins (quantile / equal width) or one per category. */
  bins(): Promise<BinCounts>;
}

export interface Outcome {
  statistic: number | null;
  p_value: number | null;
  effect: number | null;
  effect_name: string;
  detail: string[];
  not_computable: string | null;
  bins?: DriftBin[];
  /** 95 % interval of the effect and how it was made (interval.ts). */
  ci?: EffectInterval | null;
}

export function notComputable(reason: string, effectName: string): Outcome {
  return { statistic: null, p_value: null, effect: null, effect_name: effectName, detail: [], not_computable: reason };
}
