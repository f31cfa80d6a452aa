// Property tests here run with the run's one printed fast-check seed (vitest setup: test/helpers/propertySeed.ts; FC_SEED replays).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryDb } from '../../../electron/engine/db';
import { columnKind } from '../../../electron/engine/drift/auto';
import { bucketCount, refinedRuns } from '../../../electron/engine/drift/buckets';
import { numericProfile, numericRanges } from '../../../electron/engine/drift/ecdf';
import type { NumericProfile } from '../../../electron/engine/drift/profile';
import type { Sample } from '../../../electron/engine/drift/select';

/** Uniform in (0, 1) from a hash of (row, stream): deterministic test data generated inside DuckDB. */
const u = (k: number): string => `(((hash(i * 16 + ${k}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0)`;
const normal = (k: number): string => `(sqrt(-2 * ln(${u(k)})) * cos(2 * pi() * ${u(k + 1)}))`;

interface Case {
  name: string;
  n: number;
  /** SQL for v given row i and side ('b' | 'c'). */
  value: string;
}

const CASES: Case[] = [
  { name: 'shifted normal (drift)', n: 40_000, value: `${normal(0)} + case when side = 'c' then 0.15 else 0 end` },
  { name: 'identical distributions (S crosses zero often)', n: 60_000, value: normal(2) },
  { name: 'integers with heavy ties', n: 30_000, value: `floor(${normal(4)} * 3 + case when side = 'c' then 0.4 else 0 end)` },
  { name: 'heavy tail with one far outlier', n: 20_000, value: `case when i = 7 then 1e12 else exp(${normal(6)} * 2) end` },
  { name: 'few distinct values (exact distinct path)', n: 5_000, value: `(hash(i) % 4)::DOUBLE * 2.5 + case when side = 'c' and i % 3 = 0 then 2.5 else 0 end` },
  { name: 'one outlier, the rest constant', n: 3_000, value: `case when i = 11 then 1e6 else 42.0 end` },
  { name: 'baseline constant, current spread', n: 2_000, value: `case when side = 'b' then 3.0 else ${normal(8)} end` },
  { name: 'tiny magnitudes', n: 10_000, value: `${normal(10)} * 1e-290 + case when side = 'c' then 3e-291 else 0 end` },
  { name: 'range overflows a double (sorted fallback)', n: 1_000, value: `case when i = 1 then -1.7e308 when i = 2 then 1.7e308 else ${normal(12)} end` },
  { name: 'nulls and one-sided values', n: 4_000, value: `case when side = 'c' then null else ${normal(14)} end` },
  { name: 'small samples', n: 40, value: `round(${normal(16)} * 4, 1)` },
];

async function build(conn: Awaited<ReturnType<typeof memoryDb>>['conn'], c: Case, order: 'asc' | 'desc' = 'asc'): Promise<void> {
  await conn.run(`create or replace table t as
    select * from (
      select i, side, (${c.value})::DOUBLE as v
      from range(${2 * c.n}) r(i), (select case when i < ${c.n} then 'b' else 'c' end as side)
    ) order by i ${order}`);
}

const sample: Sample = { table: 't', baseline: { sql: `side = 'b'`, params: [] }, current: { sql: `side = 'c'`, params: [] } };

async function profiles(conn: Awaited<ReturnType<typeof memoryDb>>['conn']): Promise<{ bucketed: NumericProfile; sorted: NumericProfile }> {
  const [range] = await numericRanges(conn, sample, ['v']);
  return { bucketed: await numericProfile(conn, sample, 'v', range, 'bucketed'), sorted: await numericProfile(conn, sample, 'v', range, 'sorted') };
}

function close(a: number | null, b: number | null, rel: number, abs = 0): void {
  if (a === null || b === null) {
    expect(a).toBe(b);
    return;
  }
  expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b))));
}

