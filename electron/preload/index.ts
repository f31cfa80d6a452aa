// Sandboxed preload: exposes exactly the typed contract on window.auditDesk, nothing else.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { API_METHOD_NAMES, IPC_PREFIX, PROGRESS_CHANNEL } from '../../shared/methods';
import type { AuditApi, AuditBridge } from '../../shared/contract';
import type { ApiErrorShape, Progress } from '../../shared/api/common';

type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly where?: ApiErrorShape['where'],
  ) {
    super(message);
  }
}

const api = Object.fromEntries(
  API_METHOD_NAMES.map((method) => [
    method,
    async (args: unknown) => {
      const env = (await ipcRenderer.invoke(IPC_PREFIX + method, args)) as Envelope;
      if (env.ok) return env.result;
      // contextBridge copies only an Error's message; code and place travel in the message prefix too.
      throw new BridgeError(env.error.code, JSON.stringify(env.error), env.error.where);
    },
  ]),
) as unknown as AuditApi;

const bridge: AuditBridge = {
  api,
  onProgress(listener) {
    const wrapped = (_e: unknown, p: Progress) => listener(p);
    ipcRenderer.on(PROGRESS_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(PROGRESS_CHANNEL, wrapped);
  },
  pathForFile(file) {
    return file instanceof File ? webUtils.getPathForFile(file) : null;
  },
};

contextBridge.exposeInMainWorld('auditDesk', bridge);
