/** A tiny inline SVG trend of a statistic over time; drifted buckets get a dot (shape, not only colour). */
export function Sparkline({ values, threshold, width = 96, height = 24 }: { values: { v: number | null; drifted: boolean }[]; threshold: number | null; width?: number; height?: number }) {
  const pts = values.map((p, i) => ({ ...p, i })).filter((p): p is { v: number; drifted: boolean; i: number } => p.v !== null && Number.isFinite(p.v));
  if (pts.length < 2) return <span className="muted small">—</span>;
  const max = Math.max(...pts.map((p) => p.v), threshold ?? 0) || 1;
  const x = (i: number) => 2 + (i / Math.max(values.length - 1, 1)) * (width - 4);
  const y = (v: number) => height - 2 - (v / max) * (height - 4);
  const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  return (
    <svg width={width} height={height} role="img" aria-label={`trend of ${pts.length} buckets, ${pts.filter((p) => p.drifted).length} drifted`}>
      {threshold !== null && <line x1={0} x2={width} y1={y(threshold)} y2={y(threshold)} stroke="var(--muted)" strokeDasharray="2 2" strokeWidth={1} />}
      <path d={d} fill="none" stroke="var(--current)" strokeWidth={1.5} />
      {pts
        .filter((p) => p.drifted)
        .map((p) => (
          <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={2.2} fill="var(--bad)" />
        ))}
    </svg>
  );
}
