import { esc } from './escape';
import type { DriftBin } from '../../../../shared/api/drift';
import type { CoverageReport, ReleaseHealth } from '../../../../shared/api/analytics';

/** App-wide comparison colours. */
export const BASELINE_COLOUR = '#5B7083';
export const CURRENT_COLOUR = '#E8710A';
const AXIS = '#9AA5B1';
const TEXT = '#303A44';
const FONT = 'font-family="DejaVu Sans, Liberation Sans, sans-serif"';

const n2 = (x: number): string => (Math.round(x * 100) / 100).toFixed(2).replace(/\.?0+$/, '') || '0';

function text(x: number, y: number, s: string, opts: { size?: number; anchor?: 'start' | 'middle' | 'end'; rotate?: number; fill?: string } = {}): string {
  const rot = opts.rotate ? ` transform="rotate(${opts.rotate} ${n2(x)} ${n2(y)})"` : '';
  return `<text x="${n2(x)}" y="${n2(y)}" font-size="${opts.size ?? 9}" text-anchor="${opts.anchor ?? 'start'}" fill="${opts.fill ?? TEXT}"${rot}>${esc(s)}</text>`;
}

function rect(x: number, y: number, w: number, h: number, fill: string, title?: string): string {
  const t = title ? `<title>${esc(title)}</title>` : '';
  return `<rect x="${n2(x)}" y="${n2(y)}" width="${n2(Math.max(w, 0))}" height="${n2(Math.max(h, 0))}" fill="${fill}">${t}</rect>`;
}

function svg(width: number, height: number, body: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(label)}" ${FONT}>${body}</svg>`;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Grouped bars: baseline vs current share per bin. */
/** Categories drawn at most in a drift chart; the rest fold into one bar (229 airport codes are no chart). */
export const MAX_CHART_CATEGORIES = 16;

/**
 * Categorical bins beyond MAX_CHART_CATEGORIES: the largest (by the larger of the two shares) are kept in their
 * order and the others become one "(N other values)" bar. Numeric bins (ordered ranges) are never folded.
 */
export function foldCategories(bins: DriftBin[]): { bins: DriftBin[]; folded: number } {
  const categorical = bins.every((b) => b.lower === null && b.upper === null);
  if (!categorical || bins.length <= MAX_CHART_CATEGORIES) return { bins, folded: 0 };
  const size = (b: DriftBin): number => Math.max(b.baseline_share, b.current_share);
  const keep = new Set([...bins].sort((a, b) => size(b) - size(a)).slice(0, MAX_CHART_CATEGORIES - 1));
  const rest = bins.filter((b) => !keep.has(b));
  const sum = (f: (b: DriftBin) => number): number => rest.reduce((n, b) => n + f(b), 0);
  const other: DriftBin = {
    label: `(${rest.length} other values)`,
    lower: null,
    upper: null,
    baseline_count: sum((b) => b.baseline_count),
    current_count: sum((b) => b.current_count),
    baseline_share: sum((b) => b.baseline_share),
    current_share: sum((b) => b.current_share),
  };
  return { bins: [...bins.filter((b) => keep.has(b)), other], folded: rest.length };
}

export function driftBinsChart(column: string, cohort: string, allBins: DriftBin[]): string {
  const { bins } = foldCategories(allBins);
  const W = 640;
  const H = 200;
  const left = 44;
  const right = 10;
  const top = 24;
  const bottom = 62;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const maxShare = Math.max(0.0001, ...bins.map((b) => Math.max(b.baseline_share, b.current_share)));
  const step = [0.02, 0.05, 0.1, 0.2, 0.25].find((s) => maxShare / s <= 5) ?? 0.25;
  const ticks = Math.max(1, Math.ceil(maxShare / step - 1e-9));
  const yMax = step * ticks;
  const parts: string[] = [];
  for (let i = 0; i <= ticks; i++) {
    const v = step * i;
    const y = top + plotH - (v / yMax) * plotH;
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${n2(y)}" y2="${n2(y)}" stroke="#E3E7EB" stroke-width="0.6"/>`);
    parts.push(text(left - 4, y + 3, `${Math.round(v * 100)}%`, { anchor: 'end', size: 8 }));
  }
  const slot = bins.length > 0 ? plotW / bins.length : plotW;
  const barW = Math.max(1, Math.min(22, (slot - 4) / 2));
  bins.forEach((b, i) => {
    const cx = left + slot * i + slot / 2;
    const hb = (b.baseline_share / yMax) * plotH;
    const hc = (b.current_share / yMax) * plotH;
    parts.push(rect(cx - barW, top + plotH - hb, barW, hb, BASELINE_COLOUR, `${b.label} baseline ${(b.baseline_share * 100).toFixed(1)}% (n=${b.baseline_count})`));
    parts.push(rect(cx, top + plotH - hc, barW, hc, CURRENT_COLOUR, `${b.label} current ${(b.current_share * 100).toFixed(1)}% (n=${b.current_count})`));
    const rotate = bins.length > 6;
    // Rotated labels longer than ~22 characters run out of the chart's bottom edge; the full label is in the bar's tooltip and results.json.
    parts.push(text(cx, top + plotH + 11, shorten(b.label, rotate ? 22 : 26), { size: 7.5, anchor: rotate ? 'end' : 'middle', rotate: rotate ? -35 : 0 }));
  });
  parts.push(`<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="${AXIS}" stroke-width="0.8"/>`);
  parts.push(rect(W - 180, 6, 9, 9, BASELINE_COLOUR) + text(W - 167, 14, 'baseline', { size: 8.5 }));
  parts.push(rect(W - 100, 6, 9, 9, CURRENT_COLOUR) + text(W - 87, 14, 'current', { size: 8.5 }));
  parts.push(text(left, 14, `${column} · ${cohort}`, { size: 10 }));
  return svg(W, H, parts.join(''), `Distribution of ${column} in ${cohort}: baseline vs current`);
}

