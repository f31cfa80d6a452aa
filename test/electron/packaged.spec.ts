import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, test, type Browser } from '@playwright/test';

/**
 * Smoke test of the PACKAGED app (`npm run package`, or `electron-builder --linux dir`): the window
 * shows, the demo opens, one report is exported, quitting leaves no work folder. The packaged app has
 * the Node inspector fused off, so this drives it over Chromium's DevTools protocol, not
 * Playwright's _electron. Runs wherever a packaged app and a display exist (`npm run smoke:packaged`,
 * or AUDITDESK_PACKAGED_APP=/path/to/executable); elsewhere it is skipped with the reason.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function packagedApp(): { path: string } | { reason: string } {
  const fromEnv = process.env['AUDITDESK_PACKAGED_APP'];
  const candidates = fromEnv
    ? [fromEnv]
    : [
        path.join(root, 'release', 'linux-unpacked', 'audit-desk'),
        path.join(root, 'release', 'win-unpacked', 'Audit Desk.exe'),
        path.join(root, 'release', 'mac', 'Audit Desk.app', 'Contents', 'MacOS', 'Audit Desk'),
        path.join(root, 'release', 'mac-arm64', 'Audit Desk.app', 'Contents', 'MacOS', 'Audit Desk'),
      ];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return found ? { path: found } : { reason: `no packaged app (looked for ${candidates.join(', ')}); build one with \`npm run package\` or \`npx electron-builder --linux dir\`, or set AUDITDESK_PACKAGED_APP` };
}

const app = packagedApp();
const display = process.platform !== 'linux' || Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);
const skipReason = 'reason' in app ? app.reason : !display ? 'no display (run under xvfb-run)' : '';
if (skipReason) process.stdout.write(`\nPackaged-app smoke SKIPPED (not passed): ${skipReason}\n`);

test.describe('packaged app smoke', () => {
  test.skip(skipReason !== '', `SKIPPED, not passed: ${skipReason}`);

  let child: ChildProcess;
  let browser: Browser;
  let userData: string;
  const port = 9333 + (process.pid % 500);

  test.beforeAll(async () => {
    userData = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-packaged-'));
    child = spawn((app as { path: string }).path, [`--user-data-dir=${userData}`, `--remote-debugging-port=${port}`, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])], { stdio: 'inherit' });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });
  test.afterAll(async () => {
    if (child && child.exitCode === null) child.kill();
    rmSync(userData, { recursive: true, force: true });
  });

  test('window shows, demo opens, one export, quit leaves no work folder', async () => {
    const appPage = () => browser.contexts().flatMap((c) => c.pages()).find((p) => p.url().startsWith('app://auditdesk/'));
    await expect.poll(() => Boolean(appPage()), { timeout: 60_000 }).toBe(true);
    const page = appPage()!;
    await expect(page).toHaveTitle(/Audit Desk/);
    await page.getByRole('button', { name: 'Open demo bundle' }).click();
    await page.getByRole('heading', { name: /Import summary/ }).waitFor({ timeout: 180_000 });
    const out = path.join(userData, 'smoke-report.pdf');
    const exported = await page.evaluate(async (outPath) => {
      const api = (window as unknown as { auditDesk: { api: Record<string, (a: unknown) => Promise<{ path?: string; bundleId?: string }[] | { path: string }>> } }).auditDesk.api;
      const recent = (await api['recentBundles']!({})) as { path?: string }[];
      const summary = (await api['openBundle']!({ path: recent[0]!.path })) as unknown as { bundleId: string };
      return api['exportReport']!({ bundleId: summary.bundleId, outPath });
    }, out);
    expect((exported as { path: string }).path).toBe(out);
    expect(statSync(out).size).toBeGreaterThan(10_000);
    await page.close();
    await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
    const work = path.join(userData, 'work');
    expect(existsSync(work) ? readdirSync(work) : []).toEqual([]);
  });
});
