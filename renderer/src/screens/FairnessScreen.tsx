import * as Plot from '@observablehq/plot';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { driftOptionsFor } from '../lib/bundleMeta';
import { Async, Empty } from '../components/States';
import { PinButton } from '../components/PinButton';
import { PlotChart } from '../components/PlotChart';
import { useInspector } from '../stores/inspector';
import { useNavigation } from '../stores/navigation';
import { fmtInt, fmtNum, fmtPct } from '../lib/format';
import { sqlIdent, sqlString } from '../lib/sql';
import { BASELINE, CURRENT } from '../lib/colors';
import { visibleText } from '../../../shared/visibleText';
import type { Selector } from '../../../shared/api/drift';
import type { ClassificationMetrics, Disparity, Estimate, GroupMetrics, MetricChange, PerformanceReport, PerformanceRequest, Proportion, SelectionInfo } from '../../../shared/api/performance';

/* The Performance & fairness screen (docs/ui.md): per-group metrics with intervals, impact ratios against the 0.8 line,
   release-over-release changes, and a group's confusion matrix and reliability curve in the inspector. */

const METRICS = ['recall', 'accuracy', 'precision', 'fpr', 'selection_rate', 'auc', 'brier', 'label_coverage'] as const;
type ChartMetric = (typeof METRICS)[number];
const METRIC_LABEL: Record<ChartMetric, string> = {
  recall: 'Recall (TPR)',
  accuracy: 'Accuracy',
  precision: 'Precision',
  fpr: 'False positive rate',
  selection_rate: 'Selection rate (favourable outcome)',
  auc: 'AUC',
  brier: 'Brier score',
  label_coverage: 'Label coverage',
};

function metricOf(c: ClassificationMetrics, m: ChartMetric): { value: number | null; low: number | null; high: number | null } {
  const x: Proportion | Estimate = m === 'auc' ? c.auc : m === 'brier' ? c.brier : c[m];
  return { value: x.value, low: x.ci?.low ?? null, high: x.ci?.high ?? null };
}

function parseSelector(text: string | undefined): Selector | undefined {
  if (!text) return undefined;
  const i = text.indexOf(':');
  if (i <= 0) return undefined;
  const key = text.slice(0, i);
  if (key !== 'release' && key !== 'dataset_version' && key !== 'model_version' && key !== 'window') return undefined;
  return { key, value: text.slice(i + 1) };
}

/** SQL for the rows behind a group of a selection (what the engine counted; docs/metrics.md). */
function groupRowsSql(report: PerformanceReport, sel: SelectionInfo | undefined, g: GroupMetrics, extra?: string): string {
  const where: string[] = [];
  if (sel?.scope.startsWith("split = 'serving'")) where.push(`split = 'serving'`);
  const s = sel?.selector;
  if (s) {
    if (s.key === 'window') {
      const [a, b] = s.value.split('/');
      where.push(`ts >= ${sqlString(a ?? '')}::TIMESTAMP AND ts < ${sqlString(b ?? '')}::TIMESTAMP`);
    } else where.push(`${sqlIdent(s.key === 'release' ? 'release_id' : s.key)} = ${sqlString(s.value)}`);
  }
  for (const p of g.parts) where.push(p.value === null ? `(${sqlIdent(p.attribute)} IS NULL OR trim(CAST(${sqlIdent(p.attribute)} AS VARCHAR)) = '')` : `${sqlIdent(p.attribute)} = ${sqlString(p.value)}`);
  if (extra) where.push(extra);
  return `SELECT * FROM ${sqlIdent(report.table)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} LIMIT 1000`;
}

/** SQL for "predicted positive" as the engine read it (PredictionRule), for the rows behind a confusion cell. */
function predictedPositiveSql(report: PerformanceReport): string | null {
  const r = report.prediction_rule;
  if (!r) return null;
  const one = (values: string[] | null, threshold: number | null): string =>
    values ? `CAST(prediction AS VARCHAR) IN (${values.map(sqlString).join(', ')})` : `score >= ${String(threshold ?? 0)}`;
  if (r.kind === 'per_model_version' || r.by_model_version.length > 0)
    return `(CASE CAST(model_version AS VARCHAR) ${r.by_model_version.map((m) => `WHEN ${sqlString(m.model_version)} THEN ${one(m.values, m.threshold)}`).join(' ')} ELSE NULL END)`;
  return one(r.values, r.threshold);
}

