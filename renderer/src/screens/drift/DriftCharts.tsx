import * as Plot from '@observablehq/plot';
import { PlotChart } from '../../components/PlotChart';
import { BASELINE, CURRENT } from '../../lib/colors';
import { toDate } from '../../lib/format';
import type { DriftResult, DriftSeriesPoint } from '../../../../shared/api/drift';

export function DistributionChart({ result, baseLabel, curLabel }: { result: DriftResult; baseLabel: string; curLabel: string }) {
  const bins = result.bins ?? [];
  if (bins.length === 0) return <div className="state">The engine returned no bins for this column ({result.not_computable ?? result.detail}).</div>;
  const labels = bins.map((b) => b.label);
  const rows = bins.flatMap((b) => [
    { bin: b.label, side: `baseline · ${baseLabel}`, share: b.baseline_share, count: b.baseline_count },
    { bin: b.label, side: `current · ${curLabel}`, share: b.current_share, count: b.current_count },
  ]);
  const sides = [`baseline · ${baseLabel}`, `current · ${curLabel}`];
  const longest = Math.max(...labels.map((l) => l.length));
  return (
    <PlotChart
      label={`Distribution of ${result.column}, baseline vs current`}
      testId="drift-distribution"
      deps={[result, baseLabel, curLabel]}
      minHeight={280}
      plot={(width) =>
        Plot.plot({
          width,
          height: 320,
          marginBottom: Math.min(130, 44 + longest * 5),
          marginLeft: 52,
          x: { domain: labels, label: `${result.column} (${result.column_kind === 'numeric' ? 'bin' : 'category'})`, tickRotate: labels.length > 6 || longest > 10 ? -30 : 0, padding: 0.12 },
          y: { label: 'Share of rows (%)', percent: true, grid: true },
          color: { domain: sides, range: [BASELINE, CURRENT], legend: true },
          marks: [
            Plot.barY(rows.filter((r) => r.side === sides[0]), { x: 'bin', y: 'share', fill: 'side', fillOpacity: 0.75, inset: 0 }),
            Plot.barY(rows.filter((r) => r.side === sides[1]), { x: 'bin', y: 'share', stroke: 'side', strokeWidth: 2.2, fill: 'side', fillOpacity: 0.15, inset: 4 }),
            Plot.tip(rows, Plot.pointerX({ x: 'bin', y: 'share', channels: { Side: 'side', Rows: 'count' }, format: { y: (v: number) => `${(v * 100).toFixed(1)}%`, x: true, fill: false, stroke: false } })),
            Plot.ruleY([0]),
          ],
        })
      }
    />
  );
}

export function DriftOverTimeChart({ column, series, threshold, measure }: { column: string; series: DriftSeriesPoint[]; threshold: number; measure: string }) {
  const pts = series
    .filter((s) => s.column === column)
    .map((s) => ({ date: toDate(s.bucket_start), statistic: s.effect ?? s.statistic, verdict: s.drifted ? 'drift' : 'stable', n: s.n_current, bucket: s.bucket }))
    .filter((p): p is { date: Date; statistic: number; verdict: string; n: number; bucket: string } => p.date !== null && p.statistic !== null);
  if (pts.length === 0) return <div className="state">No time series for {column}: the current side has too few rows per time bucket, or the table has no timestamp.</div>;
  return (
    <PlotChart
      label={`Drift of ${column} over time`}
      testId="drift-over-time"
      deps={[column, series, threshold]}
      minHeight={240}
      plot={(width) =>
        Plot.plot({
          width,
          height: 250,
          marginLeft: 52,
          marginBottom: 48,
          x: { type: 'utc', label: 'Week of current period (UTC) →', labelOffset: 42 },
          y: { label: `${measure} (effect size)`, grid: true, zero: true },
          symbol: { domain: ['stable', 'drift'], range: ['circle', 'triangle'], legend: true },
          color: { domain: ['stable', 'drift'], range: [CURRENT, '#B3261E'] },
          marks: [
            Plot.ruleY([threshold], { stroke: 'currentColor', strokeDasharray: '4 3', strokeOpacity: 0.6 }),
            Plot.text([threshold], { y: (d: number) => d, frameAnchor: 'right', dy: -6, text: () => `threshold ${threshold}`, fontSize: 11, fill: 'currentColor', fillOpacity: 0.7 }),
            Plot.lineY(pts, { x: 'date', y: 'statistic', stroke: CURRENT, strokeWidth: 1.8 }),
            Plot.dot(pts, { x: 'date', y: 'statistic', symbol: 'verdict', fill: 'verdict', r: 4, channels: { n: 'n', bucket: 'bucket' }, tip: { format: { x: false, symbol: true, fill: false } } }),
          ],
        })
      }
    />
  );
}
