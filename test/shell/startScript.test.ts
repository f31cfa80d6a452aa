import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_REPORT_COMMAND, displayProblem, electronCachedZip, ensureElectron, findElectron, missingElectronMessage, nodeTooOldForInstaller, runElectronInstaller } from '../../electron/shell/electronBinary';
import { reportCommand } from '../../electron/cli/commands/report';

const repo = path.resolve(__dirname, '..', '..');
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A project folder with a fake `electron` package whose install.js behaves like Electron's: it records
 * the environment it saw, then either "downloads" (writes dist/ and path.txt) or fails as it does offline.
 */
function fakeProject(installer: 'offline' | 'online'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-start-'));
  made.push(root);
  const pkg = path.join(root, 'node_modules', 'electron');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0' }));
  const record = `require('fs').writeFileSync(require('path').join(__dirname, 'seen-env.json'), JSON.stringify({ mirror: process.env.ELECTRON_MIRROR ?? null, cache: process.env.electron_config_cache ?? null }));`;
  const body =
    installer === 'offline'
      ? `${record}\nconsole.error('TypeError: fetch failed\\n    at node:internal/deps/undici/undici:14976:13');\nprocess.exit(1);\n`
      : `${record}\nconst fs = require('fs'), p = require('path');\nfs.mkdirSync(p.join(__dirname, 'dist'), { recursive: true });\nfs.writeFileSync(p.join(__dirname, 'dist', 'electron'), '#!/bin/sh\\n');\nfs.writeFileSync(p.join(__dirname, 'path.txt'), 'electron');\n`;
  writeFileSync(path.join(pkg, 'install.js'), body);
  return root;
}

const seenEnv = (root: string) => JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'seen-env.json'), 'utf8')) as { mirror: string | null; cache: string | null };

