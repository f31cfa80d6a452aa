import { beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { memoryDb } from '../../../electron/engine/db';
import { computeDrift } from '../../../electron/engine/drift/compute';
import { adjustPValues } from '../../../electron/engine/drift/correction';
import type { DriftResult } from '../../../shared/api/drift';
import { makeRecords, mulberry32, normalSample, request } from './helpers';

/**
 * Every cohort of an attribute in one pass (cohort_by) gives, cohort by cohort, the same numbers as asking
 * for that cohort alone; only the correction family (the whole grid) differs. Cohorts: a large drifted one,
 * an undrifted one, a small one (8 rows a side), one with rows on the baseline side only, one with rows in
 * neither selection (only in an older dataset version).
 */
const REGIONS = ['EU', 'US', 'tiny', 'gone', 'retired'];

function regionOf(i: number, side: 'b' | 'c'): string {
  if (i < 8) return 'tiny';
  if (side === 'b' && i < 40) return 'gone';
  return i % 3 === 0 ? 'US' : 'EU';
}

let conn: DuckDBConnection;

beforeAll(async () => {
  conn = (await memoryDb()).conn;
  const r = mulberry32(7);
  const n = 1500;
  const base = normalSample(r, n, 0, 1);
  const cur = normalSample(r, n, 0, 1).map((x, i) => (regionOf(i, 'c') === 'EU' ? x + 0.4 : x));
  await makeRecords(
    conn,
    {
      amount: { type: 'DOUBLE', baseline: base, current: cur.map((x, i) => (i % 17 === 0 ? null : x)) },
      // Integer with few values overall: one kind (categorical) for every cohort.
      count: { type: 'BIGINT', baseline: base.map((x) => Math.min(9, Math.round(Math.abs(x) * 3))), current: cur.map((x) => Math.min(9, Math.round(Math.abs(x) * 3))) },
      channel: { type: 'VARCHAR', baseline: base.map((x) => (x > 0.8 ? 'web' : x > -0.5 ? 'app' : 'store')), current: cur.map((x) => (x > 0.6 ? 'web' : x > -0.5 ? 'app' : 'store')) },
      flag: { type: 'BOOLEAN', baseline: base.map((x) => x > 0), current: cur.map((x) => x > 0.2) },
    },
    { cohort: { baseline: base.map((_, i) => regionOf(i, 'b')), current: cur.map((_, i) => regionOf(i, 'c')) } },
  );
  await conn.run(`insert into records by name select 'old' || i as record_id, TIMESTAMP '2026-01-01 00:00:00' as ts, 'old' as dataset_version, 'retired' as region, i * 0.5 as amount from range(20) t(i)`);
});

/** A result without what depends on the correction family. */
function own(r: DriftResult): Omit<DriftResult, 'p_adjusted' | 'drifted' | 'decision' | 'why'> {
  const { p_adjusted: _p, drifted: _d, decision: _c, why: _w, ...rest } = r;
  return rest;
}

describe('all cohorts of an attribute in one pass', () => {
  for (const ecdf of ['auto', 'bucketed'] as const) {
    for (const methods of [undefined, ['ks', 'wasserstein', 'psi', 'js', 'chi2', 'hellinger', 'z', 'null_rate'] as const]) {
      it(`matches one cohort at a time (${ecdf} ECDF pass, ${methods ? 'every method' : 'automatic methods'})`, async () => {
        const args = request(['amount', 'count', 'channel', 'flag'], { ...(methods ? { methods: [...methods] } : {}) });
        const grid = await computeDrift(conn, { ...args, cohort_by: 'region' }, { ecdf });
        const cohorts = [...new Set(grid.results.map((r) => r.cohort))];
        expect(cohorts).toEqual(['region=EU', 'region=US', 'region=gone', 'region=retired', 'region=tiny'].sort());
        for (const value of REGIONS) {
          const alone = await computeDrift(conn, { ...args, cohort: [{ attribute: 'region', value }] }, { ecdf });
          expect(grid.results.filter((r) => r.cohort === `region=${value}`).map(own)).toEqual(alone.results.map(own));
          expect(alone.plan).toEqual(grid.plan);
        }
        // One correction over the whole grid.
        expect(grid.results.map((r) => r.p_adjusted)).toEqual(adjustPValues(grid.results.map((r) => r.p_value), 'bh'));
        expect(grid.notes.join('\n')).toContain('across every cohort and column');
      });
    }
  }

  it('one statistic per column across cohorts; a small cohort is "not computable: n", never another method', async () => {
    const grid = await computeDrift(conn, { ...request(['amount', 'count', 'channel', 'flag']), cohort_by: 'region' });
    for (const column of ['amount', 'count', 'channel', 'flag']) {
      const rs = grid.results.filter((r) => r.column === column && r.method !== 'null_rate');
      expect(new Set(rs.map((r) => `${r.method}/${r.column_kind}`)).size).toBe(1);
    }
    expect(grid.plan.map((p) => [p.column, p.column_kind, p.methods])).toEqual([
      ['amount', 'numeric', ['wasserstein_norm']],
      ['count', 'categorical', ['js']],
      ['channel', 'categorical', ['js']],
      ['flag', 'binary', ['z']],
    ]);
    const tiny = grid.results.find((r) => r.cohort === 'region=tiny' && r.column === 'amount');
    expect(tiny?.method).toBe('wasserstein_norm');
    expect(tiny?.not_computable).toBe('too few values for wasserstein_norm: n_baseline 8, n_current 7 (at least 10 a side)');
    expect(tiny?.decision).toBe('not_computable');
    const gone = grid.results.find((r) => r.cohort === 'region=gone' && r.column === 'amount');
    // The 0-row reason is the one a cohort asked for alone gets: which side, which cohort, which selector.
    expect(gone?.not_computable).toBe('current selection has 0 rows: no row of records in cohort region=gone has dataset_version = "cur"');
    // A cohort neither selection reaches is in the grid, not missing from it, and both sides say why.
    const retired = grid.results.filter((r) => r.cohort === 'region=retired');
    expect(retired.map((r) => r.column).sort()).toEqual(['amount', 'channel', 'count', 'flag']);
    for (const r of retired) {
      expect(r.decision).toBe('not_computable');
      expect(r.not_computable).toBe(
        'baseline selection has 0 rows: no row of records in cohort region=retired has dataset_version = "base"; current selection has 0 rows too: no row of records in cohort region=retired has dataset_version = "cur"',
      );
    }
    const eu = grid.results.find((r) => r.cohort === 'region=EU' && r.column === 'amount');
    expect(eu?.decision).toBe('drift');
    expect(eu?.effect_ci?.[0]).toBeGreaterThan(0.1);
  });

  it('with time windows, a cohort outside both says so on each side, with the table\'s time range', async () => {
    const windows = { baseline: { key: 'window' as const, value: '2026-06-01T00:00:00Z/2026-06-02T01:00:00Z' }, current: { key: 'window' as const, value: '2026-06-02T01:00:00Z/2026-06-03T02:00:00Z' } };
    const grid = await computeDrift(conn, { ...request(['amount']), ...windows, cohort_by: 'region' });
    const retired = grid.results.find((r) => r.cohort === 'region=retired' && r.column === 'amount');
    const range = '(records.ts runs from 2026-01-01 00:00:00 to 2026-06-03 01:59:00)';
    expect(retired?.not_computable).toBe(
      `baseline selection has 0 rows: no row of records in cohort region=retired has ts in ${windows.baseline.value} ${range}; current selection has 0 rows too: no row of records in cohort region=retired has ts in ${windows.current.value} ${range}`,
    );
    const alone = await computeDrift(conn, { ...request(['amount']), ...windows, cohort: [{ attribute: 'region', value: 'retired' }] });
    expect(alone.results.find((r) => r.column === 'amount')?.not_computable).toBe(retired?.not_computable);
  });

  it('rejects a series with cohort_by, and a cohort filter on the same attribute', async () => {
    await expect(computeDrift(conn, { ...request(['amount']), cohort_by: 'region', by: 'week' })).rejects.toThrow(/series/);
    await expect(computeDrift(conn, { ...request(['amount']), cohort_by: 'region', cohort: [{ attribute: 'region', value: 'EU' }] })).rejects.toThrow(/other attributes/);
    await expect(computeDrift(conn, { ...request(['amount']), cohort_by: 'nope' })).rejects.toThrow(/no column "nope"/);
  });
});