function confusionSql(report: PerformanceReport, cell: 'tp' | 'fp' | 'fn' | 'tn'): string | null {
  const pred = predictedPositiveSql(report);
  if (!pred || report.positive_label === null) return null;
  const labelled = `label IS NOT NULL AND trim(CAST(label AS VARCHAR)) <> ''`;
  const pos = `CAST(label AS VARCHAR) = ${sqlString(report.positive_label)}`;
  const y = cell === 'tp' || cell === 'fn' ? pos : `NOT (${pos})`;
  const p = cell === 'tp' || cell === 'fp' ? `${pred}` : `NOT (${pred})`;
  return `${labelled} AND ${y} AND ${p}`;
}

function ci(x: { value: number | null; ci: { low: number; high: number } | null } | null | undefined, pct = true): string {
  if (!x || x.value === null) return '—';
  const f = (v: number) => (pct ? fmtPct(v) : fmtNum(v));
  return x.ci ? `${f(x.value)} [${f(x.ci.low)}, ${f(x.ci.high)}]` : f(x.value);
}

function MetricChart({ report, metric }: { report: PerformanceReport; metric: ChartMetric }) {
  const data = report.groups
    .filter((g) => g.classification)
    .map((g) => ({ group: visibleText(g.group), selection: g.selection, excluded: g.excluded !== null, ...metricOf(g.classification as ClassificationMetrics, metric) }))
    .filter((d) => d.value !== null);
  if (data.length === 0) return <div className="state">No group has a value for {METRIC_LABEL[metric]}.</div>;
  const groups = [...new Set(data.map((d) => d.group))];
  const sels = report.selections.map((s) => s.name);
  const colors = sels.length === 2 ? [BASELINE, CURRENT] : [CURRENT];
  const pct = metric !== 'auc' && metric !== 'brier';
  const lo = Math.min(...data.map((d) => d.low ?? (d.value as number)));
  const hi = Math.max(...data.map((d) => d.high ?? (d.value as number)));
  const pad = Math.max((hi - lo) * 0.05, 0.005);
  const raw: [number, number] = metric === 'auc' ? [Math.min(0.4, lo), 1] : [Math.max(0, lo - pad), pct ? Math.min(1, hi + pad) : hi + pad];
  // Plot's percent option scales values by 100 before the domain applies.
  const domain: [number, number] = pct ? [raw[0] * 100, raw[1] * 100] : raw;
  return (
    <PlotChart
      label={`${METRIC_LABEL[metric]} per group with 95% intervals`}
      testId="fairness-metric-chart"
      deps={[report, metric]}
      minHeight={120}
      plot={(width) =>
        Plot.plot({
          width,
          height: 50 + groups.length * (sels.length * 12 + 12),
          marginLeft: 170,
          marginRight: 24,
          x: { label: `${METRIC_LABEL[metric]}${pct ? ' (%)' : ''} with 95% interval →`, percent: pct, grid: true, domain },
          fy: { domain: groups, label: null },
          y: { domain: sels, axis: null },
          color: { domain: sels, range: colors, legend: sels.length > 1 },
          marks: [
            Plot.frame({ stroke: 'currentColor', strokeOpacity: 0.08 }),
            Plot.axisFy({ anchor: 'left', label: null, tickSize: 0 }),
            ...(metric === 'auc' ? [Plot.ruleX([0.5], { stroke: 'currentColor', strokeOpacity: 0.4, strokeDasharray: '3,3' })] : []),
            Plot.ruleY(
              data.filter((d) => d.low !== null),
              { fy: 'group', y: 'selection', x1: 'low', x2: 'high', stroke: 'selection', strokeWidth: 2 },
            ),
            Plot.dot(data, {
              fy: 'group',
              y: 'selection',
              x: 'value',
              fill: (d: { excluded: boolean; selection: string }) => (d.excluded ? 'white' : d.selection),
              stroke: 'selection',
              r: 4,
              tip: { format: { fy: true, y: true, fill: false } },
            }),
          ],
        })
      }
    />
  );
}

