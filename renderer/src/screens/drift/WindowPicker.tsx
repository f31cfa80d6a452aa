import { useEffect, useState } from 'react';
import type { DriftOptions, Selector } from '../../../../shared/api/drift';
import { instantText } from './params';

/** What a person types: "2026-03-15", "2026-03-15 11:30", "2026-03-15T11:30:00Z" — all read as UTC. */
export function parseInstantText(text: string): string | null {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(?:Z|UTC)?$/i.exec(t);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00'] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)));
  // Reject dates JavaScript would roll over (2026-02-30 → March 2).
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) return null;
  return date.toISOString().replace('.000Z', 'Z');
}

/**
 * A time window: "from" and "until" (half-open: until is not included), typed as dates or date-times and applied
 * with Enter (or when the field is left); the bundle's period is shown beside it.
 */
export function WindowPicker({ label, value, options, onChange }: { label: string; value: Selector; options: DriftOptions; onChange: (s: Selector) => void }) {
  const [lo = '', hi = ''] = value.value.split('/');
  const [from, setFrom] = useState(lo ? instantText(lo) : '');
  const [until, setUntil] = useState(hi ? instantText(hi) : '');
  const [error, setError] = useState<string | null>(null);
  // The fields always show the window in effect when it changes from elsewhere (route, defaults, another bundle).
  useEffect(() => {
    setFrom(lo ? instantText(lo) : '');
    setUntil(hi ? instantText(hi) : '');
    setError(null);
  }, [value.value]);

  const apply = () => {
    const a = parseInstantText(from);
    const b = parseInstantText(until);
    if (!a || !b) {
      setError('Type dates as YYYY-MM-DD (or YYYY-MM-DD HH:MM, UTC).');
      return;
    }
    if (!(a < b)) {
      setError('“From” must be before “until”.');
      return;
    }
    setError(null);
    const next = `${a}/${b}`;
    if (next !== value.value) onChange({ key: 'window', value: next });
  };
  // A period within one day is shown with its times (a date alone would read "2023-11-30 → 2023-11-30").
  const sameDay = options.period.start?.slice(0, 10) === options.period.end?.slice(0, 10);
  const period = options.period.start && options.period.end ? (sameDay ? `${instantText(options.period.start)} → ${instantText(options.period.end)}` : `${options.period.start.slice(0, 10)} → ${options.period.end.slice(0, 10)}`) : null;
  // Wide enough for what is in it: a date-time must not be cut to "2023-11-30 07:2".
  const width = (text: string) => Math.max(11, text.length + 1);
  return (
    <form
      className="window-picker"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
      aria-label={`${label} window`}
    >
      <label className="field">
        from
        <input aria-label={`${label} from`} value={from} onChange={(e) => setFrom(e.target.value)} onBlur={apply} placeholder="YYYY-MM-DD" size={width(from)} aria-invalid={error !== null} />
      </label>
      <label className="field">
        until
        <input aria-label={`${label} until`} value={until} onChange={(e) => setUntil(e.target.value)} onBlur={apply} placeholder="YYYY-MM-DD" size={width(until)} aria-invalid={error !== null} title="Not included: the window ends just before this instant" />
      </label>
      <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      <div className="window-hint small">
        {error ? (
          <span className="error-text" role="alert">
            {error}
          </span>
        ) : (
          <span className="muted">UTC, until not included{period ? ` · bundle period ${period}` : ' · this bundle has no time period'}</span>
        )}
      </div>
    </form>
  );
}
