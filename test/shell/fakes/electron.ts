/**
 * A fake `electron` module for running the BUILT main process (out/main/index.js) in vitest, where no
 * Electron binary exists. Each fake follows Electron's documented behaviour where the shell depends on it:
 *
 * - protocol.registerSchemesAsPrivileged only before ready (and once: a later call replaces the list);
 *   protocol.handle only after ready, once per scheme; app:// loads go through the registered handler,
 *   subresources of a loaded page too.
 * - webContents.loadURL refuses URLs over Chromium's 2 MiB limit (ERR_INVALID_URL, did-fail-load);
 *   unknown schemes fail with ERR_UNKNOWN_URL_SCHEME; requests cancelled by webRequest.onBeforeRequest
 *   fail with ERR_BLOCKED_BY_CLIENT; loadFile is loadURL of the file URL.
 * - webContents.printToPDF prints what was loaded with real (Debian) Chromium.
 * - ipcMain.handle refuses a second handler for a channel.
 * - utilityProcess.fork is child_process.fork of the same file with `process.parentPort` (which queues
 *   messages until a listener exists), structured-clone serialisation, 'exit' with a code, and
 *   app 'child-process-gone' when it dies abnormally.
 * - app.quit runs before-quit → windows close → will-quit (each may be prevented) → quit.
 * - dialog.showMessageBox stays open until the test answers, as a modal dialog waits for a person.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const MAX_URL_CHARS = 2 * 1024 * 1024;
const PARENT_PORT_SHIM = pathToFileURL(path.join(__dirname, 'parentPort.mjs')).href;

type Listener = (...args: unknown[]) => unknown;
interface PreventableEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
}
function preventable(): PreventableEvent {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

export interface MessageBox {
  window: FakeBrowserWindow | null;
  options: { type?: string; title?: string; message: string; detail?: string; buttons?: string[] };
  answer(response: number): void;
}

// ---------------------------------------------------------------------------------------------- state

export const fake = {
  isReady: false,
  readyCalls: [] as string[],
  sandboxEnabledBeforeReady: null as boolean | null,
  privilegedSchemes: null as null | { scheme: string; privileges?: Record<string, boolean> }[],
  protocolHandlers: new Map<string, (req: Request) => Response | Promise<Response>>(),
  ipcHandlers: new Map<string, Listener>(),
  messageBoxes: [] as MessageBox[],
  messageBoxWaiters: [] as ((m: MessageBox) => void)[],
  errorBoxes: [] as { title: string; content: string }[],
  openDialogAnswer: { canceled: true, filePaths: [] as string[] },
  saveDialogAnswer: { canceled: true, filePath: undefined as string | undefined },
  utilityProcesses: [] as FakeUtilityProcess[],
  exitCode: null as number | null,
  quitted: false,
  paths: { userData: '', temp: os.tmpdir() } as Record<string, string>,
  /** Main-frame loads that fail once with this Chromium error, e.g. [-105, 'ERR_NAME_NOT_RESOLVED']. */
  failNextLoads: [] as [number, string][],
  printedFromUrls: [] as { url: string; bytes: number }[],
  /** app.commandLine.appendSwitch calls, in order; Chromium reads them only before ready. */
  switches: [] as { name: string; value?: string; beforeReady: boolean }[],
  /** The command line Chromium starts with: the switches appended before ready, as "--name[=value]". */
  chromiumSwitches(): string[] {
    return fake.switches.filter((s) => s.beforeReady).map((s) => (s.value === undefined ? `--${s.name}` : `--${s.name}=${s.value}`));
  },
  readyResolve: null as (() => void) | null,
  /** Test control: the app becomes ready. */
  ready(): void {
    fake.isReady = true;
    app.emit('ready', preventable(), {});
    fake.readyResolve?.();
  },
  /** The next message box the shell opens (waits for it; fails after `timeoutMs` if none opens). */
  nextMessageBox(timeoutMs = 30_000): Promise<MessageBox> {
    const open = fake.messageBoxes.shift();
    if (open) return Promise.resolve(open);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        fake.messageBoxWaiters.splice(fake.messageBoxWaiters.indexOf(waiter), 1);
        reject(new Error(`no message box opened within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (m: MessageBox) => {
        clearTimeout(timer);
        resolve(m);
      };
      fake.messageBoxWaiters.push(waiter);
    });
  },
};

// ---------------------------------------------------------------------------------------------- app

class FakeApp extends EventEmitter {
  private readyPromise = new Promise<void>((resolve) => {
    fake.readyResolve = resolve;
  });
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return fake.isReady;
  }
  enableSandbox(): void {
    if (fake.isReady) throw new Error('app.enableSandbox() can only be called before app is ready');
    fake.sandboxEnabledBeforeReady = true;
  }
  getPath(name: string): string {
    const p = fake.paths[name];
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  }
  getVersion(): string {
    return '0.0.0-fake';
  }
  readonly commandLine = {
    appendSwitch(name: string, value?: string): void {
      fake.switches.push({ name, ...(value !== undefined ? { value } : {}), beforeReady: !fake.isReady });
    },
    hasSwitch(name: string): boolean {
      return fake.switches.some((s) => s.name === name);
    },
    getSwitchValue(name: string): string {
      return fake.switches.findLast((s) => s.name === name)?.value ?? '';
    },
  };
  /** Inside app.quit() closing windows: Electron then does not emit window-all-closed. */
  closingForQuit = false;
  quit(): void {
    const before = preventable();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    this.closingForQuit = true;
    try {
      for (const w of [...FakeBrowserWindow.all]) w.close();
    } finally {
      this.closingForQuit = false;
    }
    if (FakeBrowserWindow.all.some((w) => !w.isDestroyed())) return;
    const will = preventable();
    this.emit('will-quit', will);
    if (will.defaultPrevented) return;
    fake.quitted = true;
    this.emit('quit', preventable(), 0);
  }
  exit(code = 0): void {
    fake.exitCode = code;
  }
}
export const app = new FakeApp();

// ---------------------------------------------------------------------------------------------- session

type BeforeRequest = (details: { url: string; resourceType: string }, cb: (r: { cancel?: boolean }) => void) => void;

class FakeSession {
  beforeRequest: BeforeRequest | null = null;
  headersReceived: Listener | null = null;
  permissionRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void, details: unknown) => void) | null = null;
  permissionCheck: ((wc: unknown, permission: string) => boolean) | null = null;
  constructor(readonly partition: string) {}
  webRequest = {
    onBeforeRequest: (fn: BeforeRequest) => {
      this.beforeRequest = fn;
    },
    onHeadersReceived: (fn: Listener) => {
      this.headersReceived = fn;
    },
  };
  setPermissionRequestHandler(fn: FakeSession['permissionRequest']): void {
    this.permissionRequest = fn;
  }
  setPermissionCheckHandler(fn: FakeSession['permissionCheck']): void {
    this.permissionCheck = fn;
  }
  /** Whether webRequest lets a request through (no listener: yes). */
  allows(url: string, resourceType: string): Promise<boolean> {
    const fn = this.beforeRequest;
    if (!fn) return Promise.resolve(true);
    return new Promise((resolve) => fn({ url, resourceType }, (r) => resolve(!r.cancel)));
  }
}
const partitions = new Map<string, FakeSession>();
export const session = {
  defaultSession: new FakeSession(''),
  fromPartition(partition: string): FakeSession {
    let s = partitions.get(partition);
    if (!s) partitions.set(partition, (s = new FakeSession(partition)));
    return s;
  },
};

// ---------------------------------------------------------------------------------------------- protocol

export const protocol = {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, boolean> }[]): void {
    if (fake.isReady) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    fake.privilegedSchemes = schemes;
  },
  handle(scheme: string, handler: (req: Request) => Response | Promise<Response>): void {
    if (!fake.isReady) throw new Error('protocol.handle can only be used after the app is ready');
    if (fake.protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    fake.protocolHandlers.set(scheme, handler);
  },
  isProtocolHandled(scheme: string): boolean {
    return fake.protocolHandlers.has(scheme);
  },
};

// ---------------------------------------------------------------------------------------------- webContents

class LoadError extends Error {
  constructor(
    readonly errno: number,
    readonly code: string,
    readonly url: string,
  ) {
    super(`${code} (${errno}) loading '${url.length > 200 ? `${url.slice(0, 200)}…` : url}'`);
  }
}

let nextWebContentsId = 1;
let printBrowser: Promise<Browser> | null = null;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  /** Every subresource of the last page: URL → HTTP status (or a Chromium error name). */
  readonly resources = new Map<string, number | string>();
  lastResponseHeaders: Headers | null = null;
  constructor(
    readonly owner: FakeBrowserWindow,
    readonly session: FakeSession,
  ) {
    super();
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args: args.map((a) => structuredClone(a)) });
    this.emit('ipc-message-sent', channel, ...args);
  }
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = fn;
  }
  /** Test helper: a navigation the page starts (link, location); returns whether the shell let it happen. */
  navigate(url: string): boolean {
    const e = preventable();
    this.emit('will-navigate', e, url);
    return !e.defaultPrevented;
  }

  private async fetchUrl(url: string, resourceType: string): Promise<{ status: number; headers: Headers; body: string }> {
    if (!(await this.session.allows(url, resourceType))) throw new LoadError(-20, 'ERR_BLOCKED_BY_CLIENT', url);
    const scheme = url.slice(0, url.indexOf(':'));
    if (scheme === 'data') {
      const comma = url.indexOf(',');
      return { status: 200, headers: new Headers(), body: decodeURIComponent(url.slice(comma + 1)) };
    }
    if (scheme === 'file') {
      const file = fileURLToPath(url);
      if (!existsSync(file)) throw new LoadError(-6, 'ERR_FILE_NOT_FOUND', url);
      return { status: 200, headers: new Headers(), body: readFileSync(file, 'utf8') };
    }
    const handler = this.session === session.defaultSession ? fake.protocolHandlers.get(scheme) : undefined;
    if (!handler) throw new LoadError(-302, 'ERR_UNKNOWN_URL_SCHEME', url);
    const res = await handler(new Request(url));
    return { status: res.status, headers: res.headers, body: await res.text() };
  }

  async loadURL(url: string): Promise<void> {
    if (this.destroyed) throw new Error('Object has been destroyed');
    try {
      if (url.length > MAX_URL_CHARS) throw new LoadError(-300, 'ERR_INVALID_URL', url);
      const injected = fake.failNextLoads.shift();
      if (injected) throw new LoadError(injected[0], injected[1], url);
      const page = await this.fetchUrl(url, 'mainFrame');
      if (page.status >= 400) throw new LoadError(-6, 'ERR_FILE_NOT_FOUND', url);
      this.url = url;
      this.lastResponseHeaders = page.headers;
      this.resources.clear();
      // Subresources named by the page (scripts, stylesheets, icons), fetched the way Chromium would.
      for (const m of page.body.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)) {
        const sub = new URL(m[1]!, url).href;
        try {
          this.resources.set(sub, (await this.fetchUrl(sub, 'script')).status);
        } catch (e) {
          this.resources.set(sub, e instanceof LoadError ? e.code : String(e));
        }
      }
      this.emit('did-finish-load');
      this.owner.emitReadyToShow();
    } catch (e) {
      if (e instanceof LoadError) this.emit('did-fail-load', preventable(), e.errno, e.code, url, true, 0, 0);
      throw e;
    }
  }

  loadFile(file: string): Promise<void> {
    return this.loadURL(pathToFileURL(file).href);
  }

  /** Prints what was loaded with Debian's Chromium (javascript off, as the printer window has it). */
  async printToPDF(options: { printBackground?: boolean; preferCSSPageSize?: boolean }): Promise<Buffer> {
    if (!this.url) throw new Error('Nothing loaded to print');
    fake.printedFromUrls.push({ url: this.url, bytes: this.url.startsWith('file:') ? statSync(fileURLToPath(this.url)).size : this.url.length });
    printBrowser ??= chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      // The switches the app appended before ready (what Electron's Chromium would run with); no sandbox or GPU
      // here, as for the CLI's headless print.
      args: ['--no-sandbox', '--disable-gpu', ...fake.chromiumSwitches()],
    });
    const browser = await printBrowser;
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(this.url, { waitUntil: 'load' });
      return await page.pdf({ printBackground: options.printBackground ?? false, preferCSSPageSize: options.preferCSSPageSize ?? false });
    } finally {
      await context.close();
    }
  }
  crashRenderer(reason: string, exitCode: number): void {
    this.emit('render-process-gone', preventable(), { reason, exitCode });
  }
}

export async function closePrintBrowser(): Promise<void> {
  const b = printBrowser;
  printBrowser = null;
  if (b) await (await b).close();
}

// ---------------------------------------------------------------------------------------------- BrowserWindow

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((w) => !w.isDestroyed());
  }
  static getFocusedWindow(): FakeBrowserWindow | null {
    return null;
  }
  static fromWebContents(wc: FakeWebContents): FakeBrowserWindow | null {
    return FakeBrowserWindow.all.find((w) => w.webContents === wc) ?? null;
  }
  readonly webContents: FakeWebContents;
  visible = false;
  destroyed = false;
  private shownOnce = false;
  constructor(readonly options: { show?: boolean; webPreferences?: Record<string, unknown> & { session?: FakeSession } } = {}) {
    super();
    if (!fake.isReady) throw new Error('Cannot create BrowserWindow before app is ready');
    this.webContents = new FakeWebContents(this, options.webPreferences?.session ?? session.defaultSession);
    this.visible = options.show !== false;
    FakeBrowserWindow.all.push(this);
    app.emit('web-contents-created', preventable(), this.webContents);
  }
  emitReadyToShow(): void {
    if (this.shownOnce) return;
    this.shownOnce = true;
    this.emit('ready-to-show');
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  loadFile(file: string): Promise<void> {
    return this.webContents.loadFile(file);
  }
  show(): void {
    this.visible = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    if (this.destroyed) return;
    const e = preventable();
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    if (FakeBrowserWindow.getAllWindows().length === 0 && !app.closingForQuit) app.emit('window-all-closed');
  }
}
export const BrowserWindow = FakeBrowserWindow;

// ---------------------------------------------------------------------------------------------- ipcMain

export const ipcMain = {
  handle(channel: string, fn: Listener): void {
    if (fake.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    fake.ipcHandlers.set(channel, fn);
  },
  removeHandler(channel: string): void {
    fake.ipcHandlers.delete(channel);
  },
};

/** What ipcRenderer.invoke does: the handler runs with an event naming the sender; arguments and result are structured clones. */
export async function invoke(channel: string, event: { sender: unknown; senderFrame: { url: string } | null }, args: unknown): Promise<unknown> {
  const fn = fake.ipcHandlers.get(channel);
  if (!fn) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
  return structuredClone(await fn(event, structuredClone(args)));
}

// ---------------------------------------------------------------------------------------------- dialog

function openMessageBox(window: FakeBrowserWindow | null, options: MessageBox['options']): Promise<{ response: number; checkboxChecked: boolean }> {
  return new Promise((resolve) => {
    const box: MessageBox = { window, options, answer: (response) => resolve({ response, checkboxChecked: false }) };
    const waiter = fake.messageBoxWaiters.shift();
    if (waiter) waiter(box);
    else fake.messageBoxes.push(box);
  });
}
export const dialog = {
  showMessageBox(a: unknown, b?: unknown) {
    return a instanceof FakeBrowserWindow ? openMessageBox(a, b as MessageBox['options']) : openMessageBox(null, a as MessageBox['options']);
  },
  showErrorBox(title: string, content: string): void {
    fake.errorBoxes.push({ title, content });
  },
  async showOpenDialog() {
    return fake.openDialogAnswer;
  },
  async showSaveDialog() {
    return fake.saveDialogAnswer;
  },
};

// ---------------------------------------------------------------------------------------------- utilityProcess

export class FakeUtilityProcess extends EventEmitter {
  readonly child: ChildProcess;
  readonly spawnedAt = Date.now();
  pid: number | undefined;
  exited: Promise<{ code: number }>;
  constructor(
    readonly modulePath: string,
    args: string[],
    readonly options: { serviceName?: string; env?: NodeJS.ProcessEnv; stdio?: string },
  ) {
    super();
    this.child = fork(modulePath, args, {
      env: options.env ?? process.env,
      execArgv: ['--import', PARENT_PORT_SHIM],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.pid = this.child.pid;
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (m) => this.emit('message', m));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        const exitCode = code ?? (signal ? (os.constants.signals[signal] ?? 1) : 0);
        this.pid = undefined;
        if (exitCode !== 0 || signal) {
          app.emit('child-process-gone', preventable(), { type: 'Utility', reason: signal ? 'killed' : 'abnormal-exit', exitCode, serviceName: options.serviceName, name: options.serviceName });
        }
        this.emit('exit', exitCode);
        resolve({ code: exitCode });
      });
    });
  }
  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as never);
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], options: FakeUtilityProcess['options'] = {}): FakeUtilityProcess {
    if (!fake.isReady) throw new Error('utilityProcess cannot be created before app is ready');
    const p = new FakeUtilityProcess(modulePath, args, options);
    fake.utilityProcesses.push(p);
    return p;
  },
};

export default { app, BrowserWindow, dialog, ipcMain, protocol, session, utilityProcess };

// ---------------------------------------------------------------------------------------------- renderer side

/**
 * The `electron` module a sandboxed preload gets in the window `wc`: contextBridge, ipcRenderer (invoke
 * reaches the main process's ipcMain.handle with this window as the sender) and webUtils.
 */
export function rendererElectron(wc: FakeWebContents): { electron: unknown; exposed: Record<string, unknown> } {
  const exposed: Record<string, unknown> = {};
  const listeners = new Map<string, Set<Listener>>();
  wc.on('ipc-message-sent', (channel: string, ...args: unknown[]) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: null }, ...args.map((a) => structuredClone(a)));
  });
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        if (key in exposed) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
        exposed[key] = api;
      },
    },
    ipcRenderer: {
      invoke: (channel: string, args: unknown) => invoke(channel, { sender: wc, senderFrame: { url: wc.getURL() } }, args),
      on(channel: string, listener: Listener) {
        const set = listeners.get(channel) ?? new Set<Listener>();
        listeners.set(channel, set.add(listener));
      },
      removeListener(channel: string, listener: Listener) {
        listeners.get(channel)?.delete(listener);
      },
    },
    webUtils: { getPathForFile: (file: { name: string }) => path.join('/dropped', file.name) },
  };
  return { electron, exposed };
}
