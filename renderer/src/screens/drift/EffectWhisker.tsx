import { readable } from '../../../../shared/driftMethods';

/**
 * An effect as a dot on a small axis from 0 to `max`, its 95 % interval as a whisker and the threshold as a
 * dashed tick: whether the interval clears, straddles or stays under the threshold is visible at a glance.
 */
export function EffectWhisker({ effect, ci, threshold, max, width = 92, height = 14 }: { effect: number | null; ci: readonly [number, number] | null; threshold: number; max: number; width?: number; height?: number }) {
  if (effect === null) return null;
  const top = max > 0 ? max : 1;
  const x = (v: number) => 2 + (Math.min(Math.max(v, 0), top) / top) * (width - 4);
  const mid = height / 2;
  const label = `effect ${readable(effect)}${ci ? `, 95 % interval ${readable(ci[0])} to ${readable(ci[1])}` : ''}, threshold ${readable(threshold)}`;
  return (
    <svg width={width} height={height} role="img" aria-label={label} className="whisker">
      <line x1={2} x2={width - 2} y1={mid} y2={mid} stroke="var(--border)" strokeWidth={1} />
      <line x1={x(threshold)} x2={x(threshold)} y1={1} y2={height - 1} stroke="var(--muted)" strokeDasharray="2 1.5" strokeWidth={1} />
      {ci && (
        <g stroke="var(--text)" strokeWidth={1.2}>
          <line x1={x(ci[0])} x2={x(ci[1])} y1={mid} y2={mid} />
          <line x1={x(ci[0])} x2={x(ci[0])} y1={mid - 3} y2={mid + 3} />
          <line x1={x(ci[1])} x2={x(ci[1])} y1={mid - 3} y2={mid + 3} />
        </g>
      )}
      {effect > top ? (
        <path d={`M${width - 7},${mid - 4} L${width - 1},${mid} L${width - 7},${mid + 4} Z`} fill={ci && ci[0] >= threshold ? 'var(--bad)' : 'var(--current)'} />
      ) : (
        <circle cx={x(effect)} cy={mid} r={2.6} fill={ci && ci[0] >= threshold ? 'var(--bad)' : 'var(--current)'} />
      )}
    </svg>
  );
}

/** The right end of a shared whisker axis: the largest interval end, effect or threshold, a little headroom. */
export function whiskerMax(rows: readonly { effect: number | null; effect_ci: readonly [number, number] | null; threshold: number }[]): number {
  let m = 0;
  let t = 0;
  for (const r of rows) {
    m = Math.max(m, r.threshold, r.effect ?? 0, r.effect_ci?.[1] ?? 0);
    t = Math.max(t, r.threshold);
  }
  // One huge effect must not flatten every other row: past 6 × the threshold the whisker runs off the end.
  return Math.min(m * 1.08, 6 * t) || 1;
}
