import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { API_METHOD_NAMES, IPC_PREFIX, PROGRESS_CHANNEL } from '../../shared/methods';
import type { AuditApi } from '../../shared/contract';
import { ApiError } from '../../shared/api/common';
import { createDispatcher } from '../shell/dispatch';
import { startEngine } from './engineClient';
import { printHtmlToPdf } from './printer';
import { lockDownContents, lockDownSession, trustedSender } from './security';

const rendererDir = path.join(__dirname, '..', 'renderer');
const rendererDirUrl = pathToFileURL(rendererDir + path.sep).href;
const windows: BrowserWindow[] = [];

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'Audit Desk',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  lockDownContents(win.webContents, rendererDirUrl);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => windows.splice(windows.indexOf(win), 1));
  void win.loadFile(path.join(rendererDir, 'index.html'));
  windows.push(win);
  return win;
}

/** Everything the renderer may call: the engine (in its utility process) plus native dialogs. */
function buildApi(): AuditApi {
  const engine = startEngine({
    hostPath: path.join(__dirname, 'engineHost.js'),
    dataDir: app.getPath('userData'),
    onProgress: (p) => windows.forEach((w) => w.webContents.send(PROGRESS_CHANNEL, p)),
    print: printHtmlToPdf,
  });
  app.on('will-quit', () => engine.dispose());
  const forward = (method: string) => async (args: unknown) => {
    const env = await engine.call(method, args);
    if (env.ok) return env.result;
    throw new ApiError(env.error.code as ApiError['code'], env.error.message, env.error.where);
  };
  const api = Object.fromEntries(API_METHOD_NAMES.map((m) => [m, forward(m)])) as unknown as AuditApi;
  api.pickBundlePath = async ({ kind }) => {
    const focused = BrowserWindow.getFocusedWindow() ?? windows[0];
    const opts: Electron.OpenDialogOptions =
      kind === 'folder'
        ? { title: 'Open export bundle folder', properties: ['openDirectory'] }
        : { title: 'Open export bundle (.zip)', properties: ['openFile'], filters: [{ name: 'Zip bundle', extensions: ['zip'] }] };
    const r = focused ? await dialog.showOpenDialog(focused, opts) : await dialog.showOpenDialog(opts);
    return { path: r.canceled ? null : (r.filePaths[0] ?? null) };
  };
  api.pickSavePath = async ({ defaultName }) => {
    const focused = BrowserWindow.getFocusedWindow() ?? windows[0];
    const opts: Electron.SaveDialogOptions = { title: 'Save audit report', defaultPath: defaultName, filters: [{ name: 'PDF', extensions: ['pdf'] }] };
    const r = focused ? await dialog.showSaveDialog(focused, opts) : await dialog.showSaveDialog(opts);
    return { path: r.canceled ? null : (r.filePath ?? null) };
  };
  return api;
}

app.enableSandbox();
void app.whenReady().then(() => {
  lockDownSession(rendererDirUrl);
  const dispatch = createDispatcher(buildApi(), { isTrustedSender: trustedSender(() => windows, rendererDirUrl) });
  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(IPC_PREFIX + method, (event, args: unknown) => dispatch(event, method, args));
  }
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_e, wc) => lockDownContents(wc, rendererDirUrl));
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
