import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const require = createRequire(import.meta.url);
const hooks = require(path.join(root, 'scripts', 'package', 'duckdbBinding.cjs')) as {
  bindingPackageFor(platform: string, arch: number | string): string;
  ensureBinding(projectDir: string, platform: string, arch: number | string, fetch: (spec: string, dest: string) => string): { pkg: string; version: string; fetched: boolean };
  pruneBindings(resources: string, platform: string, arch: number | string): string[];
};
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (name: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `auditdesk-${name}-`));
  made.push(d);
  return d;
};

describe('packaging configuration', () => {
  const yml = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');

  it('flips the fuses that lock the app down', () => {
    for (const line of [
      'runAsNode: false',
      'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false',
      'enableEmbeddedAsarIntegrityValidation: true',
      'onlyLoadAppFromAsar: true',
      'grantFileProtocolExtraPrivileges: false',
    ]) {
      expect(yml).toContain(`  ${line}`);
    }
  });

  it('has the deb metadata (homepage, maintainer e-mail) and the binding hooks', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { homepage?: string; author?: { email?: string } };
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.author?.email).toMatch(/@/);
    expect(yml).toMatch(/maintainer: .+ <[^>]+@[^>]+>/);
    expect(yml).toContain('beforePack: scripts/package/beforePack.cjs');
    expect(yml).toContain('afterPack: scripts/package/afterPack.cjs');
  });
});

describe('DuckDB binding per target platform', () => {
  it('names the binding package of each target, and refuses what DuckDB does not ship', () => {
    expect(hooks.bindingPackageFor('win32', 1)).toBe('@duckdb/node-bindings-win32-x64');
    expect(hooks.bindingPackageFor('darwin', 3)).toBe('@duckdb/node-bindings-darwin-arm64');
    expect(hooks.bindingPackageFor('linux', 'x64')).toBe('@duckdb/node-bindings-linux-x64');
    expect(() => hooks.bindingPackageFor('darwin', 4)).toThrow(/build darwin x64 and arm64 separately/);
    expect(() => hooks.bindingPackageFor('win32', 0)).toThrow(/No DuckDB binding for win32-ia32/);
  });

  it('fetches a missing target binding at the version @duckdb/node-bindings pins, and keeps one already there', () => {
    const project = temp('pack-project');
    const pinned = (JSON.parse(readFileSync(path.join(root, 'node_modules', '@duckdb', 'node-bindings', 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> }).optionalDependencies;
    mkdirSync(path.join(project, 'node_modules', '@duckdb', 'node-bindings'), { recursive: true });
    writeFileSync(path.join(project, 'node_modules', '@duckdb', 'node-bindings', 'package.json'), JSON.stringify({ optionalDependencies: pinned }));
    const fetched: string[] = [];
    // Stands in for `npm pack` (the registry): a tarball laid out as npm packs one.
    const fakePack = (spec: string, dest: string) => {
      fetched.push(spec);
      const src = path.join(dest, 'package');
      mkdirSync(src);
      writeFileSync(path.join(src, 'package.json'), JSON.stringify({ version: spec.slice(spec.lastIndexOf('@') + 1) }));
      writeFileSync(path.join(src, 'duckdb.node'), 'binary');
      execFileSync('tar', ['-czf', path.join(dest, 'b.tgz'), '-C', dest, 'package']);
      return path.join(dest, 'b.tgz');
    };
    const first = hooks.ensureBinding(project, 'win32', 1, fakePack);
    expect(first).toEqual({ pkg: '@duckdb/node-bindings-win32-x64', version: pinned['@duckdb/node-bindings-win32-x64'], fetched: true });
    expect(readdirSync(path.join(project, 'node_modules', '@duckdb', 'node-bindings-win32-x64')).sort()).toEqual(['duckdb.node', 'package.json']);
    expect(hooks.ensureBinding(project, 'win32', 1, fakePack).fetched).toBe(false);
    expect(fetched).toEqual([`@duckdb/node-bindings-win32-x64@${pinned['@duckdb/node-bindings-win32-x64']}`]);
  });

  it('removes the other platforms’ bindings from the packaged app and checks the target’s is there', () => {
    const resources = temp('pack-resources');
    const duck = path.join(resources, 'app.asar.unpacked', 'node_modules', '@duckdb');
    for (const name of ['node-bindings-linux-x64', 'node-bindings-win32-x64']) {
      mkdirSync(path.join(duck, name), { recursive: true });
      writeFileSync(path.join(duck, name, 'duckdb.node'), '');
    }
    expect(hooks.pruneBindings(resources, 'win32', 1)).toEqual(['node-bindings-linux-x64']);
    expect(readdirSync(duck)).toEqual(['node-bindings-win32-x64']);
    expect(() => hooks.pruneBindings(resources, 'darwin', 3)).toThrow(/no node-bindings-darwin-arm64\/duckdb.node/);
  });
});
