import type { DriftMethod, DriftResult } from '../../../shared/api/drift';
import { autoMethod, DEFAULT_THRESHOLDS } from './auto';
import { columnNotComputable } from './column';
import { runMethod } from './methods';
import type { ColumnData, Outcome } from './methods/types';
import { tooSmall, type ColumnPlan } from './plan';

export interface CompareOptions {
  methods?: readonly DriftMethod[] | undefined;
  /** The column's plan for the whole comparison (plan.ts): its methods, whatever this cohort's size. */
  plan?: ColumnPlan | undefined;
  alpha: number;
  thresholds?: Partial<Record<DriftMethod, number>> | undefined;
  cohort: string;
  /** Add a null_rate result when either side has missing values (series leave it out). */
  nullRate: boolean;
  /** Appended to the bootstrap seed (a series bucket), so each comparison has its own draws. */
  seedSuffix?: string;
}

function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/** Methods for a column: the plan's, the requested ones, or the automatic choice for this sample with its reason. */
export function methodsFor(col: ColumnData, requested: readonly DriftMethod[] | undefined, plan?: ColumnPlan): { method: DriftMethod; reason: string | null }[] {
  if (plan) return plan.methods;
  if (requested && requested.length > 0) return requested.map((m) => ({ method: m, reason: null }));
  const auto = autoMethod(col.kind, col.nBaseline);
  return [{ method: auto.method, reason: auto.reason }];
}

/** All results for one column of one comparison, p_adjusted / drifted / decision still undecided. */
export async function compareColumn(col: ColumnData, opts: CompareOptions): Promise<DriftResult[]> {
  const planned = methodsFor(col, opts.methods, opts.plan).filter((m) => m.method !== 'null_rate');
  const wantNullRate = opts.methods?.includes('null_rate') === true || (opts.nullRate && (col.nullBaseline > 0 || col.nullCurrent > 0));
  const blocked = await columnNotComputable(col);
  const out: DriftResult[] = [];
  const seed = (m: DriftMethod) => `${col.spec.name}\u0000${opts.cohort}\u0000${m}${opts.seedSuffix ? `\u0000${opts.seedSuffix}` : ''}`;
  for (const { method, reason } of planned) {
    // Only the automatic choice (reason set) is guarded: a method asked for by name runs at any n.
    const small = blocked || reason === null ? null : tooSmall(method, col.nBaseline, col.nCurrent);
    const why = blocked ?? small;
    const outcome: Outcome = why ? { statistic: null, p_value: null, effect: null, effect_name: '', detail: [], not_computable: why } : await runMethod(method, col, seed(method));
    out.push(toResult(col, method, outcome, reason, opts));
  }
  if (wantNullRate && col.rowsBaseline > 0 && col.rowsCurrent > 0) out.push(toResult(col, 'null_rate', await runMethod('null_rate', col, seed('null_rate')), null, opts));
  return out;
}

function toResult(col: ColumnData, method: DriftMethod, o: Outcome, reason: string | null, opts: CompareOptions): DriftResult {
  const statistic = finite(o.statistic);
  const numericFailure = o.not_computable === null && o.statistic !== null && statistic === null ? 'the statistic is not a finite number' : null;
  const detail = [...(reason ? [reason] : []), ...o.detail].join('; ');
  const effect = finite(o.effect);
  const ci = effect !== null && o.ci ? o.ci : null;
  const result: DriftResult = {
    column: col.spec.name,
    cohort: opts.cohort,
    column_kind: col.kind,
    method,
    statistic,
    p_value: finite(o.p_value),
    p_adjusted: null,
    alpha: opts.alpha,
    effect,
    effect_name: o.effect_name,
    effect_ci: ci ? [Math.min(ci.ci[0], effect as number), Math.max(ci.ci[1], effect as number)] : null,
    effect_ci_method: ci ? ci.method : null,
    threshold: opts.thresholds?.[method] ?? DEFAULT_THRESHOLDS[method],
    drifted: false,
    decision: 'not_computable',
    why: '',
    section: method === 'null_rate' && col.spec.role === 'label' ? 'data_quality' : 'drift',
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
