import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, type WebContents } from 'electron';
import { API_METHOD_NAMES, IPC_PREFIX, PROGRESS_CHANNEL } from '../../shared/methods';
import type { AuditApi } from '../../shared/contract';
import { ApiError } from '../../shared/api/common';
import { createDispatcher } from '../shell/dispatch';
import { APP_ENTRY_URL } from '../shell/appProtocol';
import { sweepStaleWorkFolders } from '../engine/fs/workFolders';
import { startEngine, type EngineClient, type EngineGone } from './engineClient';
import { appendOfflineSwitches, printHtmlToPdf } from './printer';
import { handleAppScheme, registerAppScheme } from './protocol';
import { lockDownContents, lockDownSession, trustedSender } from './security';

// Before ready, once: app:// is a standard, secure origin serving the built renderer (no file://).
registerAppScheme();
app.enableSandbox();
appendOfflineSwitches();

const rendererDir = path.join(__dirname, '..', 'renderer');
const preloadPath = path.join(__dirname, '..', 'preload', 'index.cjs');
const engineHostPath = path.join(__dirname, 'engineHost.js');
const windows: BrowserWindow[] = [];
/** Bundles each window opened, so a window that crashed does not leave them open (and their work folders) until quit. */
const bundlesOf = new Map<number, Set<string>>();
let engine: EngineClient | null = null;

function liveWindows(): BrowserWindow[] {
  return windows.filter((w) => !w.isDestroyed());
}

async function loadApp(win: BrowserWindow): Promise<void> {
  try {
    await win.loadURL(APP_ENTRY_URL);
  } catch {
    // did-fail-load has the reason and offers a retry.
  }
}

/** A visible error with its reason and a way out: Retry (or Reload) and Quit. */
async function offerRetry(win: BrowserWindow, message: string, detail: string, retry: string): Promise<void> {
  if (win.isDestroyed()) return;
  if (!win.isVisible()) win.show();
  const { response } = await dialog.showMessageBox(win, { type: 'error', title: 'Audit Desk', message, detail, buttons: [retry, 'Quit'], defaultId: 0, cancelId: 1, noLink: true });
  if (response !== 0) app.quit();
  else if (!win.isDestroyed()) void loadApp(win);
}