/** Horizontal bars, one per release, of a value (rate or milliseconds). */
export function releaseBars(
  releases: ReleaseHealth[],
  pick: (r: ReleaseHealth) => number | null,
  opts: { title: string; format: (v: number) => string; highlight?: (r: ReleaseHealth) => boolean },
): string {
  const W = 640;
  const rowH = 18;
  const top = 24;
  const left = 70;
  const right = 70;
  const H = top + releases.length * rowH + 8;
  const values = releases.map(pick);
  const max = Math.max(1e-9, ...values.map((v) => v ?? 0));
  const parts: string[] = [text(0, 14, opts.title, { size: 10 })];
  releases.forEach((r, i) => {
    const y = top + i * rowH;
    const v = values[i] ?? null;
    parts.push(text(left - 6, y + 12, shorten(r.release_id, 12), { anchor: 'end', size: 8.5 }));
    if (v === null) {
      parts.push(text(left + 4, y + 12, 'not measurable', { size: 8, fill: '#7A8591' }));
      return;
    }
    const w = ((W - left - right) * v) / max;
    const colour = opts.highlight?.(r) ? CURRENT_COLOUR : BASELINE_COLOUR;
    parts.push(rect(left, y + 3, w, rowH - 6, colour, `${r.release_id}: ${opts.format(v)}`));
    parts.push(text(left + w + 4, y + 12, opts.format(v), { size: 8 }));
  });
  return svg(W, H, parts.join(''), opts.title);
}

/** Cohort × release grid of eval rows; red = release-critical and under the minimum, amber = under the minimum, grey = small cell. */
export function coverageMatrix(cov: CoverageReport, onlyCritical: boolean): string {
  const cohorts = cov.cohorts.filter((c) => !onlyCritical || c.release_critical);
  const releases = cov.releases;
  const cellW = Math.min(70, Math.max(34, 520 / Math.max(releases.length, 1)));
  const cellH = 16;
  const left = 130;
  const top = 30;
  const W = left + releases.length * cellW + 10;
  const H = top + cohorts.length * cellH + 8;
  const index = new Map(cov.cells.map((c) => [`${c.release_id}\u0000${c.cohort_id}`, c]));
  const parts: string[] = [];
  releases.forEach((r, j) => parts.push(text(left + j * cellW + cellW / 2, top - 8, shorten(r, 10), { anchor: 'middle', size: 8.5 })));
  cohorts.forEach((c, i) => {
    const y = top + i * cellH;
    parts.push(text(left - 6, y + 11, shorten(`${c.attribute}=${c.value}`, 24) + (c.release_critical ? ' *' : ''), { anchor: 'end', size: 8 }));
    releases.forEach((r, j) => {
      const cell = index.get(`${r}\u0000${c.cohort_id}`);
      const x = left + j * cellW;
      let fill = '#E6F0E8';
      let label: string;
      if (!cell) {
        fill = c.release_critical ? '#F6D5D1' : '#F1F3F5';
        label = '—';
      } else {
        label = String(cell.eval_rows);
        if (!cell.meets_threshold) fill = cell.release_critical ? '#F6D5D1' : '#FBEBD0';
        else if (cell.small_cell) fill = '#F1F3F5';
      }
      parts.push(rect(x + 1, y + 1, cellW - 2, cellH - 2, fill, `${c.attribute}=${c.value} in ${r}: ${label} eval rows`));
      parts.push(text(x + cellW / 2, y + 11, label, { anchor: 'middle', size: 7.5 }));
    });
  });
  return svg(W, H, parts.join(''), 'Evaluation rows per cohort and release');
}
