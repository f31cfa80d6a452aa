import type { WorkspaceApi } from '../../../shared/api/workspace';
import type { EngineContext } from '../context';
import { notImplemented } from '../notImplemented';

export type PdfPrinter = (html: string) => Promise<Uint8Array>;

export function workspaceHandlers(_ctx: EngineContext, _printPdf: PdfPrinter | undefined): WorkspaceApi {
  return {
    loadWorkspace: async () => notImplemented('loadWorkspace'),
    saveWorkspace: async () => notImplemented('saveWorkspace'),
    exportReport: async () => notImplemented('exportReport'),
    reportPreview: async () => notImplemented('reportPreview'),
    pickSavePath: async () => ({ path: null }),
    pickBundlePath: async () => ({ path: null }),
  };
}
