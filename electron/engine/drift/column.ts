import type { DuckDBConnection } from '@duckdb/node-api';
import { categoryCounts, DEFAULT_BINS, numericBinCounts, numericEdges, type BinCounts, type BinningRule, type CategoryCounts } from './binning';
import { columnKind } from './auto';
import type { ColumnSpec } from './columns';
import { numericProfile, type EcdfMethod } from './ecdf';
import type { NumericRange } from './profile';
import type { ColumnData } from './methods/types';
import type { Sample } from './select';

export interface BinOptions {
  bins?: number | undefined;
  binning?: BinningRule | undefined;
}

/**
 * Loads what every method needs for one column and comparison: one SQL pass, more only on demand.
 * `range`: the column's counts and ranges when already computed by a batched `numericRanges` scan.
 */
export async function loadColumn(conn: DuckDBConnection, sample: Sample, spec: ColumnSpec, opts: BinOptions, range?: NumericRange, ecdf?: EcdfMethod): Promise<ColumnData> {
  let categories: Promise<CategoryCounts> | null = null;
  let bins: Promise<BinCounts> | null = null;
  const getCategories = (): Promise<CategoryCounts> => (categories ??= categoryCounts(conn, sample, spec.expr, spec.valueType));

  if (spec.valueType === 'float' || spec.valueType === 'integer') {
    const p = await numericProfile(conn, sample, spec.expr, range, ecdf);
    const kind = columnKind(spec.valueType, p.distinct);
    const data: ColumnData = {
      spec,
      kind,
      rowsBaseline: p.rowsBaseline,
      rowsCurrent: p.rowsCurrent,
      nBaseline: p.nBaseline,
      nCurrent: p.nCurrent,
      nullBaseline: p.rowsBaseline - p.nBaseline,
      nullCurrent: p.rowsCurrent - p.nCurrent,
      distinct: p.distinct,
      profile: p,
      categories: getCategories,
      bins: () =>
        (bins ??= (async (): Promise<BinCounts> => {
          if (kind !== 'numeric') {
            const c = await getCategories();
            return { bins: c.bins, rule: categoryRule(c) };
          }
          const rule: BinningRule = opts.binning ?? 'quantile';
          const requested = opts.bins ?? DEFAULT_BINS;
          const min = p.minBaseline as number;
          const max = p.maxBaseline as number;
          const edges = await numericEdges(conn, sample, spec.expr, rule, requested, min, max, p.nBaseline);
          const counted = await numericBinCounts(conn, sample, spec.expr, edges, min, max);
          const outside = counted.filter((b) => b.lower === null || b.upper === null).length;
          const name = rule === 'quantile' ? 'baseline-quantile bins (quantile_disc)' : 'equal-width bins over the baseline range';
          const tiesNote = edges.length + 1 < requested ? `, ${requested} requested but ties in the baseline leave ${edges.length + 1}` : '';
          return {
            bins: counted,
            rule: `${name}: ${edges.length + 1} bins${tiesNote}${outside > 0 ? ` + ${outside} out-of-baseline-range bin(s)` : ''}; nulls excluded (see null_rate)`,
          };
        })()),
    };
    return data;
  }
  const c = await getCategories();
  return {
    spec,
    kind: columnKind(spec.valueType, c.distinct),
    rowsBaseline: c.rowsBaseline,
    rowsCurrent: c.rowsCurrent,
    nBaseline: c.rowsBaseline - c.nullBaseline,
    nCurrent: c.rowsCurrent - c.nullCurrent,
    nullBaseline: c.nullBaseline,
    nullCurrent: c.nullCurrent,
    distinct: c.distinct,
    profile: null,
    categories: getCategories,
    bins: async () => ({ bins: c.bins, rule: categoryRule(c) }),
  };
}

function categoryRule(c: CategoryCounts): string {
  const unseen = c.bins.filter((b) => b.baseline_count === 0).length;
  const parts = [`one bin per value (${c.bins.length} bins)`];
  if (unseen > 0) parts.push(`${unseen} value(s) unseen in the baseline keep their own bin`);
  if (c.folded > 0) parts.push(`${c.folded} least frequent values folded into one bin`);
  parts.push('nulls excluded (see null_rate)');
  return parts.join(', ');
}

/** Why a column cannot be compared at all in this selection, or null. */
export async function columnNotComputable(col: ColumnData): Promise<string | null> {
  if (col.rowsBaseline === 0) return 'baseline selection has no rows';
  if (col.rowsCurrent === 0) return 'current selection has no rows';
  if (col.nBaseline === 0) return 'baseline has no non-null values';
  if (col.nCurrent === 0) return 'current has no non-null values';
  if (col.distinct === 1) {
    const value = col.profile ? String(col.profile.minBaseline) : ((await col.categories()).bins[0]?.label ?? '?');
    return `column is constant in both samples (value ${value})`;
  }
  return null;
}