async function closeBundlesOf(wc: WebContents): Promise<number> {
  const ids = [...(bundlesOf.get(wc.id) ?? [])];
  bundlesOf.delete(wc.id);
  for (const bundleId of ids) await engine?.call('closeBundle', { bundleId });
  return ids.length;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'Audit Desk',
    show: false,
    webPreferences: {
      preload: preloadPath,
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
  const wc = win.webContents;
  const wcId = wc.id;
  lockDownContents(wc);
  win.once('ready-to-show', () => win.show());
  wc.on('did-fail-load', (_e, code: number, description: string, url: string, isMainFrame: boolean) => {
    // -3 is ERR_ABORTED: a load replaced by another, not a failure.
    if (!isMainFrame || code === -3) return;
    void offerRetry(win, 'Audit Desk could not load its window.', `${description} (error ${code}) loading ${url}.`, 'Retry');
  });
  wc.on('render-process-gone', (_e, details: { reason: string; exitCode: number }) => {
    if (details.reason === 'clean-exit') return;
    void closeBundlesOf(wc).then((closed) =>
      offerRetry(
        win,
        'The Audit Desk window stopped.',
        `Reason: ${details.reason} (exit code ${details.exitCode}).${closed ? ` The ${closed === 1 ? 'bundle' : `${closed} bundles`} it had open ${closed === 1 ? 'was' : 'were'} closed.` : ''} Reload to start again from the Open screen.`,
        'Reload',
      ),
    );
  });
  win.on('closed', () => {
    windows.splice(windows.indexOf(win), 1);
    const ids = [...(bundlesOf.get(wcId) ?? [])];
    bundlesOf.delete(wcId);
    for (const bundleId of ids) void engine?.call('closeBundle', { bundleId });
  });
  windows.push(win);
  void loadApp(win);
  return win;
}

function engineGone(gone: EngineGone): void {
  bundlesOf.clear();
  const dataDir = app.getPath('userData');
  // The dead engine cannot remove its work folders: this does (only folders whose owner is gone). A new
  // engine starts at once, unless the dead one died right after starting (then at the next call, not in a loop).
  const restart = gone.livedMs > 10_000;
  void sweepStaleWorkFolders(dataDir).finally(() => {
    if (restart) engine?.start();
  });
  const detail = [
    gone.code === null ? 'It exited without an exit code.' : `Exit code ${gone.code}.`,
    gone.interrupted ? `${gone.interrupted} ${gone.interrupted === 1 ? 'task that was running has' : 'tasks that were running have'} failed.` : '',
    'The bundles that were open are closed and their temporary files removed; nothing was re-opened.',
    restart ? 'A new engine has started: reload to open a bundle again.' : 'It stopped right after starting; a new one starts when you open a bundle. If this repeats, quit Audit Desk and use the CLI (npx auditdesk) to see the error.',
  ]
    .filter(Boolean)
    .join(' ');
  for (const win of liveWindows()) void offerRetry(win, 'The Audit Desk engine stopped unexpectedly.', detail, 'Reload');
}

/** Everything the renderer may call: the engine (in its utility process) plus native dialogs. */
function buildApi(client: EngineClient): AuditApi {
  const forward = (method: string) => async (args: unknown) => {
    const env = await client.call(method, args);
    if (env.ok) return env.result;
    throw new ApiError(env.error.code as ApiError['code'], env.error.message, env.error.where);
  };
  const api = Object.fromEntries(API_METHOD_NAMES.map((m) => [m, forward(m)])) as unknown as AuditApi;
  api.pickBundlePath = async ({ kind }) => {
    const focused = BrowserWindow.getFocusedWindow() ?? liveWindows()[0];
    const opts: Electron.OpenDialogOptions =
      kind === 'folder'
        ? { title: 'Open export bundle folder', properties: ['openDirectory'] }
        : { title: 'Open export bundle (.zip)', properties: ['openFile'], filters: [{ name: 'Zip bundle', extensions: ['zip'] }] };
    const r = focused ? await dialog.showOpenDialog(focused, opts) : await dialog.showOpenDialog(opts);
    return { path: r.canceled ? null : (r.filePaths[0] ?? null) };
  };
  api.pickSavePath = async ({ defaultName }) => {
    const focused = BrowserWindow.getFocusedWindow() ?? liveWindows()[0];
    const opts: Electron.SaveDialogOptions = { title: 'Save audit report', defaultPath: defaultName, filters: [{ name: 'PDF', extensions: ['pdf'] }] };
    const r = focused ? await dialog.showSaveDialog(focused, opts) : await dialog.showSaveDialog(opts);
    return { path: r.canceled ? null : (r.filePath ?? null) };
  };
  return api;
}

function start(): void {
  handleAppScheme(rendererDir);
  lockDownSession();
  const client = startEngine({
    hostPath: engineHostPath,
    dataDir: app.getPath('userData'),
    onProgress: (p) => liveWindows().forEach((w) => w.webContents.send(PROGRESS_CHANNEL, p)),
    print: printHtmlToPdf,
    onGone: engineGone,
  });
  engine = client;
  // Started now, not at the first call: it also removes work folders left by engines that crashed.
  client.start();
  const dispatch = createDispatcher(buildApi(client), { isTrustedSender: trustedSender(liveWindows) });
  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(IPC_PREFIX + method, async (event, args: unknown) => {
      const env = await dispatch(event, method, args);
      if (env.ok && method === 'openBundle') {
        const id = (env.result as { bundleId: string }).bundleId;
        const set = bundlesOf.get(event.sender.id) ?? new Set<string>();
        bundlesOf.set(event.sender.id, set.add(id));
      } else if (method === 'closeBundle' && args && typeof args === 'object') {
        bundlesOf.get(event.sender.id)?.delete(String((args as { bundleId?: unknown }).bundleId));
      }
      return env;
    });
  }
  createWindow();
  app.on('activate', () => {
    if (liveWindows().length === 0) createWindow();
  });
}

app.whenReady().then(start).catch((e: unknown) => {
  dialog.showErrorBox('Audit Desk could not start', e instanceof Error ? (e.stack ?? e.message) : String(e));
  app.exit(1);
});

app.on('web-contents-created', (_e, wc) => lockDownContents(wc));
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quit closes every bundle in the engine (each removes its work folder) before the app exits.
let quitting: 'no' | 'closing' | 'done' = 'no';
app.on('will-quit', (e) => {
  if (quitting === 'done') return;
  e.preventDefault();
  if (quitting === 'closing') return;
  quitting = 'closing';
  const dataDir = app.getPath('userData');
  void (engine?.shutdown() ?? Promise.resolve())
    .then(() => sweepStaleWorkFolders(dataDir))
    .catch(() => undefined)
    .finally(() => {
      quitting = 'done';
      app.quit();
    });
});
