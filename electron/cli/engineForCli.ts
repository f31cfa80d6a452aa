import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../engine/engine';
import type { Progress } from '../../shared/api/common';
import { visibleText } from '../../shared/visibleText';
import type { PdfPrinter } from '../engine/report/printer';
import type { ImportSummary } from '../../shared/api/bundle';
import { UsageError } from './io';
import { promises as fsp } from 'node:fs';
import { auditorMappingSchema, mergeMappings, parseMapAssignment, type AuditorMapping } from '../../shared/mapping';

/** Where the CLI keeps its cache (demo bundle, recent list): AUDITDESK_DATA_DIR or ~/.cache/auditdesk. */
export function cliDataDir(): string {
  return process.env['AUDITDESK_DATA_DIR'] ?? path.join(os.homedir(), '.cache', 'auditdesk');
}

/** DuckDB limits for every engine this CLI run creates (global --memory-limit / --threads, or AUDITDESK_MEMORY_LIMIT). */
export interface CliEngineLimits {
  memoryLimit?: string;
  threads?: number;
}

let limits: CliEngineLimits = {};

export function setCliEngineLimits(next: CliEngineLimits): void {
  limits = next;
}

export function engineForCli(opts: { progress?: (p: Progress) => void; printPdf?: PdfPrinter } = {}): Engine {
  const memoryLimit = limits.memoryLimit ?? process.env['AUDITDESK_MEMORY_LIMIT'];
  return createEngine({
    dataDir: cliDataDir(),
    onProgress: opts.progress,
    ...(memoryLimit ? { memoryLimit } : {}),
    ...(limits.threads ? { threads: limits.threads } : {}),
    ...(opts.printPdf ? { printPdf: opts.printPdf } : {}),
  });
}

/** Progress on stderr, one line per phase/file, only when stderr is a terminal or --progress was given. */
export function stderrProgress(enabled: boolean): ((p: Progress) => void) | undefined {
  if (!enabled) return undefined;
  return (p) => {
    const pct = p.fraction !== undefined ? ` ${(p.fraction * 100).toFixed(0)}%` : '';
    // Messages name the bundle's files: their control and bidi characters are shown, never sent to the terminal.
    process.stderr.write(`[${p.phase}]${pct} ${visibleText(p.message)}\n`);
  };
}

/** The single BUNDLE positional every bundle command takes. */
export function oneBundle(positionals: string[]): string {
  const bundle = positionals[0];
  if (!bundle || positionals.length > 1) throw new UsageError('expected exactly one BUNDLE (folder or .zip)');
  return bundle;
}

/** The column-mapping flags every command that opens a bundle takes. */
export const MAPPING_OPTIONS = {
  map: { type: 'string', multiple: true },
  mapping: { type: 'string' },
} as const;

export const MAPPING_USAGE = '[--map TABLE.COLUMN=SOURCE]… [--mapping FILE]';

/**
 * The auditor's mapping from --mapping FILE (JSON: {"records": {"ts": "date"}}, or a workspace file with a
 * "mapping") and --map TABLE.COLUMN=SOURCE (repeatable, wins over the file). Undefined when neither is given:
 * the engine then uses the mapping saved in the workspace beside the bundle, if any.
 */
export async function mappingFromFlags(values: { map?: string[] | undefined; mapping?: string | undefined }): Promise<AuditorMapping | undefined> {
  if (!values.map?.length && values.mapping === undefined) return undefined;
  let fromFile: AuditorMapping = {};
  if (values.mapping !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(await fsp.readFile(values.mapping, 'utf8'));
    } catch (e) {
      throw new UsageError(`--mapping ${values.mapping}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const body = raw && typeof raw === 'object' && 'mapping' in raw ? (raw as { mapping: unknown }).mapping : raw;
    const parsed = auditorMappingSchema.safeParse(body);
    if (!parsed.success) throw new UsageError(`--mapping ${values.mapping}: expected {"TABLE": {"COLUMN": "SOURCE"}}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    fromFile = parsed.data;
  }
  const fromFlags: AuditorMapping = {};
  for (const text of values.map ?? []) {
    const a = parseMapAssignment(text);
    if (!a) throw new UsageError(`--map expects TABLE.COLUMN=SOURCE (e.g. records.ts=date), got "${text}"`);
    fromFlags[a.table] = { ...(fromFlags[a.table] ?? {}), [a.column]: a.source };
  }
  return mergeMappings(fromFile, fromFlags);
}

/** Opens the bundle read-only, runs `work` on it, and always closes the engine (and its DuckDB session). */
export async function withBundle<T>(
  bundlePath: string,
  opts: { progress: boolean; printPdf?: PdfPrinter; mapping?: AuditorMapping | undefined },
  work: (engine: Engine, summary: ImportSummary) => Promise<T>,
): Promise<T> {
  const engine = engineForCli({ progress: stderrProgress(opts.progress), ...(opts.printPdf ? { printPdf: opts.printPdf } : {}) });
  try {
    const summary = await engine.openBundle({ path: bundlePath, ...(opts.mapping ? { mapping: opts.mapping } : {}) });
    return await work(engine, summary);
  } finally {
    await engine.dispose();
  }
}
