import fs from 'node:fs/promises';
import { manifestSchema, type Manifest, type ManifestFile } from '../../../shared/manifest';
import type { BundleFile } from './discover';

export const MANIFEST_NAME = 'manifest.json';

export type ManifestRead =
  | { state: 'absent' }
  | { state: 'ok'; manifest: Manifest }
  | { state: 'invalid'; detail: string }
  /** Another tool's manifest.json (no format_version and no files list): the bundle is unverified, never altered. */
  | { state: 'foreign'; detail: string };

/** Whose manifest a JSON object that is not an Audit Desk manifest looks like, for the notice. */
function foreignOwner(o: Record<string, unknown>): string {
  const system = o['system'];
  if (system && typeof system === 'object') {
    const s = system as Record<string, unknown>;
    if (typeof s['script'] === 'string' || typeof s['package_version'] === 'string')
      return ` (it looks like mlflow-export-import's${typeof s['script'] === 'string' ? `, written by ${s['script']}` : ''})`;
  }
  const keys = Object.keys(o).slice(0, 5);
  return keys.length > 0 ? ` (top-level keys: ${keys.join(', ')})` : '';
}

/** Reads and validates manifest.json; an invalid manifest is reported, never fatal (the bundle stays usable, marked altered). */
export async function readManifest(files: BundleFile[]): Promise<ManifestRead> {
  const f = files.find((x) => x.relPath === MANIFEST_NAME);
  if (!f) return { state: 'absent' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(f.absPath, 'utf8'));
  } catch (e) {
    return { state: 'invalid', detail: `manifest.json is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  // An Audit Desk manifest has a format_version (or says so, or lists files); anything else is another tool's file.
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>;
    if (!('format_version' in o) && o['format'] !== 'auditdesk-bundle' && !Array.isArray(o['files'])) {
      return { state: 'foreign', detail: `manifest.json is not an Audit Desk manifest${foreignOwner(o)}: the files are hashed but not verified against it` };
    }
  }
  const res = manifestSchema.safeParse(parsed);
  if (!res.success) {
    const first = res.error.issues[0];
    const where = first ? first.path.join('.') : '';
    return { state: 'invalid', detail: `manifest.json does not match the manifest schema${where ? ` at ${where}` : ''}: ${first?.message ?? 'invalid'}` };
  }
  return { state: 'ok', manifest: res.data };
}

/** Manifest entries by normalised path ("./a//b.csv" → "a/b.csv"). */
export function manifestEntries(m: Manifest | null): Map<string, ManifestFile> {
  const map = new Map<string, ManifestFile>();
  if (!m) return map;
  for (const f of m.files) map.set(normalizeManifestPath(f.path), f);
  return map;
}

/**
 * Manifest entries that name the same file twice ("spans.jsonl" and "./spans.jsonl"): the map above keeps
 * only one of them, so each such path is an integrity problem, never a silent choice.
 */
export function manifestDuplicates(m: Manifest | null): { path: string; spellings: string[] }[] {
  if (!m) return [];
  const by = new Map<string, string[]>();
  for (const f of m.files) {
    const key = normalizeManifestPath(f.path);
    by.set(key, [...(by.get(key) ?? []), f.path]);
  }
  return [...by]
    .filter(([, spellings]) => spellings.length > 1)
    .map(([path, spellings]) => ({ path, spellings }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function normalizeManifestPath(p: string): string {
  return p
    .replaceAll('\\', '/')
    .split('/')
    .filter((x) => x !== '' && x !== '.')
    .join('/');
}
