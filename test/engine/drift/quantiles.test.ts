import { describe, expect, it } from 'vitest';
import { memoryDb, queryOne, queryRows } from '../../../electron/engine/db';
import { bucketedQuantiles, quantileDiscIndex } from '../../../electron/engine/drift/quantiles';
import type { Sample } from '../../../electron/engine/drift/select';

const u = (k: number): string => `(((hash(i * 16 + ${k}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0)`;
const normal = `(sqrt(-2 * ln(${u(0)})) * cos(2 * pi() * ${u(1)}))`;
const sample: Sample = { table: 't', baseline: { sql: `side = 'b'`, params: [] }, current: { sql: `side = 'c'`, params: [] } };

describe("DuckDB's quantile_disc without the sort", () => {
  it('quantileDiscIndex is the position quantile_disc picks', async () => {
    const { conn } = await memoryDb();
    for (const n of [1, 2, 3, 7, 10, 13, 14, 21, 40, 97]) {
      for (const bins of [2, 3, 7, 10, 13, 20]) {
        const probs = Array.from({ length: bins - 1 }, (_, k) => (k + 1) / bins);
        const row = await queryOne<{ q: string }>(conn, `select to_json(quantile_disc(i, [${probs.map(String).join(', ')}]))::VARCHAR as q from range(${n}) t(i)`);
        expect(probs.map((p) => quantileDiscIndex(p, n)), `n=${n}, bins=${bins}`).toEqual(JSON.parse(row?.q ?? '[]'));
      }
    }
    expect(quantileDiscIndex(1e-7, 10)).toBeNull();
  });

  for (const [name, value] of [
    ['normal', normal],
    ['integers with heavy ties', `floor(${normal} * 2)`],
    ['heavy tail with an outlier', `case when i = 3 then 1e15 else exp(${normal} * 3) end`],
  ] as const) {
    it(`gives quantile_disc's values on ${name}`, async () => {
      const { conn } = await memoryDb();
      await conn.run(`create table t as select case when i % 3 = 0 then 'c' else 'b' end as side, case when i % 11 = 0 then null else (${value})::DOUBLE end as v from range(90000) r(i)`);
      const stats = await queryOne<{ n: number; mn: number; mx: number }>(conn, `select count(v) as n, min(v) as mn, max(v) as mx from t where side = 'b'`);
      for (const bins of [4, 10, 17]) {
        const probs = Array.from({ length: bins - 1 }, (_, k) => (k + 1) / bins);
        const expected = await queryRows<{ q: string }>(conn, `select to_json(quantile_disc(v, [${probs.map(String).join(', ')}]))::VARCHAR as q from t where side = 'b' and v is not null`);
        const got = await bucketedQuantiles(conn, sample, 'v', probs, Number(stats?.n), Number(stats?.mn), Number(stats?.mx));
        expect(got, `${bins} bins`).toEqual(JSON.parse(expected[0]?.q ?? '[]'));
      }
    });
  }
});
