// electron-builder hooks that put the right DuckDB native binding into each package.
//
// @duckdb/node-api loads `@duckdb/node-bindings-<platform>-<arch>/duckdb.node` (+ libduckdb beside it).
// npm installs only the HOST's binding (an optional dependency per platform), so an installer for
// another platform built from this tree would fail at the first bundle. At package time:
//   beforePack: fetch the TARGET's binding package (same version as @duckdb/node-bindings pins) into
//               node_modules when it is missing — `npm pack` from the registry, extracted in place;
//   afterPack:  remove every other platform's binding from the packaged app (app.asar.unpacked).
// Universal macOS builds (two architectures in one app) are not supported: build x64 and arm64 apart.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** builder-util's Arch enum, by index. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];
const SUPPORTED = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];

function bindingPackageFor(platform, arch) {
  const archName = typeof arch === 'number' ? ARCH_NAMES[arch] : arch;
  const key = `${platform}-${archName}`;
  if (!SUPPORTED.includes(key)) {
    throw new Error(`No DuckDB binding for ${key}: @duckdb/node-api ships ${SUPPORTED.join(', ')}${archName === 'universal' ? ' (build darwin x64 and arm64 separately)' : ''}.`);
  }
  return `@duckdb/node-bindings-${key}`;
}

function pinnedVersion(projectDir, pkg) {
  const meta = JSON.parse(fs.readFileSync(path.join(projectDir, 'node_modules', '@duckdb', 'node-bindings', 'package.json'), 'utf8'));
  const v = meta.optionalDependencies && meta.optionalDependencies[pkg];
  if (!v) throw new Error(`@duckdb/node-bindings does not list ${pkg}`);
  return v;
}

function installedVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Makes sure node_modules holds the target's binding at the pinned version; returns what it did. */
function ensureBinding(projectDir, platform, arch, fetchPackage = npmPack) {
  const pkg = bindingPackageFor(platform, arch);
  const version = pinnedVersion(projectDir, pkg);
  const dir = path.join(projectDir, 'node_modules', ...pkg.split('/'));
  if (installedVersion(dir) === version && fs.existsSync(path.join(dir, 'duckdb.node'))) return { pkg, version, fetched: false };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditdesk-duckdb-binding-'));
  try {
    const tgz = fetchPackage(`${pkg}@${version}`, tmp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1']);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!fs.existsSync(path.join(dir, 'duckdb.node'))) throw new Error(`${pkg}@${version} has no duckdb.node after extraction`);
  return { pkg, version, fetched: true };
}

function npmPack(spec, destination) {
  const out = execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', spec, '--pack-destination', destination, '--json'], { encoding: 'utf8' });
  const [info] = JSON.parse(out);
  return path.join(destination, info.filename);
}

function resourcesDir(appOutDir, platform, productFilename) {
  return platform === 'darwin' || platform === 'mas' ? path.join(appOutDir, `${productFilename}.app`, 'Contents', 'Resources') : path.join(appOutDir, 'resources');
}

/** Removes the other platforms' bindings from a packaged app; returns the folders removed. */
function pruneBindings(resources, platform, arch) {
  const keep = bindingPackageFor(platform, arch).split('/')[1];
  const dir = path.join(resources, 'app.asar.unpacked', 'node_modules', '@duckdb');
  if (!fs.existsSync(dir)) return [];
  const removed = [];
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('node-bindings-') && name !== keep) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  if (!fs.existsSync(path.join(dir, keep, 'duckdb.node'))) throw new Error(`the packaged app has no ${keep}/duckdb.node`);
  return removed;
}

async function beforePack(context) {
  const r = ensureBinding(context.packager.projectDir, context.electronPlatformName, context.arch);
  console.log(`  • DuckDB binding ${r.pkg}@${r.version}${r.fetched ? ' fetched for this target' : ' present'}`);
}

async function afterPack(context) {
  const resources = resourcesDir(context.appOutDir, context.electronPlatformName, context.packager.appInfo.productFilename);
  const removed = pruneBindings(resources, context.electronPlatformName, context.arch);
  if (removed.length) console.log(`  • removed other platforms' DuckDB bindings: ${removed.join(', ')}`);
}

module.exports = { beforePack, afterPack, bindingPackageFor, ensureBinding, pruneBindings, resourcesDir };
