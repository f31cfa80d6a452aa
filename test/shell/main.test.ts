import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import events from 'node:events';
import timers from 'node:timers';
import url from 'node:url';
import vm from 'node:vm';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHOD_NAMES, IPC_PREFIX, PROGRESS_CHANNEL } from '../../shared/methods';
import { CONTENT_SECURITY_POLICY } from '../../electron/shell/appProtocol';
import { OFFLINE_CHROMIUM_SWITCHES } from '../../electron/engine/report/chromiumSwitches';
import type { ImportSummary, QueryResult } from '../../shared/api/bundle';
import type { Workspace } from '../../shared/api/workspace';
import type { AuditBridge } from '../../shared/contract';
import { app, closePrintBrowser, fake, FakeBrowserWindow, invoke, MAX_URL_CHARS, rendererElectron, session } from './fakes/electron';
import { appEvent, bootBuiltMain, builtPreload, call, root, waitFor } from './builtMain';

/**
 * The built main process and preload under fakes of Electron's documented behaviour, driving the real
 * engine in a forked engine host process. What this cannot show (a real window, real IPC, asar,
 * fuses, Chromium's own CSP enforcement) is listed in docs/hardening.md.
 */
let userData: string;
let win: FakeBrowserWindow;
const outDir = path.join(os.tmpdir(), `auditdesk-shell-out-${process.pid}`);

