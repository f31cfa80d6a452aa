/**
 * Finding (and, when missing, fetching) the Electron binary without Electron: used by `npm start`
 * (scripts/start.ts), the packaged-app smoke script and the Electron-launch tests, so all three agree
 * on where the binary is and say the same thing when it is not there.
 *
 * Electron 45 has no install script: its binary is fetched by `node_modules/electron/install.js`
 * (`npx install-electron`), which honours ELECTRON_MIRROR, electron_config_cache and
 * ELECTRON_OVERRIDE_DIST_PATH. electron-vite's `preview` only reads `path.txt` and fails with
 * "Electron uninstall" instead, which is why `npm start` does not go through it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export type Env = Record<string, string | undefined>;

export type ElectronLookup = { found: true; path: string; version: string } | { found: false; version: string; reason: string };

function platformExecutable(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

export function electronVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Where the Electron binary is, by the same rules as the electron package's own index.js, without downloading. */
export function findElectron(root: string, env: Env = process.env, platform: NodeJS.Platform = process.platform): ElectronLookup {
  const pkgDir = path.join(root, 'node_modules', 'electron');
  const version = electronVersion(root);
  if (!existsSync(path.join(pkgDir, 'package.json'))) return { found: false, version, reason: 'the electron package is not installed (run `npm ci` first)' };
  const pathFile = path.join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : platformExecutable(platform);
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const candidate = path.join(override, rel);
    return existsSync(candidate)
      ? { found: true, path: candidate, version }
      : { found: false, version, reason: `ELECTRON_OVERRIDE_DIST_PATH=${override} holds no Electron executable (looked for ${candidate})` };
  }
  const candidate = path.join(pkgDir, 'dist', rel);
  return existsSync(candidate) ? { found: true, path: candidate, version } : { found: false, version, reason: `no Electron ${version} binary at ${candidate}` };
}

export interface InstallAttempt {
  ok: boolean;
  /** The installer's last meaningful line (its error), for the message. */
  detail: string;
}

/** Runs Electron's own installer (install.js: download or cache → node_modules/electron/dist). */
export function runElectronInstaller(root: string, env: Env = process.env): InstallAttempt {
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return { ok: false, detail: `no installer at ${installer}` };
  const r = spawnSync(process.execPath, [installer], { cwd: root, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 10 * 60_000 });
  const out = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
  const lines = out.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('at '));
  const detail = r.error ? r.error.message : (lines.find((l) => /error|fail|ENOTFOUND|ECONN|EAI_AGAIN|timed out|404/i.test(l)) ?? lines[0] ?? `exit code ${r.status}`);
  return { ok: r.status === 0, detail };
}

/** Finds the binary; when it is missing (and no override names another place), runs Electron's installer once and looks again. */
export function ensureElectron(root: string, env: Env, log: (line: string) => void, install = runElectronInstaller): { lookup: ElectronLookup; install?: InstallAttempt } {
  const first = findElectron(root, env);
  if (first.found || env['ELECTRON_OVERRIDE_DIST_PATH'] || first.reason.startsWith('the electron package')) return { lookup: first };
  const mirror = env['ELECTRON_MIRROR'] ?? env['npm_config_electron_mirror'];
  log(`Electron ${first.version} binary not found; running Electron's installer (node_modules/electron/install.js)${mirror ? ` with ELECTRON_MIRROR=${mirror}` : ''}${env['electron_config_cache'] ? ` and electron_config_cache=${env['electron_config_cache']}` : ''}…`);
  const attempt = install(root, env);
  return { lookup: findElectron(root, env), install: attempt };
}

/** Electron's download URL for its zip (the default host, or ELECTRON_MIRROR as @electron/get builds it). */
export function electronZipUrl(version: string, platform: NodeJS.Platform, arch: string, env: Env = {}): string {
  const base = env['ELECTRON_MIRROR'] ?? env['npm_config_electron_mirror'] ?? 'https://github.com/electron/electron/releases/download/';
  const dir = (env['ELECTRON_CUSTOM_DIR'] ?? env['npm_config_electron_custom_dir'] ?? `v${version}`).replace('{{ version }}', version);
  return `${base}${dir}/electron-v${version}-${platform}-${arch}.zip`;
}

/** The folder Electron's installer caches downloads in: electron_config_cache, else env-paths' cache folder for "electron". */
export function electronCacheRoot(env: Env, platform: NodeJS.Platform, home: string): string {
  const explicit = env['electron_config_cache'];
  if (explicit) return explicit;
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'electron');
  if (platform === 'win32') return path.join(env['LOCALAPPDATA'] ?? path.join(home, 'AppData', 'Local'), 'electron', 'Cache');
  return path.join(env['XDG_CACHE_HOME'] ?? path.join(home, '.cache'), 'electron');
}

