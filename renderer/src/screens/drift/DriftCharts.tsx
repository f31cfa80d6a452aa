import * as Plot from '@observablehq/plot';
import { PlotChart } from '../../components/PlotChart';
import { BASELINE, CURRENT } from '../../lib/colors';
import { toDate } from '../../lib/format';
import type { DriftResult, DriftSeriesPoint } from '../../../../shared/api/drift';
import { DRIFT_DECISION_LABEL, readable } from '../../../../shared/driftMethods';

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

interface TimePoint {
  date: Date;
  effect: number;
  lo: number | null;
  hi: number | null;
  verdict: string;
  n: number;
  bucket: string;
  partial: boolean;
  why: string;
}

/**
 * Effect per time bucket of the current side against the whole baseline, with its 95 % interval as a
 * whisker. Partial first/last buckets are faded and hollow, labelled with their n, and left out of the
 * trend line; every point's tip says why it is or is not drift.
 */
export function DriftOverTimeChart({ column, series, threshold, measure }: { column: string; series: DriftSeriesPoint[]; threshold: number; measure: string }) {
  const pts = series
    .filter((s) => s.column === column)
    .map((s) => ({
      date: toDate(s.bucket_start),
      effect: s.effect ?? s.statistic,
      lo: s.effect_ci?.[0] ?? null,
      hi: s.effect_ci?.[1] ?? null,
      verdict: s.partial ? 'partial bucket' : DRIFT_DECISION_LABEL[s.decision],
      n: s.n_current,
      bucket: s.bucket,
      partial: s.partial,
      why: s.why,
    }))
    .filter((p): p is TimePoint => p.date !== null && p.effect !== null);
  if (pts.length === 0) return <div className="state">No time series for {column}: the current side has too few rows per time bucket, or the table has no timestamp.</div>;
  const full = pts.filter((p) => !p.partial);
  const partial = pts.filter((p) => p.partial);
  const whiskers = pts.filter((p) => p.lo !== null && p.hi !== null);
  const verdicts = [...new Set(pts.map((p) => p.verdict))];
  const order = ['no drift', 'drift', 'inconclusive', 'not computable', 'partial bucket'].filter((v) => verdicts.includes(v));
  const colour: Record<string, string> = { 'no drift': CURRENT, drift: '#B3261E', inconclusive: '#8A5A00', 'not computable': '#6B7280', 'partial bucket': '#8A94A3' };
  const shape: Record<string, string> = { 'no drift': 'circle', drift: 'triangle', inconclusive: 'diamond', 'not computable': 'square', 'partial bucket': 'circle' };
  return (
    <PlotChart
      label={`Drift of ${column} over time`}
      testId="drift-over-time"
      deps={[column, series, threshold]}
      minHeight={240}
      plot={(width) =>
        Plot.plot({
          width,
          height: 260,
          marginLeft: 52,
          marginBottom: 48,
          x: { type: 'utc', label: 'Week of current period (UTC) →', labelOffset: 42 },
          y: { label: `${measure} (effect, 95 % interval)`, grid: true, zero: true },
          symbol: { domain: order, range: order.map((v) => shape[v] ?? 'circle'), legend: true },
          color: { domain: order, range: order.map((v) => colour[v] ?? CURRENT) },
          marks: [
            Plot.ruleY([threshold], { stroke: 'currentColor', strokeDasharray: '4 3', strokeOpacity: 0.6 }),
            Plot.text([threshold], { y: (d: number) => d, frameAnchor: 'right', dy: -6, text: () => `threshold ${threshold}`, fontSize: 11, fill: 'currentColor', fillOpacity: 0.7 }),
            Plot.ruleX(whiskers, { x: 'date', y1: 'lo', y2: 'hi', stroke: (d: TimePoint) => (d.partial ? '#8A94A3' : 'currentColor'), strokeOpacity: (d: TimePoint) => (d.partial ? 0.45 : 0.55), strokeWidth: 1.2 }),
            Plot.lineY(full, { x: 'date', y: 'effect', stroke: CURRENT, strokeWidth: 1.8 }),
            Plot.dot(full, { x: 'date', y: 'effect', symbol: 'verdict', fill: 'verdict', r: 4 }),
            Plot.dot(partial, { x: 'date', y: 'effect', symbol: 'verdict', stroke: 'verdict', fill: 'none', strokeOpacity: 0.8, r: 4 }),
            Plot.text(partial, { x: 'date', y: 'effect', text: (d: TimePoint) => `partial, n = ${d.n}`, dy: -11, fontSize: 10, fill: '#5d6878' }),
            Plot.tip(
              pts,
              Plot.pointerX({
                x: 'date',
                y: 'effect',
                channels: { Bucket: 'bucket', n: 'n', Verdict: 'verdict', Why: (d: TimePoint) => d.why.replace(/; /g, ';\n') },
                format: { x: false, y: (v: number) => readable(v) },
              }),
            ),
          ],
        })
      }
    />
  );
}