beforeAll(async () => {
  ({ userData, win } = await bootBuiltMain());
});
afterAll(async () => {
  for (const p of fake.utilityProcesses) p.child.kill('SIGKILL');
  await closePrintBrowser();
  rmSync(userData, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

function loadPreload(target: FakeBrowserWindow): AuditBridge {
  const { electron, exposed } = rendererElectron(target.webContents);
  // A sandboxed preload is CommonJS and may require only these (Electron's sandbox docs).
  const allowed: Record<string, unknown> = { electron, events, timers, url };
  const sandboxRequire = (name: string) => {
    if (name in allowed) return allowed[name];
    throw new Error(`module not found: ${name}`);
  };
  const context = vm.createContext({ console, File, setTimeout, clearTimeout, Promise, Error, JSON });
  const fn = vm.runInContext(`(function (require, module, exports) {\n${readFileSync(builtPreload, 'utf8')}\n})`, context, { filename: builtPreload }) as (r: unknown, m: unknown, e: unknown) => void;
  const module = { exports: {} };
  fn(sandboxRequire, module, module.exports);
  expect(Object.keys(exposed)).toEqual(['auditDesk']);
  return exposed['auditDesk'] as AuditBridge;
}

describe('built main process: startup', () => {
  it('registers app:// as a privileged scheme and enables the sandbox before ready', () => {
    expect(fake.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(fake.sandboxEnabledBeforeReady).toBe(true);
  });

  it('appends the offline Chromium switches before ready (the printer is the app’s Chromium), never --no-sandbox', () => {
    // The DNS query seen from the CLI's printer (#14 item 20) applies to Electron's printer too: same switches.
    expect(fake.switches.length).toBeGreaterThan(0);
    expect(fake.switches.every((s) => s.beforeReady)).toBe(true);
    expect(fake.chromiumSwitches()).toEqual([...OFFLINE_CHROMIUM_SWITCHES]);
    expect(fake.chromiumSwitches()).toContain('--host-resolver-rules=MAP * ~NOTFOUND');
    expect(fake.switches.map((s) => s.name)).not.toContain('no-sandbox');
  });

  it('opens one locked-down window that shows once its page is ready', () => {
    expect(FakeBrowserWindow.getAllWindows()).toEqual([win]);
    expect(win.options.show).toBe(false);
    expect(win.isVisible()).toBe(true);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(win.webContents.getURL()).toBe('app://auditdesk/index.html');
  });

  it('the preload, renderer and engine files the build names exist, and every renderer asset loads', () => {
    const preload = String(win.options.webPreferences?.['preload']);
    expect(preload).toBe(builtPreload);
    expect(existsSync(preload)).toBe(true);
    const host = fake.utilityProcesses[0]!.modulePath;
    expect(host).toBe(path.join(root, 'out', 'main', 'engineHost.js'));
    expect(existsSync(host)).toBe(true);
    const assets = [...win.webContents.resources];
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const [url, status] of assets) {
      expect(url.startsWith('app://auditdesk/assets/'), url).toBe(true);
      expect(status, url).toBe(200);
    }
  });

  it('registers exactly one ipcMain handler per contract method', () => {
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(API_METHOD_NAMES.map((m) => IPC_PREFIX + m).sort());
  });
});

describe('built main process: guards', () => {
  it('refuses senders that are not the app window showing the app origin', async () => {
    const stranger = new FakeBrowserWindow({ show: false });
    const cases = [
      { sender: stranger.webContents, senderFrame: { url: 'app://auditdesk/index.html' } },
      { sender: win.webContents, senderFrame: { url: 'https://evil.example/index.html' } },
      { sender: win.webContents, senderFrame: { url: 'file:///tmp/out/renderer/index.html' } },
      { sender: win.webContents, senderFrame: { url: 'app://auditdesk.evil.example/index.html' } },
      { sender: win.webContents, senderFrame: null },
    ];
    for (const ev of cases) {
      const env = (await invoke(`${IPC_PREFIX}recentBundles`, ev, {})) as { ok: boolean; error?: { message: string } };
      expect(env.ok, JSON.stringify(ev.senderFrame)).toBe(false);
      expect(env.error?.message).toContain('did not come from an Audit Desk window');
    }
    stranger.destroy();
    expect(await invoke(`${IPC_PREFIX}recentBundles`, appEvent(win), {})).toMatchObject({ ok: true });
  });

  it('serves only the built renderer over app://, with the CSP as a header', async () => {
    const handler = fake.protocolHandlers.get('app')!;
    const ok = await handler(new Request('app://auditdesk/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await ok.text()).toContain('http-equiv="Content-Security-Policy"');
    for (const url of [
      'app://auditdesk/../main/index.js',
      'app://auditdesk/%2e%2e/main/index.js',
      'app://auditdesk/assets/%2F..%2F..%2Fmain%2Findex.js',
      'app://auditdesk/..%5c..%5cpackage.json',
      'app://other/index.html',
      'app://auditdesk/no-such-file.js',
    ]) {
      expect((await handler(new Request(url))).status, url).toBe(404);
    }
  });

  it('denies permissions, new windows, navigation and requests away from the app origin', async () => {
    const s = session.defaultSession;
    const granted = await new Promise<boolean>((resolve) => s.permissionRequest!(win.webContents, 'media', resolve, {}));
    expect(granted).toBe(false);
    expect(s.permissionCheck!(win.webContents, 'clipboard-read')).toBe(false);
    expect(win.webContents.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(win.webContents.navigate('https://example.com/')).toBe(false);
    expect(win.webContents.navigate('file:///etc/passwd')).toBe(false);
    expect(win.webContents.navigate('app://auditdesk/index.html#/drift')).toBe(true);
    expect(await s.allows('https://example.com/x.js', 'script')).toBe(false);
    expect(await s.allows('file:///etc/passwd', 'xhr')).toBe(false);
    expect(await s.allows('app://auditdesk/assets/x.js', 'script')).toBe(true);
    expect(await s.allows('data:image/png;base64,AA==', 'image')).toBe(true);
  });
});

describe('built preload and main process with the real engine process', () => {
  let bridge: AuditBridge;
  let summary: ImportSummary;

  it('the preload runs sandboxed (CommonJS, only electron/events/timers/url) and exposes exactly the contract', async () => {
    bridge = loadPreload(win);
    expect(Object.keys(bridge).sort()).toEqual(['api', 'onProgress', 'pathForFile']);
    expect(Object.keys(bridge.api).sort()).toEqual([...API_METHOD_NAMES].sort());
    expect(Array.isArray(await bridge.api.recentBundles({}))).toBe(true);
    const err = await bridge.api.getSummary({ bundleId: 'b-not-open' }).catch((e: Error) => e);
    expect(JSON.parse((err as Error).message)).toMatchObject({ code: 'not_found' });
    expect(bridge.pathForFile(new File(['x'], 'spans.jsonl'))).toBe(path.join('/dropped', 'spans.jsonl'));
    expect(bridge.pathForFile('not a file')).toBeNull();
  });

  it('opens the demo bundle through the engine process, with progress sent to the window', async () => {
    const seen: string[] = [];
    const off = bridge.onProgress((p) => seen.push(`${p.jobId}:${p.phase}`));
    const { path: demo } = await bridge.api.demoBundle({});
    summary = await bridge.api.openBundle({ path: demo, jobId: 'job-demo' });
    off();
    expect(summary.bundleId).toMatch(/^b-/);
    expect(summary.files.some((f) => f.table === 'spans' && f.rows_loaded > 0)).toBe(true);
    expect(seen).toContain('job-demo:load');
    expect(seen.at(-1)).toBe('job-demo:done');
    expect(win.webContents.sent.some((m) => m.channel === PROGRESS_CHANNEL)).toBe(true);
    expect(readdirSync(path.join(userData, 'work'))).toEqual([summary.bundleId]);
  });

  it('Arrow IPC bytes cross both process boundaries intact', async () => {
    const r = (await bridge.api.runSql({ bundleId: summary.bundleId, sql: 'SELECT 42::INTEGER AS answer, 7::BIGINT AS n', limit: 10 })) as QueryResult;
    expect(r.arrow).toBeInstanceOf(Uint8Array);
    const table = tableFromIPC(r.arrow);
    expect(table.numRows).toBe(1);
    expect(table.getChild('answer')?.get(0)).toBe(42);
    expect(table.getChild('n')?.get(0)).toBe(7n);
  });

  it('exports a report over 2 MiB through the print path (a temporary file, not a data: URL)', async () => {
    // The fake refuses what Chromium refuses: a data: URL over 2 MiB.
    const probe = new FakeBrowserWindow({ show: false });
    await expect(probe.loadURL(`data:text/html,${'x'.repeat(MAX_URL_CHARS)}`)).rejects.toThrow(/ERR_INVALID_URL/);
    probe.destroy();

    // The print path is what is under test, not the report's analyses: a small bundle other tools wrote (copied,
    // so the workspace lands beside the copy) keeps the engine's part short; the findings make the HTML big.
    const small = path.join(outDir, 'external-bundle');
    mkdirSync(outDir, { recursive: true });
    cpSync(path.join(root, 'test', 'fixtures', 'bundles', 'external'), small, { recursive: true });
    const opened = await call<ImportSummary>(win, 'openBundle', { path: small });
    const { workspace: ws } = await call<{ workspace: Workspace }>(win, 'loadWorkspace', { bundleId: opened.bundleId });
    // Pasted log excerpts: dense in characters HTML escapes (quotes, <, >, &), so 2 MiB of HTML is ~100 pages, not ~300.
    const excerpt = `status="<ERROR>" & retry='3' -> span="<a1&b2>" `;
    const note = `Pasted from the gateway log: ${excerpt.repeat(Math.ceil(20_000 / excerpt.length))}`.slice(0, 20_000);
    const findings = Array.from({ length: 60 }, (_, i) => ({
      id: `f-${i}`,
      created_at: '2026-03-01T00:00:00Z',
      severity: 'medium' as const,
      title: `Finding ${i}`,
      note,
      source: { screen: 'overview', params: {} },
      evidence: [],
    }));
    // The report requires a sign-off (system, auditor) and a date it is as of before it prints.
    const signoff = { ...ws.signoff, system: 'Card fraud scoring', auditor: 'Shell test', as_of: '2026-03-01T00:00:00Z' };
    await call(win, 'saveWorkspace', { bundleId: opened.bundleId, workspace: { ...ws, signoff, findings } });

    const outPath = path.join(outDir, 'big-report.pdf');
    const before = fake.printedFromUrls.length;
    const r = await call<{ path: string; bytes: number; pages: number | null }>(win, 'exportReport', { bundleId: opened.bundleId, outPath });
    expect(r.path).toBe(outPath);
    expect(readFileSync(outPath).subarray(0, 5).toString()).toBe('%PDF-');
    expect(r.pages).toBeGreaterThan(30);
    // Two passes or three (the table of contents learns its page numbers from a first print): every one from a file.
    const printed = fake.printedFromUrls.slice(before);
    expect(printed.length).toBeGreaterThanOrEqual(2);
    expect(printed.length).toBeLessThanOrEqual(3);
    for (const p of printed) {
      expect(p.url).toMatch(/^file:\/\/.*auditdesk-print-[^/]+\/report\.html$/);
      expect(p.bytes, 'the printed HTML is over the data: URL limit').toBeGreaterThan(MAX_URL_CHARS);
      expect(existsSync(new URL(p.url)), 'the temporary report file is removed after printing').toBe(false);
    }
    await call(win, 'closeBundle', { bundleId: opened.bundleId });
  });

  it('a renderer crash is shown with its reason; Reload closes that window’s bundles and loads the app again', async () => {
    const loadsBefore = win.webContents.resources.size;
    expect(loadsBefore).toBeGreaterThan(0);
    win.webContents.crashRenderer('oom', 137);
    const box = await fake.nextMessageBox();
    expect(box.window).toBe(win);
    expect(box.options.message).toBe('The Audit Desk window stopped.');
    expect(box.options.detail).toContain('Reason: oom (exit code 137).');
    expect(box.options.detail).toContain('The bundle it had open was closed.');
    expect(box.options.buttons).toEqual(['Reload', 'Quit']);
    expect(readdirSync(path.join(userData, 'work'))).toEqual([]);
    await expect(call(win, 'getSummary', { bundleId: summary.bundleId })).rejects.toMatchObject({ code: 'not_found' });
    box.answer(0);
    await waitFor(() => win.webContents.resources.size > 0 && win.webContents.getURL() === 'app://auditdesk/index.html', 'reload');
  });

  it('a failed page load shows the window with the reason and Retry loads it again', async () => {
    fake.failNextLoads.push([-105, 'ERR_NAME_NOT_RESOLVED']);
    const reload = win.loadURL('app://auditdesk/index.html').catch((e: Error) => e);
    const box = await fake.nextMessageBox();
    expect(await reload).toBeInstanceOf(Error);
    expect(win.isVisible()).toBe(true);
    expect(box.options.message).toBe('Audit Desk could not load its window.');
    expect(box.options.detail).toBe('ERR_NAME_NOT_RESOLVED (error -105) loading app://auditdesk/index.html.');
    const finished = new Promise((resolve) => win.webContents.once('did-finish-load', resolve));
    box.answer(0);
    await finished;
    expect(win.webContents.getURL()).toBe('app://auditdesk/index.html');
  });

  it('the engine dying mid-call fails that call, says so, restarts, and re-opens nothing', async () => {
    const { path: demo } = await bridge.api.demoBundle({});
    const engine = fake.utilityProcesses.at(-1)!;
    const dying = bridge.api.openBundle({ path: demo, jobId: 'job-crash' }).then(
      () => null,
      (e: Error) => e,
    );
    await waitFor(() => readdirSync(path.join(userData, 'work')).length === 1 && win.webContents.sent.some((m) => m.channel === PROGRESS_CHANNEL && (m.args[0] as { jobId?: string }).jobId === 'job-crash'), 'the import to start');
    const crashedWork = readdirSync(path.join(userData, 'work'))[0]!;
    engine.child.kill('SIGKILL');
    const err = await dying;
    expect(err).toBeInstanceOf(Error);
    expect(JSON.parse(err!.message)).toMatchObject({ code: 'internal', message: expect.stringContaining('The Audit Desk engine stopped (exit code 9) while this was running') });
    const box = await fake.nextMessageBox();
    expect(box.options.message).toBe('The Audit Desk engine stopped unexpectedly.');
    expect(box.options.detail).toContain('Exit code 9. 1 task that was running has failed.');
    expect(box.options.detail).toContain('nothing was re-opened');
    // A new engine process, started at once; the dead one's work folder removed; no bundle open.
    await waitFor(() => fake.utilityProcesses.length === 2 && fake.utilityProcesses[1]!.pid, 'a new engine process');
    await waitFor(() => !existsSync(path.join(userData, 'work', crashedWork)), 'the crashed import’s work folder to go');
    box.answer(0);
    await waitFor(() => win.webContents.getURL() === 'app://auditdesk/index.html' && win.webContents.resources.size > 0, 'reload');
    const again = await bridge.api.openBundle({ path: demo });
    expect(again.bundleId).not.toBe(summary.bundleId);
    expect(readdirSync(path.join(userData, 'work'))).toEqual([again.bundleId]);
  });

  it('an engine that dies right after starting is not restarted in a loop; the next call starts one', async () => {
    const long = fake.utilityProcesses.at(-1)!;
    // The shell restarts at once an engine that ran over 10 s: make sure this one did, whatever the machine's speed.
    await new Promise((r) => setTimeout(r, Math.max(0, 10_500 - (Date.now() - long.spawnedAt))));
    long.child.kill('SIGKILL');
    (await fake.nextMessageBox()).answer(0);
    const started = fake.utilityProcesses.length;
    const short = await waitFor(() => (fake.utilityProcesses.length === started + 1 && fake.utilityProcesses.at(-1)!.pid ? fake.utilityProcesses.at(-1) : undefined), 'the restarted engine');
    short.child.kill('SIGKILL');
    const box = await fake.nextMessageBox();
    expect(box.options.detail).toContain('It stopped right after starting; a new one starts when you open a bundle.');
    box.answer(0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(fake.utilityProcesses.length, 'no restart loop').toBe(started + 1);
    expect(Array.isArray(await bridge.api.recentBundles({}))).toBe(true);
    expect(fake.utilityProcesses.length).toBe(started + 2);
  });

  it('quitting closes the open bundle in the engine: no work folder is left, the engine exits', async () => {
    const { path: demo } = await bridge.api.demoBundle({});
    await bridge.api.openBundle({ path: demo });
    const engine = fake.utilityProcesses.at(-1)!;
    expect(readdirSync(path.join(userData, 'work'))).toHaveLength(1);
    app.quit();
    expect(fake.quitted, 'will-quit waits for the engine').toBe(false);
    expect(await engine.exited).toEqual({ code: 0 });
    await waitFor(() => fake.quitted, 'the app to quit');
    const left = readdirSync(path.join(userData, 'work')).map((name) => {
      const owner = path.join(userData, 'work', name, '.owner.json');
      const pid = existsSync(owner) ? (JSON.parse(readFileSync(owner, 'utf8')) as { pid: number }).pid : null;
      return `${name} owner=${pid} engine#=${fake.utilityProcesses.findIndex((p) => p.child.pid === pid)} contents=${readdirSync(path.join(userData, 'work', name)).join(',')}`;
    });
    expect(left).toEqual([]);
    expect(statSync(userData).isDirectory()).toBe(true);
    expect(fake.errorBoxes).toEqual([]);
  });
});
