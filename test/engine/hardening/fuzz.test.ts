import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../shared/api/bundle';
import type { Engine } from '../../../electron/engine/engine';
import { GOOD_SPANS, WriteGuard, engineIn, rmDir, tempDir, workLeft } from './helpers';

/**
 * Property-based fuzzing of the flat parsers through the whole openBundle path (sniffing, staging,
 * typing, rejects), with the run's seed (FC_SEED, test/helpers/propertySeed.ts) and bounded runs. Each run writes a small bundle of random CSV
 * and JSON Lines files next to a known-good spans file.
 */

/** FUZZ_RUNS widens a local exploration (with FC_SEED=random) without changing what CI runs. */
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 18;

const byteOf = (s: string) => Buffer.from(s, 'latin1');
/** Pieces a hostile exporter produces: quotes, delimiters, NULs, CR, invalid UTF-8, escapes, numbers, words. */
const csvPiece = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9 ._-]{0,6}$/).map(byteOf) },
  { weight: 3, arbitrary: fc.constantFrom('"', '""', ',', ';', '\t', '|', '\\', ' ', '\r', '\r\n', '\n').map(byteOf) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\u00ff', '\u00fc', '\u00c3', '\u0080').map(byteOf) },
  { weight: 1, arbitrary: fc.constantFrom('2026-03-01T00:00:00Z', '1e309', '-0', 'NaN', 'true', 'NULL', '9223372036854775808').map(byteOf) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => Buffer.from(a)) },
);
/** CSV-ish bytes: a header line (optionally ending in a NUL) then random rows. */
const csvFile = (allowNulInHeader: boolean) =>
  fc
    .tuple(
      fc.array(fc.stringMatching(/^[a-z_"; ]{1,6}$/), { minLength: 1, maxLength: 5 }),
      fc.constantFrom(',', ';', '\t', '|'),
      fc.array(fc.array(csvPiece, { maxLength: 12 }), { maxLength: 20 }),
      fc.boolean(),
    )
    .map(([cols, delim, rows, nulHeader]) => {
      const header = cols.join(delim) + (allowNulInHeader && nulHeader ? '\u0000' : '');
      return Buffer.concat([byteOf(header + '\n'), ...rows.map((r) => Buffer.concat([...r, byteOf('\n')]))]);
    });

const jsonLine = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.stringMatching(/^[a-z_]{1,4}$/), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }).map((s) => `{"k": "${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t', '{}', '[]', '{"a":1}{"b":2}', '{"a":"\\ud800"}', '{"a":1e400}', '{"a":"x\u0000y"}', '{"a":-9223372036854775809}') },
);
/** JSON Lines: lines without raw newlines; optionally one invalid-UTF-8 byte somewhere. */
const jsonlFile = fc
  .tuple(fc.array(jsonLine.map((l) => l.replaceAll('\n', ' ')), { maxLength: 25 }), fc.option(fc.nat(), { nil: undefined }), fc.boolean())
  .map(([lines, badAt, crlf]) => {
    const text = lines.join(crlf ? '\r\n' : '\n');
    const bytes = Buffer.from(text, 'utf8');
    if (badAt === undefined || bytes.length === 0) return { bytes, lines, invalidUtf8: false };
    const i = badAt % bytes.length;
    return { bytes: Buffer.concat([bytes.subarray(0, i), Buffer.from([0xff]), bytes.subarray(i)]), lines, invalidUtf8: true };
  });

function nonBlankLines(bytes: Buffer): number {
  if (bytes.length === 0) return 0;
  return bytes
    .toString('latin1')
    .split('\n')
    .filter((l) => !/^[ \t\r]*$/.test(l)).length;
}

describe('fuzzing the flat parsers through openBundle', () => {
  let root: string;
  let dataDir: string;
  let engine: Engine;
  let run = 0;

  beforeAll(() => {
    root = tempDir('hard-fuzz');
    dataDir = path.join(root, 'data');
    engine = engineIn(dataDir);
  });
  afterAll(async () => {
    await engine.dispose();
    expect(workLeft(dataDir)).toEqual([]);
    rmDir(root);
  });

  /** Writes the files, opens the bundle (folder untouched), returns the summary; closes the session. */
  async function openFiles(files: Record<string, Buffer>, check: (s: ImportSummary) => Promise<void>): Promise<void> {
    const dir = path.join(root, 'bundles', `r${run++}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'spans.jsonl'), GOOD_SPANS);
    for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
    const guard = new WriteGuard(dir);
    const s = await engine.openBundle({ path: dir });
    try {
      guard.check();
      expect(s.tables.find((t) => t.name === 'spans')?.rows, 'the known-good file still loads').toBe(2);
      for (const f of s.files) expect(f.rows_read, `${f.path}: rows_read = rows_loaded + rows_rejected`).toBe(f.rows_loaded + f.rows_rejected);
      await check(s);
    } finally {
      await engine.closeBundle({ bundleId: s.bundleId });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('random CSV bytes (quotes, delimiters, NULs in cells, CR, invalid UTF-8) never crash and every row is accounted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(csvFile(false), { minLength: 1, maxLength: 3 }), async (csvs) => {
        const files = Object.fromEntries(csvs.map((b, i) => [`f${i}.csv`, b]));
        await openFiles(files, async (s) => {
          for (const [name, bytes] of Object.entries(files)) {
            const f = s.files.find((x) => x.path === name);
            expect(f, name).toBeDefined();
            if (!f) continue;
            const physical = bytes.toString('latin1').split(/\r\n|\n|\r/).length;
            expect(f.rows_read, `${name}: more rows than lines`).toBeLessThanOrEqual(physical);
            const rej = await engine.listRejects({ bundleId: s.bundleId, file: name, offset: 0, limit: 10_000 });
            if (f.status === 'unreadable') expect(rej.total, `${name}: unreadable without a reason`).toBeGreaterThan(0);
            else expect(f.status).toBe('ok');
            for (const r of rej.rows) {
              expect(r.reason.length).toBeGreaterThan(0);
              if (r.line !== null) expect(r.line).toBeGreaterThanOrEqual(1);
            }
            if (f.status === 'ok') expect(new Set(rej.rows.filter((r) => r.line !== null).map((r) => r.line)).size, `${name}: rejected lines`).toBe(f.rows_rejected);
          }
        });
      }),
      { numRuns: RUNS },
    );
  }, 240_000);

  it('random JSON Lines (malformed, non-objects, lone surrogates, CRLF, invalid UTF-8) never crash; every non-blank line is loaded or rejected at its line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(jsonlFile, { minLength: 1, maxLength: 3 }), async (jsonls) => {
        const files = Object.fromEntries(jsonls.map((j, i) => [`f${i}.jsonl`, j.bytes]));
        await openFiles(files, async (s) => {
          for (const [i, j] of jsonls.entries()) {
            const name = `f${i}.jsonl`;
            const f = s.files.find((x) => x.path === name);
            expect(f, name).toBeDefined();
            if (!f) continue;
            const rej = await engine.listRejects({ bundleId: s.bundleId, file: name, offset: 0, limit: 10_000 });
            if (j.invalidUtf8 && f.status === 'unreadable') {
              expect(rej.rows.map((r) => r.line)).toEqual([null]);
              expect(rej.rows[0]?.reason).toMatch(/UTF-8/);
              continue;
            }
            expect(f.status, `${name}: ${rej.rows[0]?.reason ?? ''}`).toBe('ok');
            expect(f.rows_read, `${name}: every non-blank line is a unit`).toBe(nonBlankLines(j.bytes));
            const lines = new Set(rej.rows.map((r) => r.line));
            expect(lines.size, `${name}: one reject line per rejected row`).toBe(f.rows_rejected);
            for (const l of lines) expect(l !== null && l >= 1 && l <= j.lines.length).toBe(true);
          }
        });
      }),
      { numRuns: RUNS },
    );
  }, 240_000);

  // A NUL in a header line makes the file unreadable (files.test.ts); with NULs allowed there the bundle still opens.
  it('random CSV with NULs anywhere, including the header, never aborts the import', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile(true), async (bytes) => {
        await openFiles({ 'f.csv': bytes }, async (s) => {
          const f = s.files.find((x) => x.path === 'f.csv');
          if (f?.status === 'unreadable') expect((await engine.listRejects({ bundleId: s.bundleId, file: 'f.csv', offset: 0, limit: 10 })).total).toBeGreaterThan(0);
        });
      }),
      { numRuns: RUNS },
    );
  }, 240_000);
});
