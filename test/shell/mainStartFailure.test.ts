import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { fake, FakeBrowserWindow } from './fakes/electron';
import { builtMain, waitFor } from './builtMain';

const userData = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-shell-startfail-'));
afterAll(() => {
  for (const p of fake.utilityProcesses) p.child.kill('SIGKILL');
  rmSync(userData, { recursive: true, force: true });
});

it('a failure while starting is shown (not swallowed by the whenReady chain) and the app exits non-zero', async () => {
  fake.paths['userData'] = userData;
  await import(/* @vite-ignore */ pathToFileURL(builtMain).href);
  // Something else already claimed app:// (Electron then refuses protocol.handle): start() throws.
  fake.protocolHandlers.set('app', () => new Response('taken'));
  fake.ready();
  await waitFor(() => fake.exitCode !== null, 'app.exit');
  expect(fake.exitCode).toBe(1);
  expect(fake.errorBoxes).toHaveLength(1);
  expect(fake.errorBoxes[0]!.title).toBe('Audit Desk could not start');
  expect(fake.errorBoxes[0]!.content).toContain('Failed to register protocol: app');
  expect(FakeBrowserWindow.getAllWindows()).toEqual([]);
});
