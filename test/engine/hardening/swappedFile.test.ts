import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/api/common';
import type { Engine } from '../../../electron/engine/engine';
import { GOOD_SPANS, HOSTILE_TIMEOUT, engineIn, manifestFor, rmDir, tempDir, writeFiles, workLeft } from './helpers';

/**
 * #14 item 2: a folder bundle's files used to be hashed first and re-read later to load, so a file rewritten in
 * between loaded new bytes under a "verified" status. The engine now copies each file into its private work folder
 * while hashing it and loads that copy; a file that changes while it is being read, or afterwards, is reported.
 */
describe('a swapped-during-import file', () => {
  let root: string;
  let dataDir: string;
  let engine: Engine;
  /** What to do when a progress event arrives (the attacker's hook: the engine reports each phase as it starts). */
  let onEvent: (p: Progress) => void = () => undefined;

  beforeAll(() => {
    root = tempDir('hard-swap');
    dataDir = path.join(root, 'data');
    engine = engineIn(dataDir, (p) => onEvent(p));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  const ORIGINAL = 'record_id,amount\nr1,100\nr2,200\n';
  const FORGED = 'record_id,amount\nr1,100\nr2,999\n';

  function bundle(name: string): string {
    const dir = path.join(root, name);
    writeFiles(dir, { 'spans.jsonl': GOOD_SPANS, 'records.csv': ORIGINAL });
    fs.writeFileSync(path.join(dir, 'manifest.json'), manifestFor(dir, { 'spans.jsonl': {}, 'records.csv': {} }));
    return dir;
  }

  async function amounts(bundleId: string): Promise<string[]> {
    const r = await engine.runSql({ bundleId, sql: 'SELECT CAST(amount AS VARCHAR) AS a FROM records ORDER BY record_id' });
    return r.rows.map((row) => String(row[0]));
  }

  it('a file rewritten after it was hashed and before it is loaded: the hashed bytes load, and the change is reported', async () => {
    const dir = bundle('after-hash');
    let swapped = false;
    onEvent = (p) => {
      // Same length, one digit changed: the moment the engine starts loading, the hashed file is no longer on disk.
      if (!swapped && p.phase === 'load') {
        fs.writeFileSync(path.join(dir, 'records.csv'), FORGED);
        swapped = true;
      }
    };
    try {
      const s = await engine.openBundle({ path: dir });
      expect(swapped).toBe(true);
      expect(s.integrity.state, 'the bytes loaded are the bytes hashed, and they match the manifest').toBe('verified');
      expect(await amounts(s.bundleId), 'the forged 999 must not load under a verified status').toEqual(['100', '200']);
      const f = s.files.find((x) => x.path === 'records.csv');
      expect(f?.inferred?.join('\n')).toMatch(/changed on disk during the import/);
      expect(s.open_problems.join('\n')).toMatch(/records\.csv: changed on disk during the import/);
      await engine.closeBundle({ bundleId: s.bundleId });
    } finally {
      onEvent = () => undefined;
    }
    expect(workLeft(dataDir)).toEqual([]);
  }, HOSTILE_TIMEOUT);

  it('a file replaced after the bundle was listed and before it was read: what was read is hashed and loaded, its change reported, the manifest check fails', async () => {
    const dir = bundle('before-hash');
    let swapped = false;
    onEvent = (p) => {
      // The engine names each file as it starts hashing it: the file is swapped (a new inode, another size) right then.
      if (!swapped && p.phase === 'hash' && p.file === 'records.csv') {
        const tmp = path.join(dir, '.swap');
        fs.writeFileSync(tmp, `${FORGED}r3,1\n`);
        fs.renameSync(tmp, path.join(dir, 'records.csv'));
        swapped = true;
      }
    };
    try {
      const s = await engine.openBundle({ path: dir });
      expect(swapped).toBe(true);
      expect(s.integrity.state).toBe('altered');
      expect(s.integrity.problems.find((p) => p.path === 'records.csv')?.status).toBe('hash_mismatch');
      const f = s.files.find((x) => x.path === 'records.csv');
      expect(f?.bytes, 'the size reported is the size of the bytes read').toBe(Buffer.byteLength(`${FORGED}r3,1\n`));
      expect(f?.rows_loaded).toBe(3);
      expect(f?.inferred?.join('\n')).toMatch(/changed on disk during the import/);
      await engine.closeBundle({ bundleId: s.bundleId });
    } finally {
      onEvent = () => undefined;
    }
  }, HOSTILE_TIMEOUT);

  it('a folder of the bundle swapped for a symbolic link mid-import: the files read through it are reported as changed, naming the folder', async () => {
    const dir = path.join(root, 'dir-swap');
    writeFiles(dir, { 'records.csv': ORIGINAL, 'spans/a.jsonl': GOOD_SPANS });
    fs.writeFileSync(path.join(dir, 'manifest.json'), manifestFor(dir, { 'records.csv': {}, 'spans/a.jsonl': {} }));
    // Outside the bundle: a same-named file with other spans, reached once spans/ is a link to this folder.
    const outside = path.join(root, 'dir-swap-outside');
    const forged = GOOD_SPANS.replaceAll('"t1"', '"t9"');
    writeFiles(outside, { 'a.jsonl': forged });
    let swapped = false;
    onEvent = (p) => {
      // records.csv is hashed before spans/a.jsonl: the folder is swapped the moment records.csv is named.
      if (!swapped && p.phase === 'hash' && p.file === 'records.csv') {
        fs.renameSync(path.join(dir, 'spans'), path.join(root, 'dir-swap-original-spans'));
        fs.symlinkSync(outside, path.join(dir, 'spans'));
        swapped = true;
      }
    };
    try {
      const s = await engine.openBundle({ path: dir });
      expect(swapped).toBe(true);
      const f = s.files.find((x) => x.path === 'spans/a.jsonl');
      expect(f?.inferred?.join('\n')).toMatch(/changed on disk during the import \(.*folder "spans".*symbolic link/);
      expect(s.open_problems.join('\n')).toMatch(/spans\/a\.jsonl: changed on disk during the import \(.*folder "spans"/);
      expect(s.integrity.state, 'what was read is not what the manifest lists').toBe('altered');
      await engine.closeBundle({ bundleId: s.bundleId });
    } finally {
      onEvent = () => undefined;
    }
  }, HOSTILE_TIMEOUT);

  it('an untouched folder bundle reports no change and leaves no copy behind', async () => {
    const dir = bundle('untouched');
    const s = await engine.openBundle({ path: dir });
    expect(s.integrity.state).toBe('verified');
    expect(s.files.some((f) => (f.inferred ?? []).some((x) => /changed on disk/.test(x)))).toBe(false);
    expect(s.open_problems).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'work', s.bundleId)).filter((n) => n === 'files')).toEqual([]);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);
});
