/** Fixed calendar of the demo system. Times are epoch milliseconds (UTC) unless named *Us. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function utc(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad demo timestamp ${iso}`);
  return ms;
}

export const SERVING_START = utc('2026-03-01T00:00:00Z');
export const SERVING_END = utc('2026-09-01T00:00:00Z'); // exclusive: last second is 2026-08-31T23:59:59Z
export const SERVING_DAYS = Math.round((SERVING_END - SERVING_START) / DAY_MS); // 184
export const EXPORTED_AT = '2026-09-01T06:00:00Z';
/** Labels arrive ~30 days late: serving rows from here on have no label yet. */
export const LABELS_UNTIL = utc('2026-08-02T00:00:00Z');
/** Planted fact 5: no audit_log entry in [AUDIT_GAP_START, AUDIT_GAP_END). */
export const AUDIT_GAP_START = utc('2026-06-10T00:00:00Z');
export const AUDIT_GAP_END = utc('2026-06-17T00:00:00Z');
export const AUDIT_START = utc('2026-02-15T00:00:00Z');

/** "2026-03-01T00:00:00Z" (whole seconds) or with milliseconds when the value has them. */
export function isoSeconds(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, 19)}Z` : s;
}

/** Always with milliseconds: "2026-03-01T00:00:12.345Z". */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** Microsecond precision from epoch microseconds: "2026-03-01T00:00:12.345678Z". */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const micro = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micro).padStart(3, '0')}Z`;
}
