// Property tests here run with the run's one printed fast-check seed (vitest setup: test/helpers/propertySeed.ts; FC_SEED replays).
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileReport, ImportSummary, RejectRow } from '../../../shared/api/bundle';
import type { Engine } from '../../../electron/engine/engine';
import { copyWithoutLines, screenJsonLines } from '../../../electron/engine/bundle/screenLines';
import { engineIn, errorOf, rmDir, sha256, tempDir, writeFiles, writeParquet } from './helpers';

/**
 * Importer fixes for the hostile-input corpus (test/engine/hardening): each case was a BLOCKED skip there.
 * Bodies follow the corpus cases; every file's rows stay accounted for and the rest of the bundle loads.
 */
const GOOD_SPANS = '{"trace_id":"t1","span_id":"a","name":"root"}\n{"trace_id":"t1","span_id":"b","parent_span_id":"a","name":"child"}\n';
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const CD_SIG = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
const TIMEOUT = 60_000;

function centralRecords(zip: Buffer): number[] {
  const out: number[] = [];
  for (let i = zip.indexOf(CD_SIG); i >= 0; i = zip.indexOf(CD_SIG, i + 4)) out.push(i);
  return out;
}

function fileReport(s: ImportSummary, p: string): FileReport {
  const f = s.files.find((x) => x.path === p);
  if (!f) throw new Error(`no file report for ${p}; have ${s.files.map((x) => x.path).join(', ')}`);
  return f;
}

