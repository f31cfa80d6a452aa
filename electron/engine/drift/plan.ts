import type { DuckDBConnection } from '@duckdb/node-api';
import type { DriftColumnPlan, DriftMethod } from '../../../shared/api/drift';
import { queryOne, quoteIdent } from '../db';
import { autoMethod, columnKind, INTEGER_CATEGORICAL_MAX_DISTINCT, SMALL_SAMPLE } from './auto';
import type { ColumnKind, ColumnSpec } from './columns';
import type { Sample } from './select';

/**
 * One kind and one set of methods per column for a whole comparison, so that every cohort of a column is
 * the same statistic against the same threshold (a heatmap row compares like with like). Chosen from the
 * whole baseline and current selections — all cohorts together — with the automatic rule of auto.ts.
 */
export interface ColumnPlan {
  spec: ColumnSpec;
  kind: ColumnKind;
  methods: { method: DriftMethod; reason: string | null }[];
  reason: string;
}

export interface ColumnStats {
  /** Non-null baseline values over the whole selection. */
  nBaseline: number;
  /** Distinct non-null values over both sides, exact up to INTEGER_CATEGORICAL_MAX_DISTINCT (all the kind rule reads). */
  distinct: number;
}

export function planColumn(spec: ColumnSpec, stats: ColumnStats, requested: readonly DriftMethod[] | undefined, scope: string): ColumnPlan {
  const kind = columnKind(spec.valueType, stats.distinct);
  const u = stats.distinct > INTEGER_CATEGORICAL_MAX_DISTINCT ? `> ${INTEGER_CATEGORICAL_MAX_DISTINCT}` : String(stats.distinct);
  const kindWhy = `${kind} (${spec.valueType}, ${u} distinct values ${scope})`;
  if (requested && requested.length > 0) {
    const methods = requested.filter((m) => m !== 'null_rate').map((m) => ({ method: m, reason: null }));
    return { spec, kind, methods, reason: `requested: ${requested.join(', ')}; kind ${kindWhy}` };
  }
  const auto = autoMethod(kind, stats.nBaseline);
  const size = kind === 'binary' ? '' : `, n_baseline ${stats.nBaseline} ${stats.nBaseline <= SMALL_SAMPLE ? '≤' : '>'} ${SMALL_SAMPLE}`;
  const reason = `auto, once for every cohort: ${kindWhy}${size} → ${auto.method}`;
  return { spec, kind, methods: [{ method: auto.method, reason }], reason };
}

export function planOut(p: ColumnPlan): DriftColumnPlan {
  return { column: p.spec.name, column_kind: p.kind, methods: p.methods.map((m) => m.method), reason: p.reason };
}

/** Below this many non-null values on a side, a distance (W1/σ, PSI, JS, …) says "not computable" instead of a number. */
export const MIN_VALUES_FOR_DISTANCE = 10;

const DISTANCES = new Set<DriftMethod>(['wasserstein', 'wasserstein_norm', 'psi', 'js', 'kl', 'hellinger', 'linf']);

/** Why a cohort is too small for the column's method (the method is never switched for a small cohort), or null. */
export function tooSmall(method: DriftMethod, nBaseline: number, nCurrent: number): string | null {
  if (!DISTANCES.has(method)) return null;
  if (nBaseline >= MIN_VALUES_FOR_DISTANCE && nCurrent >= MIN_VALUES_FOR_DISTANCE) return null;
  return `too few values for ${method}: n_baseline ${nBaseline}, n_current ${nCurrent} (at least ${MIN_VALUES_FOR_DISTANCE} a side)`;
}

/**
 * Non-null baseline counts and distinct counts of every column over the whole selection, in one scan: an
 * approximate distinct count first, the exact one only for columns that may have few values.
 */
export async function selectionStats(conn: DuckDBConnection, sample: Sample, specs: readonly ColumnSpec[]): Promise<Map<string, ColumnStats>> {
  const out = new Map<string, ColumnStats>();
  if (specs.length === 0) return out;
  const t = quoteIdent(sample.table);
  const cols = specs.map((s, i) => `${s.expr} as v${i}`).join(', ');
  const from = `(select 0::UTINYINT as s, ${cols} from ${t} where ${sample.baseline.sql} union all select 1::UTINYINT as s, ${cols} from ${t} where ${sample.current.sql})`;
  const params = [...sample.baseline.params, ...sample.current.params];
  const first = await queryOne(conn, `select ${specs.map((_, i) => `count(v${i}) filter (where s = 0) as n${i}, approx_count_distinct(v${i}) as a${i}`).join(', ')} from ${from}`, params);
  const few = specs.map((_, i) => i).filter((i) => Number(first?.[`a${i}`] ?? 0) <= 4 * INTEGER_CATEGORICAL_MAX_DISTINCT);
  const exact = few.length > 0 ? await queryOne(conn, `select ${few.map((i) => `count(distinct v${i}) as u${i}`).join(', ')} from ${from}`, params) : undefined;
  specs.forEach((s, i) => {
    const u = few.includes(i) ? Number(exact?.[`u${i}`] ?? 0) : Number(first?.[`a${i}`] ?? 0);
    out.set(s.name, { nBaseline: Number(first?.[`n${i}`] ?? 0), distinct: u });
  });
  return out;
}
