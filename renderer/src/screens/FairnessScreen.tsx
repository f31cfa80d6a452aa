import * as Plot from '@observablehq/plot';
import { useEffect, useState } from 'react';
import { canonicalTable } from '../../../shared/canonical';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { driftOptionsFor } from '../lib/bundleMeta';
import { Async, Empty } from '../components/States';
import { PinButton, type PinContent } from '../components/PinButton';
import type { ConditionLine } from '../../../shared/api/workspace';
import { PlotChart } from '../components/PlotChart';
import { useInspector } from '../stores/inspector';
import { StaleContext, useStale } from '../lib/freshness';
import { useNavigation } from '../stores/navigation';
import { fmtInt, fmtNum, fmtPct } from '../lib/format';
import { sqlIdent, sqlString } from '../lib/sql';
import { BASELINE, CURRENT } from '../lib/colors';
import { visibleText } from '../../../shared/visibleText';
import { impactRatioSeverity, performanceDropSeverity, type Severity } from '../../../shared/severity';
import { PERFORMANCE_DEFAULTS } from '../../../shared/api/performance';
import type { DriftOptions, Selector } from '../../../shared/api/drift';
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
  const missing = <MissingValues report={report} metric={metric} />;
  if (data.length === 0)
    return (
      <>
        <div className="state">No group has a value for {METRIC_LABEL[metric]}.</div>
        {missing}
      </>
    );
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
    <>
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
    {missing}
    </>
  );
}

/** Why a group's metric has no value, in the rows it would need (never a silent gap in the chart). */
function whyNoValue(c: ClassificationMetrics, metric: ChartMetric): string {
  if (metric === 'label_coverage') return 'no rows';
  const lc = c.label_coverage;
  if (metric !== 'selection_rate' && lc.k === 0) return `no labelled rows (0 of ${fmtInt(lc.n)})`;
  if (metric === 'auc') return `needs labelled positives and negatives with a score (${fmtInt(c.auc.n_pos)} positives, ${fmtInt(c.auc.n_neg)} negatives)`;
  if (metric === 'brier') return 'needs labelled rows with a score in [0, 1]';
  if (metric === 'selection_rate') return 'no row with a predicted outcome';
  const need: Record<string, string> = { recall: 'labelled positives', precision: 'predicted positives', fpr: 'labelled negatives', accuracy: 'labelled rows' };
  return `no ${need[metric] ?? 'rows'} with a predicted outcome`;
}

