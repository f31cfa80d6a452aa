import { defineConfig } from '@playwright/test';

/**
 * Renderer e2e: the BUILT renderer (out/renderer/index.html, from `npx electron-vite build`) loaded
 * over file:// in Debian's Chromium, with the real engine bridged in by test/e2e/bridge.ts.
 */
export default defineConfig({
  projects: [
    // The renderer in Debian Chromium with the real engine bridged in place of IPC.
    { name: 'renderer', testDir: 'test/e2e', testMatch: '**/*.e2e.ts' },
    // The real Electron shell: runs where an Electron binary exists, reported as skipped (with the reason) where not.
    { name: 'electron', testDir: 'test/electron', testMatch: '**/*.spec.ts' },
  ],
  // One DuckDB engine per worker and two cores on the CI machine: run serially.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    colorScheme: 'light',
    actionTimeout: 30_000,
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--allow-file-access-from-files',
      ],
    },
  },
});