function ImpactChart({ report, selection }: { report: PerformanceReport; selection: string }) {
  const ds = report.disparities.filter((d) => d.selection === selection && d.impact_ratio?.value !== null && d.impact_ratio !== null);
  const ref = report.references.find((r) => r.selection === selection)?.group;
  if (!ref) return <div className="state">No reference group: {report.references.find((r) => r.selection === selection)?.why ?? 'nothing to compare'}.</div>;
  const data = [
    { group: visibleText(ref), ir: 1, low: 1, high: 1, under: false, reference: true },
    ...ds.map((d) => ({ group: visibleText(d.group), ir: d.impact_ratio?.value ?? 0, low: d.impact_ratio?.ci?.low ?? null, high: d.impact_ratio?.ci?.high ?? null, under: d.below_four_fifths === true, reference: false })),
  ];
  const max = Math.max(1.1, ...data.map((d) => d.high ?? d.ir));
  return (
    <PlotChart
      label="Impact ratio per group against the reference, with the four-fifths line at 0.8"
      testId="fairness-impact-chart"
      deps={[report, selection]}
      minHeight={100}
      plot={(width) =>
        Plot.plot({
          width,
          height: 50 + data.length * 26,
          marginLeft: 170,
          marginRight: 24,
          x: { label: 'Impact ratio (selection rate ÷ reference) with 95% interval →', domain: [0, max], grid: true },
          y: { domain: data.map((d) => d.group), label: null },
          marks: [
            Plot.rectX([0], { x1: 0, x2: 0.8, fill: '#D55E00', fillOpacity: 0.06 }),
            Plot.ruleX([0.8], { stroke: '#D55E00', strokeWidth: 1.5, strokeDasharray: '4,3' }),
            Plot.text([0.8], { x: 0.8, frameAnchor: 'top', dy: -2, text: () => '0.8 (four-fifths)', fill: '#D55E00', textAnchor: 'start', dx: 4 }),
            Plot.ruleX([1], { stroke: 'currentColor', strokeOpacity: 0.3 }),
            Plot.ruleY(
              data.filter((d) => d.low !== null && !d.reference),
              { y: 'group', x1: 'low', x2: 'high', stroke: (d: { under: boolean }) => (d.under ? '#D55E00' : '#0072B2'), strokeWidth: 2 },
            ),
            Plot.dot(data, { y: 'group', x: 'ir', fill: (d: { under: boolean; reference: boolean }) => (d.reference ? '#888' : d.under ? '#D55E00' : '#0072B2'), r: 5, tip: true }),
          ],
        })
      }
    />
  );
}

function Reliability({ c }: { c: ClassificationMetrics }) {
  const bins = c.reliability.filter((b) => b.n > 0 && b.mean_score !== null);
  if (bins.length === 0) return <div className="state small">No labelled row with a score in [0, 1].</div>;
  const data = bins.map((b) => ({ x: b.mean_score as number, y: b.observed.value ?? 0, low: b.observed.ci?.low ?? 0, high: b.observed.ci?.high ?? 0, n: b.n }));
  return (
    <PlotChart
      label="Reliability curve: mean score against the observed positive share per score bin"
      testId="fairness-reliability"
      deps={[c]}
      minHeight={200}
      plot={(width) =>
        Plot.plot({
          width: Math.min(width, 300),
          height: 240,
          x: { domain: [0, 1], label: 'Mean score →' },
          y: { domain: [0, 1], label: '↑ Observed positive share' },
          marks: [
            Plot.line([{ x: 0, y: 0 }, { x: 1, y: 1 }], { x: 'x', y: 'y', stroke: 'currentColor', strokeOpacity: 0.3, strokeDasharray: '3,3' }),
            Plot.ruleX(data, { x: 'x', y1: 'low', y2: 'high', stroke: '#0072B2', strokeOpacity: 0.6 }),
            Plot.line(data, { x: 'x', y: 'y', stroke: '#0072B2' }),
            Plot.dot(data, { x: 'x', y: 'y', r: (d: { n: number }) => Math.min(6, 2 + Math.log10(d.n)), fill: '#0072B2', tip: true, channels: { n: 'n' } }),
          ],
        })
      }
    />
  );
}