/** The selections and groups the chart cannot show for this metric, and why. */
function MissingValues({ report, metric }: { report: PerformanceReport; metric: ChartMetric }) {
  const lines: string[] = [];
  for (const s of report.selections) {
    const gs = report.groups.filter((g) => g.selection === s.name && g.classification);
    const none = gs.filter((g) => metricOf(g.classification as ClassificationMetrics, metric).value === null);
    if (none.length === 0) continue;
    const name = s.name === 'all' ? 'all serving rows' : s.name;
    const all = gs.find((g) => g.group === '(all)');
    if (all && none.includes(all)) lines.push(`${name} (${s.scope}): ${whyNoValue(all.classification as ClassificationMetrics, metric)} — no group has a value`);
    else lines.push(`${name}: ${none.map((g) => `${g.group} — ${whyNoValue(g.classification as ClassificationMetrics, metric)}`).join('; ')}`);
  }
  if (lines.length === 0) return null;
  return (
    <div className="muted small" data-testid="fairness-missing" role="note" style={{ marginTop: 6 }}>
      Not shown (not measurable, not zero):{' '}
      {lines.map((l) => (
        <div key={l}>{visibleText(l)}</div>
      ))}
    </div>
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

/** The grade a pinned group starts with: the Overview's and the report's grade for the same fact (shared/severity.ts). */
function pinSeverity(report: PerformanceReport, g: GroupMetrics, d: Disparity | undefined): Severity {
  if (d?.below_four_fifths) return impactRatioSeverity(d.impact_ratio?.ci?.high ?? null, PERFORMANCE_DEFAULTS.minImpactRatio);
  const drop = g.selection === 'current' ? report.changes.find((c) => c.group === g.group && c.metric === 'auc' && c.excludes_zero === true && (c.diff ?? 0) <= -PERFORMANCE_DEFAULTS.minAucDrop) : undefined;
  if (drop) return performanceDropSeverity(drop.diff, PERFORMANCE_DEFAULTS.minAucDrop);
  return 'medium';
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

/** A pinned impact-ratio chart: every group's ratio with its interval against the four-fifths rule, graded by the worst. */
function impactPin(report: PerformanceReport, selection: SelectionInfo, request: PerfArgs | null): { content: () => PinContent; severity: Severity; title: string } {
  const ds = report.disparities.filter((d) => d.selection === selection.name && d.impact_ratio);
  const under = ds.filter((d) => d.below_four_fifths === true).sort((a, b) => (a.impact_ratio?.value ?? 1) - (b.impact_ratio?.value ?? 1));
  const ref = report.references.find((r) => r.selection === selection.name);
  const scope = selection.name === 'all' ? 'all serving rows' : selection.name;
  const title = under.length > 0 ? `Impact ratio under 0.8 for ${under.map((d) => d.group).join(', ')} (${scope})` : `Impact ratios by ${report.by.join(' × ')} (${scope}): none under 0.8`;
  const grades = under.map((d) => impactRatioSeverity(d.impact_ratio?.ci?.high ?? null, PERFORMANCE_DEFAULTS.minImpactRatio));
  const severity: Severity = grades.length === 0 ? 'low' : grades.includes('high') ? 'high' : 'medium';
  return {
    title,
    severity,
    content: () => ({
      title,
      ...(request ? { request: { method: 'performance', args: JSON.stringify(request) } } : {}),
      criterion: `Four-fifths rule: each group's selection rate (favourable outcome) divided by the reference group's — the impact ratio, with a Katz log 95 % interval — is at least ${fmtNum(PERFORMANCE_DEFAULTS.minImpactRatio, 2)} (US EEOC Uniform Guidelines, 29 CFR 1607.4(D)).`,
      condition: [
        { label: 'Rows', value: `${scope} (${visibleText(selection.scope)}), ${fmtInt(selection.rows)} rows` },
        { label: 'Reference group', value: `${visibleText(ref?.group ?? '—')}${ref?.why ? ` (${visibleText(ref.why)})` : ref?.source === 'most_favoured' ? ' (most favoured)' : ''}` },
        ...ds.map((d) => ({ label: visibleText(d.group), value: `${ci(d.impact_ratio, false)}${d.below_four_fifths ? ' — not met: under 0.8' : ' — met'}` })),
      ],
      chart: {
        kind: 'bars',
        title: `Impact ratio per group against ${ref?.group ?? 'the reference'} (${scope})`,
        x_label: 'group',
        y_label: 'Impact ratio',
        categories: ds.map((d) => d.group),
        series: [{ name: 'impact ratio', role: 'value', values: ds.map((d) => d.impact_ratio?.value ?? null) }],
      },
      evidence: ds.map((d) => ({ selection: d.selection, group: d.group, reference: d.reference, impact_ratio: d.impact_ratio?.value ?? null, impact_ratio_low: d.impact_ratio?.ci?.low ?? null, impact_ratio_high: d.impact_ratio?.ci?.high ?? null, below_four_fifths: d.below_four_fifths })),
    }),
  };
}

/** The engine request a finding stores: without the session-specific bundle id. */
type PerfArgs = Omit<PerformanceRequest, 'bundleId'>;

/**
 * What a pinned group finding records: the criterion it is judged against (the four-fifths rule), the condition
 * found (formatted, with intervals), a severity from the shared model, the group chart as drawn, and the raw numbers.
 */
function groupPin(report: PerformanceReport, selection: SelectionInfo, g: GroupMetrics, d: Disparity | undefined, ref: string | null, request: PerfArgs | null): { content: () => PinContent; severity: Severity; title: string } {
  const c = g.classification;
  const under = d?.below_four_fifths === true;
  const title = `Performance & fairness: ${g.group} (${selection.name})${under ? ` — impact ratio ${fmtNum(d?.impact_ratio?.value ?? null, 2)} against ${d?.reference ?? ''}` : ''}`;
  const severity: Severity = under ? impactRatioSeverity(d?.impact_ratio?.ci?.high ?? null, PERFORMANCE_DEFAULTS.minImpactRatio) : 'low';
  const groups = report.groups.filter((x) => x.selection === selection.name && x.classification);
  const condition: ConditionLine[] = [
    { label: 'Group', value: `${visibleText(g.group)} in ${selection.name === 'all' ? 'all serving rows' : selection.name} (${visibleText(selection.scope)})` },
    { label: 'Rows (labelled)', value: `${fmtInt(g.n)} (${c ? fmtPct(c.label_coverage.value) : '—'} labelled)${g.excluded ? `; excluded from disparities: ${g.excluded}` : ''}` },
    { label: 'Selection rate [95 % interval]', value: c ? ci(c.selection_rate) : '—' },
    { label: 'Reference group', value: g.group === ref ? 'this group' : visibleText(d?.reference ?? ref ?? '—') },
    { label: 'Impact ratio [95 % interval]', value: g.group === ref ? 'reference (1.00)' : d ? ci(d.impact_ratio, false) : '—' },
    { label: 'Accuracy / recall / false positive rate', value: c ? `${ci(c.accuracy)} / ${ci(c.recall)} / ${ci(c.fpr)}` : '—' },
    { label: 'AUC (DeLong interval)', value: c ? ci(c.auc, false) : '—' },
    { label: 'Verdict (four-fifths rule)', value: g.group === ref ? 'reference group' : d?.below_four_fifths === null || !d ? 'not applicable: no impact ratio for this group' : under ? 'not met: impact ratio under 0.8' : 'met' },
  ];
  return {
    title,
    severity,
    content: () => ({
      title,
      ...(request ? { request: { method: 'performance', args: JSON.stringify(request) } } : {}),
      criterion: `Four-fifths rule: a group's selection rate (favourable outcome) divided by the reference group's — the impact ratio, with a Katz log 95 % interval — is at least ${fmtNum(PERFORMANCE_DEFAULTS.minImpactRatio, 2)} (US EEOC Uniform Guidelines, 29 CFR 1607.4(D)); groups under ${fmtInt(report.min_rows)} rows or ${fmtPct(report.min_share, 0)} of rows are excluded (docs/metrics.md).`,
      condition,
      chart: {
        kind: 'bars',
        title: `Selection rate (favourable outcome) per group, ${selection.name === 'all' ? 'all serving rows' : selection.name}`,
        x_label: 'group',
        y_label: 'Selection rate',
        categories: groups.map((x) => x.group),
        series: [{ name: 'selection rate', role: 'value', values: groups.map((x) => x.classification?.selection_rate.value ?? null) }],
      },
      evidence: [evidenceOf(g, d)],
    }),
  };
}

function GroupTable({ report, selection, request }: { report: PerformanceReport; selection: SelectionInfo; request: PerfArgs | null }) {
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
  const stale = useStale();
  const show = (g: GroupMetrics) => {
    const c = g.classification;
    const d = disp.get(g.group);
    // The inspector outlives a change of pickers: what it pins names the selection it was computed for, and a group
    // opened from a dimmed (stale) table cannot be pinned at all.
    const source = { screen: 'fairness', params: { ...useNavigation.getState().route.params, group: g.group } };
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
        <StaleContext.Provider value={stale}>
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
              defaultSeverity={pinSeverity(report, g, d)}
              content={() => ({ ...groupPin(report, selection, g, d, ref, request).content(), title: `Performance & fairness: ${g.group} (${selection.name})${d?.below_four_fifths ? ` — impact ratio ${fmtNum(d.impact_ratio?.value ?? null, 2)}` : ''}`, source })}
            />
          </div>
        </div>
        </StaleContext.Provider>
      ),
    });
  };
  return (
    <div className="table-scroll">
      <table className="data sticky-first" data-testid={`fairness-table-${selection.name}`}>
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
    <div className="table-scroll">
    <table className="data sticky-first" data-testid="fairness-changes">
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
            <td title={c.metric}>{c.metric in METRIC_LABEL ? METRIC_LABEL[c.metric as ChartMetric] : c.metric}</td>
            <td className="num">{fmtNum(c.baseline)}</td>
            <td className="num">{fmtNum(c.current)}</td>
            <td className="num">
              {fmtNum(c.diff)} {c.ci ? `[${fmtNum(c.ci.low)}, ${fmtNum(c.ci.high)}]` : ''} {c.excludes_zero ? <strong title="the interval excludes 0">*</strong> : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

/** Impact ratios named in the banner; the rest are counted (each is marked in its table). */
const FLAGGED_SHOWN = 4;

function Body({ report, metric, request }: { report: PerformanceReport; metric: ChartMetric; request: PerfArgs | null }) {
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
            {flagged
              .slice(0, FLAGGED_SHOWN)
              .map((d) => `${visibleText(d.group)} ${fmtNum(d.impact_ratio?.value ?? null, 2)} against ${visibleText(d.reference)} (${d.selection})`)
              .join('; ')}
            {flagged.length > FLAGGED_SHOWN ? `; and ${flagged.length - FLAGGED_SHOWN} more (marked ✗ in the tables below)` : ''}
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
            {(() => {
              const pin = impactPin(report, last, request);
              return <PinButton title={pin.title} defaultSeverity={pin.severity} content={pin.content} />;
            })()}
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
          <GroupTable report={report} selection={s} request={request} />
        </section>
      ))}
    </>
  );
}

