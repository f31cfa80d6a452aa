import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { memoryDb } from '../../../electron/engine/db';
import { computeDrift } from '../../../electron/engine/drift/compute';
import { groupedProfiles, groupedProfilesOfColumns, groupedRanges } from '../../../electron/engine/drift/ecdf';
import type { NumericRange } from '../../../electron/engine/drift/profile';
import type { Sample } from '../../../electron/engine/drift/select';
import { makeRecords, request } from './helpers';

/**
 * Everything but the timing, with every number (also inside detail texts) to 11 significant digits:
 * the bucketed and full-sort ECDF passes agree exactly on counts, D and p-values, and on W1 and σ
 * to rounding.
 */
function stable(report: Awaited<ReturnType<typeof computeDrift>>): string {
  const round = (x: number): number => Number(x.toPrecision(11));
  // The bootstrap interval of W1/σ resamples atoms (rank ranges when sorted, bucket runs when bucketed): it is
  // compared apart, with a tolerance.
  return JSON.stringify({ ...report, elapsed_ms: 0 }, (k, v: unknown) =>
    k === 'effect_ci' || k === 'why' || k === 'decision'
      ? undefined
      : typeof v === 'number'
        ? round(v)
        : typeof v === 'string'
          ? v.replace(/-?\d+\.\d+(e[-+]?\d+)?/g, (m) => String(round(Number(m))))
          : v,
  );
}

describe('ECDF pass', () => {
  it('bucketed and full-sort passes give the same reports', async () => {
    const { conn } = await memoryDb();
    const n = 1500;
    const seq = (k: number, f: (i: number) => number | string | null) => Array.from({ length: k }, (_, i) => f(i));
    await makeRecords(
      conn,
      {
        x: { type: 'DOUBLE', baseline: seq(n, (i) => Math.sin(i) * 3), current: seq(n, (i) => Math.sin(i * 1.3) * 3 + 0.4) },
        y: { type: 'DOUBLE', baseline: seq(n, (i) => (i % 7 === 0 ? null : (i % 13) / 3)), current: seq(n, (i) => (i % 5 === 0 ? Number.NaN : (i % 11) / 3)) },
        k: { type: 'BIGINT', baseline: seq(n, (i) => i % 4), current: seq(n, (i) => (i * 7) % 5) },
        c: { type: 'VARCHAR', baseline: seq(n, (i) => `v${i % 6}`), current: seq(n, (i) => (i % 9 === 0 ? null : `v${i % 8}`)) },
      },
      { cohort: { baseline: seq(n, (i) => (i % 2 ? 'EU' : 'US')) as string[], current: seq(n, (i) => (i % 3 ? 'EU' : 'US')) as string[] } },
    );
    const args = request(['x', 'y', 'k', 'c'], { cohort: [{ attribute: 'region', value: 'EU' }, { attribute: 'region', value: 'US' }], by: 'day' });
    const withMethods = { ...args, methods: ['ks', 'wasserstein', 'psi', 'js', 'chi2', 'null_rate'] as const };
    for (const a of [args, { ...withMethods, methods: [...withMethods.methods] }]) {
      const fast = await computeDrift(conn, a, { ecdf: 'bucketed' });
      const slow = await computeDrift(conn, a, { ecdf: 'sorted' });
      expect(fast.results.map((r) => r.p_value)).toEqual(slow.results.map((r) => r.p_value));
      expect(fast.results.length).toBeGreaterThan(8);
      expect(stable(fast)).toBe(stable(slow));
      fast.results.forEach((r, i) => {
        const s = slow.results[i];
        if (!r.effect_ci || !s?.effect_ci) return expect(r.effect_ci).toEqual(s?.effect_ci ?? null);
        expect(Math.abs(r.effect_ci[0] - s.effect_ci[0])).toBeLessThan(0.05);
        expect(Math.abs(r.effect_ci[1] - s.effect_ci[1])).toBeLessThan(0.05);
      });
    }
  });
});

