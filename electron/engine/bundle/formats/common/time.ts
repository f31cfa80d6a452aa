/**
 * Time conversions. OTLP times are unsigned 64-bit nanoseconds since the epoch; JavaScript numbers
 * lose precision above 2^53, so every nanosecond value stays a BigInt until it is formatted.
 */
import type { Checked } from './ids';

export const U64_MAX = (1n << 64n) - 1n;
const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_MICRO = 1_000n;
const NANOS_PER_MILLI = 1_000_000n;

/**
 * Parses an OTLP fixed64 time: a decimal string (the JSON mapping) or a JSON number (older exporters).
 * 0 / missing mean "not set" (null). Negative, fractional, non-numeric or above 2^64-1 is an error.
 */
export function parseUnixNanos(raw: unknown): Checked<bigint | null> {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: null };
  let value: bigint;
  if (typeof raw === 'string') {
    if (!/^\d+$/.test(raw)) return { ok: false, reason: `time must be unsigned decimal nanoseconds, got ${JSON.stringify(raw.slice(0, 40))}` };
    value = BigInt(raw);
  } else if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0) return { ok: false, reason: `time must be unsigned integer nanoseconds, got ${raw}` };
    value = BigInt(raw);
  } else if (typeof raw === 'bigint') {
    if (raw < 0n) return { ok: false, reason: `time must be unsigned, got ${raw}` };
    value = raw;
  } else {
    return { ok: false, reason: `time must be a string or number, got ${typeof raw}` };
  }
  if (value > U64_MAX) return { ok: false, reason: `time ${value} is beyond unsigned 64 bits` };
  return { ok: true, value: value === 0n ? null : value };
}

function pad(n: number | bigint, width: number): string {
  return n.toString().padStart(width, '0');
}

/** Nanoseconds since the epoch → "YYYY-MM-DDTHH:MM:SS.ffffffZ" (microseconds, truncated toward the past). */
export function nanosToIso(nanos: bigint): string {
  let seconds = nanos / NANOS_PER_SECOND;
  let rest = nanos % NANOS_PER_SECOND;
  if (rest < 0n) {
    rest += NANOS_PER_SECOND;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) throw new RangeError(`time ${nanos} ns is outside the representable range`);
  const y = date.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' : '+') + pad(Math.abs(y), 6);
  return `${year}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(rest / NANOS_PER_MICRO, 6)}Z`;
}

/** (end - start) in milliseconds, from the exact nanosecond difference. */
export function durationMs(startNanos: bigint, endNanos: bigint): number {
  const diff = endNanos - startNanos;
  return Number(diff / NANOS_PER_MILLI) + Number(diff % NANOS_PER_MILLI) / 1e6;
}

const ISO = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * ISO 8601 / RFC 3339 text (also DuckDB's and pandas' "YYYY-MM-DD HH:MM:SS.ffffff+00") → nanoseconds.
 * Text without an offset is read as UTC. Null when the text is not a timestamp.
 */
export function isoToNanos(text: string): bigint | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, ys, mos, ds, hs = '0', mis = '0', ss = '0', frac = '', zone = 'Z'] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = Number(ss);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  if (utc.getUTCDate() !== day && hour !== 24) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const seconds = BigInt(utc.getTime() / 1000) - BigInt(offsetMinutes * 60);
  return seconds * NANOS_PER_SECOND + BigInt(frac.padEnd(9, '0'));
}

/**
 * Timestamps as exported by Python tools: ISO text, epoch numbers (unit guessed from magnitude:
 * seconds < 1e11 ≤ milliseconds < 1e14 ≤ microseconds < 1e17 ≤ nanoseconds), digit strings likewise,
 * Date objects. Returns the canonical ISO string, null for empty, or an error.
 */
export function looseTimestamp(raw: unknown): Checked<string | null> {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: null };
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return { ok: false, reason: 'invalid date' };
    return { ok: true, value: nanosToIso(BigInt(raw.getTime()) * NANOS_PER_MILLI) };
  }
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { ok: true, value: null };
    return { ok: true, value: nanosToIso(epochNumberToNanos(raw)) };
  }
  if (typeof raw === 'bigint') return { ok: true, value: nanosToIso(epochNumberToNanos(raw)) };
  if (typeof raw === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(raw.trim())) {
      const t = raw.trim();
      return { ok: true, value: nanosToIso(t.includes('.') ? epochNumberToNanos(Number(t)) : epochNumberToNanos(BigInt(t))) };
    }
    const nanos = isoToNanos(raw);
    if (nanos === null) return { ok: false, reason: `not a timestamp: ${JSON.stringify(raw.slice(0, 60))}` };
    return { ok: true, value: nanosToIso(nanos) };
  }
  return { ok: false, reason: `not a timestamp: ${typeof raw}` };
}

function epochNumberToNanos(value: number | bigint): bigint {
  const magnitude = typeof value === 'bigint' ? (value < 0n ? -value : value) : Math.abs(value);
  if (magnitude < 1e11) return scale(value, 1_000_000_000n);
  if (magnitude < 1e14) return scale(value, NANOS_PER_MILLI);
  if (magnitude < 1e17) return scale(value, NANOS_PER_MICRO);
  return typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
}

function scale(value: number | bigint, factor: bigint): bigint {
  if (typeof value === 'bigint') return value * factor;
  if (Number.isInteger(value)) return BigInt(value) * factor;
  // Fractional epoch numbers (e.g. 1700000000.123): keep microseconds, which is all a double can carry.
  return BigInt(Math.round(value * Number(factor / NANOS_PER_MICRO))) * NANOS_PER_MICRO;
}

/** Epoch milliseconds (MLflow) → ISO; null when missing / 0. */
export function epochMillisToIso(raw: unknown): Checked<string | null> {
  if (raw === undefined || raw === null || raw === '' || raw === 0) return { ok: true, value: null };
  if (typeof raw === 'number' && Number.isInteger(raw)) return { ok: true, value: nanosToIso(BigInt(raw) * NANOS_PER_MILLI) };
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return { ok: true, value: nanosToIso(BigInt(raw) * NANOS_PER_MILLI) };
  return looseTimestamp(raw);
}