describe('bucketed ECDF against the full sort', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { conn } = await memoryDb();
      await build(conn, c);
      const { bucketed, sorted } = await profiles(conn);
      // Counts, ranges and D are exact in both: identical.
      expect(bucketed.dScaled).toBe(sorted.dScaled);
      // Atoms (for the bootstrap interval only) are rank ranges in one pass and bucket runs in the other.
      expect({ ...bucketed, distinct: 0, w1: 0, meanBaseline: 0, stdBaseline: 0, atoms: null }).toEqual({ ...sorted, distinct: 0, w1: 0, meanBaseline: 0, stdBaseline: 0, atoms: null });
      expect(bucketed.atoms?.countB.reduce((a, b) => a + b, 0)).toBe(sorted.nBaseline);
      expect(sorted.atoms?.countC.reduce((a, b) => a + b, 0)).toBe(sorted.nCurrent);
      // distinct is exact where the column-kind rules look (≤ 10), a lower bound above.
      if (sorted.distinct <= 10) expect(bucketed.distinct).toBe(sorted.distinct);
      else expect(bucketed.distinct).toBeGreaterThan(10);
      expect(columnKind('float', bucketed.distinct)).toBe(columnKind('float', sorted.distinct));
      const range = Math.max(sorted.maxBaseline ?? 0, sorted.maxCurrent ?? 0) - Math.min(sorted.minBaseline ?? 0, sorted.minCurrent ?? 0);
      // W1 and the baseline moments agree to rounding (positions are quantised to range·2^-40/B).
      close(bucketed.w1, sorted.w1, 1e-12, Number.isFinite(range) ? range * 1e-15 : 0);
      close(bucketed.meanBaseline, sorted.meanBaseline, 1e-12, Number.isFinite(range) ? range * 1e-15 : 0);
      close(bucketed.stdBaseline, sorted.stdBaseline, 1e-9);
    });
  }

  it('agrees with the full sort on random samples (ties, clusters, extremes, one-sided nulls)', async () => {
    const { conn } = await memoryDb();
    const value = fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, 1e-300, -1e300, 1e300, 0.1, 0.1 + 1e-12),
      fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 120 }), fc.array(value, { maxLength: 120 }), async (b, c) => {
        const rows = [...b.map((v) => ['b', v] as const), ...c.map((v) => ['c', v] as const)];
        const values = rows.map(([side, v]) => `('${side}', ${v === null ? 'NULL' : `'${String(v)}'`}::DOUBLE)`).join(', ');
        await conn.run(`create or replace table t (side VARCHAR, v DOUBLE)`);
        if (values) await conn.run(`insert into t values ${values}`);
        const { bucketed, sorted } = await profiles(conn);
        expect(bucketed.dScaled).toBe(sorted.dScaled);
        expect(columnKind('float', bucketed.distinct)).toBe(columnKind('float', sorted.distinct));
        if (sorted.distinct <= 10) expect(bucketed.distinct).toBe(sorted.distinct);
        const range = Math.max(sorted.maxBaseline ?? 0, sorted.maxCurrent ?? 0) - Math.min(sorted.minBaseline ?? 0, sorted.minCurrent ?? 0);
        close(bucketed.w1, sorted.w1, 1e-12, range * 1e-15);
        close(bucketed.stdBaseline, sorted.stdBaseline, 1e-9, range * 1e-15);
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic: rows stored in the opposite order give an identical profile', async () => {
    const { conn } = await memoryDb();
    for (const c of [CASES[1] as Case, CASES[2] as Case]) {
      await build(conn, c, 'asc');
      const a = (await profiles(conn)).bucketed;
      await build(conn, c, 'desc');
      const b = (await profiles(conn)).bucketed;
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    }
  });

  it('picks about 32 values per bucket, from 1 024 to 65 536 buckets', () => {
    expect(bucketCount(10)).toBe(1024);
    expect(bucketCount(100_000)).toBe(4096);
    expect(bucketCount(2_000_000)).toBe(65536);
    expect(bucketCount(1e9)).toBe(65536);
  });

  it('groups refined buckets into runs of consecutive buckets with S before and after', () => {
    expect(refinedRuns([[3, 10, -5], [4, -5, 7], [9, 2, 0]])).toEqual([
      { a: 3, b: 4, sp: 10n, se: 7n },
      { a: 9, b: 9, sp: 2n, se: 0n },
    ]);
    expect(refinedRuns([])).toEqual([]);
  });
});
