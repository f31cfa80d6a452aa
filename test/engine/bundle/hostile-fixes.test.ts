import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileReport, ImportSummary, RejectRow } from '../../../shared/api/bundle';
import type { Engine } from '../../../electron/engine/engine';
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

/** Writes '{"k":"aaa…"}' (100 MiB of "a") and a small second line, in chunks. */
function writeBigLine(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, '{"k":"');
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 100; i++) fs.writeSync(fd, chunk);
    fs.writeSync(fd, '"}\n{"k":"small"}\n');
  } finally {
    fs.closeSync(fd);
  }
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

  it('a UTF-16 CSV is reported unreadable with the reason, not fatal', async () => {
    const s = await open('utf16', { 'spans.jsonl': GOOD_SPANS, 'u16.csv': Buffer.from('\ufeffa,b\n1,2\n', 'utf16le') });
    expect(fileReport(s, 'u16.csv').status).toBe('unreadable');
    expect((await rejectsOf(s, 'u16.csv'))[0]?.reason).toBe('not UTF-8 text: the file starts with a UTF-16 (little-endian) byte-order mark; re-export it as UTF-8');
    expect(await countOf(s, 'spans')).toBe(2);
  }, TIMEOUT);

  it('an oversized JSON line is rejected by line with its size; the other lines load', async () => {
    const dir = path.join(bundles, 'big-line');
    writeBigLine(path.join(dir, 'big.jsonl'));
    try {
      const s = await open('big-line', { 'spans.jsonl': GOOD_SPANS });
      expect(fileReport(s, 'big.jsonl')).toMatchObject({ status: 'ok', rows_read: 2, rows_loaded: 1, rows_rejected: 1 });
      const [r] = await rejectsOf(s, 'big.jsonl');
      expect(r).toMatchObject({ line: 1, column: null });
      expect(r?.reason).toMatch(/^line is 104857608 bytes, above the \d+-byte limit for one JSON line/);
      expect(r?.raw?.startsWith('{"k":"aaaa')).toBe(true);
      expect((await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT k FROM big' })).rows).toEqual([['small']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

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
