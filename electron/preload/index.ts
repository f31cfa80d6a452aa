// Sandboxed preload: exposes exactly the typed contract on window.auditDesk, nothing else.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_PREFIX, PROGRESS_CHANNEL } from '../../shared/methods';
import type { Progress } from '../../shared/api/common';
import { createAuditBridge, type WireEnvelope } from '../shell/windowApi';

const bridge = createAuditBridge({
  invoke: async (method, args) => (await ipcRenderer.invoke(IPC_PREFIX + method, args)) as WireEnvelope,
  onProgress(listener) {
    const wrapped = (_e: unknown, p: Progress) => listener(p);
    ipcRenderer.on(PROGRESS_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(PROGRESS_CHANNEL, wrapped);
  },
  pathForFile: (file) => (file instanceof File ? webUtils.getPathForFile(file) : null),
});

contextBridge.exposeInMainWorld('auditDesk', bridge);
