import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultWorkspace, loadWorkspaceFile, saveWorkspaceFile, workspacePathFor } from '../../../electron/engine/workspace/workspaceFile';
import { ApiError } from '../../../shared/api/common';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ad-ws-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('workspace file', () => {
  it('lives next to the bundle, never inside it', () => {
    expect(workspacePathFor('/x/b')).toBe('/x/b.auditdesk.json');
    expect(workspacePathFor('/x/b/')).toBe('/x/b.auditdesk.json');
    expect(workspacePathFor('/x/b.zip')).toBe('/x/b.zip.auditdesk.json');
  });

  it('returns the default workspace when absent, and round-trips a saved one', async () => {
    const bundle = path.join(dir, 'bundle-a');
    await mkdir(bundle);
    const defaults = defaultWorkspace('a'.repeat(64), 'sys');
    const first = await loadWorkspaceFile(bundle, defaults);
    expect(first.exists).toBe(false);
    expect(first.workspace).toEqual(defaults);
    const ws = { ...defaults, params: { drift_bins: 20 }, signoff: { ...defaults.signoff, auditor: 'Ana' } };
    const saved = await saveWorkspaceFile(bundle, ws);
    expect(saved.path).toBe(`${bundle}.auditdesk.json`);
    expect(await readdir(bundle)).toEqual([]);
    const again = await loadWorkspaceFile(bundle, defaults);
    expect(again.exists).toBe(true);
    expect(again.workspace).toEqual(ws);
  });

  it('keeps a corrupt file aside with a clear error, and never overwrites it silently', async () => {
    const bundle = path.join(dir, 'bundle-b');
    const file = workspacePathFor(bundle);
    await writeFile(file, '{"version": 1, "findings": [trunc');
    const defaults = defaultWorkspace('b'.repeat(64));
    const err = await loadWorkspaceFile(bundle, defaults).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/bundle-b\.auditdesk\.json is damaged \(not valid JSON.*kept as bundle-b\.auditdesk\.json\.corrupt-[0-9a-f]{12}/);
    const names = (await readdir(dir)).filter((n) => n.startsWith('bundle-b'));
    expect(names).toHaveLength(1);
    expect(await readFile(path.join(dir, names[0]!), 'utf8')).toBe('{"version": 1, "findings": [trunc');
    expect((await loadWorkspaceFile(bundle, defaults)).exists).toBe(false);

    // A schema-invalid file in place at save time is moved aside before the new one is written.
    await writeFile(file, '{"version": 2}');
    const saved = await saveWorkspaceFile(bundle, defaults);
    expect(saved.set_aside).toMatch(/\.corrupt-[0-9a-f]{12}$/);
    expect(await readFile(saved.set_aside!, 'utf8')).toBe('{"version": 2}');
  });

  it('refuses to save an invalid workspace', async () => {
    const bad = { ...defaultWorkspace('c'.repeat(64)), version: 3 } as unknown as ReturnType<typeof defaultWorkspace>;
    await expect(saveWorkspaceFile(path.join(dir, 'bundle-c'), bad)).rejects.toThrow(/Workspace not saved: field version/);
  });

  it('survives SIGKILL during saves: the file is always the old or the new workspace, never partial', async () => {
    const bundle = path.join(dir, 'bundle-kill');
    const helper = path.join(import.meta.dirname, 'helpers', 'saveLoop.ts');
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', helper, bundle], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const target = 2 + round * 3;
      await new Promise<void>((resolve, reject) => {
        let saves = 0;
        child.stdout.on('data', (d: Buffer) => {
          saves += (d.toString().match(/saved/g) ?? []).length;
          if (saves >= target) {
            // Kill at a different point inside the next save each round.
            setTimeout(() => {
              child.kill('SIGKILL');
              resolve();
            }, round);
          }
        });
        child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
      });
      await new Promise((r) => child.once('exit', r).once('close', r));
      const loaded = await loadWorkspaceFile(bundle, defaultWorkspace('0'.repeat(64)));
      expect(loaded.exists).toBe(true);
      const tag = loaded.workspace.signoff.notes[0];
      expect(tag === 'A' || tag === 'B').toBe(true);
      expect(loaded.workspace.signoff.notes).toBe(tag!.repeat(19_000));
      expect(loaded.workspace.findings).toHaveLength(400);
      expect(loaded.workspace.findings.every((f) => f.id.startsWith(`${tag}-`))).toBe(true);
    }
    // No corrupt copies were ever set aside; the next save clears temp files the killed writers left.
    expect((await readdir(dir)).filter((n) => n.includes('bundle-kill') && n.includes('corrupt'))).toEqual([]);
    await saveWorkspaceFile(bundle, defaultWorkspace('1'.repeat(64)));
    expect((await readdir(dir)).filter((n) => n.includes('bundle-kill'))).toEqual(['bundle-kill.auditdesk.json']);
  });
});