function Confusion({ c, open }: { c: ClassificationMetrics; open: (cell: 'tp' | 'fp' | 'fn' | 'tn') => void }) {
  const { tp, fp, tn, fn } = c.confusion;
  const cell = (k: 'tp' | 'fp' | 'fn' | 'tn', n: number) => (
    <button type="button" className="link" title="Open these rows in the SQL console" onClick={() => open(k)}>
      {k.toUpperCase()} {fmtInt(n)}
    </button>
  );
  return (
    <table className="data confusion" data-testid="fairness-confusion">
      <thead>
        <tr>
          <th />
          <th className="num" title="Predicted positive">pred. +</th>
          <th className="num" title="Predicted negative">pred. −</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th title="Labelled positive">label +</th>
          <td className="num">{cell('tp', tp)}</td>
          <td className="num">{cell('fn', fn)}</td>
        </tr>
        <tr>
          <th title="Labelled negative">label −</th>
          <td className="num">{cell('fp', fp)}</td>
          <td className="num">{cell('tn', tn)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function evidenceOf(g: GroupMetrics, d: Disparity | undefined): Record<string, string | number | boolean | null> {
  const c = g.classification;
  return {
    selection: g.selection,
    group: g.group,
    n: g.n,
    excluded: g.excluded,
    label_coverage: c?.label_coverage.value ?? null,
    selection_rate: c?.selection_rate.value ?? null,
    accuracy: c?.accuracy.value ?? null,
    recall: c?.recall.value ?? null,
    fpr: c?.fpr.value ?? null,
    auc: c?.auc.value ?? null,
    auc_low: c?.auc.ci?.low ?? null,
    auc_high: c?.auc.ci?.high ?? null,
    impact_ratio: d?.impact_ratio?.value ?? null,
    impact_ratio_low: d?.impact_ratio?.ci?.low ?? null,
    impact_ratio_high: d?.impact_ratio?.ci?.high ?? null,
    reference: d?.reference ?? null,
  };
}

function GroupTable({ report, selection }: { report: PerformanceReport; selection: SelectionInfo }) {
  const select = useInspector((s) => s.select);
  const navigate = useNavigation((s) => s.navigate);
  const groups = report.groups.filter((g) => g.selection === selection.name);
  const disp = new Map(report.disparities.filter((d) => d.selection === selection.name).map((d) => [d.group, d]));
  const ref = report.references.find((r) => r.selection === selection.name)?.group ?? null;
  const rowsLink = (g: GroupMetrics, text: string, extra?: string) => (
    <button type="button" className="link" title="Open these rows in the SQL console" onClick={() => navigate('sql', { sql: groupRowsSql(report, selection, g, extra) })}>
      {text}
    </button>
  );
  const show = (g: GroupMetrics) => {
    const c = g.classification;
    const d = disp.get(g.group);
    select({
      kind: 'Group',
      title: `${visibleText(g.group)} — ${selection.name}`,
      fields: [
        ['Rows', fmtInt(g.n)],
        ['Share of rows', fmtPct(g.share)],
        ['Excluded', g.excluded ?? 'no'],
        ['Label coverage', c ? ci(c.label_coverage) : '—'],
        ['Selection rate', c ? ci(c.selection_rate) : '—'],
        ['Impact ratio', g.group === ref ? 'reference' : d ? ci(d.impact_ratio, false) : '—'],
        ['Accuracy', c ? ci(c.accuracy) : '—'],
        ['Recall (TPR)', c ? ci(c.recall) : '—'],
        ['FPR', c ? ci(c.fpr) : '—'],
        ['AUC (DeLong)', c ? ci(c.auc, false) : '—'],
        ['Brier', c ? ci(c.brier, false) : '—'],
        ['ECE', c ? fmtNum(c.ece.value) : '—'],
      ],
      body: (
        <div>
          {c && (
            <>
              <h3 className="small">Confusion matrix</h3>
              <Confusion
                c={c}
                open={(cell) => {
                  const extra = confusionSql(report, cell);
                  if (extra) navigate('sql', { sql: groupRowsSql(report, selection, g, extra) });
                }}
              />
              <h3 className="small">Reliability curve ({report.ece_bins} equal-width bins)</h3>
              <Reliability c={c} />
            </>
          )}
          <div className="row" style={{ flexWrap: 'wrap', gap: 8 }}>
            <button type="button" onClick={() => navigate('sql', { sql: groupRowsSql(report, selection, g) })}>
              Show the rows
            </button>
            <button type="button" onClick={() => navigate('sql', { sql: groupRowsSql(report, selection, g, `label IS NOT NULL AND trim(CAST(label AS VARCHAR)) <> ''`) })}>
              Show the labelled rows
            </button>
            <PinButton
              title={`Performance & fairness: ${g.group} (${selection.name})${d?.below_four_fifths ? ` — impact ratio ${fmtNum(d.impact_ratio?.value ?? null, 2)}` : ''}`}
              defaultSeverity={d?.below_four_fifths ? 'high' : 'medium'}
              evidence={() => [evidenceOf(g, d)]}
            />
          </div>
        </div>
      ),
    });
  };
  return (
    <div style={{ overflowX: 'auto' }}>
      <table className="data" data-testid={`fairness-table-${selection.name}`}>
        <thead>
          <tr>
            <th>Group</th>
            <th className="num">Rows</th>
            <th className="num">Labelled</th>
            <th className="num">Selection rate</th>
            <th className="num">Impact ratio</th>
            <th className="num">Accuracy</th>
            <th className="num">Recall</th>
            <th className="num">FPR</th>
            <th className="num">AUC</th>
            <th className="num">Brier</th>
            <th className="num">ECE</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const c = g.classification;
            const d = disp.get(g.group);
            return (
              <tr key={g.group} data-group={g.group} className={d?.below_four_fifths ? 'row-bad' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => show(g)} title="Confusion matrix, reliability curve and rows">
                    {visibleText(g.group)}
                  </button>
                  {g.excluded && (
                    <span className="badge" title={g.excluded} style={{ marginLeft: 6 }}>
                      excluded
                    </span>
                  )}
                </td>
                <td className="num">{rowsLink(g, fmtInt(g.n))}</td>
                <td className="num">{c ? rowsLink(g, fmtPct(c.label_coverage.value), `label IS NOT NULL AND trim(CAST(label AS VARCHAR)) <> ''`) : '—'}</td>
                <td className="num">{c ? fmtPct(c.selection_rate.value) : '—'}</td>
                <td className="num">
                  {g.group === '(all)' ? '' : g.group === ref ? <span className="muted">reference</span> : d?.impact_ratio ? <strong className={d.below_four_fifths ? 'sev-high' : undefined}>{fmtNum(d.impact_ratio.value, 2)}{d.below_four_fifths ? ' ✗' : ''}</strong> : '—'}
                </td>
                <td className="num">{c ? fmtPct(c.accuracy.value) : '—'}</td>
                <td className="num">{c ? fmtPct(c.recall.value) : '—'}</td>
                <td className="num">{c ? fmtPct(c.fpr.value) : '—'}</td>
                <td className="num">{c ? fmtNum(c.auc.value) : '—'}</td>
                <td className="num">{c ? fmtNum(c.brier.value) : '—'}</td>
                <td className="num">{c ? fmtNum(c.ece.value) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Changes({ changes }: { changes: MetricChange[] }) {
  const shown = changes.filter((c) => c.metric === 'auc' || c.metric === 'recall' || c.metric === 'accuracy' || c.metric === 'fpr' || c.metric === 'selection_rate');
  return (
    <table className="data" data-testid="fairness-changes">
      <thead>
        <tr>
          <th>Group</th>
          <th>Metric</th>
          <th className="num">Baseline</th>
          <th className="num">Current</th>
          <th className="num">Difference [95% CI]</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((c) => (
          <tr key={`${c.group}|${c.metric}`} className={c.excludes_zero && (c.diff ?? 0) < 0 && c.metric !== 'fpr' ? 'row-bad' : undefined}>
            <td>{visibleText(c.group)}</td>
            <td>{c.metric}</td>
            <td className="num">{fmtNum(c.baseline)}</td>
            <td className="num">{fmtNum(c.current)}</td>
            <td className="num">
              {fmtNum(c.diff)} {c.ci ? `[${fmtNum(c.ci.low)}, ${fmtNum(c.ci.high)}]` : ''} {c.excludes_zero ? <strong title="the interval excludes 0">*</strong> : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Body({ report, metric }: { report: PerformanceReport; metric: ChartMetric }) {
  const setParams = useNavigation((s) => s.setParams);
  const flagged = report.disparities.filter((d) => d.below_four_fifths);
  const last = report.selections[report.selections.length - 1];
  if (report.task === 'regression') return <Empty title="Regression model">Labels are numeric: MAE, RMSE and bias per group are in the CLI (`auditdesk performance`); this screen shows classification.</Empty>;
  return (
    <>
      <div className="muted small" data-testid="fairness-rule">
        Positive label <strong>{visibleText(report.positive_label ?? '')}</strong> ({report.positive_source}); predicted positive: {visibleText(report.prediction_rule?.description ?? '—')}; favourable outcome: the{' '}
        {report.favourable} prediction ({report.favourable_source}). 95% intervals. Groups under {report.min_rows} rows or {fmtPct(report.min_share, 0)} of rows are excluded from disparities.
      </div>
      {report.notes.map((n) => (
        <div key={n} className="banner warn">
          <span className="icon">–</span>
          <span>{visibleText(n)}</span>
        </div>
      ))}
      {flagged.length > 0 && (
        <div className="banner bad" role="alert" data-testid="fairness-flagged">
          <span className="icon">⚠</span>
          <span>
            <strong>Impact ratio under 0.8 (four-fifths rule):</strong>{' '}
            {flagged.map((d) => `${visibleText(d.group)} ${fmtNum(d.impact_ratio?.value ?? null, 2)} against ${visibleText(d.reference)} (${d.selection})`).join('; ')}
          </span>
        </div>
      )}
      {report.excluded.length > 0 && (
        <div className="banner warn" data-testid="fairness-excluded">
          <span className="icon">–</span>
          <span>Excluded from disparities: {report.excluded.map((e) => `${visibleText(e.group)} (${e.selection}, ${fmtInt(e.n)} rows: ${e.reason})`).join('; ')}</span>
        </div>
      )}
      <section className="card">
        <div className="card-head">
          <h2>{METRIC_LABEL[metric]} per group</h2>
          <label className="small">
            Metric{' '}
            <select value={metric} onChange={(e) => setParams({ metric: e.target.value }, false)} aria-label="Metric">
              {METRICS.map((m) => (
                <option key={m} value={m}>
                  {METRIC_LABEL[m]}
                </option>
              ))}
            </select>
          </label>
        </div>
        <MetricChart report={report} metric={metric} />
      </section>
      {last && (
        <section className="card">
          <div className="card-head">
            <h2>Impact ratio ({last.name})</h2>
          </div>
          <ImpactChart report={report} selection={last.name} />
        </section>
      )}
      {report.changes.length > 0 && (
        <section className="card">
          <div className="card-head">
            <h2>Baseline → current</h2>
            <span className="muted small">* the 95% interval of the difference excludes 0</span>
          </div>
          <Changes changes={report.changes} />
        </section>
      )}
      {report.selections.map((s) => (
        <section className="card" key={s.name}>
          <div className="card-head">
            <h2>
              {s.name === 'all' ? 'All serving rows' : s.name}: {visibleText(s.scope)}
            </h2>
            <span className="muted small">{fmtInt(s.rows)} rows · click a group for its confusion matrix and reliability curve</span>
          </div>
          <GroupTable report={report} selection={s} />
        </section>
      ))}
    </>
  );
}

export function FairnessScreen({ bundleId }: { bundleId: string }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const options = useApi(`driftOptions|${bundleId}`, () => driftOptionsFor(bundleId));
  const base = parseSelector(route.params.base);
  const cur = parseSelector(route.params.cur);
  // Until the bundle's options arrive, the pickers show what the route asks for (never an empty picker).
  const routeAttrs = (route.params.by ?? '').split(',').filter((a) => a.length > 0);
  const attrs = options.data ? options.data.cohort_attributes.map((a) => a.attribute) : routeAttrs;
  const releases = options.data ? options.data.releases.map((r) => r.release_id) : [base, cur].filter((x): x is Selector => x?.key === 'release').map((x) => x.value);
  const by1 = routeAttrs[0] ?? attrs[0] ?? '';
  const by2 = routeAttrs[1] ?? '';
  const metric: ChartMetric = (METRICS as readonly string[]).includes(route.params.metric ?? '') ? (route.params.metric as ChartMetric) : cur ? 'auc' : 'selection_rate';
  const req: Omit<PerformanceRequest, 'bundleId'> | null = by1
    ? { by: by2 ? [by1, by2] : [by1], ...(base && cur ? { baseline: base, current: cur } : {}), ...(route.params.ref ? { reference: route.params.ref } : {}) }
    : null;
  const key = req ? `performance|${bundleId}|${JSON.stringify(req)}` : null;
  const state = useApi(key, () => call('performance', { bundleId, ...(req as Omit<PerformanceRequest, 'bundleId'>) }));
  const setBy = (a: string, b: string) => setParams({ by: b && b !== a ? `${a},${b}` : a, group: '' });
  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Performance &amp; fairness</h1>
          <div className="sub">Model performance per group with 95% intervals, impact ratios against the four-fifths rule, and release-over-release changes (docs/metrics.md).</div>
        </div>
      </div>
      <div className="row controls" style={{ flexWrap: 'wrap', gap: 12, marginBottom: 12 }}>
        <label className="field inline">
          Group by{' '}
          <select value={by1} onChange={(e) => setBy(e.target.value, by2)} aria-label="Group by">
            {attrs.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          × (intersection){' '}
          <select value={by2} onChange={(e) => setBy(by1, e.target.value)} aria-label="Intersect with">
            <option value="">—</option>
            {attrs
              .filter((a) => a !== by1)
              .map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
          </select>
        </label>
        <label className="field inline">
          Baseline{' '}
          <select value={base?.key === 'release' ? base.value : ''} onChange={(e) => setParams({ base: e.target.value ? `release:${e.target.value}` : '', cur: e.target.value ? (route.params.cur ?? `release:${releases[releases.length - 1] ?? ''}`) : '' })} aria-label="Baseline release">
            <option value="">all serving rows</option>
            {releases.map((r) => (
              <option key={r} value={r}>
                release {r}
              </option>
            ))}
          </select>
        </label>
        {base && (
          <label className="field inline">
            Current{' '}
            <select value={cur?.key === 'release' ? cur.value : ''} onChange={(e) => setParams({ cur: `release:${e.target.value}` })} aria-label="Current release">
              {releases.map((r) => (
                <option key={r} value={r}>
                  release {r}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {!by1 && options.data && <Empty title="No cohort attribute">Performance and fairness need a cohort attribute column in records (manifest role cohort or the cohorts table).</Empty>}
      <Async state={state} what="performance and fairness">
        {(r) => <Body report={r} metric={metric} />}
      </Async>
    </div>
  );
}
