import type { ReactNode } from 'react';
import { visibleText } from '../../../shared/visibleText';

const intFmt = new Intl.NumberFormat('en-US');

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : intFmt.format(n);
}

/** Count + noun that agree, in the one number format (shared with the engine's and report's texts). */
export { plural } from '../../../shared/plural';

export function fmtNum(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (n !== 0 && Math.abs(n) < 10 ** -digits) return n.toExponential(1);
  return n.toFixed(digits);
}

export function fmtPct(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined ? '—' : `${(n * 100).toFixed(digits)}%`;
}

export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined) return '—';
  if (p < 0.0001) return '<0.0001';
  return p.toFixed(4);
}

export function fmtMs(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`;
}

export function fmtUsd(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `$${n.toFixed(n < 10 ? 4 : 2)}`;
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 10);
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+/, '').replace(/Z$/, ' UTC');
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Parses ISO strings the engine sends (with or without Z) as UTC dates. */
export function toDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Text from a bundle as shown on screen: control, bidi and invisible characters as visible ⟨U+XXXX⟩ tokens. */
export function shown(s: string | null | undefined): string {
  return s === null || s === undefined ? '' : visibleText(s);
}

/** A cell or label: strings (and numbers' text) go through `shown`; elements are left to their own component. */
export function shownNode(n: ReactNode): ReactNode {
  return typeof n === 'string' ? visibleText(n) : n;
}