describe('one sorted pass for several columns', () => {
  // computeDrift profiles every numeric column of a pass in one query (groupedProfilesOfColumns); each column and
  // cohort must get the very profile (same doubles, same atoms) its own sorted pass gives.
  it('gives every column and group exactly the profile of its own pass (grouped and ungrouped, nulls, ties, constants)', async () => {
    const { conn } = await memoryDb();
    const n = 900;
    const seq = (k: number, f: (i: number) => number | string | null) => Array.from({ length: k }, (_, i) => f(i));
    await makeRecords(
      conn,
      {
        x: { type: 'DOUBLE', baseline: seq(n, (i) => Math.sin(i) * 3e6), current: seq(n, (i) => Math.sin(i * 1.3) * 3e6 + 0.4) },
        y: { type: 'DOUBLE', baseline: seq(n, (i) => (i % 7 === 0 ? null : (i % 13) / 3)), current: seq(n, (i) => (i % 5 === 0 ? null : (i % 11) / 3)) },
        k: { type: 'BIGINT', baseline: seq(n, (i) => i % 4), current: seq(n, (i) => (i * 7) % 5) },
        one: { type: 'DOUBLE', baseline: seq(n, () => 2.5), current: seq(n, () => 2.5) },
        none: { type: 'DOUBLE', baseline: seq(n, () => null), current: seq(n, (i) => (i < 3 ? 1 : null)) },
      },
      { cohort: { baseline: seq(n, (i) => (i % 2 ? 'EU' : i % 5 ? 'US' : 'APAC')) as string[], current: seq(n, (i) => (i % 3 ? 'EU' : 'US')) as string[] } },
    );
    const exprs = ['"x"', '"y"', '"k"::DOUBLE', '"one"', '"none"'];
    const base: Sample = { table: 'records', baseline: { sql: 'dataset_version = ?', params: ['base'] }, current: { sql: 'dataset_version = ?', params: ['cur'] } };
    for (const sample of [base, { ...base, group: '"region"::VARCHAR' }]) {
      const ranges = await groupedRanges(conn, sample, exprs);
      const perColumn = exprs.map((_, k) => new Map([...ranges.entries()].map(([g, r]) => [g, r[k] as NumericRange])));
      const together = await groupedProfilesOfColumns(conn, sample, exprs, perColumn, 'sorted');
      expect(together.size).toBe(exprs.length);
      for (const [k, expr] of exprs.entries()) {
        const alone = await groupedProfiles(conn, sample, expr, perColumn[k] as Map<string, NumericRange>, 'sorted');
        expect(together.get(k)).toEqual(alone);
        expect([...(together.get(k)?.keys() ?? [])].sort()).toEqual([...ranges.keys()].sort());
      }
    }
  });
});

describe('the several-columns pass over ties', () => {
  // It sorts distinct values with their counts per side instead of rows: heavy ties, tiny groups (fewer values than
  // the 64 rank ranges, so a row steps over several), one-sided groups and nulls must still give every column and
  // group the row pass's very profile.
  const side = fc.array(fc.record({ x: fc.option(fc.integer({ min: -3, max: 3 }), { freq: 5 }), y: fc.option(fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true })), region: fc.constantFrom('EU', 'EU', 'EU', 'US', 'APAC') }), { minLength: 20, maxLength: 150, size: 'max' });
  it('gives the row pass profiles on random tied samples (seeded)', async () => {
    const { conn } = await memoryDb();
    await fc.assert(
      fc.asyncProperty(side, side, fc.integer({ min: 1, max: 4 }), async (b, c, step) => {
        const coarse = (v: number | null): number | null => (v === null ? null : Math.round(v / (step * 100)) * step);
        await makeRecords(
          conn,
          {
            x: { type: 'BIGINT', baseline: b.map((r) => r.x), current: c.map((r) => r.x) },
            y: { type: 'DOUBLE', baseline: b.map((r) => r.y), current: c.map((r) => r.y) },
            z: { type: 'DOUBLE', baseline: b.map((r) => coarse(r.y)), current: c.map((r) => coarse(r.y)) },
          },
          { cohort: { baseline: b.map((r) => r.region), current: c.map((r) => r.region) } },
        );
        const exprs = ['"x"::DOUBLE', '"y"', '"z"'];
        const base: Sample = { table: 'records', baseline: { sql: 'dataset_version = ?', params: ['base'] }, current: { sql: 'dataset_version = ?', params: ['cur'] } };
        for (const sample of [base, { ...base, group: '"region"::VARCHAR' }]) {
          const ranges = await groupedRanges(conn, sample, exprs);
          const perColumn = exprs.map((_, k) => new Map([...ranges.entries()].map(([g, r]) => [g, r[k] as NumericRange])));
          const together = await groupedProfilesOfColumns(conn, sample, exprs, perColumn, 'sorted');
          for (const [k, expr] of exprs.entries()) expect(together.get(k)).toEqual(await groupedProfiles(conn, sample, expr, perColumn[k] as Map<string, NumericRange>, 'sorted'));
        }
      }),
      { numRuns: 10 },
    );
  });
});
