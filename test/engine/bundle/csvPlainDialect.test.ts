import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryDb } from '../../../electron/engine/db';
import { isPlainCsv, plainSniffs, sniffCsvFile } from '../../../electron/engine/bundle/loadBatchCsv';
import { uniforms } from '../../../electron/engine/drift/interval';
import { rmDir, tempDir } from './helpers';

/**
 * #14 item 14: a small "plain" CSV / TSV file (isPlainCsv) is sniffed with its dialect given (many per statement)
 * instead of by the full sniff. That is only right if, for every plain file, the full sniff finds that dialect and the
 * same header and column types. Shown here on a seeded mix of plain files whose cells are the values that make
 * DuckDB's type and header detection work: integers and decimals side by side, dates and times in several formats,
 * booleans, inf / nan, empty cells, spaces, colons, very long numbers, non-ASCII text, a byte-order mark, files with
 * and without a header line, one-row files.
 */

const SEED = Number(process.env['AD_TEST_SEED'] ?? 1414);

const CELLS = [
  '0', '7', '-3', '42', '0012', '99999999999999999999', '1.5', '-0.25', '3.', '.5', '1e3', '1,5', 'inf', '-inf', 'nan', 'NaN', 'Infinity',
  'true', 'false', 'TRUE', 't', 'yes', '', ' ', ' 4 ', 'NULL', 'null', 'NA', 'llm', 'two words', 'a:b:c', '10:30', '10:30:00', '25:61:00',
  '2026-01-02', '2026-13-45', '02/01/2026', '01/02/2026', '2026/01/02', '02.01.2026', '2026-01-02 10:30:00', '2026-01-02T10:30:00Z',
  '2026-01-02T10:30:00.123+02:00', '2026-01-02 10:30', 'Jan 2 2026', 'ĉu ĝi', '日本', 's1_0', 'ABCDEF0123', '00000000-0000-0000-0000-000000000000',
];

function plainFile(rand: () => number, delimiter: ',' | '\t'): string {
  const cols = 2 + Math.floor(rand() * 4);
  const rows = 1 + Math.floor(rand() * 5);
  const pick = (): string => CELLS[Math.floor(rand() * CELLS.length)] as string;
  // Per column one or two kinds of cell, so that columns often have one type (and sometimes not).
  const kinds = Array.from({ length: cols }, () => [pick(), pick(), pick()]);
  const lines: string[] = [];
  if (rand() < 0.7) lines.push(Array.from({ length: cols }, (_, c) => (rand() < 0.1 ? pick() : `col_${c}${rand() < 0.2 ? ' x' : ''}`)).join(delimiter));
  for (let r = 0; r < rows; r++) {
    lines.push(
      kinds
        .map((k) => {
          const v = rand() < 0.8 ? (k[0] as string) : rand() < 0.5 ? (k[1] as string) : (k[2] as string);
          return delimiter === ',' ? v.replace(/,/g, '') : v;
        })
        .join(delimiter),
    );
  }
  return (rand() < 0.1 ? '\ufeff' : '') + lines.join('\n') + (rand() < 0.5 ? '\n' : '');
}

describe('plain CSV / TSV dialect (isPlainCsv)', () => {
  it('takes only files every other dialect candidate reads as one column a line', () => {
    const plain = (s: string, d: ',' | '\t' = ','): boolean => isPlainCsv(Buffer.from(s), d);
    expect(plain('a,b\n1,2\n')).toBe(true);
    expect(plain('a,b\n1,2')).toBe(true);
    expect(plain('a\tb\n1,5\t2\n', '\t')).toBe(true);
    expect(plain('a,b\n"1",2\n')).toBe(false); // a quote
    expect(plain("a,b\n'1',2\n")).toBe(false);
    expect(plain('a,b\n1\\,2\n')).toBe(false); // an escape
    expect(plain('a,b\n#1,2\n')).toBe(false); // a comment candidate
    expect(plain('a,b\r\n1,2\r\n')).toBe(false); // another line end
    expect(plain('a,b\n1;2,3\n')).toBe(false); // another delimiter candidate
    expect(plain('a,b\n1|2,3\n')).toBe(false);
    expect(plain('a,b\n1\t2,3\n')).toBe(false);
    expect(plain('a,b\n1,2,3\n')).toBe(false); // a ragged (bad) line
    expect(plain('a,b\n\n1,2\n')).toBe(false); // an empty line
    expect(plain('a,b\n1,2\n\n')).toBe(false);
    expect(plain('a\n1\n')).toBe(false); // one column
    expect(plain('')).toBe(false);
    expect(plain('a;b\n1;2\n')).toBe(false); // the same header text with ; is not a plain .csv
  });

  describe('sniffed with the dialect given, as the full sniff finds it', () => {
    let root: string;
    let db: { instance: DuckDBInstance; conn: DuckDBConnection };
    beforeAll(async () => {
      root = tempDir('plain-csv');
      db = await memoryDb();
    });
    afterAll(() => {
      db.conn.disconnectSync();
      db.instance.closeSync();
      rmDir(root);
    });

    it(`gives what the full sniff gives on every plain file (seed ${SEED})`, async () => {
      const rand = uniforms(SEED + 7);
      const byDelimiter: Record<',' | '\t', string[]> = { ',': [], '\t': [] };
      for (let i = 0; i < 600; i++) {
        const delimiter = i % 4 === 3 ? '\t' : ',';
        const text = plainFile(rand, delimiter);
        if (!isPlainCsv(Buffer.from(text), delimiter)) continue;
        const p = path.join(root, `f${i}.${delimiter === ',' ? 'csv' : 'tsv'}`);
        fs.writeFileSync(p, text);
        byDelimiter[delimiter].push(p);
      }
      let vouched = 0;
      let headerless = 0;
      const types = new Set<string>();
      for (const delimiter of [',', '\t'] as const) {
        const paths = byDelimiter[delimiter];
        expect(paths.length).toBeGreaterThan(100);
        const given = await plainSniffs(db.conn, paths, delimiter);
        for (const [k, p] of paths.entries()) {
          const full = await sniffCsvFile(db.conn, p, delimiter === '\t' ? '\t' : null);
          expect({ file: fs.readFileSync(p, 'utf8'), sniff: given[k] }).toEqual({ file: fs.readFileSync(p, 'utf8'), sniff: full });
          if (full) {
            vouched++;
            if (!full.hasHeader) headerless++;
            for (const c of full.columns) types.add(c.type);
          }
        }
      }
      // The comparison covered files the batch uses, with and without a header, of many column types.
      expect(vouched).toBeGreaterThan(200);
      expect(headerless).toBeGreaterThan(5);
      expect([...types]).toEqual(expect.arrayContaining(['BIGINT', 'DOUBLE', 'VARCHAR', 'BOOLEAN', 'TIME', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE']));
    });
  });
});
