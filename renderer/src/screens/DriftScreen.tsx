import { useEffect, useMemo } from 'react';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { driftOptionsFor } from '../lib/bundleMeta';
import { driftHeadline } from '../../../shared/driftVerdict';
import { Async, Empty, ErrorState, Loading } from '../components/States';
import { PinButton } from '../components/PinButton';
import { Sparkline } from '../components/Sparkline';
import { DriftFlag } from '../components/DriftFlag';
import { useNavigation } from '../stores/navigation';
import { useDriftParams } from '../stores/driftParams';
import { useInspector } from '../stores/inspector';
import { useWorkspace } from '../stores/workspace';
import { fmtInt, fmtNum, fmtP, fmtPct } from '../lib/format';
import { DriftPickers } from './drift/DriftPickers';
import { DistributionChart, DriftOverTimeChart } from './drift/DriftCharts';
import { cohortDisplay, formatSelector, resolveParams, selectorLabel, toRouteParams, type DriftParams } from './drift/params';
import { formatCohortParam } from '../../../shared/cohortParam';
import type { DriftOptions, DriftReport, DriftRequest, DriftResult } from '../../../shared/api/drift';

function requestFor(bundleId: string, p: DriftParams): DriftRequest {
  return {
    bundleId,
    table: p.table,
    baseline: p.baseline,
    current: p.current,
    by: 'week',
    ...(p.cohort.length ? { cohort: p.cohort } : {}),
    ...(p.method ? { methods: [p.method] } : {}),
  };
}

function cohortText(p: DriftParams): string {
  return p.cohort.length ? cohortDisplay(p.cohort) : 'all traffic';
}

function evidenceOf(r: DriftResult): Record<string, string | number | boolean | null> {
  return {
    column: r.column,
    cohort: r.cohort,
    method: r.method,
    statistic: r.statistic,
    p_value: r.p_value,
    p_adjusted: r.p_adjusted,
    threshold: r.threshold,
    drifted: r.drifted,
    n_baseline: r.n_baseline,
    n_current: r.n_current,
  };
}

