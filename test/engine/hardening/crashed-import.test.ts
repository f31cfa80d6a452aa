import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { OWNER_FILE, processStart, sweepStaleWorkFolders, UNOWNED_GRACE_MS } from '../../../electron/engine/fs/workFolders';
import { GOOD_SPANS, HOSTILE_TIMEOUT, engineIn, rmDir, tempDir, workLeft } from './helpers';

/**
 * #14 item 16 / #13: a crash during a zip import leaves the extracted copy in a work folder. The next
 * engine on the same data folder removes it, but never the folder of an engine that is still running
 * (CLI runs, app engines and parallel test runs share ~/.cache/auditdesk).
 */
const root = path.resolve(__dirname, '..', '..', '..');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmDir(d);
});

/** Starts an engine in another process (this very process: `--import tsx`, not the tsx CLI, which would fork again) that opens `bundle` and freezes right after extracting the zip. */
async function frozenImport(dataDir: string, bundle: string): Promise<{ child: ChildProcess; workDir: string }> {
  const before = new Set(workLeft(dataDir));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'importThenFreeze.child.ts'), dataDir, bundle], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('FROZEN')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before freezing`)));
  });
  const mine = workLeft(dataDir).filter((n) => !before.has(n));
  expect(mine).toHaveLength(1);
  return { child, workDir: path.join(dataDir, 'work', mine[0]!) };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('work folders left by a crash', () => {
  it('a crash mid zip import leaves the extracted copy; the next engine removes it and keeps a live engine’s folder', async () => {
    const dataDir = tempDir('crashed-import');
    const bundles = tempDir('crashed-import-bundles');
    dirs.push(dataDir, bundles);
    const zip = path.join(bundles, 'b.zip');
    fs.writeFileSync(zip, zipSync({ 'spans.jsonl': new TextEncoder().encode(GOOD_SPANS) }));

    const crashed = await frozenImport(dataDir, zip);
    const live = await frozenImport(dataDir, zip);
    expect(fs.readdirSync(path.join(crashed.workDir, 'zip'))).toContain('spans.jsonl');
    await killed(crashed.child);
    expect(fs.existsSync(path.join(crashed.workDir, 'zip', 'spans.jsonl')), 'the crash left the extracted copy').toBe(true);

    const engine = engineIn(dataDir);
    try {
      expect(await engine.staleWorkFolders).toEqual([path.basename(crashed.workDir)]);
      expect(fs.existsSync(crashed.workDir)).toBe(false);
      expect(fs.existsSync(path.join(live.workDir, 'zip', 'spans.jsonl')), 'a running engine’s folder is kept').toBe(true);
      // The running engine's own import still works on this shared folder.
      const s = await engine.openBundle({ path: zip });
      expect(s.files.find((f) => f.path === 'spans.jsonl')?.rows_loaded).toBe(2);
      await engine.closeBundle({ bundleId: s.bundleId });
    } finally {
      await engine.dispose();
    }
    await killed(live.child);
    expect(await sweepStaleWorkFolders(dataDir)).toEqual([path.basename(live.workDir)]);
    expect(workLeft(dataDir)).toEqual([]);
  }, HOSTILE_TIMEOUT);

  it('owner records: pid reuse and dead pids are stale; this host’s live process, another host and fresh unowned folders are not', async () => {
    const dataDir = tempDir('owners');
    dirs.push(dataDir);
    const work = path.join(dataDir, 'work');
    const make = (name: string, owner: unknown | null, ageMs = 0): void => {
      fs.mkdirSync(path.join(work, name, 'spill'), { recursive: true });
      if (owner !== null) fs.writeFileSync(path.join(work, name, OWNER_FILE), JSON.stringify(owner));
      const t = new Date(Date.now() - ageMs);
      fs.utimesSync(path.join(work, name), t, t);
    };
    const self = { pid: process.pid, host: os.hostname(), procStart: processStart(process.pid) };
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    make('live-self', self);
    make('dead-pid', { ...self, pid: dead.pid, procStart: null });
    make('other-host', { ...self, pid: dead.pid, host: `${os.hostname()}-elsewhere` });
    make('unowned-fresh', null);
    make('unowned-old', null, UNOWNED_GRACE_MS + 60_000);
    make('garbled-old', 'not an owner', UNOWNED_GRACE_MS + 60_000);
    if (self.procStart !== null) make('pid-reused', { ...self, procStart: String(Number(self.procStart) + 1) });
    fs.writeFileSync(path.join(work, 'a-file'), '');

    const removed = (await sweepStaleWorkFolders(dataDir)).sort();
    expect(removed).toEqual(['dead-pid', 'garbled-old', ...(self.procStart !== null ? ['pid-reused'] : []), 'unowned-old'].sort());
    expect(fs.readdirSync(work).sort()).toEqual(['a-file', 'live-self', 'other-host', 'unowned-fresh']);
  });
});
