import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { LIMITS } from '../../../electron/engine/bundle/limits';
import { GOOD_SPANS, HOSTILE_TIMEOUT, WriteGuard, countOf, engineIn, errorOf, expectAccounted, fileReport, rejectsOf, rmDir, sha256, tempDir, workLeft, writeFiles } from './helpers';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const CD_SIG = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

/** Offsets of every central-directory record in a zip made by fflate (no comments, no zip64). */
function centralRecords(zip: Buffer): number[] {
  const out: number[] = [];
  for (let i = zip.indexOf(CD_SIG); i >= 0; i = zip.indexOf(CD_SIG, i + 4)) out.push(i);
  return out;
}

/**
 * Hostile archives and links not already covered by test/engine/bundle/zip.test.ts: zip-slip
 * variants, the total-size bomb guard, corrupt and cut archives, encryption, odd methods,
 * duplicate and overlapping entries, gzip bombs and broken gzip, and folder links.
 */
describe('hostile archives and links', () => {
  let root: string;
  let bundles: string;
  let dataDir: string;
  let engine: Engine;
  let n = 0;
  const zipAt = (bytes: Uint8Array, name = `z${n++}.zip`): string => {
    const p = path.join(bundles, name);
    fs.writeFileSync(p, bytes);
    return p;
  };
  /** Opens a hostile zip expecting a refusal; checks nothing was written next to it, in /tmp's root or left under dataDir. */
  async function refused(zipPath: string): Promise<{ code: string; message: string; where?: unknown }> {
    const guard = new WriteGuard(zipPath);
    const tmpBefore = fs.readdirSync('/tmp').filter((f) => f.startsWith('evil'));
    const e = await errorOf(() => engine.openBundle({ path: zipPath }));
    guard.check();
    expect(fs.readdirSync('/tmp').filter((f) => f.startsWith('evil'))).toEqual(tmpBefore);
    expect(workLeft(dataDir)).toEqual([]);
    expect(engine.context.sessions.size).toBe(0);
    return e;
  }

  beforeAll(() => {
    root = tempDir('hard-arch');
    bundles = path.join(root, 'bundles');
    fs.mkdirSync(bundles);
    dataDir = path.join(root, 'data');
    engine = engineIn(dataDir);
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it.each([
    ['a/../../evil-nested.txt', 'entry "a/../../evil-nested.txt" climbs out of the bundle with ".."; refused (zip-slip).'],
    ['..\\evil-backslash.txt', 'entry "..\\evil-backslash.txt" climbs out of the bundle with ".."; refused (zip-slip).'],
    ['C:/evil-drive.txt', 'entry "C:/evil-drive.txt" has an absolute path; refused (zip-slip).'],
    ['\\\\server\\evil-unc.txt', 'entry "\\\\server\\evil-unc.txt" has an absolute path; refused (zip-slip).'],
  ])('zip-slip variant %s is refused before anything is extracted', async (name, message) => {
    const z = zipAt(zipSync({ 'spans.jsonl': enc(GOOD_SPANS), [name]: enc('x') }), `slip${n++}.zip`);
    const e = await refused(z);
    expect(e).toMatchObject({ code: 'bad_bundle', message: `Zip ${path.basename(z)}: ${message}`, where: { file: name } });
    expect(fs.readdirSync(root).sort()).toEqual(['bundles', 'data']);
  }, HOSTILE_TIMEOUT);

  it('zip bomb by total size: declared sizes above the limit are refused from the central directory alone', async () => {
    // 17 stored entries each declaring ~4 GiB (ratio 1, so the ratio guard does not fire): 68 GB > 64 GiB.
    const files: Zippable = {};
    for (let i = 0; i < 17; i++) files[`part${String(i).padStart(2, '0')}.csv`] = [enc('a\n1\n'), { level: 0 }];
    const zip = Buffer.from(zipSync(files));
    for (const off of centralRecords(zip)) {
      zip.writeUInt32LE(0xfffffff0, off + 20);
      zip.writeUInt32LE(0xfffffff0, off + 24);
    }
    const z = zipAt(zip, 'huge.zip');
    const e = await refused(z);
    expect(e).toMatchObject({ code: 'bad_bundle', message: `Zip huge.zip: it expands to more than ${LIMITS.zipMaxTotalBytes} bytes; refused (zip bomb guard).` });
  }, HOSTILE_TIMEOUT);

  it('zip bomb by ratio: a tiny zip (<100 KB) claiming 64 MB of zeros is refused with the entry and its ratio', async () => {
    const bomb = zipSync({ 'records.csv': [new Uint8Array(64 * 1024 * 1024), { level: 9 }], 'spans.jsonl': enc(GOOD_SPANS) });
    expect(bomb.length).toBeLessThan(100_000);
    const z = zipAt(bomb, 'ratio.zip');
    const e = await refused(z);
    expect(e.code).toBe('bad_bundle');
    expect(e.message).toMatch(/^Zip ratio\.zip: entry "records\.csv" expands (\d+)× \(limit 1000×\); refused \(zip bomb guard\)\.$/);
    expect(e.where).toEqual({ file: 'records.csv' });
  }, HOSTILE_TIMEOUT);

  it('an end record declaring more entries than the limit is refused before the directory is read', async () => {
    const zip = Buffer.from(zipSync({ 'spans.jsonl': enc(GOOD_SPANS) }));
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    zip.writeUInt16LE(0xffff, eocd + 8);
    zip.writeUInt16LE(0xffff, eocd + 10);
    const e = await refused(zipAt(zip, 'many.zip'));
    // 65 535 < 100 000: a plain end record cannot exceed the limit, so the lie is caught as a corrupt directory
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip many.zip: the central directory is corrupt.' });
    expect(LIMITS.zipMaxEntries).toBe(100_000);
  }, HOSTILE_TIMEOUT);

  it('a zip cut in the middle of its data (end record intact) is refused as truncated', async () => {
    const full = Buffer.from(zipSync({ 'spans.jsonl': [enc(GOOD_SPANS.repeat(200)), { level: 0 }] }));
    const cut = Buffer.concat([full.subarray(0, 100), full.subarray(400)]);
    const e = await refused(zipAt(cut, 'holed.zip'));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip holed.zip: the file is truncated (central directory lies beyond the end of the file).' });
  }, HOSTILE_TIMEOUT);

  it('an entry whose data runs past the end of the file is refused naming the entry', async () => {
    const zip = Buffer.from(zipSync({ 'spans.jsonl': [enc(GOOD_SPANS), { level: 0 }] }));
    const [cd] = centralRecords(zip);
    zip.writeUInt32LE(1_000_000, (cd as number) + 20);
    zip.writeUInt32LE(1_000_000, (cd as number) + 24);
    const e = await refused(zipAt(zip, 'overrun.zip'));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip overrun.zip: entry "spans.jsonl" is truncated (its data runs past the end of the file).', where: { file: 'spans.jsonl' } });
  }, HOSTILE_TIMEOUT);

  it('corrupt deflate data is refused naming the entry', async () => {
    const zip = Buffer.from(zipSync({ 'spans.jsonl': [enc(GOOD_SPANS.repeat(50)), { level: 9 }] }));
    const dataStart = 30 + 'spans.jsonl'.length;
    for (let i = dataStart; i < dataStart + 12; i++) zip[i] = 0xff;
    const e = await refused(zipAt(zip, 'garbled.zip'));
    expect(e.code).toBe('bad_bundle');
    expect(e.message).toMatch(/^Zip garbled\.zip: entry "spans\.jsonl" is (corrupt or truncated \(.+\)|truncated or corrupt \(\d+ bytes extracted, \d+ declared\))\.$/);
  }, HOSTILE_TIMEOUT);

  it('encrypted entries and unsupported compression methods are refused by name', async () => {
    const enc1 = Buffer.from(zipSync({ 'spans.jsonl': enc(GOOD_SPANS) }));
    const [cd1] = centralRecords(enc1);
    enc1.writeUInt16LE(1, (cd1 as number) + 8);
    expect(await refused(zipAt(enc1, 'locked.zip'))).toMatchObject({ code: 'bad_bundle', message: 'Zip locked.zip: entry "spans.jsonl" is encrypted; refused.' });
    const bz = Buffer.from(zipSync({ 'spans.jsonl': enc(GOOD_SPANS) }));
    const [cd2] = centralRecords(bz);
    bz.writeUInt16LE(12, (cd2 as number) + 10);
    expect(await refused(zipAt(bz, 'bzip2.zip'))).toMatchObject({
      code: 'bad_bundle',
      message: 'Zip bzip2.zip: entry "spans.jsonl" uses compression method 12 (only stored and deflate are supported).',
    });
  }, HOSTILE_TIMEOUT);

  it('the same entry name twice is refused', async () => {
    const zip = Buffer.from(zipSync({ 'spans.jsonl': enc(GOOD_SPANS), 'spanz.jsonl': enc(GOOD_SPANS) }));
    // Rename the second entry (same length) in both headers.
    for (let i = zip.indexOf('spanz.jsonl'); i >= 0; i = zip.indexOf('spanz.jsonl', i + 1)) zip.write('spans.jsonl', i, 'latin1');
    const e = await refused(zipAt(zip, 'twice.zip'));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip twice.zip: entry "spans.jsonl" appears twice (or clashes with a folder); refused.' });
  }, HOSTILE_TIMEOUT);

  // Several central-directory records pointing at the same local data (the "non-recursive zip bomb"
  // construction: each record's ratio looks harmless while the total explodes) are refused before extraction.
  it('overlapping entries (shared local data) are refused', async () => {
    const zip = Buffer.from(zipSync({ 'a.jsonl': enc(GOOD_SPANS), 'b.jsonl': enc(GOOD_SPANS) }));
    const [, cdB] = centralRecords(zip);
    zip.writeUInt32LE(0, (cdB as number) + 42);
    const e = await refused(zipAt(zip, 'overlap.zip'));
    expect(e.code).toBe('bad_bundle');
    expect(e.message).toMatch(/overlap/);
  });

  it('a local header naming "../evil" cannot redirect extraction: only the central directory names count', async () => {
    const zip = Buffer.from(zipSync({ 'b/spans.jsonl': enc(GOOD_SPANS) }));
    // Same length as "b/spans.jsonl", in the local header only.
    zip.write('../evil-1.txt', 30, 'latin1');
    const z = zipAt(zip, 'localslip.zip');
    const guard = new WriteGuard(z);
    const s = await engine.openBundle({ path: z });
    guard.check();
    expect(s.files.map((f) => f.path)).toEqual(['spans.jsonl']);
    expect(await countOf(engine, s, 'spans')).toBe(2);
    expect(fs.existsSync(path.join(root, 'evil-1.txt'))).toBe(false);
    await engine.closeBundle({ bundleId: s.bundleId });
    expect(workLeft(dataDir)).toEqual([]);
  }, HOSTILE_TIMEOUT);

  it('a zip nested in a zip is hashed and listed, never expanded', async () => {
    const inner = zipSync({ 'evil-inner.csv': [new Uint8Array(8 * 1024 * 1024), { level: 9 }] });
    const z = zipAt(zipSync({ 'b/spans.jsonl': enc(GOOD_SPANS), 'b/inner.zip': [inner, { level: 0 }] }), 'nested.zip');
    const guard = new WriteGuard(z);
    const s = await engine.openBundle({ path: z });
    guard.check();
    expect(fileReport(s, 'inner.zip')).toMatchObject({ table: null, format: 'other', rows_read: 0, status: 'ok' });
    expect(s.files.map((f) => f.path)).toEqual(['inner.zip', 'spans.jsonl']);
    expect(await countOf(engine, s, 'spans')).toBe(2);
    await engine.closeBundle({ bundleId: s.bundleId });
    expect(workLeft(dataDir)).toEqual([]);
  }, HOSTILE_TIMEOUT);

  it('an empty zip and a zip of OS litter only are refused as holding no files', async () => {
    expect(await refused(zipAt(zipSync({}), 'empty.zip'))).toMatchObject({ code: 'bad_bundle', message: `Zip empty.zip contains no files.` });
    expect(await refused(zipAt(zipSync({ '__MACOSX/._spans.jsonl': enc('x'), '.DS_Store': enc('x') }), 'litter.zip'))).toMatchObject({
      code: 'bad_bundle',
      message: `Zip litter.zip contains no files.`,
    });
  }, HOSTILE_TIMEOUT);

  it('an entry name with a NUL, or a name too long for the file system, is refused naming the entry', async () => {
    const nul = await refused(zipAt(zipSync({ 'spans.jsonl': enc(GOOD_SPANS), 'a\u0000.csv': enc('x') }), 'nulname.zip'));
    expect(nul).toMatchObject({ code: 'bad_bundle', message: 'Zip nulname.zip: entry name contains a NUL character; refused.' });
    const long = `${'n'.repeat(300)}.csv`;
    const e = await refused(zipAt(zipSync({ 'spans.jsonl': enc(GOOD_SPANS), [long]: enc('a\n1\n') }), 'longname.zip'));
    expect(e.code).toBe('bad_bundle');
    expect(e.message.startsWith(`Zip longname.zip: entry "${long}"`)).toBe(true);
  }, HOSTILE_TIMEOUT);

  it('a too-long entry name is refused with the real reason, not as a duplicate', async () => {
    const long = `${'n'.repeat(300)}.csv`;
    const e = await refused(zipAt(zipSync({ 'spans.jsonl': enc(GOOD_SPANS), [long]: enc('a\n1\n') }), 'longname2.zip'));
    expect(e.message).toMatch(/too long/);
  });

  // The root hash hashes "<sha256>  <path>\n" lines: a path holding "\n" must not imitate several lines.
  it('a file name holding a newline cannot forge the root hash of another bundle', async () => {
    const x = 'release_id\nr1\n';
    const y = 'release_id\nr2\n';
    const two = path.join(bundles, 'two-files');
    writeFiles(two, { 'a.csv': x, 'b.csv': y });
    const forged = path.join(bundles, 'forged');
    fs.mkdirSync(forged, { recursive: true });
    fs.writeFileSync(path.join(forged, `a.csv\n${sha256(y)}  b.csv`), x);
    const a = await engine.openBundle({ path: two });
    const b = await engine.openBundle({ path: forged });
    try {
      expect(b.files.map((f) => f.path)).toEqual([`a.csv\n${sha256(y)}  b.csv`]);
      expect(b.integrity.root_hash).not.toBe(a.integrity.root_hash);
    } finally {
      await engine.closeBundle({ bundleId: a.bundleId });
      await engine.closeBundle({ bundleId: b.bundleId });
    }
  }, HOSTILE_TIMEOUT);

  describe('gzip members inside a folder bundle', () => {
    it('gzip bomb, truncated gzip, fake .gz and empty .gz are each unreadable with the reason; the rest loads', async () => {
      const dir = path.join(bundles, 'gz');
      const bombBytes = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
      const okGz = gzipSync(Buffer.from(GOOD_SPANS.replaceAll('t1', 't2')));
      writeFiles(dir, {
        'spans.jsonl': GOOD_SPANS,
        'more/spans.jsonl.gz': okGz,
        'bomb.csv.gz': bombBytes,
        'cut.jsonl.gz': okGz.subarray(0, okGz.length - 12),
        'fake.csv.gz': 'a,b\n1,2\n',
        'empty.jsonl.gz': '',
      });
      const guard = new WriteGuard(dir);
      const s = await engine.openBundle({ path: dir });
      guard.check();
      expectAccounted(s);
      const limit = Math.max(LIMITS.zipRatioMinBytes, bombBytes.length * LIMITS.gzipMaxRatio);
      const reason = async (f: string) => (await rejectsOf(engine, s, f)).map((r) => r.reason);
      expect(fileReport(s, 'bomb.csv.gz')).toMatchObject({ status: 'unreadable', rows_loaded: 0 });
      expect(await reason('bomb.csv.gz')).toEqual([`decompresses to more than ${limit} bytes; refused (gzip bomb guard)`]);
      expect(fileReport(s, 'cut.jsonl.gz').status).toBe('unreadable');
      const [cut] = await reason('cut.jsonl.gz');
      expect(cut).toMatch(/^gzip data is corrupt or truncated \(.+\)$/);
      expect(await reason('fake.csv.gz')).toEqual(['not a gzip file (wrong magic bytes)']);
      expect(await reason('empty.jsonl.gz')).toEqual(['empty .gz file']);
      expect(await countOf(engine, s, 'spans')).toBe(4);
      await engine.closeBundle({ bundleId: s.bundleId });
      expect(workLeft(dataDir)).toEqual([]);
    }, HOSTILE_TIMEOUT);
  });

  describe('symbolic links in folder bundles', () => {
    const linked = (name: string, links: Record<string, string>): string => {
      const dir = path.join(bundles, name);
      writeFiles(dir, { 'spans.jsonl': GOOD_SPANS });
      for (const [at, target] of Object.entries(links)) {
        fs.mkdirSync(path.dirname(path.join(dir, at)), { recursive: true });
        fs.symlinkSync(target, path.join(dir, at));
      }
      return dir;
    };

    it('a link to a folder outside the bundle is refused', async () => {
      const dir = linked('dirlink', { 'etc': '/etc' });
      const guard = new WriteGuard(dir);
      const e = await errorOf(() => engine.openBundle({ path: dir }));
      guard.check();
      expect(e).toMatchObject({ code: 'bad_bundle', message: 'Symbolic link etc points outside the bundle (/etc); refused.', where: { file: 'etc' } });
      expect(workLeft(dataDir)).toEqual([]);
    }, HOSTILE_TIMEOUT);

    it('a relative link climbing out, and a chain of links ending outside, are refused naming the link', async () => {
      writeFiles(bundles, { 'outside-secret.csv': 'secret,value\nx,1\n' });
      const up = linked('uplink', { 'deep/releases.csv': '../../outside-secret.csv' });
      expect(await errorOf(() => engine.openBundle({ path: up }))).toMatchObject({
        code: 'bad_bundle',
        message: `Symbolic link deep/releases.csv points outside the bundle (${path.join(bundles, 'outside-secret.csv')}); refused.`,
      });
      const chain = linked('chain', { 'a.csv': 'b.csv', 'b.csv': '/etc/hostname' });
      expect(await errorOf(() => engine.openBundle({ path: chain }))).toMatchObject({ code: 'bad_bundle', message: 'Symbolic link a.csv points outside the bundle (/etc/hostname); refused.' });
      expect(workLeft(dataDir)).toEqual([]);
    }, HOSTILE_TIMEOUT);

    it('a named pipe in the bundle does not hang the import: it is not a regular file and is not read', async () => {
      const dir = linked('fifo', {});
      execFileSync('mkfifo', [path.join(dir, 'more_spans.jsonl')]);
      const guard = new WriteGuard(dir);
      const s = await engine.openBundle({ path: dir });
      guard.check();
      expect(s.files.map((f) => f.path)).toEqual(['spans.jsonl']);
      expect(await countOf(engine, s, 'spans')).toBe(2);
      await engine.closeBundle({ bundleId: s.bundleId });
    }, HOSTILE_TIMEOUT);

    it('a broken link is refused naming it', async () => {
      const dir = linked('broken', { 'gone.csv': './does-not-exist.csv' });
      expect(await errorOf(() => engine.openBundle({ path: dir }))).toMatchObject({ code: 'bad_bundle', message: 'Symbolic link gone.csv is broken; refused.' });
    }, HOSTILE_TIMEOUT);

    it('a link that stays inside the bundle is read (hashed under its own path), and a bundle reached through a link opens', async () => {
      const dir = linked('inlink', { 'alias/releases.csv': '../rel/releases.csv' });
      writeFiles(dir, { 'rel/releases.csv': 'release_id,released_at\nr1,2026-03-01T00:00:00Z\n' });
      fs.symlinkSync(dir, path.join(bundles, 'via-link'));
      const guard = new WriteGuard(dir);
      const s = await engine.openBundle({ path: path.join(bundles, 'via-link') });
      guard.check();
      expect(s.files.map((f) => f.path)).toEqual(['alias/releases.csv', 'rel/releases.csv', 'spans.jsonl']);
      expect(fileReport(s, 'alias/releases.csv').sha256).toBe(fileReport(s, 'rel/releases.csv').sha256);
      expectAccounted(s);
      await engine.closeBundle({ bundleId: s.bundleId });
    }, HOSTILE_TIMEOUT);
  });
});
