import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../lib/useApi';
import { StaleContext } from '../lib/freshness';
import { call } from '../lib/api';
import { driftOptionsFor } from '../lib/bundleMeta';
import { driftHeadline } from '../../../shared/driftVerdict';
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
import { fmtInt, fmtNum, fmtP, fmtPct } from '../lib/format';
import { DRIFT_DECISION_LABEL, DRIFT_METHOD_INFO, readable, readableInterval, readableP } from '../../../shared/driftMethods';
import { EffectWhisker, whiskerMax } from './drift/EffectWhisker';
import { HeatmapGrid } from './drift/HeatmapGrid';
import { DriftPickers } from './drift/DriftPickers';
import { DistributionChart, DriftOverTimeChart } from './drift/DriftCharts';
import { cohortDisplay, formatSelector, resolveParams, selectorLabel, selectorValid, toRouteParams, type DriftParams } from './drift/params';
import { formatCohortParam } from '../../../shared/cohortParam';
import { driftSeverity, type Severity } from '../../../shared/severity';
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
    effect: r.effect,
    effect_ci_low: r.effect_ci?.[0] ?? null,
    effect_ci_high: r.effect_ci?.[1] ?? null,
    threshold: r.threshold,
    drifted: r.drifted,
    verdict: r.decision,
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
    { label: 'Verdict', value: r.not_computable ? `not computable: ${r.not_computable}` : DRIFT_DECISION_LABEL[r.decision] },
  );
  return lines;
}

/**
 * The engine's reason in words: without its leading verdict word (the badge beside it says it) and with the effect's
 * technical symbol ("W1/σ_baseline", "D") named as "effect"; the exact text stays in the tooltip.
 */
function plainWhy(r: DriftResult): string {
  const why = r.why.replace(/^[a-z ]+: /, '');
  return r.effect_name ? why.split(r.effect_name).join('effect') : why;
}

const DECISION_ORDER: Record<DriftResult['decision'], number> = { drift: 0, inconclusive: 1, no_drift: 2, not_computable: 3, data_quality: 4 };

