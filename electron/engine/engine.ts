import type { AuditApi } from '../../shared/contract';
import type { Progress } from '../../shared/api/common';
import { EngineContext, type EngineConfig } from './context';
import { bundleHandlers } from './bundle/handlers';
import { driftHandlers } from './drift/handlers';
import { analyticsHandlers } from './analytics/handlers';
import { workspaceHandlers } from './workspace/handlers';
import type { PdfPrinter } from './report/printer';
import { sweepStaleWorkFolders } from './fs/workFolders';

export interface EngineOptions extends EngineConfig {
  onProgress?: (p: Progress) => void;
  /** Turns print-ready HTML into PDF bytes: Electron's printToPDF in the app, headless Chromium in the CLI and tests. */
  printPdf?: PdfPrinter;
}

export interface Engine extends AuditApi {
  readonly context: EngineContext;
  /** Work folders left by engines that died (crash, kill) and removed at this engine's start; live ones are never touched. */
  readonly staleWorkFolders: Promise<string[]>;
  /** Closes every open bundle session (removing its work folder). */
  dispose(): Promise<void>;
}

/** The whole engine behind the contract. No Electron import: runs in tests, the CLI and the app's utility process. */
export function createEngine(options: EngineOptions): Engine {
  const ctx = new EngineContext(options, options.onProgress ?? (() => undefined));
  const staleWorkFolders = sweepStaleWorkFolders(options.dataDir);
  const api: AuditApi = {
    ...bundleHandlers(ctx),
    ...driftHandlers(ctx),
    ...analyticsHandlers(ctx),
    ...workspaceHandlers(ctx, options.printPdf),
  };
  // Every call naming an open bundle is tracked, so closeBundle waits for it (after interrupting it)
  // instead of closing DuckDB under a running query.
  const tracked = Object.fromEntries(
    Object.entries(api).map(([name, fn]) => {
      if (name === 'closeBundle' || name === 'openBundle') return [name, fn];
      const call = fn as (args: unknown) => Promise<unknown>;
      return [
        name,
        async (args: unknown) => {
          const id = args && typeof args === 'object' && typeof (args as { bundleId?: unknown }).bundleId === 'string' ? (args as { bundleId: string }).bundleId : null;
          const release = id !== null && ctx.sessions.has(id) ? ctx.enter(id) : null;
          try {
            return await call(args);
          } finally {
            release?.();
          }
        },
      ];
    }),
  ) as unknown as AuditApi;
  return {
    ...tracked,
    context: ctx,
    staleWorkFolders,
    async dispose() {
      await staleWorkFolders;
      for (const id of [...ctx.sessions.keys()]) await api.closeBundle({ bundleId: id });
    },
  };
}
