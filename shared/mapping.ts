import { z } from 'zod';

/**
 * Column mapping: for every file loaded into a canonical table, which source column fills each canonical
 * column, and on whose word. Documented in docs/bundle-format.md ("Column mapping").
 *
 * - `declared`: the bundle's manifest said so (`map`, or a column with role `timestamp`);
 * - `auditor`: the auditor said so (`--map`, `--mapping FILE`, the app's "Map columns" editor);
 * - `inferred`: Audit Desk matched it (same name, a case / style variant, a documented alias, the file's only
 *   timestamp column);
 * - `generated`: the file has no such column and the value is made up from the file and row number (row ids only);
 * - `absent`: no source column fills it (NULL in every row this file loaded).
 */
export const MAPPING_TAGS = ['declared', 'auditor', 'inferred', 'generated', 'absent'] as const;
export type MappingTag = (typeof MAPPING_TAGS)[number];

export interface MappingEntry {
  /** Canonical column. */
  column: string;
  /** Source column of the file (null when absent or generated). */
  source: string | null;
  tag: MappingTag;
  /** How it was matched or converted, or why it is absent (e.g. "ambiguous: time, date — map one"). */
  note?: string;
  /** When inference found several source columns that could serve: never guessed, listed here. */
  candidates?: string[];
}

/** Per canonical column of a table: every file's entry (what the import summary shows). */
export interface TableMappingEntry {
  column: string;
  /** The strongest tag among the files that fill the column (declared > auditor > inferred > generated), else absent. */
  tag: MappingTag;
  sources: { file: string; source: string | null; tag: MappingTag; note?: string }[];
  candidates?: string[];
  note?: string;
}

/** The auditor's mapping: table → canonical column → source column ("" = leave the canonical column absent). */
export type AuditorMapping = Record<string, Record<string, string>>;

const name = z.string().min(1).max(200);
export const auditorMappingSchema = z.record(name, z.record(name, z.string().max(500)));

/** "records.ts=date" → { table: records, column: ts, source: date }; null when the text is not of that shape. */
export function parseMapAssignment(text: string): { table: string; column: string; source: string } | null {
  const eq = text.indexOf('=');
  if (eq <= 0) return null;
  const left = text.slice(0, eq).trim();
  const source = text.slice(eq + 1).trim();
  const dot = left.indexOf('.');
  if (dot <= 0 || dot === left.length - 1) return null;
  return { table: left.slice(0, dot), column: left.slice(dot + 1), source };
}

/** Merges mappings, later ones winning per table and column. */
export function mergeMappings(...maps: (AuditorMapping | null | undefined)[]): AuditorMapping {
  const out: AuditorMapping = {};
  for (const m of maps) {
    if (!m) continue;
    for (const [table, cols] of Object.entries(m)) out[table] = { ...(out[table] ?? {}), ...cols };
  }
  return out;
}

/** Same mapping, keys sorted (so equal mappings serialise identically), empty tables dropped. */
export function normalizeMapping(m: AuditorMapping | null | undefined): AuditorMapping {
  const out: AuditorMapping = {};
  for (const table of Object.keys(m ?? {}).sort()) {
    const cols = (m ?? {})[table] ?? {};
    const keys = Object.keys(cols).sort();
    if (keys.length === 0) continue;
    out[table] = Object.fromEntries(keys.map((k) => [k, cols[k] as string]));
  }
  return out;
}

export function isEmptyMapping(m: AuditorMapping | null | undefined): boolean {
  return Object.keys(normalizeMapping(m)).length === 0;
}

/** "records.ts=date, spans.trace_id=TraceId" — for notes and the CLI. */
export function mappingText(m: AuditorMapping | null | undefined): string {
  const n = normalizeMapping(m);
  return Object.entries(n)
    .flatMap(([t, cols]) => Object.entries(cols).map(([c, s]) => `${t}.${c}=${s}`))
    .join(', ');
}

/** Why an auditor's mapping cannot be used (an unknown table or canonical column), or null. */
export function mappingProblem(m: AuditorMapping, tables: readonly { name: string; columns: readonly { name: string }[] }[]): string | null {
  for (const [table, cols] of Object.entries(m)) {
    const def = tables.find((t) => t.name === table);
    if (!def) return `mapping: "${table}" is not a canonical table (${tables.map((t) => t.name).join(', ')})`;
    for (const col of Object.keys(cols)) {
      if (!def.columns.some((c) => c.name === col)) return `mapping: "${col}" is not a column of ${table} (${def.columns.map((c) => c.name).join(', ')})`;
    }
  }
  return null;
}
