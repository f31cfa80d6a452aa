import { plural } from '../lib/format';
/**
 * A tiny inline SVG trend of a statistic over time; drifted buckets get a dot (shape, not only colour).
 * Partial buckets (first or last, covering part of their span) are drawn as faded hollow dots and left out
 * of the line.
 */
export function Sparkline({
  values,
  threshold,
  width = 96,
  height = 24,
}: {
  values: { v: number | null; drifted: boolean; partial?: boolean }[];
  threshold: number | null;
  width?: number;
  height?: number;
}) {
  const pts = values.map((p, i) => ({ ...p, i })).filter((p): p is { v: number; drifted: boolean; partial?: boolean; i: number } => p.v !== null && Number.isFinite(p.v));
  const full = pts.filter((p) => !p.partial);
  if (pts.length < 2) return <span className="muted small">—</span>;
  const max = Math.max(...pts.map((p) => p.v), threshold ?? 0) || 1;
  const x = (i: number) => 2 + (i / Math.max(values.length - 1, 1)) * (width - 4);
  const y = (v: number) => height - 2 - (v / max) * (height - 4);
  const d = full.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  const partial = pts.filter((p) => p.partial);
  return (
    <svg width={width} height={height} role="img" aria-label={`trend of ${plural(full.length, 'full bucket')}, ${full.filter((p) => p.drifted).length} drifted${partial.length ? `; ${plural(partial.length, 'partial bucket')} not in the line` : ''}`}>
      {threshold !== null && <line x1={0} x2={width} y1={y(threshold)} y2={y(threshold)} stroke="var(--muted)" strokeDasharray="2 2" strokeWidth={1} />}
      <path d={d} fill="none" stroke="var(--current)" strokeWidth={1.5} />
      {full
        .filter((p) => p.drifted)
        .map((p) => (
          <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={2.2} fill="var(--bad)" />
        ))}
      {partial.map((p) => (
        <circle key={`p${p.i}`} cx={x(p.i)} cy={y(p.v)} r={2} fill="none" stroke="var(--muted)" strokeOpacity={0.7} strokeWidth={1} />
      ))}
    </svg>
  );
}
