import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { GOOD_SPANS, HOSTILE_TIMEOUT, WriteGuard, engineIn, errorOf, rmDir, sha256, tempDir, workLeft, writeFiles } from './helpers';

/** Bytes that were never hashed or checked must not load under a "verified" status. */
describe('bundle integrity against an adversary', () => {
  let root: string;
  let dataDir: string;
  let engine: Engine;

  beforeAll(() => {
    root = tempDir('hard-integrity');
    dataDir = path.join(root, 'data');
    engine = engineIn(dataDir);
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('a stored zip entry whose bytes were edited (CRC-32 no longer matches) is refused, naming the entry', async () => {
    const records = 'record_id,amount\nr1,100\nr2,200\n';
    const zip = Buffer.from(zipSync({ 'spans.jsonl': [new TextEncoder().encode(GOOD_SPANS), { level: 0 }], 'records.csv': [new TextEncoder().encode(records), { level: 0 }] }));
    // Same length, one digit changed: sizes and headers all still agree, only the checksum can tell.
    const at = zip.indexOf('r2,200');
    expect(at).toBeGreaterThan(0);
    zip.write('r2,900', at, 'latin1');
    fs.mkdirSync(path.join(root, 'zips'), { recursive: true });
    const file = path.join(root, 'zips', 'edited.zip');
    fs.writeFileSync(file, zip);
    const guard = new WriteGuard(file);
    const e = await errorOf(() => engine.openBundle({ path: file }));
    expect(e.code).toBe('bad_bundle');
    expect(e.message).toMatch(/entry "records\.csv" fails its CRC-32 check .*altered or damaged; refused/);
    expect(e.where).toMatchObject({ file: 'records.csv' });
    expect(workLeft(dataDir)).toEqual([]);
    guard.check();
  }, HOSTILE_TIMEOUT);

  it('a deflated entry with a wrong CRC in the central directory is refused too; an intact zip opens', async () => {
    const good = Buffer.from(zipSync({ 'spans.jsonl': new TextEncoder().encode(GOOD_SPANS) }));
    const okFile = path.join(root, 'ok.zip');
    fs.writeFileSync(okFile, good);
    const s = await engine.openBundle({ path: okFile });
    expect(s.files.find((f) => f.path === 'spans.jsonl')?.rows_loaded).toBe(2);
    await engine.closeBundle({ bundleId: s.bundleId });
    // Flip one bit of the CRC field of the central directory record (offset 16 from its signature).
    const bad = Buffer.from(good);
    const cd = bad.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bad[cd + 16] = (bad[cd + 16] as number) ^ 0x01;
    const badFile = path.join(root, 'badcrc.zip');
    fs.writeFileSync(badFile, bad);
    const e = await errorOf(() => engine.openBundle({ path: badFile }));
    expect(e.message).toMatch(/entry "spans\.jsonl" fails its CRC-32 check/);
  }, HOSTILE_TIMEOUT);

  it('a manifest listing one file twice under different spellings is an integrity problem, not a silent last-wins', async () => {
    const bundle = path.join(root, 'dup');
    const records = 'record_id,amount\nr1,100\n';
    const manifest = {
      format: 'auditdesk-bundle',
      format_version: '1.0',
      exporter: { system: 'test', version: '1' },
      exported_at: '2026-09-01T00:00:00Z',
      files: [
        { path: 'spans.jsonl', sha256: sha256(GOOD_SPANS), rows: 2 },
        { path: 'records.csv', sha256: sha256(records), rows: 1 },
        // Same file, another spelling, another (wrong) hash and row count: it used to override the first silently.
        { path: './records.csv', sha256: sha256('something else'), rows: 7 },
        { path: 'spans.jsonl/', sha256: sha256(GOOD_SPANS), rows: 2 },
      ],
    };
    writeFiles(bundle, { 'spans.jsonl': GOOD_SPANS, 'records.csv': records, 'manifest.json': JSON.stringify(manifest) });
    const s = await engine.openBundle({ path: bundle });
    expect(s.integrity.state).toBe('altered');
    const dups = s.integrity.problems.filter((p) => p.status === 'duplicate_entry');
    expect(dups.map((p) => p.path)).toEqual(['records.csv', 'spans.jsonl']);
    expect(dups[0]?.detail).toBe('manifest.json lists this file 2 times ("records.csv", "./records.csv"); which declaration holds is ambiguous');
    await engine.closeBundle({ bundleId: s.bundleId });
  }, HOSTILE_TIMEOUT);
});
