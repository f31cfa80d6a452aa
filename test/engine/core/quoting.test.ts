// Property tests here run with the run's one printed fast-check seed (vitest setup: test/helpers/propertySeed.ts; FC_SEED replays).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb, queryRows, quoteIdent, quoteLiteral } from '../../../electron/engine/db';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  ({ instance, conn } = await memoryDb());
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

// Names a hostile bundle could carry: quotes, semicolons, comments, reserved words, unicode.
const hostileName = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  fc.constantFrom('select', 'from', 'order', 'group', 'table', '"', '""', "'", "'; drop table t; --", 'a"b', 'x"); drop table t; --', '/* c */', '\\', '$1', '?'),
).filter((s) => !s.includes('\u0000') && s.trim().length > 0);

describe('SQL identifier and literal quoting (property-based)', () => {
  it('any column name round-trips through CREATE TABLE and SELECT unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(hostileName, async (name) => {
        await conn.run('drop table if exists q');
        await conn.run(`create table q (${quoteIdent(name)} integer)`);
        await conn.run(`insert into q values (7)`);
        const rows = await queryRows(conn, `select ${quoteIdent(name)} as v, (select column_name from duckdb_columns() where table_name = 'q') as n from q`);
        expect(rows).toEqual([{ v: 7, n: name }]);
      }),
      { numRuns: 150 },
    );
  });

  it('any string literal round-trips unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60, unit: 'grapheme' }).filter((s) => !s.includes('\u0000')), async (s) => {
        const rows = await queryRows(conn, `select ${quoteLiteral(s)} as v`);
        expect(rows).toEqual([{ v: s }]);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses NUL characters instead of truncating', () => {
    expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/);
    expect(() => quoteLiteral('a\u0000b')).toThrow(/NUL/);
  });
});
