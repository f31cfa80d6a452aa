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
});