/** A column offered as a group only when it has this many distinct values or fewer (a group per row is no group). */
const MAX_GROUP_VALUES = 50;
const RECORDS_CANONICAL = new Set(canonicalTable('records').columns.map((c) => c.name));

/** Columns of records, beyond the declared cohort attributes, that can serve as groups: categorical, 2 to 50 values. */
function groupableColumns(options: DriftOptions, declared: readonly string[]): string[] {
  const records = options.tables.find((t) => t.name === 'records');
  return (records?.columns ?? [])
    .filter((c) => c.kind !== 'numeric' && c.distinct >= 2 && c.distinct <= MAX_GROUP_VALUES && !RECORDS_CANONICAL.has(c.name) && !declared.includes(c.name))
    .map((c) => c.name);
}

function AttributeOptions({ declared, others }: { declared: readonly string[]; others: readonly string[] }) {
  const opts = (list: readonly string[]) =>
    list.map((a) => (
      <option key={a} value={a}>
        {visibleText(a)}
      </option>
    ));
  if (others.length === 0) return <>{opts(declared)}</>;
  return (
    <>
      {declared.length > 0 && <optgroup label="Cohort attributes">{opts(declared)}</optgroup>}
      <optgroup label="Other columns of records">{opts(others)}</optgroup>
    </>
  );
}

