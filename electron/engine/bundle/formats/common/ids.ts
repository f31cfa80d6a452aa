/** Trace / span id normalisation shared by every trace reader. */

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

export const TRACE_ID_HEX_LENGTH = 32;
export const SPAN_ID_HEX_LENGTH = 16;

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const ALL_ZERO = /^0+$/;

function describe(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return text === undefined ? String(raw) : text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * OTLP/JSON ids are hex (not base64, unlike the protobuf JSON mapping elsewhere), any case.
 * Returns the lower-case id, or why it is not a valid id of `hexLength` characters.
 */
export function normalizeHexId(raw: unknown, hexLength: number): Checked<string> {
  if (typeof raw !== 'string') return { ok: false, reason: `id must be a hex string, got ${describe(raw)}` };
  if (!HEX.test(raw)) return { ok: false, reason: `id is not hex: ${describe(raw)}` };
  if (raw.length !== hexLength) return { ok: false, reason: `id must have ${hexLength} hex characters, got ${raw.length}: ${describe(raw)}` };
  if (ALL_ZERO.test(raw)) return { ok: false, reason: `id is all zeros (invalid in OpenTelemetry): ${raw}` };
  return { ok: true, value: raw.toLowerCase() };
}

/** Parent span id: "" / missing / all zeros mean "root" (null); anything else must be a valid span id. */
export function normalizeParentId(raw: unknown, hexLength: number): Checked<string | null> {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: null };
  if (typeof raw === 'string' && raw.length === hexLength && ALL_ZERO.test(raw)) return { ok: true, value: null };
  return normalizeHexId(raw, hexLength);
}

/**
 * Ids from exporters that write bytes as base64 (MLflow 3 span dicts, protobuf JSON) or as
 * hex with an optional 0x prefix (MLflow 2). Hex of the right length wins; otherwise base64 that decodes
 * to exactly `hexLength / 2` bytes.
 */
export function normalizeFlexibleId(raw: unknown, hexLength: number): Checked<string> {
  if (typeof raw !== 'string') return { ok: false, reason: `id must be a string, got ${describe(raw)}` };
  const unprefixed = /^0x/i.test(raw) ? raw.slice(2) : raw;
  if (unprefixed.length === hexLength && HEX.test(unprefixed)) return normalizeHexId(unprefixed, hexLength);
  const hex = base64ToHex(raw);
  if (hex !== null && hex.length === hexLength) return normalizeHexId(hex, hexLength);
  return { ok: false, reason: `id is neither ${hexLength}-character hex nor base64 of ${hexLength / 2} bytes: ${describe(raw)}` };
}

/** Decodes standard or URL-safe base64 to lower-case hex; null when the text is not base64. */
export function base64ToHex(text: string): string | null {
  if (text.length === 0 || !BASE64.test(text)) return null;
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) return null;
  return Buffer.from(body.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('hex');
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}
