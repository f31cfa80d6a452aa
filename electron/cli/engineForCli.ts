import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../engine/engine';
import type { Progress } from '../../shared/api/common';
import type { PdfPrinter } from '../engine/workspace/handlers';

/** Where the CLI keeps its cache (demo bundle, recent list): AUDITDESK_DATA_DIR or ~/.cache/auditdesk. */
export function cliDataDir(): string {
  return process.env['AUDITDESK_DATA_DIR'] ?? path.join(os.homedir(), '.cache', 'auditdesk');
}

export function engineForCli(opts: { progress?: (p: Progress) => void; printPdf?: PdfPrinter } = {}): Engine {
  return createEngine({ dataDir: cliDataDir(), onProgress: opts.progress, ...(opts.printPdf ? { printPdf: opts.printPdf } : {}) });
}

/** Progress on stderr, one line per phase/file, only when stderr is a terminal or --progress was given. */
export function stderrProgress(enabled: boolean): ((p: Progress) => void) | undefined {
  if (!enabled) return undefined;
  return (p) => {
    const pct = p.fraction !== undefined ? ` ${(p.fraction * 100).toFixed(0)}%` : '';
    process.stderr.write(`[${p.phase}]${pct} ${p.message}\n`);
  };
}
