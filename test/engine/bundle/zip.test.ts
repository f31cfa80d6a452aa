import fs from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { readCentralDirectory } from '../../../electron/engine/bundle/zip';
import { engineIn, errorOf, jsonl, manifestFor, rmDir, tempDir, writeFiles } from './helpers';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const SPANS = jsonl([
  { trace_id: 't', span_id: 'a', name: 'root' },
  { trace_id: 't', span_id: 'b', parent_span_id: 'a', name: 'child' },
]);

describe('zip bundles and hostile archives', () => {
  let root: string;
  let dataDir: string;
  let engine: Engine;
  let n = 0;
  const zipFile = (entries: Zippable, name = `z${n++}.zip`): string => {
    const p = path.join(root, name);
    fs.writeFileSync(p, zipSync(entries));
    return p;
  };
  /** Nothing may be left under dataDir/work after a refused or cancelled open. */
  const workLeft = () => (fs.existsSync(path.join(dataDir, 'work')) ? fs.readdirSync(path.join(dataDir, 'work')) : []);

  beforeAll(() => {
    root = tempDir('zip');
    dataDir = path.join(root, 'data');
    engine = engineIn(dataDir);
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('opens a zip of a bundle folder exactly like the folder (same root hash), leaving the zip untouched', async () => {
    const folder = path.join(root, 'northwind');
    writeFiles(folder, { 'spans.jsonl': SPANS, 'sub/releases.csv': 'release_id,released_at\nr1,2026-03-01T00:00:00Z\n' });
    writeFiles(folder, { 'manifest.json': manifestFor(folder, { 'spans.jsonl': { rows: 2 }, 'sub/releases.csv': { rows: 1 } }) });
    const fromFolder = await engine.openBundle({ path: folder });
    const files: Zippable = {};
    for (const rel of ['spans.jsonl', 'sub/releases.csv', 'manifest.json']) files[`northwind/${rel}`] = new Uint8Array(fs.readFileSync(path.join(folder, rel)));
    const z = zipFile(files, 'northwind.zip');
    const zipBytes = fs.readFileSync(z);
    const fromZip = await engine.openBundle({ path: z });
    expect(fromZip.integrity.state).toBe('verified');
    expect(fromZip.integrity.root_hash).toBe(fromFolder.integrity.root_hash);
    expect(fromZip.name).toBe('northwind');
    expect(fromZip.tables.find((t) => t.name === 'spans')?.rows).toBe(2);
    expect(fs.readFileSync(z).equals(zipBytes)).toBe(true);
    await engine.closeBundle({ bundleId: fromZip.bundleId });
    await engine.closeBundle({ bundleId: fromFolder.bundleId });
    expect(workLeft()).toEqual([]);
  });

  it('refuses "../" entries (zip-slip) and writes nothing outside', async () => {
    const z = zipFile({ 'spans.jsonl': enc(SPANS), '../evil.txt': enc('x') }, 'slip.zip');
    const e = await errorOf(() => engine.openBundle({ path: z }));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip slip.zip: entry "../evil.txt" climbs out of the bundle with ".."; refused (zip-slip).' });
    expect(fs.existsSync(path.join(root, 'evil.txt'))).toBe(false);
    expect(workLeft()).toEqual([]);
  });

  it('refuses absolute paths', async () => {
    const z = zipFile({ 'spans.jsonl': enc(SPANS), '/tmp/abs.txt': enc('x') }, 'abs.zip');
    const e = await errorOf(() => engine.openBundle({ path: z }));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip abs.zip: entry "/tmp/abs.txt" has an absolute path; refused (zip-slip).' });
  });

  it('refuses a truncated zip', async () => {
    const full = zipSync({ 'spans.jsonl': enc(SPANS) });
    const p = path.join(root, 'cut.zip');
    fs.writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
    const e = await errorOf(() => engine.openBundle({ path: p }));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip cut.zip: the file is truncated or not a zip archive (end of central directory not found).' });
  });

  it('refuses symbolic links inside a zip', async () => {
    const z = zipFile({ 'spans.jsonl': enc(SPANS), 'link.csv': [enc('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] }, 'link.zip');
    const e = await errorOf(() => engine.openBundle({ path: z }));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip link.zip: entry "link.csv" is a symbolic link; links are refused in zip bundles.' });
  });

  it('refuses a zip bomb by ratio', async () => {
    const z = zipFile({ 'bomb.jsonl': [new Uint8Array(32 * 1024 * 1024), { level: 9 }] }, 'bomb.zip');
    const e = await errorOf(() => engine.openBundle({ path: z }));
    expect(e.code).toBe('bad_bundle');
    expect(e.message).toMatch(/^Zip bomb\.zip: entry "bomb\.jsonl" expands \d+× \(limit 1000×\); refused \(zip bomb guard\)\.$/);
  });

  it('refuses an entry that inflates beyond its declared size', async () => {
    const bytes = Buffer.from(zipSync({ 'a.jsonl': [enc(SPANS.repeat(20)), { level: 9 }] }));
    // Lie about the uncompressed size in both headers.
    bytes.writeUInt32LE(10, 22);
    const cd = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(10, cd + 24);
    const p = path.join(root, 'liar.zip');
    fs.writeFileSync(p, bytes);
    const e = await errorOf(() => engine.openBundle({ path: p }));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip liar.zip: entry "a.jsonl" inflates beyond its declared size; refused (zip bomb guard).' });
    expect(workLeft()).toEqual([]);
  });

  it('refuses a folder symlink that points outside the bundle', async () => {
    const dir = path.join(root, 'linked');
    writeFiles(dir, { 'spans.jsonl': SPANS });
    fs.symlinkSync('/etc/hostname', path.join(dir, 'host.csv'));
    const e = await errorOf(() => engine.openBundle({ path: dir }));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Symbolic link host.csv points outside the bundle (/etc/hostname); refused.' });
  });

  it('names a path that is neither a folder nor a zip', async () => {
    const p = path.join(root, 'plain.txt');
    fs.writeFileSync(p, 'hello');
    expect(await errorOf(() => engine.openBundle({ path: p }))).toMatchObject({ code: 'bad_bundle', message: `Not a bundle: ${p} is neither a folder nor a .zip file.` });
    expect(await errorOf(() => engine.openBundle({ path: path.join(root, 'nope') }))).toMatchObject({ code: 'not_found', message: `Bundle not found: ${path.join(root, 'nope')}` });
  });
});

describe('a zip whose end record keeps only the low 16 bits of its entry count (no zip64 record)', () => {
  it('every entry of the central directory is listed: 65 540 entries, not the 4 the count says', async () => {
    const dir = tempDir('zip-wrapped-count');
    try {
      const entries: Zippable = {};
      for (let i = 0; i < 65_540; i++) entries[`e/${i}.txt`] = new Uint8Array(0);
      const p = path.join(dir, 'many.zip');
      fs.writeFileSync(p, zipSync(entries));
      const buf = fs.readFileSync(p);
      // The archive as its writer made it: the end record says 65 540 mod 65 536 = 4 entries, and there is no zip64 record.
      expect(buf.readUInt16LE(buf.length - 22 + 10)).toBe(4);
      expect(buf.readUInt32LE(buf.length - 22 - 20)).not.toBe(0x07064b50);
      const listed = await readCentralDirectory(p);
      expect(listed.length).toBe(65_540);
      expect(listed[65_539]?.name).toBe('e/65539.txt');
    } finally {
      rmDir(dir);
    }
  });
});

