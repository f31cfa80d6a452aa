import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { OFFLINE_CHROMIUM_SWITCHES, switchParts } from '../engine/report/chromiumSwitches';

/**
 * The printer is the app's own Chromium, so the switches that keep the CLI's printing Chromium off the network
 * (no background networking, updates, sign-in, metrics; every host name NOTFOUND) are appended to the app's command
 * line. Chromium reads them only before the app is ready: called once at start, before `whenReady`.
 */
export function appendOfflineSwitches(): void {
  for (const sw of OFFLINE_CHROMIUM_SWITCHES) {
    const { name, value } = switchParts(sw);
    if (value === undefined) app.commandLine.appendSwitch(name);
    else app.commandLine.appendSwitch(name, value);
  }
}

/** The printer's own session: it may load the one report file it is printing (and data: images), nothing else. */
export const PRINT_PARTITION = 'auditdesk-print';

function sameFile(url: string, file: string): boolean {
  try {
    // Compare paths, not URL strings: Node and Chromium escape `~`, `[`, `]`, `%` differently.
    return url.startsWith('file:') && path.resolve(fileURLToPath(url)) === path.resolve(file);
  } catch {
    return false;
  }
}

/**
 * Prints report HTML to PDF in a hidden, locked-down window (same Chromium engine as the CLI's
 * headless print). The HTML is written to a private temporary file and loaded from there: a data:
 * URL is refused by Chromium above 2 MiB, which a report with ~100 findings exceeds.
 */
/** Report files being printed now (two exports may overlap); the print session may load these and nothing else. */
const printing = new Set<string>();
let printSessionReady = false;

function printSession(): Electron.Session {
  const ses = session.fromPartition(PRINT_PARTITION);
  if (!printSessionReady) {
    // One listener per session (a second call would replace it), allowing every report being printed.
    ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !(details.url.startsWith('data:') || [...printing].some((f) => sameFile(details.url, f))) }));
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    printSessionReady = true;
  }
  return ses;
}

export async function printHtmlToPdf(html: string): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'auditdesk-print-'));
  const file = path.join(dir, 'report.html');
  await writeFile(file, html, { mode: 0o600 });
  printing.add(file);
  const ses = printSession();
  const win = new BrowserWindow({
    show: false,
    webPreferences: { session: ses, sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, disableBlinkFeatures: 'Auxclick' },
  });
  try {
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.webContents.on('will-navigate', (e) => e.preventDefault());
    await win.loadFile(file);
    const pdf = await win.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true, generateDocumentOutline: true });
    return new Uint8Array(pdf);
  } finally {
    printing.delete(file);
    win.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
