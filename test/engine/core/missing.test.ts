import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb, queryRows } from '../../../electron/engine/db';
import { isMissing, missingSql, textOrNullSql } from '../../../shared/missing';

describe('one definition of missing: SQL and JavaScript agree', () => {
  let db: { instance: DuckDBInstance; conn: DuckDBConnection };
  beforeAll(async () => {
    db = await memoryDb();
  });
  afterAll(() => {
    db.conn.closeSync();
    db.instance.closeSync();
  });

  const texts: (string | null)[] = [null, '', ' ', '\t\n \r\v\f', 'a', ' a ', '0', 'null', '\u00a0'];

  it('text values', async () => {
    const values = texts.map((t, i) => `(${i + 1}, ${t === null ? 'NULL' : `'${t}'`})`).join(', ');
    const rows = await queryRows<{ i: number; m: boolean; t: string | null }>(
      db.conn,
      `select i, ${missingSql('v')} as m, ${textOrNullSql('v')} as t from (values ${values}) as x(i, v) order by i`,
    );
    expect(rows.map((r) => r.m)).toEqual(texts.map(isMissing));
    expect(rows.map((r) => r.t)).toEqual(texts.map((t) => (isMissing(t) ? null : t)));
  });

  it('numbers, booleans and timestamps are missing only when NULL', async () => {
    const rows = await queryRows<{ a: boolean; b: boolean; c: boolean; d: boolean }>(
      db.conn,
      `select ${missingSql('0::DOUBLE')} as a, ${missingSql('false')} as b, ${missingSql("TIMESTAMP '2026-01-01'")} as c, ${missingSql('NULL::DOUBLE')} as d`,
    );
    expect(rows[0]).toEqual({ a: false, b: false, c: false, d: true });
    expect([0, false, new Date(0), null].map(isMissing)).toEqual([false, false, false, true]);
  });

  it('the typed forms (column type known) give the same answers as the general form, for every column type', async () => {
    await db.conn.run(`create or replace table typed as select * from (values
      (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (2, '', 0, 0::TINYINT, 0::UBIGINT, 0.0::DOUBLE, 'nan'::DOUBLE, 0.00::DECIMAL(9, 2), false, DATE '2026-01-01', TIMESTAMP '2026-01-01', TIMESTAMPTZ '2026-01-01 00:00:00+00', ''::BLOB),
      (3, ' ', -1, 127::TINYINT, 18446744073709551615::UBIGINT, -0.0::DOUBLE, 'inf'::DOUBLE, -1.5::DECIMAL(9, 2), true, DATE '1970-01-01', TIMESTAMP '1970-01-01', TIMESTAMPTZ '1970-01-01 00:00:00+00', 'a'::BLOB),
      (4, '\t\n \r\v\f', 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (5, 'a', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (6, ' a ', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (7, chr(0) || ' ', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (8, '\u00a0', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (9, 'é ', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
    ) as t(i, s, n, ti, ub, d, nan, dec, b, dt, ts, tz, bl)`);
    const cols = await queryRows<{ c: string; ty: string }>(db.conn, "select column_name as c, data_type as ty from duckdb_columns() where table_name = 'typed' and column_name <> 'i' order by column_index");
    expect(cols.map((c) => c.ty)).toContain('TIMESTAMP WITH TIME ZONE');
    for (const { c, ty } of cols) {
      const rows = await queryRows(
        db.conn,
        `select ${missingSql(c, ty)} as m1, ${missingSql(c)} as m0, ${textOrNullSql(c, ty)} as t1, ${textOrNullSql(c)} as t0 from typed order by i`,
      );
      expect(rows.map((r) => [r['m1'], r['t1']]), `${c} ${ty}`).toEqual(rows.map((r) => [r['m0'], r['t0']]));
    }
    // The text column itself, against the JavaScript definition.
    const s = await queryRows<{ m: boolean; t: string | null; v: string | null }>(db.conn, `select s as v, ${missingSql('s', 'VARCHAR')} as m, ${textOrNullSql('s', 'VARCHAR')} as t from typed order by i`);
    expect(s.map((r) => r.m)).toEqual(s.map((r) => isMissing(r.v)));
    expect(s.map((r) => r.t)).toEqual(s.map((r) => (isMissing(r.v) ? null : r.v)));
    expect(s.filter((r) => r.m).length).toBe(4);
  });
});