/** How predictions become outcomes, from the route: predicted-positive values (pp), score threshold (thr), positive label (pos). */
function outcomeParams(params: Record<string, string | undefined>): Pick<PerformanceRequest, 'predictedPositive' | 'threshold' | 'positive'> {
  const pp = (params['pp'] ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  const thr = params['thr'] !== undefined && params['thr'].trim() !== '' ? Number(params['thr']) : NaN;
  const pos = params['pos']?.trim();
  return {
    ...(pp.length > 0 ? { predictedPositive: pp } : Number.isFinite(thr) ? { threshold: thr } : {}),
    ...(pos ? { positive: pos } : {}),
  };
}

/** The outcome rule the auditor states when the bundle does not (no model_versions metadata): applied on Apply / Enter. */
function OutcomeControls({ params, onApply }: { params: Record<string, string | undefined>; onApply: (p: Record<string, string>) => void }) {
  const [pp, setPp] = useState(params['pp'] ?? '');
  const [thr, setThr] = useState(params['thr'] ?? '');
  const [pos, setPos] = useState(params['pos'] ?? '');
  useEffect(() => {
    setPp(params['pp'] ?? '');
    setThr(params['thr'] ?? '');
    setPos(params['pos'] ?? '');
  }, [params['pp'], params['thr'], params['pos']]);
  const thrBad = thr.trim() !== '' && !Number.isFinite(Number(thr));
  return (
    <form
      className="row controls"
      style={{ flexWrap: 'wrap', gap: 12, marginBottom: 12, alignItems: 'flex-end' }}
      aria-label="Outcome rule"
      onSubmit={(e) => {
        e.preventDefault();
        if (!thrBad) onApply({ pp: pp.trim(), thr: pp.trim() ? '' : thr.trim(), pos: pos.trim() });
      }}
    >
      <label className="field inline">
        Positive label{' '}
        <input value={pos} onChange={(e) => setPos(e.target.value)} placeholder="from the bundle" size={12} aria-label="Positive label" />
      </label>
      <label className="field inline">
        Predicted positive{' '}
        <input value={pp} onChange={(e) => setPp(e.target.value)} placeholder="values, e.g. High,Medium" size={20} aria-label="Predicted positive values" />
      </label>
      <label className="field inline">
        or score threshold{' '}
        <input value={thr} onChange={(e) => setThr(e.target.value)} placeholder="score ≥ T" size={8} inputMode="decimal" aria-label="Score threshold" aria-invalid={thrBad} disabled={pp.trim() !== ''} />
      </label>
      <button type="submit" disabled={thrBad}>
        Apply
      </button>
      {thrBad && <span className="small sev-high">The threshold must be a number.</span>}
    </form>
  );
}

/** The request that produced the result on screen (its cache key), so a pin records that pair, not the pickers. */
function requestOf(dataKey: string | null, bundleId: string): PerfArgs | null {
  const prefix = `performance|${bundleId}|`;
  return dataKey?.startsWith(prefix) ? (JSON.parse(dataKey.slice(prefix.length)) as PerfArgs) : null;
}

export function FairnessScreen({ bundleId }: { bundleId: string }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const options = useApi(`driftOptions|${bundleId}`, () => driftOptionsFor(bundleId));
  const base = parseSelector(route.params.base);
  const cur = parseSelector(route.params.cur);
  // Until the bundle's options arrive, the pickers show what the route asks for (never an empty picker).
  const routeAttrs = (route.params.by ?? '').split(',').filter((a) => a.length > 0);
  // Attributes the engine only offered (a file's few-valued text columns, possibly of spans) are not declared:
  // records' own few-valued columns come below as "other columns of records", said so.
  const declared = options.data ? options.data.cohort_attributes.filter((a) => !a.offered).map((a) => a.attribute) : routeAttrs;
  // A bundle that declares no cohort (another tool's export) can still be grouped by a few-valued column of records.
  const others = options.data ? groupableColumns(options.data, declared) : [];
  const attrs = [...declared, ...others];
  const releases = options.data ? options.data.releases.map((r) => r.release_id) : [base, cur].filter((x): x is Selector => x?.key === 'release').map((x) => x.value);
  const by1 = routeAttrs[0] ?? attrs[0] ?? '';
  const by2 = routeAttrs[1] ?? '';
  const metric: ChartMetric = (METRICS as readonly string[]).includes(route.params.metric ?? '') ? (route.params.metric as ChartMetric) : cur ? 'auc' : 'selection_rate';
  const outcome = outcomeParams(route.params);
  const req: Omit<PerformanceRequest, 'bundleId'> | null = by1
    ? { by: by2 ? [by1, by2] : [by1], ...(base && cur ? { baseline: base, current: cur } : {}), ...(route.params.ref ? { reference: route.params.ref } : {}), ...outcome }
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
            <AttributeOptions declared={declared} others={others} />
          </select>
        </label>
        <label className="field inline">
          × (intersection){' '}
          <select value={by2} onChange={(e) => setBy(by1, e.target.value)} aria-label="Intersect with" disabled={attrs.length < 2}>
            <option value="">—</option>
            <AttributeOptions declared={declared.filter((a) => a !== by1)} others={others.filter((a) => a !== by1)} />
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
      <OutcomeControls params={route.params} onApply={(p) => setParams(p)} />
      {declared.length === 0 && others.length > 0 && (
        <div className="muted small" data-testid="fairness-undeclared" style={{ marginBottom: 8 }}>
          The bundle declares no cohort attribute (manifest role cohort or a cohorts table): the groups are columns of records with at most {MAX_GROUP_VALUES} distinct values.
        </div>
      )}
      {!by1 && options.data && (
        <Empty title="No column to group by">
          Performance and fairness need a cohort attribute in records (manifest role cohort or the cohorts table), or a column of records with 2 to {MAX_GROUP_VALUES} distinct values; this bundle has neither.
        </Empty>
      )}
      {by1 && (
        <Async state={state} what="performance and fairness">
          {(r) => <Body report={r} metric={metric} request={requestOf(state.dataKey, bundleId)} />}
        </Async>
      )}
      {state.error?.where?.field === 'threshold' && !state.loading && (
        <div className="banner warn" data-testid="fairness-outcome-hint">
          <span className="icon">–</span>
          <span>Say which predictions count as positive: fill <strong>Predicted positive</strong> with prediction values (e.g. High,Medium) or <strong>Score threshold</strong> above, then Apply.</span>
        </div>
      )}
    </div>
  );
}
