import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli';
import type { Engine } from '../../../electron/engine/engine';
import { createEngine } from '../../../electron/engine/engine';
import { defaultWorkspace } from '../../../electron/engine/workspace/workspaceFile';
import { GOOD_SPANS, HOSTILE_TIMEOUT, engineIn, errorOf, rmDir, tempDir, writeFiles } from './helpers';

const SECRET = 'root:x:0:0:TOP-SECRET-CONTENT';

describe('the workspace file beside the bundle is never followed through a link, and errors quote no content', () => {
  let root: string;
  let bundle: string;
  let engine: Engine;
  let bundleId: string;

  beforeAll(async () => {
    root = tempDir('hard-wslink');
    bundle = path.join(root, 'bundle');
    writeFiles(bundle, { 'spans.jsonl': GOOD_SPANS });
    engine = engineIn(path.join(root, 'data'));
    bundleId = (await engine.openBundle({ path: bundle })).bundleId;
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('a symbolic link named like the workspace is refused on load and on save; the target is neither read, quoted, moved nor written', async () => {
    const target = path.join(root, 'elsewhere.txt');
    fs.writeFileSync(target, SECRET);
    const link = `${bundle}.auditdesk.json`;
    fs.symlinkSync(target, link);
    const e = await errorOf(() => engine.loadWorkspace({ bundleId }));
    expect(e.code).toBe('bad_argument');
    expect(e.message).toMatch(/is a symbolic link; Audit Desk does not follow links there/);
    expect(e.message).not.toContain('TOP-SECRET');
    const s = await errorOf(() => engine.saveWorkspace({ bundleId, workspace: defaultWorkspace('x') }));
    expect(s.message).toMatch(/is a symbolic link/);
    expect(fs.readFileSync(target, 'utf8')).toBe(SECRET);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(root).filter((n) => n.includes('corrupt'))).toEqual([]);
    fs.unlinkSync(link);
  }, HOSTILE_TIMEOUT);

  it('a damaged workspace file is reported without quoting its bytes', async () => {
    const file = `${bundle}.auditdesk.json`;
    fs.writeFileSync(file, SECRET);
    const e = await errorOf(() => engine.loadWorkspace({ bundleId }));
    expect(e.message).toMatch(/is damaged \(not valid JSON( \(at character \d+\))?\)/);
    expect(e.message).not.toContain('root:x');
    expect(e.message).not.toContain('TOP-SECRET');
  }, HOSTILE_TIMEOUT);
});

describe('a bad memory limit names where it came from', () => {
  let root: string;
  let bundle: string;
  const saved = { dir: process.env['AUDITDESK_DATA_DIR'], mem: process.env['AUDITDESK_MEMORY_LIMIT'] };

  beforeAll(() => {
    root = tempDir('hard-env');
    bundle = path.join(root, 'bundle');
    writeFiles(bundle, { 'spans.jsonl': GOOD_SPANS });
    process.env['AUDITDESK_DATA_DIR'] = path.join(root, 'data');
  });
  afterAll(() => {
    for (const [k, v] of [['AUDITDESK_DATA_DIR', saved.dir], ['AUDITDESK_MEMORY_LIMIT', saved.mem]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmDir(root);
  });

  it('AUDITDESK_MEMORY_LIMIT=lots: the CLI names the variable and the accepted form (not "Failed to set config")', async () => {
    process.env['AUDITDESK_MEMORY_LIMIT'] = 'lots';
    try {
      const r = await cli('inspect', bundle);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: the environment variable AUDITDESK_MEMORY_LIMIT expects a size such as 2GB or 512MiB, got "lots"');
      // --memory-limit given on the command line wins over the variable.
      const ok = await cli('inspect', bundle, '--memory-limit', '512MB');
      expect(ok.code).toBe(0);
    } finally {
      delete process.env['AUDITDESK_MEMORY_LIMIT'];
    }
  }, HOSTILE_TIMEOUT);

  it('an engine given a memory limit DuckDB refuses says which setting, not "Failed to set config"', async () => {
    const engine = createEngine({ dataDir: path.join(root, 'data2'), memoryLimit: 'lots', threads: 1 });
    try {
      const e = await errorOf(() => engine.openBundle({ path: bundle }));
      expect(e.message).toMatch(/^The DuckDB memory limit "lots" is not a size DuckDB accepts/);
    } finally {
      await engine.dispose();
    }
  }, HOSTILE_TIMEOUT);
});
