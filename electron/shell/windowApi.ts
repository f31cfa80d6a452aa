/**
 * The window API (`window.auditDesk`) in terms of a transport, so the one implementation runs in the
 * sandboxed preload (transport: ipcRenderer) and, through the built preload, in the renderer e2e tests
 * (transport: a Playwright binding). No Node or Electron imports: it is bundled into the preload.
 */
import { API_METHOD_NAMES } from '../../shared/methods';
import type { AuditApi, AuditBridge } from '../../shared/contract';
import type { ApiErrorShape, Progress } from '../../shared/api/common';

export type WireEnvelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

export interface WindowTransport {
  /** One contract call; resolves with the main process's envelope (it never throws across IPC). */
  invoke(method: string, args: unknown): Promise<WireEnvelope>;
  onProgress(listener: (p: Progress) => void): () => void;
  pathForFile(file: unknown): string | null;
}

class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly where?: ApiErrorShape['where'],
  ) {
    super(message);
  }
}

export function createAuditBridge(transport: WindowTransport): AuditBridge {
  const api = Object.fromEntries(
    API_METHOD_NAMES.map((method) => [
      method,
      async (args: unknown) => {
        const env = await transport.invoke(method, args);
        if (env.ok) return env.result;
        // contextBridge copies only an Error's message; code and place travel in the message as JSON too.
        throw new BridgeError(env.error.code, JSON.stringify(env.error), env.error.where);
      },
    ]),
  ) as unknown as AuditApi;
  return {
    api,
    onProgress: (listener) => transport.onProgress(listener),
    pathForFile: (file) => transport.pathForFile(file),
  };
}
