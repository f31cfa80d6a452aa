/** JSON helpers shared by the readers: safe parsing, depth guard, cheap head sniffing. */
import type { CanonicalRow, RowValue } from '../types';

/** Deepest nesting accepted inside one value (attributes, events, inputs). Deeper → the unit is rejected. */
export const MAX_VALUE_DEPTH = 64;

export class DepthError extends Error {
  constructor(public readonly limit: number) {
    super(`value nested deeper than ${limit} levels`);
    this.name = 'DepthError';
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Integer literals with 16+ digits under the named keys are quoted before JSON.parse, so that
 * nanosecond times written as JSON numbers keep every digit (JSON.parse would round them to a double).
 * The key must be a real key (`"key":`), so text inside string values is never touched.
 */
export function quoteBigIntegers(text: string, keys: readonly string[]): string {
  if (keys.length === 0) return text;
  const pattern = new RegExp(`("(?:${keys.join('|')})"\\s*:\\s*)(-?\\d{16,})(?=\\s*[,}\\]])`, 'g');
  return text.replace(pattern, '$1"$2"');
}

/** Nesting depth of `text` (brackets outside strings), stopping early once above `limit`. */
export function textDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      depth++;
      if (depth > limit) return true;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return false;
}

/**
 * Converts parsed JSON into a row value, refusing values nested deeper than `limit`.
 * Non-finite numbers become null (they cannot be stored as JSON).
 */
export function toRowValue(v: unknown, limit = MAX_VALUE_DEPTH, depth = 0): RowValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (depth >= limit) throw new DepthError(limit);
  if (Array.isArray(v)) return v.map((x) => toRowValue(x, limit, depth + 1));
  if (typeof v === 'object') {
    const out = Object.create(null) as { [k: string]: RowValue };
    for (const [k, x] of Object.entries(v as JsonObject)) out[k] = toRowValue(x, limit, depth + 1);
    return out;
  }
  return String(v);
}

export function toRowObject(v: unknown, limit = MAX_VALUE_DEPTH): { [k: string]: RowValue } {
  const value = toRowValue(v, limit);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** A short, single-line excerpt of raw input for the rejects table. */
export function excerpt(raw: unknown, max = 2000): string | null {
  if (raw === undefined) return null;
  let text: string;
  if (typeof raw === 'string') text = raw;
  else {
    try {
      text = JSON.stringify(raw, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(raw);
    } catch {
      text = String(raw);
    }
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Parses one JSON text; depth-checked first so a hostile line fails as a reject, not a stack overflow later. */
export function parseJson(text: string, bigIntegerKeys: readonly string[] = []): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (textDepthExceeds(text, MAX_VALUE_DEPTH * 2)) return { ok: false, reason: `JSON nested deeper than ${MAX_VALUE_DEPTH * 2} levels` };
  try {
    return { ok: true, value: JSON.parse(quoteBigIntegers(text, bigIntegerKeys)) };
  } catch (e) {
    return { ok: false, reason: `malformed JSON: ${errorMessage(e)}` };
  }
}

// ---- cheap sniffing on the first bytes of a file ----

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first non-blank line of the head, when it is complete (followed by a newline or the end of a short head). */
export function firstLine(head: string): string | null {
  const text = stripBom(head);
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const line = (nl === -1 ? text.slice(start) : text.slice(start, nl)).trim();
    if (line.length > 0) return nl === -1 && head.length >= 65536 ? null : line;
    if (nl === -1) return null;
    start = nl + 1;
  }
  return null;
}

/** Whether the head looks like JSON Lines: a first line that is a complete JSON object. */
export function firstJsonLineObject(head: string): JsonObject | null {
  const line = firstLine(head);
  if (!line || !line.startsWith('{') || !line.endsWith('}')) return null;
  try {
    const v: unknown = JSON.parse(line);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * The first record of a JSON Lines file or of a JSON array of records, if it is complete within the head.
 * Extracted with a string-aware bracket scan, so a long file costs no more than its head.
 */
export function firstRecord(head: string): JsonObject | null {
  const lineObject = firstJsonLineObject(head);
  if (lineObject) return lineObject;
  const text = stripBom(head).trimStart();
  if (!text.startsWith('[')) return null;
  const open = text.indexOf('{');
  if (open === -1 || text.slice(1, open).trim() !== '') return null;
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) depth++;
    else if (ch === 125 || ch === 93) {
      depth--;
      if (depth === 0) {
        try {
          const v: unknown = JSON.parse(text.slice(open, i + 1));
          return isObject(v) ? v : null;
        } catch {
          return null;
        }
      }
    }
  }
  return null;
}

/** Whether the head (a JSON object document) names `key` as an object key somewhere. */
export function headHasKey(head: string, key: string): boolean {
  return head.includes(`"${key}"`) && new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`).test(head);
}

export function startsWithObject(head: string): boolean {
  return stripBom(head).trimStart().startsWith('{');
}

export function fileName(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash === -1 ? relPath : relPath.slice(slash + 1);
}

export function fileStem(relPath: string): string {
  return fileName(relPath).replace(/\.(jsonl|ndjson|json|parquet)$/i, '');
}

/**
 * Iterates the records of a JSON Lines file or of a JSON document holding an array (or one object).
 * 'auto' decides on the first non-blank line: a complete JSON object means JSON Lines, anything else a document.
 */
export async function* jsonRecords(
  source: { lines(): AsyncIterable<{ line: number; text: string }>; text(): Promise<string> },
  mode: 'lines' | 'document' | 'auto',
  bigIntegerKeys: readonly string[] = [],
): AsyncGenerator<{ line: number; value: unknown; fromLines: boolean } | { line: number; error: string; raw: string }> {
  if (mode !== 'document') {
    let decided = mode === 'lines';
    for await (const { line, text } of source.lines()) {
      if (text.trim() === '') continue;
      if (!decided) {
        const t = text.trim();
        if (!(t.startsWith('{') && t.endsWith('}'))) break;
        decided = true;
      }
      const parsed = parseJson(text, bigIntegerKeys);
      if (parsed.ok) yield { line, value: parsed.value, fromLines: true };
      else yield { line, error: parsed.reason, raw: text };
    }
    if (decided) return;
  }
  const text = await source.text();
  if (text.trim() === '') return;
  const parsed = parseJson(text, bigIntegerKeys);
  if (!parsed.ok) {
    yield { line: 1, error: parsed.reason, raw: text };
    return;
  }
  const items = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  let index = 0;
  for (const value of items) yield { line: ++index, value, fromLines: false };
}

/** Line-oriented when the head's first line is a complete JSON object and the name is not a plain .json array. */
export function isJsonLines(head: string): boolean {
  return firstJsonLineObject(head) !== null;
}

export type { CanonicalRow };

/**
 * Keys named in the first record's visible text, for a first record too long to be complete in the head
 * (a span with a huge `input.value`). Nested keys are included: a hint, used only when firstRecord() is null.
 */
export function visibleFirstRecordKeys(head: string): Set<string> {
  const text = stripBom(head).trimStart();
  const start = text.startsWith('[') ? text.indexOf('{') : text.startsWith('{') ? 0 : -1;
  const keys = new Set<string>();
  if (start === -1) return keys;
  const nl = text.indexOf('\n', start);
  const body = text.slice(start, nl === -1 ? text.length : Math.max(nl, start + 1));
  for (const m of body.matchAll(/"((?:[^"\\]|\\.){1,200})"\s*:/g)) if (m[1] !== undefined) keys.add(m[1]);
  return keys;
}
