/**
 * Runs the real engine in the Playwright test process and bridges it into the page in place of
 * Electron IPC: window.auditDesk is defined by the shipped (built) preload, whose `electron` module is
 * a shim over one exposed binding; every call goes through the shell's dispatcher (validation with the
 * shared zod schemas, errors as the ApiError JSON shape), and progress events are pushed into the page.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test as base, type Browser, type Page } from '@playwright/test';
import { createEngine, type Engine } from '../../electron/engine/engine';
import { chromiumPrinter } from '../../electron/engine/report/pdf';
import type { AuditApi } from '../../shared/contract';
import { createDispatcher, type Dispatcher } from '../../electron/shell/dispatch';
import type { ApiErrorShape, Progress } from '../../shared/api/common';
import { API_METHOD_NAMES, IPC_PREFIX, PROGRESS_CHANNEL } from '../../shared/methods';

export const RENDERER_URL = pathToFileURL(path.resolve('out/renderer/index.html')).href;
const PRELOAD_PATH = path.resolve('out/preload/index.cjs');

/** What the native dialogs "choose" in a test. */
export interface Dialogs {
  bundlePath: string | null;
  savePath: string | null;
}

export interface Harness {
  engine: Engine;
  dispatch: Dispatcher;
  dialogs: Dialogs;
  dataDir: string;
  /** Pages that receive progress events. */
  pages: Set<Page>;
  dispose(): Promise<void>;
}

type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

const U8_TAG = '__u8base64';

/** Uint8Array (Arrow IPC) does not survive the binding's serializer: send it as tagged base64. */
function encodeBinary(value: unknown): unknown {
  if (value instanceof Uint8Array) return { [U8_TAG]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeBinary);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeBinary(v);
    return out;
  }
  return value;
}

export function createHarness(): Harness {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'auditdesk-e2e-'));
  const pages = new Set<Page>();
  const dialogs: Dialogs = { bundlePath: null, savePath: null };
  const onProgress = (p: Progress): void => {
    for (const page of pages) {
      page.evaluate((ev) => window.dispatchEvent(new CustomEvent('auditdesk:progress', { detail: ev })), p).catch(() => undefined);
    }
  };
  const engine = createEngine({ dataDir, onProgress, printPdf: chromiumPrinter() });
  // Each call looks the method up on the engine when it runs (tests wrap engine methods to count calls);
  // the shell owns the native dialogs: in tests they return the paths the test chose.
  const impl = Object.fromEntries(API_METHOD_NAMES.map((m) => [m, (args: unknown) => (engine[m] as (a: unknown) => Promise<unknown>)(args)])) as unknown as AuditApi;
  impl.pickBundlePath = async () => ({ path: dialogs.bundlePath });
  impl.pickSavePath = async () => ({ path: dialogs.savePath });
  return {
    engine,
    dispatch: createDispatcher(impl, { isTrustedSender: () => true }),
    dialogs,
    dataDir,
    pages,
    async dispose() {
      await engine.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One contract call through the shell's own dispatcher (electron/shell/dispatch.ts: schema validation,
 * unknown-method refusal, errors as data), with the native dialogs answered by the test. The sender is
 * the test's page, so the sender check (tested in test/shell) is not what this exercises.
 */
async function invoke(h: Harness, method: string, args: unknown): Promise<Envelope> {
  const env = await h.dispatch(null, method, args);
  return env.ok ? { ok: true, result: encodeBinary(env.result ?? null) } : env;
}

/**
 * The `electron` module as the shipped preload sees it, backed by the test binding: `ipcRenderer.invoke`
 * goes to the real engine (validated like the main process does), progress arrives as `ipcRenderer.on`
 * events, Uint8Array results (Arrow IPC) are decoded from the binding's tagged base64.
 */
function electronShim(tag: string, prefix: string, progressChannel: string): unknown {
  type Env = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };
  const w = window as unknown as { __auditInvoke: (method: string, args: unknown) => Promise<Env> };
  const decode = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(decode);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o[tag] === 'string') {
        const bin = atob(o[tag] as string);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        return bytes;
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) out[k] = decode(x);
      return out;
    }
    return v;
  };
  const handlers = new Map<unknown, (e: Event) => void>();
  return {
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => Object.defineProperty(window, key, { value, enumerable: true }),
    },
    ipcRenderer: {
      invoke: async (channel: string, args: unknown) => {
        if (!channel.startsWith(prefix)) throw new Error(`unexpected channel ${channel}`);
        const env = await w.__auditInvoke(channel.slice(prefix.length), args);
        return env.ok ? { ok: true, result: decode(env.result) } : env;
      },
      on: (channel: string, listener: (e: unknown, p: unknown) => void) => {
        if (channel !== progressChannel) throw new Error(`unexpected channel ${channel}`);
        const h = (e: Event) => listener({}, (e as CustomEvent).detail);
        handlers.set(listener, h);
        window.addEventListener('auditdesk:progress', h);
      },
      removeListener: (_channel: string, listener: unknown) => {
        const h = handlers.get(listener);
        if (h) window.removeEventListener('auditdesk:progress', h);
        handlers.delete(listener);
      },
    },
    webUtils: {
      getPathForFile: (file: unknown) => (file && typeof (file as { testPath?: unknown }).testPath === 'string' ? (file as { testPath: string }).testPath : ''),
    },
  };
}

/**
 * Runs the BUILT sandboxed preload (out/preload/index.cjs, from `npx electron-vite build`) in the page
 * before the renderer's scripts, as Electron does: a CommonJS function whose only `require` is `electron`.
 * The window API the renderer talks to is therefore the shipped one.
 */
function preloadInitScript(): string {
  const source = readFileSync(PRELOAD_PATH, 'utf8');
  return `(() => {
  const electron = (${electronShim.toString()})(${JSON.stringify(U8_TAG)}, ${JSON.stringify(IPC_PREFIX)}, ${JSON.stringify(PROGRESS_CHANNEL)});
  const module = { exports: {} };
  const require = (name) => { if (name === 'electron') return electron; throw new Error('a sandboxed preload cannot require ' + name); };
  (function (require, module, exports) {
${source}
  })(require, module, module.exports);
})();`;
}

/** Wires a page to the harness: binding, init script, progress. Call before page.goto. */
export async function installBridge(page: Page, h: Harness): Promise<void> {
  await page.exposeBinding('__auditInvoke', (_source, method: string, args: unknown) => invoke(h, method, args));
  await page.addInitScript({ content: preloadInitScript() });
  h.pages.add(page);
  page.on('close', () => h.pages.delete(page));
}

export async function newAppPage(browser: Browser, h: Harness, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: opts.colorScheme ?? 'light', deviceScaleFactor: 1 });
  const page = await context.newPage();
  await installBridge(page, h);
  return page;
}

/** Fixtures: `harness` (engine + dialogs, one per worker: the demo bundle is generated once) and `app` (a bridged page at the Open screen). */
export const test = base.extend<{ app: Page }, { harness: Harness }>({
  harness: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const h = createHarness();
      await use(h);
      await h.dispose();
    },
    { scope: 'worker' },
  ],
  app: async ({ browser, harness }, use) => {
    const page = await newAppPage(browser, harness);
    await page.goto(RENDERER_URL);
    await use(page);
    await page.context().close();
  },
});

export { expect } from '@playwright/test';

/** Opens the demo bundle through the UI and waits for the import summary. */
export async function openDemoThroughUi(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open demo bundle' }).click();
  await page.getByRole('heading', { name: /Import summary/ }).waitFor({ timeout: 120_000 });
}
