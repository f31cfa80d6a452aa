import type { DuckDBConnection } from '@duckdb/node-api';
import type { DriftBin } from '../../../shared/api/drift';
import {
  DEFAULT_BINS,
  EMPTY_CATEGORIES,
  groupedBinCounts,
  groupedCategoryCounts,
  groupedEdges,
  numericBinCounts,
  type BinCounts,
  type BinningRule,
  type CategoryCounts,
  type GroupRange,
} from './binning';
import { columnKind } from './auto';
import type { ColumnKind, ColumnSpec } from './columns';
import { EMPTY_RANGE, groupedProfiles, numericRanges, type EcdfMethod } from './ecdf';
import type { NumericProfile, NumericRange } from './profile';
import type { ColumnData } from './methods/types';
import type { Sample } from './select';

export interface BinOptions {
  bins?: number | undefined;
  binning?: BinningRule | undefined;
}

/**
 * Loads what every method needs for one column and comparison: one SQL pass, more only on demand.
 * `range`: the column's counts and ranges when already computed by a batched `numericRanges` scan.
 * `kind`: the column kind chosen for the whole comparison (plan.ts); absent, the kind of this sample.
 */
export async function loadColumn(conn: DuckDBConnection, sample: Sample, spec: ColumnSpec, opts: BinOptions, range?: NumericRange, ecdf?: EcdfMethod, kind?: ColumnKind): Promise<ColumnData> {
  const single: Sample = { table: sample.table, baseline: sample.baseline, current: sample.current };
  const ranges = new Map<string, NumericRange>([['', range ?? EMPTY_RANGE]]);
  const numeric = spec.valueType === 'float' || spec.valueType === 'integer';
  if (numeric && !range) {
    ranges.set('', (await numericRanges(conn, single, [spec.expr]))[0] ?? EMPTY_RANGE);
  }
  const m = await loadColumnGroups(conn, single, spec, opts, ranges, ecdf, kind);
  return m.get('') as ColumnData;
}

/**
 * loadColumn for every group of a sample at once: each SQL pass (ECDF profile, category counts, bin edges
 * and counts) runs once for all groups, grouped by cohort value. `rows` holds every group to return, with
 * its per-side row counts and, for numeric columns, its ranges (from `groupedRanges`). A group gets the
 * same data as it would alone.
 */
export async function loadColumnGroups(
  conn: DuckDBConnection,
  sample: Sample,
  spec: ColumnSpec,
  opts: BinOptions,
  rows: ReadonlyMap<string, NumericRange>,
  ecdf?: EcdfMethod,
  kind?: ColumnKind,
  /** A numeric column's profiles per group, when already computed (`groupedProfilesOfColumns`). */
  profiled?: Map<string, NumericProfile>,
): Promise<Map<string, ColumnData>> {
  let categories: Promise<Map<string, CategoryCounts>> | null = null;
  const allCategories = (): Promise<Map<string, CategoryCounts>> => (categories ??= groupedCategoryCounts(conn, sample, spec.expr, spec.valueType));
  const out = new Map<string, ColumnData>();

  if (spec.valueType === 'float' || spec.valueType === 'integer') {
    const profiles = profiled ?? (await groupedProfiles(conn, sample, spec.expr, rows, ecdf));
    let numericBins: Promise<{ bins: Map<string, DriftBin[]>; edges: Map<string, number[]> }> | null = null;
    const rule: BinningRule = opts.binning ?? 'quantile';
    const requested = opts.bins ?? DEFAULT_BINS;
    const allNumericBins = () =>
      (numericBins ??= (async () => {
        const ranges = new Map<string, GroupRange>();
        for (const [g, p] of profiles) if (p.minBaseline !== null && p.maxBaseline !== null) ranges.set(g, { min: p.minBaseline, max: p.maxBaseline, nBaseline: p.nBaseline });
        const edges = await groupedEdges(conn, sample, spec.expr, rule, requested, ranges);
        if (!sample.group) {
          const r = ranges.get('');
          const e = edges.get('');
          const bins = new Map<string, DriftBin[]>();
          if (r && e) bins.set('', await numericBinCounts(conn, sample, spec.expr, e, r.min, r.max));
          return { bins, edges };
        }
        return { bins: await groupedBinCounts(conn, sample, spec.expr, edges, ranges), edges };
      })());
    for (const [g, p] of profiles) {
      const k = kind ?? columnKind(spec.valueType, p.distinct);
      const categoriesOf = async (): Promise<CategoryCounts> => (await allCategories()).get(g) ?? EMPTY_CATEGORIES;
      out.set(g, {
        spec,
        kind: k,
        rowsBaseline: p.rowsBaseline,
        rowsCurrent: p.rowsCurrent,
        nBaseline: p.nBaseline,
        nCurrent: p.nCurrent,
        nullBaseline: p.rowsBaseline - p.nBaseline,
        nullCurrent: p.rowsCurrent - p.nCurrent,
        distinct: p.distinct,
        profile: p,
        categories: categoriesOf,
        bins: async (): Promise<BinCounts> => {
          if (k !== 'numeric') {
            const c = await categoriesOf();
            return { bins: c.bins, rule: categoryRule(c) };
          }
          const all = await allNumericBins();
          const bins = all.bins.get(g) ?? [];
          const edges = all.edges.get(g) ?? [];
          const outside = bins.filter((b) => b.lower === null || b.upper === null).length;
          const name = rule === 'quantile' ? 'baseline-quantile bins (quantile_disc)' : 'equal-width bins over the baseline range';
          const tiesNote = edges.length + 1 < requested ? `, ${requested} requested but ties in the baseline leave ${edges.length + 1}` : '';
          return {
            bins,
            rule: `${name}: ${edges.length + 1} bins${tiesNote}${outside > 0 ? ` + ${outside} out-of-baseline-range bin(s)` : ''}; nulls excluded (see null_rate)`,
          };
        },
      });
    }
    return out;
  }
  const all = await allCategories();
  for (const g of rows.keys()) {
    const c = all.get(g) ?? EMPTY_CATEGORIES;
    out.set(g, {
      spec,
      kind: kind ?? columnKind(spec.valueType, c.distinct),
      rowsBaseline: c.rowsBaseline,
      rowsCurrent: c.rowsCurrent,
      nBaseline: c.rowsBaseline - c.nullBaseline,
      nCurrent: c.rowsCurrent - c.nullCurrent,
      nullBaseline: c.nullBaseline,
      nullCurrent: c.nullCurrent,
      distinct: c.distinct,
      profile: null,
      categories: async () => c,
      bins: async () => ({ bins: c.bins, rule: categoryRule(c) }),
    });
  }
  return out;
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