/**
 * Where Electron's installer looks for the zip before it downloads anything (@electron/get's Cache:
 * `<cache root>/<sha256 of the download URL's folder>/<file name>`); a zip put there installs offline
 * (its checksum is checked against the electron package's own checksums.json, no network needed).
 */
export function electronCachedZip(version: string, platform: NodeJS.Platform, arch: string, env: Env, home: string): string {
  const url = new URL(electronZipUrl(version, platform, arch, env));
  url.hash = '';
  url.search = '';
  const file = path.posix.basename(url.pathname);
  url.pathname = path.posix.dirname(url.pathname);
  return path.join(electronCacheRoot(env, platform, home), createHash('sha256').update(url.toString()).digest('hex'), file);
}

/** The Node version Electron's installer declares (its package.json engines), when this Node is older; else null. */
export function nodeTooOldForInstaller(root: string, nodeVersion: string = process.versions.node): string | null {
  let wanted: string | undefined;
  try {
    wanted = (JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
  } catch {
    return null;
  }
  const min = wanted?.match(/(\d+)\.(\d+)\.(\d+)/);
  if (!min) return null;
  const have = nodeVersion.split('.').map(Number);
  const need = min.slice(1, 4).map(Number);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > (need[i] ?? 0)) return null;
    if ((have[i] ?? 0) < (need[i] ?? 0)) return need.join('.');
  }
  return null;
}

/** The one report command the CLI needs to do the main job without the app (every option `auditdesk report` requires). */
export const CLI_REPORT_COMMAND = 'npx auditdesk report path/to/bundle --out report.pdf --auditor "Your name" --system "System audited"';

export interface MessageContext {
  platform?: NodeJS.Platform;
  arch?: string;
  env?: Env;
  home?: string;
  /** Set when this Node is older than the installer declares (nodeTooOldForInstaller). */
  nodeNeeded?: string | null;
  nodeVersion?: string;
}

/** The message `npm start` prints when there is no binary: why, the three routes, and the CLI that does the main job without it. */
export function missingElectronMessage(lookup: Extract<ElectronLookup, { found: false }>, install: InstallAttempt | undefined, ctx: MessageContext = {}): string {
  const platform = ctx.platform ?? process.platform;
  const arch = ctx.arch ?? process.arch;
  const env = ctx.env ?? process.env;
  const v = lookup.version;
  const zip = `electron-v${v}-${platform}-${arch}.zip`;
  const unreachable = install && /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH/i.test(install.detail);
  const cached = electronCachedZip(v, platform, arch, env, ctx.home ?? homedir());
  return [
    `Audit Desk cannot start: ${lookup.reason}.`,
    ...(install ? [`Electron's installer was run and failed: ${install.detail}${unreachable ? ' (its download host could not be reached from this machine)' : ''}.`] : []),
    ...(ctx.nodeNeeded ? [`Note: Electron's installer declares Node >= ${ctx.nodeNeeded}; this is Node ${ctx.nodeVersion ?? process.versions.node}. If a route below still fails, run it under Node >= ${ctx.nodeNeeded}.`] : []),
    '',
    'Any one of these fixes it:',
    `  1. A mirror you can reach:   ELECTRON_MIRROR=https://<mirror>/electron/ npm start`,
    `  2. The zip, downloaded elsewhere from ${electronZipUrl(v, platform, arch, {})}`,
    `     and put exactly here (Electron's installer finds it there and checks its checksum offline), then npm start:`,
    `       ${cached}`,
    `     (or copy a whole Electron download cache that holds ${zip} and run: electron_config_cache=/path/to/that/cache npm start)`,
    `  3. An unpacked Electron ${v} folder: ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron npm start`,
    '',
    'Without Electron, the CLI does the main job (build it once with `npm run build`; a bundle folder or .zip):',
    `  ${CLI_REPORT_COMMAND}`,
    '  `npx auditdesk --help` lists the other commands.',
  ].join('\n');
}

/**
 * Why Electron cannot open a window here, or null: on Linux it needs an X11 or Wayland display (without one it
 * exits with "Missing X server or $DISPLAY"), so `npm start` says so before building anything.
 */
export function displayProblem(env: Env, platform: NodeJS.Platform = process.platform): string | null {
  if (platform !== 'linux' || env['DISPLAY'] || env['WAYLAND_DISPLAY']) return null;
  return [
    'Audit Desk cannot start: there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so Electron cannot open a window.',
    'Run `npm start` inside a desktop session, or headless under a virtual display: xvfb-run -a npm start',
    '',
    'Without a window, the CLI does the main job (build it once with `npm run build`; a bundle folder or .zip):',
    `  ${CLI_REPORT_COMMAND}`,
  ].join('\n');
}
