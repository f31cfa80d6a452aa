import { useEffect, useMemo } from 'react';
import { useApi } from '../lib/useApi';
import { StaleContext } from '../lib/freshness';
import { call } from '../lib/api';
import { driftOptionsFor } from '../lib/bundleMeta';
import { Async, Empty, ErrorState, Loading } from '../components/States';
import { PinButton } from '../components/PinButton';
import { Sparkline } from '../components/Sparkline';
import { DriftFlag } from '../components/DriftFlag';
import { useNavigation } from '../stores/navigation';
import { useDriftParams } from '../stores/driftParams';
import { methodTooltip, methodWords } from '../lib/methodWords';
import type { PinContent } from '../components/PinButton';
import type { ConditionLine } from '../../../shared/api/workspace';
import { useInspector } from '../stores/inspector';
import { useWorkspace } from '../stores/workspace';
import { fmtInt, fmtNum, fmtP, fmtPct, plural } from '../lib/format';
import { DriftPickers } from './drift/DriftPickers';
import { DistributionChart, DriftOverTimeChart } from './drift/DriftCharts';
import { cohortDisplay, formatSelector, resolveParams, selectorLabel, selectorValid, toRouteParams, type DriftParams } from './drift/params';
import { formatCohortParam } from '../../../shared/cohortParam';
import { driftSeverity } from '../../../shared/severity';
import type { DriftOptions, DriftReport, DriftRequest, DriftResult, DriftSeriesPoint } from '../../../shared/api/drift';
import type { UiError } from '../lib/api';

