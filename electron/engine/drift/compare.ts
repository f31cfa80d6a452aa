import type { DriftMethod, DriftResult } from '../../../shared/api/drift';
import { autoMethod, DEFAULT_THRESHOLDS } from './auto';
import { columnNotComputable } from './column';
import { runMethod } from './methods';
import type { ColumnData, Outcome } from './methods/types';

export interface CompareOptions {
  methods?: readonly DriftMethod[] | undefined;
  alpha: number;
  thresholds?: Partial<Record<DriftMethod, number>> | undefined;
  cohort: string;
  /** Add a null_rate result when either side has missing values (series leave it out). */
  nullRate: boolean;
}

function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/** Methods for a column: the requested ones, or the automatic choice with its reason. */
export function methodsFor(col: ColumnData, requested: readonly DriftMethod[] | undefined): { method: DriftMethod; reason: string | null }[] {
  if (requested && requested.length > 0) return requested.map((m) => ({ method: m, reason: null }));
  const auto = autoMethod(col.kind, col.nBaseline);
  return [{ method: auto.method, reason: auto.reason }];
}

/** All results for one column of one comparison, p_adjusted / drifted still undecided. */
export async function compareColumn(col: ColumnData, opts: CompareOptions): Promise<DriftResult[]> {
  const planned = methodsFor(col, opts.methods).filter((m) => m.method !== 'null_rate');
  const wantNullRate = opts.methods?.includes('null_rate') === true || (opts.nullRate && (col.nullBaseline > 0 || col.nullCurrent > 0));
  const blocked = await columnNotComputable(col);
  const out: DriftResult[] = [];
  for (const { method, reason } of planned) {
    const outcome: Outcome = blocked
      ? { statistic: null, p_value: null, effect: null, effect_name: '', detail: [], not_computable: blocked }
      : await runMethod(method, col);
    out.push(toResult(col, method, outcome, reason, opts));
  }
  if (wantNullRate && col.rowsBaseline > 0 && col.rowsCurrent > 0) out.push(toResult(col, 'null_rate', await runMethod('null_rate', col), null, opts));
  return out;
}

function toResult(col: ColumnData, method: DriftMethod, o: Outcome, reason: string | null, opts: CompareOptions): DriftResult {
  const statistic = finite(o.statistic);
  const numericFailure = o.not_computable === null && o.statistic !== null && statistic === null ? 'the statistic is not a finite number' : null;
  const detail = [...(reason ? [reason] : []), ...o.detail].join('; ');
  const result: DriftResult = {
    column: col.spec.name,
    cohort: opts.cohort,
    column_kind: col.kind,
    method,
    statistic,
    p_value: finite(o.p_value),
    p_adjusted: null,
    alpha: opts.alpha,
    effect: finite(o.effect),
    effect_name: o.effect_name,
    threshold: opts.thresholds?.[method] ?? DEFAULT_THRESHOLDS[method],
    drifted: false,
    n_baseline: method === 'null_rate' ? col.rowsBaseline : col.nBaseline,
    n_current: method === 'null_rate' ? col.rowsCurrent : col.nCurrent,
    null_rate_baseline: col.rowsBaseline > 0 ? col.nullBaseline / col.rowsBaseline : 0,
    null_rate_current: col.rowsCurrent > 0 ? col.nullCurrent / col.rowsCurrent : 0,
    detail,
    not_computable: o.not_computable ?? numericFailure,
  };
  if (o.bins) result.bins = o.bins;
  return result;
}
