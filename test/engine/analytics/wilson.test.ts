import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb, queryRows } from '../../../electron/engine/db';
import { wilson, wilsonSql } from '../../../electron/engine/analytics/wilson';

// Reference values of the Wilson score interval, z = 1.959964 (published tables; 8/100 worked by hand in docs/metrics.md).
const KNOWN: [number, number, number, number][] = [
  [0, 10, 0, 0.27753],
  [5, 10, 0.23659, 0.76341],
  [1, 10, 0.01788, 0.40415],
  [10, 10, 0.72247, 1],
  [8, 100, 0.04109, 0.14998],
];

describe('wilson', () => {
  it.each(KNOWN)('%i of %i → [%f, %f]', (k, n, lo, hi) => {
    const w = wilson(k, n);
    expect(w?.low).toBeCloseTo(lo, 5);
    expect(w?.high).toBeCloseTo(hi, 5);
  });

  it('is undefined for n = 0 and invalid counts', () => {
    expect(wilson(0, 0)).toBeNull();
    expect(wilson(3, 2)).toBeNull();
    expect(wilson(-1, 2)).toBeNull();
  });

  it('never leaves [0, 1] and contains the observed rate', () => {
    for (let n = 1; n <= 40; n++)
      for (let k = 0; k <= n; k++) {
        const w = wilson(k, n);
        expect(w).not.toBeNull();
        if (!w) continue;
        expect(w.low).toBeGreaterThanOrEqual(0);
        expect(w.high).toBeLessThanOrEqual(1);
        expect(w.low).toBeLessThanOrEqual(k / n + 1e-12);
        expect(w.high).toBeGreaterThanOrEqual(k / n - 1e-12);
      }
  });

  describe('SQL form', () => {
    let db: { instance: DuckDBInstance; conn: DuckDBConnection };
    beforeAll(async () => {
      db = await memoryDb();
    });
    afterAll(() => {
      db.conn.closeSync();
      db.instance.closeSync();
    });

    it('matches the TypeScript form on a grid of (k, n), NULL at n = 0', async () => {
      const w = wilsonSql('k', 'n');
      const rows = await queryRows<{ k: number; n: number; lo: number | null; hi: number | null }>(
        db.conn,
        `select k, n, ${w.low} as lo, ${w.high} as hi from (select CAST(k AS BIGINT) as k, CAST(n AS BIGINT) as n from range(0, 31) a(n), range(0, 31) b(k) where k <= n) order by n, k`,
      );
      expect(rows.length).toBe((31 * 32) / 2);
      for (const r of rows) {
        const ts = wilson(r.k, r.n);
        if (r.n === 0) {
          expect(r.lo).toBeNull();
          expect(r.hi).toBeNull();
        } else {
          expect(r.lo).toBeCloseTo(ts?.low ?? NaN, 12);
          expect(r.hi).toBeCloseTo(ts?.high ?? NaN, 12);
        }
      }
    });
  });
});