function ResultsTable({ report, series, params, select }: { report: DriftReport; series: DriftSeriesPoint[] | null; params: DriftParams; select: (column: string) => void }) {
  const seriesByColumn = useMemo(() => {
    const m = new Map<string, { v: number | null; drifted: boolean; partial: boolean }[]>();
    for (const s of series ?? []) {
      const list = m.get(s.column) ?? [];
      list.push({ v: s.effect ?? s.statistic, drifted: s.drifted, partial: s.partial });
      m.set(s.column, list);
    }
    return m;
  }, [series]);
  const drift = report.results.filter((r) => r.section === 'drift');
  const quality = report.results.filter((r) => r.section === 'data_quality');
  const rows = [...drift].sort(
    (a, b) =>
      DECISION_ORDER[a.decision] - DECISION_ORDER[b.decision] ||
      Number(a.method === 'null_rate') - Number(b.method === 'null_rate') ||
      (b.effect ?? -1) / (b.threshold || 1) - (a.effect ?? -1) / (a.threshold || 1),
  );
  const max = whiskerMax(rows);
  // One threshold for every row (the usual case) goes in the header instead of on each row.
  const thresholds = [...new Set(rows.map((r) => r.threshold))];
  const shared = thresholds.length === 1 ? thresholds[0] : undefined;
  if (rows.length === 0 && quality.length === 0) return <Empty title="No comparable columns">The engine found no columns to compare in {params.table} for this selection.</Empty>;
  return (
    <>
      <div className="table-scroll">
        <table className="data sticky-first" data-testid="drift-table">
          <thead>
            <tr>
              <th>Column</th>
              <th>Verdict</th>
              <th className="num" title="Effect size with its 95 % interval (whisker) against the threshold (dashed)">
                Effect [95 % interval]{shared !== undefined ? <span className="muted" style={{ display: 'block' }}>threshold {readable(shared)}</span> : ' / threshold'}
              </th>
              <th className="num" title="values compared: baseline / current">n (b / c)</th>
              <th className="num" title="p-value after the multiple-testing correction, compared with alpha">
                p<span style={{ display: 'block' }}>(adjusted)</span>
              </th>
              <th>What is compared</th>
              <th title="Effect per week; partial first/last weeks are hollow and not in the line">Effect by week</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const info = DRIFT_METHOD_INFO[r.method];
              return (
                <tr key={`${r.column}|${r.method}`} className={`clickable${params.column === r.column ? ' selected' : ''}`} onClick={() => select(r.column)} data-column={r.column} data-method={r.method}>
                  <td>
                    <button type="button" className="link mono" onClick={(e) => { e.stopPropagation(); select(r.column); }}>
                      {r.column}
                    </button>
                    <span className="col-kind">{r.method === 'null_rate' ? 'missing values' : r.column_kind}</span>
                  </td>
                  <td data-cell="verdict">
                    <DriftFlag r={r} />
                  </td>
                  <td className="num" title={`${r.effect_name}; interval: ${r.effect_ci_method ?? '—'}`}>
                    <span className="row" style={{ justifyContent: 'flex-end', gap: 6, flexWrap: 'nowrap' }}>
                      <span>
                        {readable(r.effect)}
                        {shared === undefined && <span className="muted small"> / {readable(r.threshold)}</span>}
                        <span className="muted small" style={{ display: 'block', whiteSpace: 'nowrap' }}>
                          {readableInterval(r.effect_ci)}
                        </span>
                      </span>
                      <EffectWhisker effect={r.effect} ci={r.effect_ci} threshold={r.threshold} max={max} width={64} />
                    </span>
                  </td>
                  <td className="num" title={`missing values ${fmtPct(r.null_rate_baseline)} → ${fmtPct(r.null_rate_current)}`}>
                    {fmtInt(r.n_baseline)} / {fmtInt(r.n_current)}
                  </td>
                  <td className="num">{readableP(r.p_adjusted)}</td>
                  <td className="small" style={{ maxWidth: 170 }} title={`${r.method}: ${info.meaning}. ${info.formula}`}>
                    {info.name}
                  </td>
                  <td>
                    {r.method === 'null_rate' ? null : series ? (
                      <Sparkline values={seriesByColumn.get(r.column) ?? []} threshold={r.threshold} width={80} />
                    ) : (
                      <span className="muted small" title="The weekly series is computed after the table">…</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {quality.length > 0 && (
        <div className="banner info" data-testid="drift-data-quality" style={{ marginTop: 10 }}>
          <strong>Data quality, not drift.</strong>{' '}
          {quality.map((r) => (
            <span key={`${r.column}|${r.cohort}`}>
              <span className="mono">{r.column}</span>: {r.why.replace(/^label coverage: /, '')}.{' '}
            </span>
          ))}
        </div>
      )}
    </>
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
  const verdict = DRIFT_DECISION_LABEL[result.decision];
  const info = DRIFT_METHOD_INFO[result.method];
  const title = `${result.column}: ${info.name} ${readable(result.effect ?? result.statistic)}${result.effect_ci ? ` ${readableInterval(result.effect_ci)}` : ''} for ${cohortText(params)}, ${baseLabel} → ${curLabel} (${verdict})`;
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
        <span>
          {info.name}: {info.meaning} · threshold {readable(result.threshold)}
          {result.p_adjusted !== null ? ` · p (adjusted, ${report.correction}) ${readableP(result.p_adjusted)}` : ''}
        </span>
      </div>
      <div className="small" data-testid="drift-why" style={{ marginBottom: 8 }}>
        <DriftFlag r={result} /> <span title={result.why}>{plainWhy(result)}</span>
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

function heatmapTitle(attribute: string, p: DriftParams, report: DriftReport): string {
  const drifted = new Set(report.results.filter((r) => r.section === 'drift' && r.drifted).map((r) => r.cohort));
  const cohorts = new Set(report.results.filter((r) => r.section === 'drift').map((r) => r.cohort));
  return `Drift by ${attribute}: ${drifted.size} of ${cohorts.size} cohorts with a drifted column, ${selectorLabel(p.baseline)} → ${selectorLabel(p.current)}`;
}

/** The shared drift grade of the grid's strongest drifted cell; low when no cell drifted. */
function heatmapSeverity(report: DriftReport): Severity {
  const grades = report.results.filter((r) => r.section === 'drift' && r.drifted).map((r) => driftSeverity(r.effect, r.threshold));
  return grades.length === 0 ? 'low' : grades.includes('high') ? 'high' : 'medium';
}

/** A pinned heatmap: the grid's criterion, each drifted cell formatted, and every cell as raw evidence. */
function heatmapPin(view: { request: DriftRequest; params: DriftParams; report: DriftReport }): PinContent {
  const { request, params: p, report } = view;
  const attribute = request.cohort_by ?? '';
  const title = heatmapTitle(attribute, p, report);
  const cells = report.results.filter((r) => r.section === 'drift');
  const drifted = cells.filter((r) => r.drifted).sort((a, b) => (b.effect ?? 0) / (b.threshold || 1) - (a.effect ?? 0) / (a.threshold || 1));
  const unsure = cells.filter((r) => r.decision === 'inconclusive').length;
  return {
    title,
    source: { screen: 'drift', params: toRouteParams({ ...p, column: null, heatAttr: attribute }) },
    request: requestRecord(request),
    criterion: `Per cell (cohort × column): drift when the column's effect is at or above its method's threshold and, for methods with a p-value, p adjusted for ${report.tests_corrected} tests across the whole grid (${report.correction === 'none' ? 'no correction' : report.correction.toUpperCase()}) is below α = ${report.alpha}; inconclusive when the effect's 95 % interval straddles the threshold.`,
    condition: [
      { label: 'Compared', value: `${selectorLabel(p.baseline)} → ${selectorLabel(p.current)}, cohorts by ${attribute}` },
      { label: 'Cells', value: `${fmtInt(cells.length)}: ${fmtInt(drifted.length)} drifted, ${fmtInt(unsure)} inconclusive` },
      ...drifted.slice(0, 12).map((r) => ({
        label: `${r.cohort} · ${r.column}`,
        value: `${methodWords(r.method)} (${r.method}): effect ${fmtNum(r.effect, 4)}${r.effect_ci ? ` [${fmtNum(r.effect_ci[0], 4)}, ${fmtNum(r.effect_ci[1], 4)}]` : ''} vs ${fmtNum(r.threshold, 3)}, p adjusted ${fmtP(r.p_adjusted)}, n ${fmtInt(r.n_baseline)} / ${fmtInt(r.n_current)}`,
      })),
      ...(drifted.length > 12 ? [{ label: 'More', value: `${fmtInt(drifted.length - 12)} more drifted cells in the evidence` }] : []),
    ],
    evidence: cells.map(evidenceOf),
  };
}

/** Cohorts shown before "others": the largest by rows, the rest one click away. */
const HEATMAP_TOP = 12;

function Heatmap({
  bundleId,
  params,
  options,
  after,
  onPick,
}: {
  bundleId: string;
  params: DriftParams;
  options: DriftOptions;
  /** The drift table has answered once: the heatmap waits for it on the first visit, so the table (the first answer) has the engine to itself. */
  after: boolean;
  onPick: (attr: string, value: string, column: string) => void;
}) {
  const navigateParams = useNavigation((s) => s.setParams);
  const [showAll, setShowAll] = useState(false);
  const attr = options.cohort_attributes.find((a) => a.attribute === params.heatAttr) ?? null;
  const key = attr ? JSON.stringify([bundleId, params.table, params.baseline, params.current, params.method, attr.attribute]) : null;
  // Every cohort of the attribute in ONE engine call (one grouped pass, corrected across the grid).
  // The answer carries its request and the parameters it was asked with: the pin records that pair.
  const state = useApi<{ request: DriftRequest; params: DriftParams; report: DriftReport }>(key && after ? `heatmap|${key}` : null, async () => {
    const req: DriftRequest = { ...requestFor(bundleId, { ...params, cohort: [] }), cohort_by: attr?.attribute ?? '' };
    return { request: req, params, report: await call('computeDrift', req) };
  });
  if (options.cohort_attributes.length === 0) return <Empty title="No cohort attributes">This bundle declares no cohort columns, so there is no cohort × column view.</Empty>;
  return (
    <section className="card" aria-label="Cohort by column heatmap">
      <div className="card-head">
        <h2>Cohort × column</h2>
        <label className="row small">
          Cohorts by
          <select aria-label="Heatmap cohort attribute" value={attr?.attribute ?? ''} onChange={(e) => { setShowAll(false); navigateParams({ hattr: e.target.value }, false); }}>
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
              title={heatmapTitle(state.data.request.cohort_by ?? '', state.data.params, state.data.report)}
              defaultSeverity={heatmapSeverity(state.data.report)}
              content={() => heatmapPin(state.data as NonNullable<typeof state.data>)}
            />
          </StaleContext.Provider>
        )}
      </div>
      <Async state={after ? state : { ...state, loading: true }} what="the cohort heatmap">
        {({ report }) => (
          <HeatmapGrid
            report={report}
            attribute={attr?.attribute ?? ''}
            top={showAll ? Number.POSITIVE_INFINITY : HEATMAP_TOP}
            onShowAll={() => setShowAll((v) => !v)}
            showingAll={showAll}
            onPick={(value, column) => attr && onPick(attr.attribute, value, column)}
          />
        )}
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
  const [tableAnswered, setTableAnswered] = useState(false);
  useEffect(() => {
    if (state.data !== null || state.error !== null) setTableAnswered(true);
  }, [state.data, state.error]);
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
    const info = DRIFT_METHOD_INFO[drilled.method];
    select({
      kind: 'Drift column',
      title: drilled.column,
      fields: [
        ['Compared', info.name],
        ['Meaning', info.meaning],
        ['Effect', drilled.effect === null ? '—' : `${readable(drilled.effect)}${drilled.effect_ci ? ` (95 % interval ${readableInterval(drilled.effect_ci)})` : ''}`],
        ['Threshold', readable(drilled.threshold)],
        ['p (adjusted)', `${readableP(drilled.p_adjusted)} (α ${readable(drilled.alpha)})`],
        ['Verdict', <DriftFlag key="v" r={drilled} />],
        ['Why', <span key="w" title={drilled.why}>{plainWhy(drilled)}</span>],
        ['Cohort', drilled.cohort],
        ['Kind', drilled.column_kind],
        ['n baseline', fmtInt(drilled.n_baseline)],
        ['n current', fmtInt(drilled.n_current)],
        ['Missing values', `${fmtPct(drilled.null_rate_baseline)} → ${fmtPct(drilled.null_rate_current)}`],
      ],
      body: (
        <details className="exact" data-testid="drift-exact">
          <summary>Formula and exact figures</summary>
          <p className="small">{info.formula}</p>
          <dl className="small">
            <dt>method</dt>
            <dd className="mono">{drilled.method}</dd>
            <dt>statistic</dt>
            <dd className="mono">{drilled.statistic ?? '—'}</dd>
            <dt>{drilled.effect_name || 'effect'}</dt>
            <dd className="mono">{drilled.effect ?? '—'}</dd>
            <dt>95 % interval</dt>
            <dd className="mono">{drilled.effect_ci ? `[${drilled.effect_ci[0]}, ${drilled.effect_ci[1]}]` : '—'}</dd>
            <dt>interval from</dt>
            <dd>{drilled.effect_ci_method ?? '—'}</dd>
            <dt>p</dt>
            <dd className="mono">{drilled.p_value ?? '—'}</dd>
            <dt>p (adjusted)</dt>
            <dd className="mono">{drilled.p_adjusted ?? '—'}</dd>
          </dl>
          <p className="small">{drilled.detail}</p>
        </details>
      ),
    });
  }, [drilled, select, state.stale]);

  // Never "no drift" when nothing was compared (0 rows on a side, no values): the shared headline says so.
  const summaryTitle = results ? driftHeadline(results) : '';
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
                          .filter((r) => r.decision === 'drift')
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
      {ready && <Heatmap bundleId={bundleId} params={params} options={options} after={tableAnswered} onPick={(attribute, value, column) => update({ cohort: [{ attribute, value }], column })} />}
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
