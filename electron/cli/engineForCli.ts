import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../engine/engine';
import type { Progress } from '../../shared/api/common';
import type { PdfPrinter } from '../engine/report/printer';
import type { ImportSummary } from '../../shared/api/bundle';
import { UsageError } from './io';

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
    process.stderr.write(`[${p.phase}]${pct} ${p.message}\n`);
  };
}

/** The single BUNDLE positional every bundle command takes. */
export function oneBundle(positionals: string[]): string {
  const bundle = positionals[0];
  if (!bundle || positionals.length > 1) throw new UsageError('expected exactly one BUNDLE (folder or .zip)');
  return bundle;
}

/** Opens the bundle read-only, runs `work` on it, and always closes the engine (and its DuckDB session). */
export async function withBundle<T>(
  bundlePath: string,
  opts: { progress: boolean; printPdf?: PdfPrinter },
  work: (engine: Engine, summary: ImportSummary) => Promise<T>,
): Promise<T> {
  const engine = engineForCli({ progress: stderrProgress(opts.progress), ...(opts.printPdf ? { printPdf: opts.printPdf } : {}) });
  try {
    const summary = await engine.openBundle({ path: bundlePath });
    return await work(engine, summary);
  } finally {
    await engine.dispose();
  }
}
