// Property tests here run with the run's one printed fast-check seed (vitest setup: test/helpers/propertySeed.ts; FC_SEED replays).
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb, queryRows, quoteIdent } from '../../../electron/engine/db';
import { createMetaTables } from '../../../electron/engine/bundle/meta';
import { dropUnits, jsonObjectsSource, jsonStructure, rejectEmptyObjects, stageJsonUnits } from '../../../electron/engine/bundle/loadFlat';
import { loadIntoTable } from '../../../electron/engine/bundle/load';
import { TargetTables } from '../../../electron/engine/bundle/target';
import { extraTableName } from '../../../electron/engine/bundle/tableRole';
import { rmDir, tempDir } from './helpers';

describe('property-based: identifiers and JSON Lines accounting', () => {
  let root: string;
  let db: { instance: DuckDBInstance; conn: DuckDBConnection };
  let reserved: Set<string>;
  beforeAll(async () => {
    root = tempDir('fuzz');
    db = await memoryDb();
    await createMetaTables(db.conn);
    reserved = new Set((await queryRows<{ k: string }>(db.conn, `SELECT keyword_name AS k FROM duckdb_keywords() WHERE keyword_category = 'reserved'`)).map((r) => r.k));
  });
  afterAll(() => {
    db.conn.disconnectSync();
    db.instance.closeSync();
    rmDir(root);
  });

  it('extra table names are plain identifiers, never reserved, canonical or engine names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        const n = extraTableName(raw, reserved);
        expect(n).toMatch(/^[a-z_][a-z0-9_]*$/);
        expect(reserved.has(n)).toBe(false);
        expect(['spans', 'records', 'cohorts', 'releases', '_ad_files', '_ad_rejects']).not.toContain(n);
      }),
      { numRuns: 300 },
    );
  });

  it('any column name without NUL survives quoting: create, insert, select', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\u0000') && s.trim() !== ''), async (name) => {
        await db.conn.run(`CREATE OR REPLACE TEMP TABLE q (${quoteIdent(name)} VARCHAR)`);
        await db.conn.run(`INSERT INTO q VALUES ('v')`);
        const rows = await queryRows(db.conn, `SELECT ${quoteIdent(name)} AS c FROM q`);
        expect(rows).toEqual([{ c: 'v' }]);
      }),
      { numRuns: 60 },
    );
  });

  it('every non-blank JSON Lines line is loaded or rejected at its own line number', async () => {
    const line = fc.oneof(
      fc.record({ id: fc.string({ maxLength: 8 }), n: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)) }).map((o) => JSON.stringify(o)),
      fc.string({ maxLength: 12 }).map((s) => `{${s}`),
      fc.constantFrom('[1]', '"text"', '42', 'null', '', '   '),
    );
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 25 }), async (lines) => {
        const file = path.join(root, `f${k++}.jsonl`);
        const text = lines.map((l) => l.replaceAll('\n', ' ').replaceAll('\r', ' ')).join('\n');
        fs.writeFileSync(file, text);
        const expectedUnits = text === '' ? [] : text.split('\n').map((l, i) => ({ l, i: i + 1 })).filter((x) => x.l.trim() !== '');
        const objects = expectedUnits.filter((x) => {
          try {
            const v: unknown = JSON.parse(x.l);
            return typeof v === 'object' && v !== null && !Array.isArray(v);
          } catch {
            return false;
          }
        });
        await db.conn.run(`DELETE FROM _ad_rejects`);
        const table = `t${k}`;
        const targets = new TargetTables(db.conn);
        try {
          const units = await stageJsonUnits(db.conn, 'f.jsonl', file, 'jsonl');
          expect(units.units).toBe(expectedUnits.length);
          const found = await jsonStructure(db.conn, targets, table);
          let loaded = 0;
          let rejected = 0;
          // As importBundle does: an empty object (`{}`, `{ }`) is a row with nothing in it, rejected at its
          // line; a file of only empty objects still has a (keyless) structure, so it goes the same way.
          if (found) {
            rejected += await rejectEmptyObjects(db.conn, 'f.jsonl');
            const c = await loadIntoTable(db.conn, targets, 'f.jsonl', table, jsonObjectsSource(targets, table, found.structure, null));
            loaded = c.loaded;
            rejected += c.rejected;
          }
          expect(loaded + rejected).toBe(objects.length);
          const rejLines = (await queryRows<{ line: number }>(db.conn, `SELECT DISTINCT line FROM _ad_rejects ORDER BY line`)).map((r) => r.line);
          const bad = expectedUnits.filter((x) => !objects.includes(x)).map((x) => x.i);
          for (const l of bad) expect(rejLines).toContain(l);
          expect(rejLines.length).toBe(bad.length + rejected);
        } finally {
          await dropUnits(db.conn);
        }
      }),
      // The counterexamples that once failed this model: a file of only `{}`, and `{ }` beside a real row.
      { numRuns: 40, examples: [[['{}']], [['{ }', '{"id":"a","n":1}']], [['{}', '', '[1]']]] },
    );
  });
});