describe('npm start: the Electron binary', () => {
  it('offline: runs Electron’s installer with the mirror and cache settings, then names the three routes and the CLI', () => {
    const root = fakeProject('offline');
    const log: string[] = [];
    const env = { ELECTRON_MIRROR: 'https://mirror.example/electron/', electron_config_cache: '/tmp/no-such-cache' };
    const { lookup, install } = ensureElectron(root, env, (l) => log.push(l));
    expect(lookup.found).toBe(false);
    expect(install).toEqual({ ok: false, detail: 'TypeError: fetch failed' });
    expect(seenEnv(root)).toEqual({ mirror: env.ELECTRON_MIRROR, cache: env.electron_config_cache });
    expect(log.join('\n')).toContain('ELECTRON_MIRROR=https://mirror.example/electron/');
    if (lookup.found) return;
    const msg = missingElectronMessage(lookup, install, { platform: 'linux', arch: 'x64', env: {}, home: '/home/ada' });
    expect(msg).toContain(`no Electron 45.5.0 binary at ${path.join(root, 'node_modules', 'electron', 'dist', 'electron')}`);
    expect(msg).toContain('download host could not be reached');
    for (const route of ['ELECTRON_MIRROR=', 'electron_config_cache=', 'ELECTRON_OVERRIDE_DIST_PATH=', 'electron-v45.5.0-linux-x64.zip', CLI_REPORT_COMMAND]) expect(msg).toContain(route);
    // Where to put a zip fetched elsewhere: the exact file Electron's installer looks for (checked below against the real installer).
    expect(msg).toContain('https://github.com/electron/electron/releases/download/v45.5.0/electron-v45.5.0-linux-x64.zip');
    expect(msg).toContain(electronCachedZip('45.5.0', 'linux', 'x64', {}, '/home/ada'));
    expect(msg).toMatch(/\/home\/ada\/\.cache\/electron\/[0-9a-f]{64}\/electron-v45\.5\.0-linux-x64\.zip/);
  });

  it('online: the installer fetches the binary and the second look finds it', () => {
    const root = fakeProject('online');
    const { lookup, install } = ensureElectron(root, {}, () => undefined);
    expect(install?.ok).toBe(true);
    expect(lookup).toEqual({ found: true, path: path.join(root, 'node_modules', 'electron', 'dist', 'electron'), version: '45.5.0' });
  });

  it('an installed binary is used as is: the installer is not run', () => {
    const root = fakeProject('offline');
    mkdirSync(path.join(root, 'node_modules', 'electron', 'dist'));
    writeFileSync(path.join(root, 'node_modules', 'electron', 'dist', 'electron'), '');
    writeFileSync(path.join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
    let ran = false;
    const { lookup } = ensureElectron(root, {}, () => undefined, () => ((ran = true), { ok: true, detail: '' }));
    expect(lookup.found).toBe(true);
    expect(ran).toBe(false);
  });

  it('ELECTRON_OVERRIDE_DIST_PATH: used when it holds the executable; named (and no download tried) when it does not', () => {
    const root = fakeProject('online');
    const dist = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-dist-'));
    made.push(dist);
    writeFileSync(path.join(dist, 'electron'), '');
    expect(findElectron(root, { ELECTRON_OVERRIDE_DIST_PATH: dist }, 'linux')).toEqual({ found: true, path: path.join(dist, 'electron'), version: '45.5.0' });
    expect(findElectron(root, { ELECTRON_OVERRIDE_DIST_PATH: dist }, 'darwin')).toMatchObject({ found: false, reason: expect.stringContaining('Electron.app/Contents/MacOS/Electron') });
    const empty = path.join(dist, 'empty');
    const { lookup, install } = ensureElectron(root, { ELECTRON_OVERRIDE_DIST_PATH: empty }, () => undefined);
    expect(install).toBeUndefined();
    expect(existsSync(path.join(root, 'node_modules', 'electron', 'seen-env.json'))).toBe(false);
    expect(lookup).toMatchObject({ found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH=${empty} holds no Electron executable (looked for ${path.join(empty, 'electron')})` });
  });

  it('without `npm ci` it says so instead of looking further', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-start-'));
    made.push(root);
    expect(findElectron(root, {})).toMatchObject({ found: false, reason: expect.stringContaining('npm ci') });
    expect(runElectronInstaller(root, {}).ok).toBe(false);
  });

  it('`npm start` itself exits non-zero with the message, before building anything, when the override is empty', () => {
    const marker = path.join(os.tmpdir(), `auditdesk-start-${process.pid}-never`);
    const r = spawnSync(process.execPath, [path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(repo, 'scripts', 'start.ts')], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: marker },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`ELECTRON_OVERRIDE_DIST_PATH=${marker} holds no Electron executable`);
    expect(r.stderr).toContain(CLI_REPORT_COMMAND);
    expect(r.stdout).not.toContain('electron-vite build');
  });

  it('the cached-zip path it names is where Electron’s own installer looks (real install.js, a mirror that cannot answer)', () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-ecache-'));
    made.push(cache);
    // An unreachable mirror: the installer's fallback download fails at once, here and on a machine with a network.
    const env = { electron_config_cache: cache, ELECTRON_MIRROR: 'http://127.0.0.1:9/electron/' };
    const version = (JSON.parse(readFileSync(path.join(repo, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
    const zip = electronCachedZip(version, process.platform, process.arch, env, os.homedir());
    expect(path.dirname(path.dirname(zip))).toBe(cache);
    mkdirSync(path.dirname(zip), { recursive: true });
    writeFileSync(zip, 'not the real zip');
    const r = spawnSync(process.execPath, [path.join(repo, 'node_modules', 'electron', 'install.js')], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, ...env, ELECTRON_OVERRIDE_DIST_PATH: '', DEBUG: '@electron/get*' },
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    // It found our file (then refused it: the checksum is not Electron's) before trying the mirror.
    expect(r.stderr).toContain('Cache hit');
    expect(r.stderr).toMatch(/did not match expected checksum/);
  });

  it('the CLI command it offers has every option `auditdesk report` requires', () => {
    const usage = reportCommand.usage.replace(/\[[^\]]*\]/g, '');
    const required = [...usage.matchAll(/--[a-z-]+/g)].map((m) => m[0]);
    expect(required).toEqual(expect.arrayContaining(['--out', '--auditor', '--system']));
    for (const option of required) expect(CLI_REPORT_COMMAND).toContain(`${option} `);
  });

  it('names the Node version Electron’s installer declares when this Node is older, and nothing when it is not', () => {
    const root = fakeProject('offline');
    writeFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0', engines: { node: '>= 22.12.0' } }));
    expect(nodeTooOldForInstaller(root, '20.20.2')).toBe('22.12.0');
    expect(nodeTooOldForInstaller(root, '22.11.9')).toBe('22.12.0');
    expect(nodeTooOldForInstaller(root, '22.12.0')).toBeNull();
    expect(nodeTooOldForInstaller(root, '24.1.0')).toBeNull();
    const lookup = { found: false as const, version: '45.5.0', reason: 'no binary' };
    expect(missingElectronMessage(lookup, undefined, { platform: 'linux', arch: 'x64', env: {}, home: '/h', nodeNeeded: '22.12.0', nodeVersion: '20.20.2' })).toContain(
      "Electron's installer declares Node >= 22.12.0; this is Node 20.20.2",
    );
    expect(missingElectronMessage(lookup, undefined, { platform: 'linux', arch: 'x64', env: {}, home: '/h', nodeNeeded: null })).not.toContain('declares Node');
  });

  it('on Linux without a display it says so (and how to run headless) instead of launching Electron into an error', () => {
    expect(displayProblem({}, 'linux')).toContain('xvfb-run -a npm start');
    expect(displayProblem({}, 'linux')).toContain(CLI_REPORT_COMMAND);
    expect(displayProblem({ DISPLAY: ':0' }, 'linux')).toBeNull();
    expect(displayProblem({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(displayProblem({}, 'darwin')).toBeNull();
    expect(displayProblem({}, 'win32')).toBeNull();

    // The real script, with an Electron it finds (an override folder) and no display: exit 1, nothing built or launched.
    const dist = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-dist-'));
    made.push(dist);
    writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\ntouch "$(dirname "$0")/launched"\n', { mode: 0o755 });
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist };
    delete env['DISPLAY'];
    delete env['WAYLAND_DISPLAY'];
    const r = spawnSync(process.execPath, [path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(repo, 'scripts', 'start.ts')], { cwd: repo, encoding: 'utf8', env, timeout: 60_000 });
    if (process.platform !== 'linux') return;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('there is no display');
    expect(r.stdout).not.toContain('electron-vite build');
    expect(existsSync(path.join(dist, 'launched'))).toBe(false);
  });
});
