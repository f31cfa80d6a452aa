import { visibleText } from './visibleText';

/**
 * A pinned finding's raw evidence as people read it, the same on the Findings screen and in the report: columns in
 * a meaningful order (what, then the numbers, then the rest) and cells formatted — p-values as p, counts with
 * thousands separators, other numbers to 4 significant digits, never 17-digit floats.
 */
const FIRST = ['column', 'cohort', 'bin', 'check', 'table', 'release', 'method', 'statistic', 'effect', 'threshold', 'p_value', 'p_adjusted', 'drifted', 'verdict', 'n_baseline', 'n_current', 'baseline_share', 'current_share', 'baseline_count', 'current_count', 'count'];

export type EvidenceCell = string | number | boolean | null | undefined;

export function evidenceColumns(rows: readonly Record<string, EvidenceCell>[]): string[] {
  const seen: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.includes(k)) seen.push(k);
  const known = FIRST.filter((k) => seen.includes(k));
  return [...known, ...seen.filter((k) => !known.includes(k))];
}

const intFmt = new Intl.NumberFormat('en-US');

function isPValue(key: string): boolean {
  return /(^|_)p(_value|_adjusted|_adj)?$/.test(key) || key === 'p';
}

export function evidenceCellText(key: string, v: EvidenceCell): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return visibleText(v);
  if (!Number.isFinite(v)) return String(v);
  if (isPValue(key)) return v < 0.0001 ? '< 0.0001' : v.toFixed(4);
  if (/share|rate/.test(key) && v >= 0 && v <= 1) return `${(v * 100).toFixed(1)}%`;
  if (Number.isInteger(v)) return intFmt.format(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** Column headings in words: "p_adjusted" → "p adjusted", "n_baseline" → "n baseline". */
export function evidenceHeading(key: string): string {
  return visibleText(key.replaceAll('_', ' '));
}
