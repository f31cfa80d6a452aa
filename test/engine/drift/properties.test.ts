import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb } from '../../../electron/engine/db';
import { computeDrift } from '../../../electron/engine/drift/compute';
import type { DriftMethod, DriftResult } from '../../../shared/api/drift';
import { makeRecords, request, shuffledOrder } from './helpers';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  ({ instance, conn } = await memoryDb());
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

const NUMERIC: DriftMethod[] = ['ks', 'wasserstein', 'psi', 'js', 'kl', 'hellinger', 'linf', 'chi2'];
const numbers = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 2, maxLength: 40 });
const categories = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 2, maxLength: 40 });

function byMethod(rs: DriftResult[]): Map<string, DriftResult> {
  return new Map(rs.map((r) => [r.method, r]));
}

describe('properties', () => {
  it('identical samples → zero distance, KS p = 1, nothing drifted', async () => {
    await fc.assert(
      fc.asyncProperty(numbers, async (xs) => {
        await makeRecords(conn, { x: { type: 'DOUBLE', baseline: xs, current: xs } });
        const rs = (await computeDrift(conn, request(['x'], { methods: NUMERIC }))).results;
        for (const r of rs) {
          expect(r.drifted).toBe(false);
          if (r.not_computable !== null) {
            expect(r.not_computable).toMatch(/constant/);
            continue;
          }
          if (r.method === 'chi2') expect(r.p_value).toBeCloseTo(1, 12);
          else expect(r.statistic).toBeCloseTo(0, 12);
          if (r.method === 'ks') expect(r.p_value).toBe(1);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('symmetric methods are symmetric (KS D and W1 exactly; binned ones on categories)', async () => {
    await fc.assert(
      fc.asyncProperty(numbers, numbers, async (a, b) => {
        await makeRecords(conn, { x: { type: 'DOUBLE', baseline: a, current: b } });
        const ab = byMethod((await computeDrift(conn, request(['x'], { methods: ['ks', 'wasserstein'] }))).results);
        await makeRecords(conn, { x: { type: 'DOUBLE', baseline: b, current: a } });
        const ba = byMethod((await computeDrift(conn, request(['x'], { methods: ['ks', 'wasserstein'] }))).results);
        for (const m of ['ks', 'wasserstein']) {
          expect(ba.get(m)?.statistic).toBe(ab.get(m)?.statistic);
          expect(ba.get(m)?.p_value).toBe(ab.get(m)?.p_value);
        }
      }),
      { numRuns: 20 },
    );
    await fc.assert(
      fc.asyncProperty(categories, categories, async (a, b) => {
        const methods: DriftMethod[] = ['psi', 'js', 'hellinger', 'linf', 'chi2'];
        await makeRecords(conn, { v: { type: 'VARCHAR', baseline: a, current: b } });
        const ab = byMethod((await computeDrift(conn, request(['v'], { methods }))).results);
        await makeRecords(conn, { v: { type: 'VARCHAR', baseline: b, current: a } });
        const ba = byMethod((await computeDrift(conn, request(['v'], { methods }))).results);
        for (const m of methods) {
          const x = ab.get(m)?.statistic;
          const y = ba.get(m)?.statistic;
          if (x === null || x === undefined) expect(y ?? null).toBeNull();
          else expect(y).toBeCloseTo(x, 12);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('row order does not change a byte of the results', async () => {
    await fc.assert(
      fc.asyncProperty(numbers, numbers, fc.integer({ min: 1, max: 1_000_000 }), async (a, b, seed) => {
        const cols = { x: { type: 'DOUBLE' as const, baseline: a, current: b }, v: { type: 'VARCHAR' as const, baseline: a.map((x) => (x > 0 ? 'p' : x < -1000 ? 'n' : 'z')), current: b.map((x) => (x > 0 ? 'p' : 'z')) } };
        const methods: DriftMethod[] = ['ks', 'wasserstein', 'wasserstein_norm', 'psi', 'js', 'kl', 'hellinger', 'linf', 'chi2'];
        await makeRecords(conn, cols);
        const first = JSON.stringify((await computeDrift(conn, request(['x', 'v'], { methods, chunks: 3 }))).results);
        await makeRecords(conn, cols, { order: shuffledOrder(seed) });
        const second = JSON.stringify((await computeDrift(conn, request(['x', 'v'], { methods, chunks: 3 }))).results);
        expect(second).toBe(first);
      }),
      { numRuns: 15 },
    );
  });
});

describe('determinism on a multi-threaded scan', () => {
  it('250k rows (three row groups) inserted in two different orders give byte-identical JSON (results and series)', async () => {
    const make = async (orderSeed: number) => {
      await conn.run(`create or replace table records as
        select 'r' || i as record_id, TIMESTAMP '2026-01-01' + to_seconds(i) as ts,
          case when i % 2 = 0 then 'base' else 'cur' end as dataset_version,
          case when i % 3 = 0 then 'EU' else 'US' end as region,
          (hash(i) % 1000003) / 997.0 + case when i % 2 = 1 then 3.3 else 0 end as x,
          case when hash(i * 31) % 17 = 0 then null else ln(1 + (hash(i * 7) % 100000) / 13.0) end as y,
          ['a', 'b', 'c', 'd'][1 + (hash(i * 13) % 4)::INTEGER] as cat
        from range(250000) t(i) order by hash(i + ${orderSeed})`);
      await conn.run('set threads = 2');
      const rep = await computeDrift(conn, request(['x', 'y', 'cat'], { methods: ['wasserstein', 'psi'], cohort: [{ attribute: 'region', value: 'EU' }], by: 'day' }));
      return JSON.stringify({ results: rep.results, series: rep.series });
    };
    const a = await make(1);
    const b = await make(2);
    expect(b).toBe(a);
    expect(a).toContain('"method":"wasserstein"');
  });
});
