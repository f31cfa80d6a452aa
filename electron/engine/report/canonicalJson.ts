import { createHash } from 'node:crypto';

/** Keys that carry wall-clock or session noise and never belong in a deterministic document. */
const NOISE_KEYS = new Set(['elapsed_ms', 'import_ms', 'bundleId']);

/**
 * Numbers keep full precision (the shortest text that reads back as the same double); only -0 becomes 0 and a
 * non-finite value null. Rounding belongs to the rendered text, never to the results a reader recomputes from.
 * Full precision stays deterministic because the analyses are: exact aggregates, order-independent sums (fsum,
 * exactSum), exact quantiles, and JavaScript arithmetic in a fixed order.
 */
export function jsonNumber(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  return Object.is(x, -0) ? 0 : x;
}

/** Deep copy with sorted keys, undefined dropped, noise keys removed. */
export function normalizeForJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return jsonNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : normalizeForJson(v)));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || NOISE_KEYS.has(key)) continue;
      out[key] = normalizeForJson(v);
    }
    return out;
  }
  return null;
}

/** Canonical JSON text: sorted keys, full-precision numbers, two-space indent, trailing newline. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(normalizeForJson(value), null, 2)}\n`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