describe('hostile input the importer now survives', () => {
  let root: string;
  let bundles: string;
  let engine: Engine;
  let dataDir: string;

  beforeAll(() => {
    root = tempDir('hostile-fixes');
    bundles = path.join(root, 'bundles');
    fs.mkdirSync(bundles);
    dataDir = path.join(root, 'data');
    engine = engineIn(dataDir);
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  async function open(name: string, files: Record<string, string | Uint8Array>): Promise<ImportSummary> {
    const dir = path.join(bundles, name);
    writeFiles(dir, files);
    const s = await engine.openBundle({ path: dir });
    for (const f of s.files) expect(f.rows_read, `${f.path}: rows_read = loaded + rejected`).toBe(f.rows_loaded + f.rows_rejected);
    return s;
  }
  const rejectsOf = async (s: ImportSummary, file: string): Promise<RejectRow[]> => (await engine.listRejects({ bundleId: s.bundleId, file, offset: 0, limit: 1000 })).rows;
  const countOf = async (s: ImportSummary, table: string): Promise<number> =>
    Number((await engine.runSql({ bundleId: s.bundleId, sql: `SELECT count(*)::INTEGER AS n FROM "${table}"` })).rows[0]?.[0]);

  it('empty JSON objects among real ones are rejected once and not loaded', async () => {
    const s = await open('emptyobj', { 'e.jsonl': '{"a":1}\n{}\n{ }\n', 'records.jsonl': '{"record_id":"r1"}\n{}\n' });
    expect(fileReport(s, 'e.jsonl')).toMatchObject({ rows_read: 3, rows_loaded: 1, rows_rejected: 2 });
    expect(await countOf(s, 'e')).toBe(1);
    expect((await rejectsOf(s, 'e.jsonl')).map((r) => [r.line, r.reason])).toEqual([
      [2, 'empty JSON object'],
      [3, 'empty JSON object'],
    ]);
    expect(fileReport(s, 'records.jsonl')).toMatchObject({ rows_read: 2, rows_loaded: 1, rows_rejected: 1 });
    expect((await rejectsOf(s, 'records.jsonl')).map((r) => [r.line, r.reason])).toEqual([[2, 'empty JSON object']]);
  }, TIMEOUT);

  it('a Parquet column named file_row_number does not make the file unreadable', async () => {
    const dir = path.join(bundles, 'pq-frn');
    await writeParquet(path.join(dir, 'records.parquet'), `SELECT 'r' || i AS record_id, i AS file_row_number FROM range(3) t(i)`);
    const s = await open('pq-frn', {});
    expect(fileReport(s, 'records.parquet')).toMatchObject({ status: 'ok', table: 'records', rows_loaded: 3 });
    const r = await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT record_id, file_row_number FROM records ORDER BY record_id' });
    expect(r.rows).toEqual([
      ['r0', 0],
      ['r1', 1],
      ['r2', 2],
    ]);
  }, TIMEOUT);

  it.each([
    ['nulkey.jsonl', '{"a\\u0000b":1}\n'],
    ['nulheader.csv', 'a\u0000x,b\n1,2\n'],
  ])('a NUL in a column name (%s) does not abort the import; the file is named unreadable', async (file, text) => {
    const s = await open(`nulname-${file}`, { 'spans.jsonl': GOOD_SPANS, [file]: Buffer.from(text) });
    expect(await countOf(s, 'spans')).toBe(2);
    expect(fileReport(s, file)).toMatchObject({ status: 'unreadable', rows_loaded: 0 });
    const [r] = await rejectsOf(s, file);
    expect(r).toMatchObject({ file, line: null });
    expect(r?.reason).toMatch(/^column name ".*" contains a NUL character/);
  }, TIMEOUT);

  it('a latin-1 byte rejects only its JSON line, naming the line and the byte', async () => {
    const s = await open('latin-line', { 'latin.jsonl': Buffer.concat([Buffer.from('{"k":"M'), Buffer.from([0xfc]), Buffer.from('nchen"}\n{"k":"ok"}\n')]) });
    expect(fileReport(s, 'latin.jsonl')).toMatchObject({ status: 'ok', rows_read: 2, rows_loaded: 1, rows_rejected: 1 });
    const rej = await rejectsOf(s, 'latin.jsonl');
    expect(rej).toHaveLength(1);
    expect(rej[0]).toMatchObject({ line: 1, column: null, reason: 'not valid UTF-8 (byte 0xFC at byte 8 of the line)' });
    expect((await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT k FROM latin' })).rows).toEqual([['ok']]);
  }, TIMEOUT);

  it('invalid UTF-8 in JSON Lines: each bad line rejected by number (CRLF, cut characters, surrogates), the rest keep their numbers', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"k":1}\r\n'),
      Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d, 0x0d, 0x0a]), // line 2: "€" cut short
      Buffer.from('\n{"k":3}\n'), // line 3 blank, line 4 fine
      Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d, 0x0a]), // line 5: an encoded surrogate
      Buffer.from('[1]\n{"k":"ü"}'), // line 6 not an object, line 7 fine (no final newline)
    ]);
    const s = await open('latin-many', { 'm.jsonl': bytes, 'doc.json': Buffer.concat([Buffer.from('[\n{"k":1},\n{"k":"'), Buffer.from([0xfc]), Buffer.from('"}\n]')]) });
    expect(fileReport(s, 'm.jsonl')).toMatchObject({ status: 'ok', rows_read: 6, rows_loaded: 3, rows_rejected: 3 });
    expect((await rejectsOf(s, 'm.jsonl')).map((r) => [r.line, r.reason])).toEqual([
      [2, 'not valid UTF-8 (byte 0x22 at byte 9 of the line)'],
      [5, 'not valid UTF-8 (byte 0xA0 at byte 8 of the line)'],
      [6, 'not a JSON object (found array)'],
    ]);
    expect((await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT k FROM m ORDER BY k' })).rows).toEqual([['1'], ['3'], ['ü']]);
    // a JSON document is one unit: refused whole, naming the first bad byte
    expect(fileReport(s, 'doc.json')).toMatchObject({ status: 'unreadable', rows_loaded: 0 });
    expect((await rejectsOf(s, 'doc.json'))[0]?.reason).toBe('not valid UTF-8 text: line 3 is not valid UTF-8 (byte 0xFC at byte 7 of the line); re-export the file as UTF-8');
  }, TIMEOUT);

  it('screening finds a bad byte right after a multi-byte character split across read chunks', async () => {
    const file = path.join(root, 'split.jsonl');
    const pad = 1024 * 1024 - 8; // "€" (3 bytes) straddles the 1 MiB chunk boundary
    fs.writeFileSync(file, Buffer.concat([Buffer.from('{"k":"'), Buffer.alloc(pad, 'a'), Buffer.from('€'), Buffer.from([0xff]), Buffer.from('"}\n{"k":2}\n'), Buffer.from([0xe9, 0x0a])]));
    const bad = await screenJsonLines(file, Number.MAX_SAFE_INTEGER);
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [1, `not valid UTF-8 (byte 0xFF at byte ${6 + pad + 3 + 1} of the line)`],
      [3, 'not valid UTF-8 (the line ends inside a multi-byte character)'],
    ]);
    expect(await screenJsonLines(file, 100)).toMatchObject([{ line: 1, reason: `line is ${6 + pad + 3 + 1 + 2} bytes, above the 100-byte limit for one JSON line (1/8 of the session memory limit)` }, { line: 3 }]);
  }, TIMEOUT);

  it('property: screening flags exactly the lines a strict UTF-8 decoder refuses, and the copy keeps every other line in place', async () => {
    const dir = path.join(root, 'prop');
    fs.mkdirSync(dir, { recursive: true });
    const strict = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Buffer): boolean => {
      try {
        strict.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const piece = fc.oneof(
      fc.constantFrom('a', '{"k":1}', '\n', 'é', '€', '😀').map((t) => Buffer.from(t)),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => Buffer.from(a)),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), fc.integer({ min: 1, max: 12 }), async (pieces, limit) => {
        const bytes = Buffer.concat(pieces);
        const src = path.join(dir, `in${n}.jsonl`);
        const dest = path.join(dir, `out${n++}.jsonl`);
        fs.writeFileSync(src, bytes);
        const lines = bytes.toString('latin1').split('\n').map((l) => Buffer.from(l, 'latin1'));
        const bad = await screenJsonLines(src, limit);
        const expected = lines.map((l, i) => ({ line: i + 1, l })).filter(({ l }) => l.length > limit || !valid(l)).map(({ line }) => line);
        expect(bad.map((b) => b.line)).toEqual(expected);
        await copyWithoutLines(src, dest, bad);
        const out = fs.readFileSync(dest).toString('latin1').split('\n');
        expect(out).toEqual(lines.map((l, i) => (expected.includes(i + 1) ? '' : l.toString('latin1'))));
      }),
      { numRuns: 200 },
    );
  }, TIMEOUT);

  it('a UTF-16 CSV is reported unreadable with the reason, not fatal', async () => {
    const s = await open('utf16', { 'spans.jsonl': GOOD_SPANS, 'u16.csv': Buffer.from('\ufeffa,b\n1,2\n', 'utf16le') });
    expect(fileReport(s, 'u16.csv').status).toBe('unreadable');
    expect((await rejectsOf(s, 'u16.csv'))[0]?.reason).toBe('not UTF-8 text: the file starts with a UTF-16 (little-endian) byte-order mark; re-export it as UTF-8');
    expect(await countOf(s, 'spans')).toBe(2);
  }, TIMEOUT);

  it('UTF-16 without a byte-order mark and UTF-32 are named as such; a CSV with one NUL cell still loads', async () => {
    const s = await open('utf16-nobom', {
      'spans.jsonl': GOOD_SPANS,
      'le.csv': Buffer.from('a,b\n1,2\n', 'utf16le'),
      'be.jsonl': Buffer.from('{"k":1}\n', 'utf16le').swap16(),
      'u32.tsv': Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('a\0\0\0')]),
      'nulcell.csv': Buffer.from('a,b\n1,\u0000\n'),
    });
    const reasons = async (f: string): Promise<(string | undefined)[]> => (await rejectsOf(s, f)).map((r) => r.reason);
    expect(await reasons('le.csv')).toEqual(['not UTF-8 text: the file looks like UTF-16 (little-endian) without a byte-order mark (every second byte is zero); re-export it as UTF-8']);
    expect(await reasons('be.jsonl')).toEqual(['not UTF-8 text: the file looks like UTF-16 (big-endian) without a byte-order mark (every second byte is zero); re-export it as UTF-8']);
    expect(await reasons('u32.tsv')).toEqual(['not UTF-8 text: the file starts with a UTF-32 (little-endian) byte-order mark; re-export it as UTF-8']);
    expect(fileReport(s, 'nulcell.csv')).toMatchObject({ status: 'ok', rows_loaded: 1 });
    expect(await countOf(s, 'spans')).toBe(2);
  }, TIMEOUT);

  it('overlapping zip entries (shared local data) are refused before extraction', async () => {
    const zip = Buffer.from(zipSync({ 'a.jsonl': enc(GOOD_SPANS), 'b.jsonl': enc(GOOD_SPANS) }));
    const [, cdB] = centralRecords(zip);
    zip.writeUInt32LE(0, (cdB as number) + 42);
    const p = path.join(bundles, 'overlap.zip');
    fs.writeFileSync(p, zip);
    const work = path.join(dataDir, 'work');
    const workBefore = fs.readdirSync(work);
    const e = await errorOf(() => engine.openBundle({ path: p }));
    expect(e).toMatchObject({ code: 'bad_bundle', message: 'Zip overlap.zip: entries "a.jsonl" and "b.jsonl" overlap (they share bytes of the archive); refused (zip bomb guard).' });
    expect(fs.readdirSync(work), 'nothing extracted, nothing left behind').toEqual(workBefore);
  }, TIMEOUT);

  it('a too-long zip entry name is refused with the real reason', async () => {
    const long = `${'n'.repeat(300)}.csv`;
    const p = path.join(bundles, 'longname2.zip');
    fs.writeFileSync(p, zipSync({ 'spans.jsonl': enc(GOOD_SPANS), [long]: enc('a\n1\n') }));
    const e = await errorOf(() => engine.openBundle({ path: p }));
    expect(e).toMatchObject({ code: 'bad_bundle', message: `Zip longname2.zip: entry "${long}" has a name too long for the file system; refused.` });
  }, TIMEOUT);

  it('a file name holding a newline cannot forge the root hash of another bundle', async () => {
    const x = 'release_id\nr1\n';
    const y = 'release_id\nr2\n';
    const two = path.join(bundles, 'two-files');
    writeFiles(two, { 'a.csv': x, 'b.csv': y });
    const forged = path.join(bundles, 'forged');
    fs.mkdirSync(forged, { recursive: true });
    const name = `a.csv\n${sha256(y)}  b.csv`;
    fs.writeFileSync(path.join(forged, name), x);
    const a = await engine.openBundle({ path: two });
    const b = await engine.openBundle({ path: forged });
    try {
      expect(b.files.map((f) => f.path)).toEqual([name]);
      expect(b.integrity.root_hash).not.toBe(a.integrity.root_hash);
      // sha256sum's own escaping: a leading backslash, "\n" for the newline
      expect(b.integrity.root_hash).toBe(sha256(`\\${sha256(x)}  a.csv\\n${sha256(y)}  b.csv\n`));
    } finally {
      await engine.closeBundle({ bundleId: a.bundleId });
      await engine.closeBundle({ bundleId: b.bundleId });
    }
  }, TIMEOUT);
});
