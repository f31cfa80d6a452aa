/**
 * Boots the BUILT main process (out/main/index.js, from `npx electron-vite build`) under the fake
 * `electron` module (vitest.config.ts aliases it), so the shell code under test is the shipped code.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fake, FakeBrowserWindow, invoke } from './fakes/electron';

export const root = path.resolve(__dirname, '..', '..');
export const builtMain = path.join(root, 'out', 'main', 'index.js');
export const builtPreload = path.join(root, 'out', 'preload', 'index.cjs');

export async function bootBuiltMain(): Promise<{ userData: string; win: FakeBrowserWindow }> {
  if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: run \`npx electron-vite build\` (npm test builds first)`);
  const userData = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-shell-userdata-'));
  fake.paths['userData'] = userData;
  await import(/* @vite-ignore */ pathToFileURL(builtMain).href);
  fake.ready();
  const win = await new Promise<FakeBrowserWindow>((resolve) => {
    const poll = () => {
      const w = FakeBrowserWindow.getAllWindows().find((x) => x.isVisible());
      if (w) resolve(w);
      else setTimeout(poll, 10);
    };
    poll();
  });
  return { userData, win };
}

export function appEvent(win: FakeBrowserWindow, url = win.webContents.getURL()) {
  return { sender: win.webContents, senderFrame: { url } };
}

type Envelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** A contract call as the app's window makes it (ipcRenderer.invoke → ipcMain.handle). */
export async function call<T = unknown>(win: FakeBrowserWindow, method: string, args: unknown): Promise<T> {
  const env = (await invoke(`auditdesk:${method}`, appEvent(win), args)) as Envelope;
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.result as T;
}

export function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = probe();
      if (v) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}