function requestFor(bundleId: string, p: DriftParams): DriftRequest {
  return {
    bundleId,
    table: p.table,
    baseline: p.baseline,
    current: p.current,
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

/** The engine request as a finding stores it: without the session-specific bundle id. */
function requestRecord(req: DriftRequest): PinContent['request'] {
  const { bundleId: _session, ...args } = req;
  return { method: 'computeDrift', args: JSON.stringify(args) };
}

function criterionOf(r: DriftResult, report: DriftReport): string {
  const effect = r.effect_name || `${r.method} effect`;
  const p = r.p_value !== null ? ` and p adjusted for ${report.tests_corrected} tests (${report.correction === 'none' ? 'no correction' : report.correction.toUpperCase()}) below α = ${report.alpha}` : '';
  return `Drift when ${effect} is at or above ${fmtNum(r.threshold, 3)}${p} (thresholds: docs/drift-methods.md).`;
}

function conditionOf(r: DriftResult, p: DriftParams): ConditionLine[] {
  const lines: ConditionLine[] = [
    { label: 'Column', value: `${p.table}.${r.column} (${r.column_kind})` },
    { label: 'Compared', value: `${selectorLabel(p.baseline)} → ${selectorLabel(p.current)}, ${cohortText(p)}` },
    { label: 'Method', value: `${methodWords(r.method)} (${r.method})` },
    { label: 'Statistic', value: fmtNum(r.statistic, 4) },
  ];
  if (r.effect !== null) lines.push({ label: `Effect (${r.effect_name || r.method})`, value: `${fmtNum(r.effect, 4)} vs threshold ${fmtNum(r.threshold, 3)}` });
  if (r.p_value !== null) lines.push({ label: 'p', value: fmtP(r.p_value) }, { label: 'p adjusted', value: fmtP(r.p_adjusted) });
  lines.push(
    { label: 'n baseline / current', value: `${fmtInt(r.n_baseline)} / ${fmtInt(r.n_current)}` },
    { label: 'Missing values', value: `${fmtPct(r.null_rate_baseline)} → ${fmtPct(r.null_rate_current)}` },
    { label: 'Verdict', value: r.not_computable ? `not computable: ${r.not_computable}` : r.drifted ? 'drifted' : 'no drift' },
  );
  return lines;
}

function ResultsTable({ report, series, params, select }: { report: DriftReport; series: DriftSeriesPoint[] | null; params: DriftParams; select: (column: string) => void }) {
  const seriesByColumn = useMemo(() => {
    const m = new Map<string, { v: number | null; drifted: boolean }[]>();
    for (const s of series ?? []) {
      const list = m.get(s.column) ?? [];
      list.push({ v: s.effect ?? s.statistic, drifted: s.drifted });
      m.set(s.column, list);
    }
    return m;
  }, [series]);
  const rows = [...report.results].sort((a, b) => Number(b.drifted) - Number(a.drifted) || (b.statistic ?? -1) / (b.threshold || 1) - (a.statistic ?? -1) / (a.threshold || 1));
  if (rows.length === 0) return <Empty title="No comparable columns">The engine found no columns to compare in {params.table} for this selection.</Empty>;
  return (
    <div className="table-scroll">
    <table className="data sticky-first" data-testid="drift-table">
      <thead>
        <tr>
          <th>Column</th>
          <th>Verdict</th>
          <th title="Which comparison the engine chose for the column's kind; hover a method for its formula">What was measured</th>
          <th className="num" title="The decision: the effect size at or above the threshold, and p (adjusted for multiple testing) below α where the method has a p-value">Change / threshold</th>
          <th className="num" title="Rows compared: baseline / current">Rows (baseline / current)</th>
          <th className="num" title="p-value of the test, and in brackets adjusted for the number of columns tested (Benjamini–Hochberg unless another correction is chosen)">p (adjusted)</th>
          <th title="The change (effect size) per week of the current side">By week</th>
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
            <td>
              <DriftFlag r={r} />
            </td>
            <td className="small" title={methodTooltip(r.method, r.detail)}>
              {methodWords(r.method)}
              <span className="col-kind num mono" style={{ textAlign: 'left' }}>
                {r.method} · statistic {fmtNum(r.statistic)}
              </span>
            </td>
            <td className="num" title={r.effect_name ? `effect size: ${r.effect_name}` : undefined}>
              {fmtNum(r.effect)}
              <span className="muted small"> / {fmtNum(r.threshold, 2)}</span>
            </td>
            <td className="num" title={`missing values ${fmtPct(r.null_rate_baseline)} → ${fmtPct(r.null_rate_current)}`}>
              {fmtInt(r.n_baseline)} / {fmtInt(r.n_current)}
            </td>
            <td className="num">
              {fmtP(r.p_value)}
              <span className="muted small"> ({fmtP(r.p_adjusted)})</span>
            </td>
            <td>
              {series ? <Sparkline values={seriesByColumn.get(r.column) ?? []} threshold={r.threshold} /> : <span className="muted small" title="The weekly series is computed after the table">…</span>}
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

function chartOf(r: DriftResult, baseLabel: string, curLabel: string): PinContent['chart'] {
  const bins = r.bins ?? [];
  if (bins.length === 0) return undefined;
  return {
    kind: 'bars',
    title: `Distribution of ${r.column}, baseline vs current`,
    x_label: `${r.column} (${r.column_kind === 'numeric' ? 'bin' : 'category'})`,
    y_label: 'Share of rows',
    categories: bins.map((b) => b.label),
    series: [
      { name: `baseline · ${baseLabel}`, role: 'baseline', values: bins.map((b) => b.baseline_share), counts: bins.map((b) => b.baseline_count) },
      { name: `current · ${curLabel}`, role: 'current', values: bins.map((b) => b.current_share), counts: bins.map((b) => b.current_count) },
    ],
  };
}

function DrillDown({ bundleId, report, series, result, params, request }: { bundleId: string; report: DriftReport; series: { data: DriftSeriesPoint[] | null; error: UiError | null }; result: DriftResult; params: DriftParams; request: DriftRequest }) {
  const binned = useBins(bundleId, result, params);
  const baseLabel = selectorLabel(params.baseline);
  const curLabel = selectorLabel(params.current);
  const verdict = result.not_computable ? 'not computable' : result.drifted ? 'drifted' : 'no drift';
  const title = `${result.column}: ${result.effect_name || result.method} ${fmtNum(result.effect ?? result.statistic)} for ${cohortText(params)}, ${baseLabel} → ${curLabel} (${verdict})`;
  const content = (): PinContent => {
    const bins = binned.result?.bins ?? [];
    const chart = binned.result ? chartOf(binned.result, baseLabel, curLabel) : undefined;
    return {
      title,
      source: { screen: 'drift', params: toRouteParams(params) },
      request: requestRecord(request),
      criterion: criterionOf(result, report),
      condition: conditionOf(result, params),
      ...(chart ? { chart } : {}),
      evidence: [evidenceOf(result), ...bins.map((b) => ({ bin: b.label, baseline_share: b.baseline_share, current_share: b.current_share, baseline_count: b.baseline_count, current_count: b.current_count }))],
    };
  };
  return (
    <section className="card" aria-label={`Drill-down for ${result.column}`} data-testid="drift-drilldown">
      <div className="card-head">
        <h2>{title}</h2>
        <PinButton title={title} content={content} defaultSeverity={result.drifted ? driftSeverity(result.effect, result.threshold) : 'low'} />
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
        <span title={methodTooltip(result.method, result.detail)}>
          {methodWords(result.method)} · threshold {fmtNum(result.threshold, 3)}
          {result.p_value !== null ? ` · p ${fmtP(result.p_value)} (adjusted ${fmtP(result.p_adjusted)}, ${report.correction === 'none' ? 'no correction' : report.correction.toUpperCase()})` : ''}
        </span>
      </div>
      {result.not_computable && <div className="banner warn">Not computable: {result.not_computable}</div>}
      <div className="grid-2">
        <div>
          <h3 style={{ marginBottom: 4 }}>
            Baseline vs current distribution{binned.result && binned.result !== result ? <span className="muted small" title={methodTooltip(binned.result.method)}> · drawn with {binned.result.column_kind === 'numeric' ? 'quantile bins' : 'category shares'}</span> : null}
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
          {series.data ? (
            <DriftOverTimeChart column={result.column} series={series.data.filter((p) => p.method === result.method)} threshold={result.threshold} measure={result.effect_name || `${result.method} effect`} />
          ) : series.error ? (
            <ErrorState error={series.error} what="the weekly series" />
          ) : (
            <Loading what="the weekly series" />
          )}
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
          <StaleContext.Provider value={state.stale}>
            <PinButton
              title={`Drift by ${attr?.attribute ?? ''}: ${selectorLabel(params.baseline)} → ${selectorLabel(params.current)}`}
              evidence={() => (state.data ?? []).flatMap((c) => c.report.results.map((r) => evidenceOf(r)))}
            />
          </StaleContext.Provider>
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

/** Route keys of the drift screen, in the order toRouteParams writes them. */
const ROUTE_KEYS = ['table', 'base', 'cur', 'cohort', 'method', 'column', 'hattr'] as const;

/** A drift answer with the request and parameters that produced it: what is drawn, inspected and pinned is this pair. */
interface DriftView {
  params: DriftParams;
  request: DriftRequest;
  report: DriftReport;
}

function DriftBody({ bundleId, options }: { bundleId: string; options: DriftOptions }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const remember = useDriftParams((s) => s.remember);
  const select = useInspector((s) => s.select);
  const params = useMemo(() => resolveParams(route.params, options), [route.params, options]);
  const routeParams = toRouteParams(params);
  const routeKey = JSON.stringify(routeParams);

  useEffect(() => {
    remember(bundleId, routeParams);
    // A value this bundle does not have was replaced by its default: the address shows what is in effect.
    const inRoute = Object.fromEntries(ROUTE_KEYS.filter((k) => route.params[k] !== undefined).map((k) => [k, route.params[k]]));
    if (JSON.stringify(inRoute) !== routeKey) setParams({ column: '', cohort: '', method: '', hattr: '', ...routeParams }, false);
  }, [routeKey]);

  // Nothing is computed until both sides are something this bundle can answer (a bundle without releases or period).
  const ready = selectorValid(params.baseline, options) && selectorValid(params.current, options);
  const req = requestFor(bundleId, params);
  const key = JSON.stringify(req);
  const state = useApi<DriftView>(ready ? `driftView|${key}` : null, async () => ({ params: { ...params, column: null }, request: req, report: await call('computeDrift', req) }));
  // The weekly series (sparklines, drift over time) costs several times the table itself: it is asked for once the
  // table is on screen, so the first answer does not wait for it.
  const seriesReq: DriftRequest = { ...req, by: 'week' };
  const series = useApi(ready && state.data && !state.stale ? `driftSeries|${JSON.stringify(seriesReq)}` : null, async () => (await call('computeDrift', seriesReq)).series);
  const seriesShown = series.data && series.dataKey === `driftSeries|${JSON.stringify(seriesReq)}` ? series.data : null;

  // What is on screen: the parameters of the answer shown (the column is a view choice over that same answer).
  const shown: DriftParams | null = state.data ? { ...state.data.params, column: params.column, heatAttr: params.heatAttr } : null;

  // The report shows the parameters the auditor last looked at.
  useEffect(() => {
    if (!state.data || state.stale) return;
    const p = state.data.params;
    const ws = useWorkspace.getState();
    // drift_baseline / drift_current are report parameters; drift_cohort is only remembered by the UI.
    const wanted = { drift_baseline: formatSelector(p.baseline), drift_current: formatSelector(p.current), drift_cohort: formatCohortParam(p.cohort) };
    const current = ws.workspace?.params ?? {};
    if (ws.workspace && Object.entries(wanted).some(([k, v]) => current[k] !== v)) ws.setParams(wanted);
  }, [state.data, state.stale]);

  const update = (patch: Partial<DriftParams>) => {
    const next: DriftParams = { ...params, ...patch };
    // A new cohort moves the heatmap to that cohort's attribute.
    if (patch.cohort && patch.heatAttr === undefined && patch.cohort[0]) next.heatAttr = patch.cohort[0].attribute;
    const route = toRouteParams(next);
    // Cleared values must be removed from the hash explicitly.
    setParams({ column: '', cohort: '', method: '', ...route });
  };
  const selectColumn = (column: string) => update({ column });

  const results = state.data?.report.results;
  const drilled = results?.find((r) => r.column === params.column && r.method !== 'null_rate') ?? results?.find((r) => r.column === params.column) ?? null;
  useEffect(() => {
    if (!drilled || state.stale) return;
    select({
      kind: 'Drift column',
      title: drilled.column,
      fields: [
        ['Cohort', drilled.cohort],
        ['Kind', drilled.column_kind],
        ['Method', <span key="m" title={methodTooltip(drilled.method, drilled.detail)}>{methodWords(drilled.method)} ({drilled.method})</span>],
        ['Statistic', fmtNum(drilled.statistic, 4)],
        ['Threshold', fmtNum(drilled.threshold, 3)],
        ['p / adjusted', `${fmtP(drilled.p_value)} / ${fmtP(drilled.p_adjusted)} (α ${drilled.alpha})`],
        ...(drilled.effect !== null ? [[`Effect${drilled.effect_name ? ` (${drilled.effect_name})` : ''}`, fmtNum(drilled.effect, 4)] as [string, string]] : []),
        ['Verdict', <DriftFlag key="v" r={drilled} />],
        ['Rows, baseline', fmtInt(drilled.n_baseline)],
        ['Rows, current', fmtInt(drilled.n_current)],
        ['Missing values', `${fmtPct(drilled.null_rate_baseline)} → ${fmtPct(drilled.null_rate_current)}`],
        ['Detail', drilled.detail],
      ],
    });
  }, [drilled, select, state.stale]);

  const summaryTitle = results
    ? (() => {
        const d = results.filter((r) => r.drifted);
        return d.length ? `${d.length} of ${plural(results.length, 'column')} drifted` : `No drift in ${plural(results.length, 'column')}`;
      })()
    : '';
  const shownNote = shown ? `${cohortText(shown)}, ${selectorLabel(shown.baseline)} → ${selectorLabel(shown.current)}${shown.method ? `, ${shown.method}` : ''}` : undefined;

  return (
    <>
      <DriftPickers params={params} options={options} update={update} />
      <div className="muted small" style={{ marginBottom: 10 }} data-testid="drift-params">
        {params.table} · baseline <strong>{selectorLabel(params.baseline)}</strong> vs current <strong>{selectorLabel(params.current)}</strong> · cohort <strong>{cohortText(params)}</strong> · method{' '}
        {params.method ? <span title={methodTooltip(params.method)}>{methodWords(params.method)}</span> : 'automatic per column'}
        {state.data && !state.stale ? ` · ${state.data.report.correction === 'none' ? 'no' : state.data.report.correction.toUpperCase()} multiple-testing correction · computed in ${fmtInt(Math.round(state.data.report.elapsed_ms))} ms` : ''}
      </div>
      {!ready && (
        <Empty title="Pick what to compare">
          This bundle has {options.releases.length === 0 ? 'no releases' : 'one release'} and {options.period.start ? 'a period' : 'no time period'} to split by default ({options.defaults.why}). Choose a baseline and a current side
          above.
        </Empty>
      )}
      {ready && <Async state={state} what="drift results" {...(shownNote ? { staleNote: shownNote } : {})}>
        {(view) => {
          const v: DriftParams = { ...view.params, column: params.column, heatAttr: params.heatAttr };
          const tableTitle = `Drift table: ${summaryTitle}, ${cohortText(v)}, ${selectorLabel(v.baseline)} → ${selectorLabel(v.current)}`;
          return (
            <>
              <section className="card" aria-label="Drift by column" data-testid="drift-results" data-request={JSON.stringify(view.request.cohort ?? [])}>
                <div className="card-head">
                  <h2>{summaryTitle}</h2>
                  <PinButton
                    title={tableTitle}
                    content={() => ({
                      title: tableTitle,
                      source: { screen: 'drift', params: toRouteParams({ ...v, column: null }) },
                      request: requestRecord(view.request),
                      criterion: `Per column: drift when its effect size is at or above the method's threshold and, for methods with a p-value, p adjusted for ${view.report.tests_corrected} tests is below α = ${view.report.alpha}.`,
                      condition: [
                        { label: 'Compared', value: `${selectorLabel(v.baseline)} → ${selectorLabel(v.current)}, ${cohortText(v)}` },
                        { label: 'Columns drifted', value: summaryTitle },
                        ...view.report.results
                          .filter((r) => r.drifted)
                          .slice(0, 12)
                          .map((r) => ({ label: r.column, value: `${methodWords(r.method)} (${r.method}): effect ${fmtNum(r.effect, 4)} vs ${fmtNum(r.threshold, 3)}, p adjusted ${fmtP(r.p_adjusted)}, n ${fmtInt(r.n_baseline)} / ${fmtInt(r.n_current)}` })),
                      ],
                      evidence: view.report.results.map(evidenceOf),
                    })}
                  />
                </div>
                <ResultsTable report={view.report} series={seriesShown} params={v} select={selectColumn} />
              </section>
              {params.column && !drilled && <Empty title={`Column ${params.column} is not in this result`}>Pick a column from the table.</Empty>}
              {drilled && <DrillDown bundleId={bundleId} report={view.report} series={{ data: seriesShown, error: series.error }} result={drilled} params={v} request={view.request} />}
            </>
          );
        }}
      </Async>}
      {ready && <Heatmap bundleId={bundleId} params={params} options={options} onPick={(attribute, value, column) => update({ cohort: [{ attribute, value }], column })} />}
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
