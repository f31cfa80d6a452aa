import type { DriftReport, DriftResult } from '../../../../shared/api/drift';
import { DRIFT_DECISION_LABEL, DRIFT_DECISION_MARK, DRIFT_METHOD_INFO, readable, readableInterval } from '../../../../shared/driftMethods';
import { fmtInt } from '../../lib/format';
import { EffectWhisker, whiskerMax } from './EffectWhisker';

interface CohortRow {
  value: string;
  rows: number;
  cells: Map<string, DriftResult>;
}

const CELL_CLASS: Record<DriftResult['decision'], string> = { drift: 'cell-bad', inconclusive: 'cell-warn', no_drift: '', not_computable: 'cell-na', data_quality: 'cell-na' };

/**
 * The cohort × column grid of one grouped drift run: one statistic per column (its plan), the largest
 * cohorts by rows first, the rest folded into an "others" row that opens them all.
 */
export function HeatmapGrid({
  report,
  attribute,
  top,
  showingAll,
  onShowAll,
  onPick,
}: {
  report: DriftReport;
  attribute: string;
  top: number;
  showingAll: boolean;
  onShowAll: () => void;
  onPick: (value: string, column: string) => void;
}) {
  const prefix = `${attribute}=`;
  const byCohort = new Map<string, CohortRow>();
  for (const r of report.results) {
    const value = r.cohort.startsWith(prefix) ? r.cohort.slice(prefix.length) : r.cohort;
    const row = byCohort.get(value) ?? { value, rows: 0, cells: new Map<string, DriftResult>() };
    row.rows = Math.max(row.rows, r.n_baseline + r.n_current);
    if (r.section === 'drift' && r.method !== 'null_rate' && !row.cells.has(r.column)) row.cells.set(r.column, r);
    byCohort.set(value, row);
  }
  const cohorts = [...byCohort.values()].sort((a, b) => b.rows - a.rows || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const shown = cohorts.slice(0, top);
  const rest = cohorts.slice(shown.length);
  const plan = report.plan.filter((p) => cohorts.some((c) => c.cells.has(p.column)));
  const max = whiskerMax(shown.flatMap((c) => [...c.cells.values()]));
  if (cohorts.length === 0) return <div className="state">No row of either selection has a value for {attribute}.</div>;
  const restCells = rest.flatMap((c) => [...c.cells.values()]);
  const count = (d: DriftResult['decision']) => restCells.filter((r) => r.decision === d).length;
  return (
    <div style={{ overflowX: 'auto' }}>
      <table className="matrix" data-testid="drift-heatmap">
        <thead>
          <tr>
            <th>
              {attribute} <span className="muted small">(rows)</span>
            </th>
            {plan.map((p) => {
              const m = p.methods[0];
              const info = m ? DRIFT_METHOD_INFO[m] : null;
              return (
                <th key={p.column} title={info ? `${info.name}: ${info.meaning}. ${p.reason}` : p.reason}>
                  <span className="mono">{p.column}</span>
                  <div className="muted small" style={{ fontWeight: 400 }}>
                    {m ?? '—'}
                  </div>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr key={c.value}>
              <th>
                {c.value} <span className="muted small">{fmtInt(c.rows)}</span>
              </th>
              {plan.map((p) => {
                const r = c.cells.get(p.column);
                if (!r) return <td key={p.column} />;
                return (
                  <td key={p.column}>
                    <button
                      type="button"
                      className={CELL_CLASS[r.decision]}
                      onClick={() => onPick(c.value, p.column)}
                      title={r.why}
                      aria-label={`${attribute}=${c.value}, ${p.column}: ${r.effect_name || r.method} ${readable(r.effect)}${r.effect_ci ? `, 95 % interval ${readableInterval(r.effect_ci)}` : ''}, ${DRIFT_DECISION_LABEL[r.decision]}`}
                      data-cell={`${c.value}|${p.column}`}
                      data-decision={r.decision}
                    >
                      <span className="num">{r.not_computable ? `n ${fmtInt(r.n_baseline)}/${fmtInt(r.n_current)}` : readable(r.effect)}</span>
                      {r.effect !== null && <EffectWhisker effect={r.effect} ci={r.effect_ci} threshold={r.threshold} max={max} width={78} height={10} />}
                      <span className="small">
                        {DRIFT_DECISION_MARK[r.decision]} {DRIFT_DECISION_LABEL[r.decision]}
                      </span>
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
          {(rest.length > 0 || showingAll) && (
            <tr data-testid="drift-heatmap-others">
              <th colSpan={plan.length + 1} style={{ fontWeight: 400 }}>
                {rest.length > 0 ? (
                  <>
                    others: {fmtInt(rest.length)} smaller cohorts ({fmtInt(rest.reduce((n, c) => n + c.rows, 0))} rows) — {count('drift')} drift, {count('inconclusive')} inconclusive, {count('not_computable')} not computable{' '}
                  </>
                ) : null}
                <button type="button" className="link" onClick={onShowAll}>
                  {showingAll ? 'Show the largest cohorts only' : `Show all ${fmtInt(cohorts.length)} cohorts`}
                </button>
              </th>
            </tr>
          )}
        </tbody>
      </table>
      <div className="muted small" style={{ marginTop: 6 }}>
        Every cell of a column is the same statistic (chosen once from the whole selection, named under the column), with its 95 % interval as a whisker against the threshold (dashed). ▲ drift: past the threshold and significant after correcting across the whole grid; ? inconclusive: the interval straddles the threshold; a cohort too small for the column's method shows its n instead. Click a cell to drill into it.
      </div>
    </div>
  );
}