function ResultsTable({ report, params, select }: { report: DriftReport; params: DriftParams; select: (column: string) => void }) {
  const seriesByColumn = useMemo(() => {
    const m = new Map<string, { v: number | null; drifted: boolean }[]>();
    for (const s of report.series) {
      const list = m.get(s.column) ?? [];
      list.push({ v: s.effect ?? s.statistic, drifted: s.drifted });
      m.set(s.column, list);
    }
    return m;
  }, [report.series]);
  const rows = [...report.results].sort((a, b) => Number(b.drifted) - Number(a.drifted) || (b.statistic ?? -1) / (b.threshold || 1) - (a.statistic ?? -1) / (a.threshold || 1));
  if (rows.length === 0) return <Empty title="No comparable columns">The engine found no columns to compare in {params.table} for this selection.</Empty>;
  return (
    <div className="table-scroll">
    <table className="data" data-testid="drift-table">
      <thead>
        <tr>
          <th>Column</th>
          <th>Method · statistic</th>
          <th className="num" title="The decision: effect at or above the threshold, and p (adjusted) below alpha where there is a p-value">Effect / threshold</th>
          <th className="num">p (adjusted)</th>
          <th>Verdict</th>
          <th className="num" title="rows compared: baseline / current">n (b / c)</th>
          <th>Effect by week</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.column}|${r.method}`} className={`clickable${params.column === r.column ? ' selected' : ''}`} onClick={() => select(r.column)} data-column={r.column}>
            <td>
              <button type="button" className="link mono" onClick={(e) => { e.stopPropagation(); select(r.column); }}>
                {r.column}
              </button>
              <span className="col-kind">{r.column_kind}</span>
            </td>
            <td className="small mono" title={r.detail}>
              {r.method}
              <span className="col-kind num" style={{ textAlign: 'left' }}>
                statistic {fmtNum(r.statistic)}
              </span>
            </td>
            <td className="num" title={r.effect_name}>
              {fmtNum(r.effect)}
              <span className="muted small"> / {fmtNum(r.threshold, 2)}</span>
            </td>
            <td className="num">
              {fmtP(r.p_value)}
              <span className="muted small"> ({fmtP(r.p_adjusted)})</span>
            </td>
            <td>
              <DriftFlag r={r} />
            </td>
            <td className="num" title={`null rate ${fmtPct(r.null_rate_baseline)} → ${fmtPct(r.null_rate_current)}`}>
              {fmtInt(r.n_baseline)} / {fmtInt(r.n_current)}
            </td>
            <td>
              <Sparkline values={seriesByColumn.get(r.column) ?? []} threshold={r.threshold} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

/** Binned methods return bins; for others (e.g. Wasserstein) ask for the same column with a binned method to draw it. */
function useBins(bundleId: string, result: DriftResult, params: DriftParams) {
  const req: DriftRequest | null = result.bins?.length
    ? null
    : {
        bundleId,
        table: params.table,
        baseline: params.baseline,
        current: params.current,
        columns: [result.column],
        methods: [result.column_kind === 'numeric' ? 'psi' : 'chi2'],
        ...(params.cohort.length ? { cohort: params.cohort } : {}),
      };
  const state = useApi(req ? `drift|${JSON.stringify(req)}` : null, () => call('computeDrift', req as DriftRequest));
  if (!req) return { result, loading: false, error: null };
  const binned = state.data?.results.find((r) => r.column === result.column && r.bins?.length) ?? null;
  return { result: binned, loading: state.loading, error: state.error };
}

function DrillDown({ bundleId, report, result, params }: { bundleId: string; report: DriftReport; result: DriftResult; params: DriftParams }) {
  const binned = useBins(bundleId, result, params);
  const baseLabel = selectorLabel(params.baseline);
  const curLabel = selectorLabel(params.current);
  const verdict = result.not_computable ? 'not computable' : result.drifted ? 'drifted' : 'no drift';
  const title = `${result.column}: ${result.effect_name || result.method} ${fmtNum(result.effect ?? result.statistic)} for ${cohortText(params)}, ${baseLabel} → ${curLabel} (${verdict})`;
  return (
    <section className="card" aria-label={`Drill-down for ${result.column}`} data-testid="drift-drilldown">
      <div className="card-head">
        <h2>{title}</h2>
        <PinButton title={title} defaultSeverity={result.drifted ? 'high' : 'low'} evidence={() => [evidenceOf(result), ...(binned.result?.bins ?? []).map((b) => ({ bin: b.label, baseline_share: b.baseline_share, current_share: b.current_share, baseline_count: b.baseline_count, current_count: b.current_count }))]} />
      </div>
      <div className="legend" style={{ marginBottom: 8 }}>
        <span>
          <span className="swatch sw-baseline" />
          baseline {baseLabel}: n = {fmtInt(result.n_baseline)}
        </span>
        <span>
          <span className="swatch sw-current" />
          current {curLabel}: n = {fmtInt(result.n_current)}
        </span>
        <span>
          method {result.method} · threshold {result.threshold} · {result.detail}
          {result.p_value !== null ? ` · p ${fmtP(result.p_value)} (adj. ${fmtP(result.p_adjusted)}, ${report.correction})` : ''}
        </span>
      </div>
      {result.not_computable && <div className="banner warn">Not computable: {result.not_computable}</div>}
      <div className="grid-2">
        <div>
          <h3 style={{ marginBottom: 4 }}>
            Baseline vs current distribution{binned.result && binned.result !== result ? <span className="muted small"> · {binned.result.method} bins</span> : null}
          </h3>
          {binned.result ? (
            <DistributionChart result={binned.result} baseLabel={baseLabel} curLabel={curLabel} />
          ) : binned.error ? (
            <ErrorState error={binned.error} what="the distribution bins" />
          ) : (
            <Loading what="the distributions" />
          )}
        </div>
        <div>
          <h3 style={{ marginBottom: 4 }}>Drift over time ({cohortText(params)})</h3>
          <DriftOverTimeChart column={result.column} series={report.series.filter((p) => p.method === result.method)} threshold={result.threshold} measure={result.effect_name || `${result.method} effect`} />
        </div>
      </div>
    </section>
  );
}

function Heatmap({ bundleId, params, options, onPick }: { bundleId: string; params: DriftParams; options: DriftOptions; onPick: (attr: string, value: string, column: string) => void }) {
  const navigateParams = useNavigation((s) => s.setParams);
  const attr = options.cohort_attributes.find((a) => a.attribute === params.heatAttr) ?? null;
  const key = attr ? JSON.stringify([bundleId, params.table, params.baseline, params.current, params.method, attr.attribute]) : null;
  const state = useApi(key ? `heatmap|${key}` : null, async () => {
    if (!attr) return [];
    const out: { value: string; report: DriftReport }[] = [];
    // One at a time: each call is a full scan; running them together only contends for the same two cores.
    for (const value of attr.values) {
      const req = requestFor(bundleId, { ...params, cohort: [{ attribute: attr.attribute, value }] });
      delete req.by;
      out.push({ value, report: await call('computeDrift', req) });
    }
    return out;
  });
  if (options.cohort_attributes.length === 0) return <Empty title="No cohort attributes">This bundle declares no cohort columns, so there is no cohort × column view.</Empty>;
  return (
    <section className="card" aria-label="Cohort by column heatmap">
      <div className="card-head">
        <h2>Cohort × column</h2>
        <label className="row small">
          Cohorts by
          <select aria-label="Heatmap cohort attribute" value={attr?.attribute ?? ''} onChange={(e) => navigateParams({ hattr: e.target.value }, false)}>
            {options.cohort_attributes.map((a) => (
              <option key={a.attribute} value={a.attribute}>
                {a.attribute}
              </option>
            ))}
          </select>
        </label>
        {state.data && (
          <PinButton
            title={`Drift by ${attr?.attribute ?? ''}: ${selectorLabel(params.baseline)} → ${selectorLabel(params.current)}`}
            evidence={() => (state.data ?? []).flatMap((c) => c.report.results.map((r) => evidenceOf(r)))}
          />
        )}
      </div>
      <Async state={state} what="the cohort heatmap">
        {(cells) => {
          const columns = [...new Set(cells.flatMap((c) => c.report.results.map((r) => r.column)))];
          return (
            <div style={{ overflowX: 'auto' }}>
              <table className="matrix" data-testid="drift-heatmap">
                <thead>
                  <tr>
                    <th>{attr?.attribute}</th>
                    {columns.map((c) => (
                      <th key={c} className="mono">
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {cells.map((c) => (
                    <tr key={c.value}>
                      <th>{c.value}</th>
                      {columns.map((col) => {
                        const r = c.report.results.find((x) => x.column === col);
                        if (!r) return <td key={col} />;
                        const cls = r.not_computable ? 'cell-na' : r.drifted ? 'cell-bad' : '';
                        return (
                          <td key={col}>
                            <button
                              type="button"
                              className={cls}
                              style={{ minWidth: 88 }}
                              onClick={() => attr && onPick(attr.attribute, c.value, col)}
                              aria-label={`${attr?.attribute}=${c.value}, ${col}: ${r.method} effect ${fmtNum(r.effect)}${r.drifted ? ', drifted' : ''}`}
                              data-cell={`${c.value}|${col}`}
                            >
                              <span className="num">{fmtNum(r.effect, 3)}</span>
                              <span className="small">{r.not_computable ? '– n/a' : r.drifted ? '▲ drift' : '✓'}</span>
                            </button>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="muted small" style={{ marginTop: 6 }}>
                Each cell: the column’s effect size for that cohort (automatic method per column, same baseline and current); ▲ drift marks a statistic past its threshold and significant after correction. Click a cell to drill into it.
              </div>
            </div>
          );
        }}
      </Async>
    </section>
  );
}

function DriftBody({ bundleId, options }: { bundleId: string; options: DriftOptions }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const remember = useDriftParams((s) => s.remember);
  const select = useInspector((s) => s.select);
  const params = useMemo(() => resolveParams(route.params, options), [route.params, options]);
  const routeParams = toRouteParams(params);

  useEffect(() => {
    remember(routeParams);
  }, [JSON.stringify(routeParams)]);

  const req = requestFor(bundleId, params);
  const key = JSON.stringify(req);
  const state = useApi(`drift|${key}`, () => call('computeDrift', req));

  // The report shows the parameters the auditor last looked at.
  useEffect(() => {
    if (!state.data) return;
    const ws = useWorkspace.getState();
    // drift_baseline / drift_current are report parameters; drift_cohort is only remembered by the UI.
    const wanted = { drift_baseline: formatSelector(params.baseline), drift_current: formatSelector(params.current), drift_cohort: formatCohortParam(params.cohort) };
    const current = ws.workspace?.params ?? {};
    if (ws.workspace && Object.entries(wanted).some(([k, v]) => current[k] !== v)) ws.setParams(wanted);
  }, [state.data]);

  const update = (patch: Partial<DriftParams>) => {
    const next: DriftParams = { ...params, ...patch };
    // A new cohort moves the heatmap to that cohort's attribute.
    if (patch.cohort && patch.heatAttr === undefined && patch.cohort[0]) next.heatAttr = patch.cohort[0].attribute;
    const route = toRouteParams(next);
    // Cleared values must be removed from the hash explicitly.
    setParams({ column: '', cohort: '', method: '', ...route });
  };
  const selectColumn = (column: string) => update({ column });

  const drilled = state.data?.results.find((r) => r.column === params.column && r.method !== 'null_rate') ?? state.data?.results.find((r) => r.column === params.column) ?? null;
  useEffect(() => {
    if (!drilled) return;
    select({
      kind: 'Drift column',
      title: drilled.column,
      fields: [
        ['Cohort', drilled.cohort],
        ['Kind', drilled.column_kind],
        ['Method', drilled.method],
        ['Statistic', fmtNum(drilled.statistic, 4)],
        ['Threshold', drilled.threshold],
        ['p / adjusted', `${fmtP(drilled.p_value)} / ${fmtP(drilled.p_adjusted)} (α ${drilled.alpha})`],
        ...(drilled.effect !== null ? [[`Effect${drilled.effect_name ? ` (${drilled.effect_name})` : ''}`, fmtNum(drilled.effect, 4)] as [string, string]] : []),
        ['Verdict', <DriftFlag key="v" r={drilled} />],
        ['n baseline', fmtInt(drilled.n_baseline)],
        ['n current', fmtInt(drilled.n_current)],
        ['Null rate', `${fmtPct(drilled.null_rate_baseline)} → ${fmtPct(drilled.null_rate_current)}`],
        ['Detail', drilled.detail],
      ],
    });
  }, [drilled, select]);

  // Never "no drift" when nothing was compared (0 rows on a side, no values): the shared headline says so.
  const summaryTitle = state.data ? driftHeadline(state.data.results) : '';

  return (
    <>
      <DriftPickers params={params} options={options} update={update} />
      <div className="muted small" style={{ marginBottom: 10 }} data-testid="drift-params">
        {params.table} · baseline <strong>{selectorLabel(params.baseline)}</strong> vs current <strong>{selectorLabel(params.current)}</strong> · cohort <strong>{cohortText(params)}</strong> · method{' '}
        {params.method ?? 'auto per column'}
        {state.data ? ` · ${state.data.correction === 'none' ? 'no' : state.data.correction.toUpperCase()} multiple-testing correction · computed in ${fmtInt(Math.round(state.data.elapsed_ms))} ms` : ''}
      </div>
      <Async state={state} what="drift results">
        {(report) => (
          <>
            <section className="card" aria-label="Drift by column">
              <div className="card-head">
                <h2>{summaryTitle}</h2>
                <PinButton title={`Drift table: ${summaryTitle}, ${cohortText(params)}, ${selectorLabel(params.baseline)} → ${selectorLabel(params.current)}`} evidence={() => report.results.map(evidenceOf)} />
              </div>
              <ResultsTable report={report} params={params} select={selectColumn} />
            </section>
            {params.column && !drilled && <Empty title={`Column ${params.column} is not in this result`}>Pick a column from the table.</Empty>}
            {drilled && <DrillDown bundleId={bundleId} report={report} result={drilled} params={params} />}
          </>
        )}
      </Async>
      <Heatmap bundleId={bundleId} params={params} options={options} onPick={(attribute, value, column) => update({ cohort: [{ attribute, value }], column })} />
    </>
  );
}

export function DriftScreen({ bundleId }: { bundleId: string }) {
  const options = useApi(`driftOptions|${bundleId}`, () => driftOptionsFor(bundleId));
  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Drift</h1>
          <div className="sub">Did the data the model sees change between two points? Pick a baseline and a current side, a cohort, and drill into any column.</div>
        </div>
      </div>
      <Async state={options} what="drift options">
        {(o) => (o.tables.length === 0 ? <Empty title="Nothing to compare">Drift needs a records or spans table with feature columns.</Empty> : <DriftBody bundleId={bundleId} options={o} />)}
      </Async>
    </div>
  );
}
