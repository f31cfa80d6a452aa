import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb } from '../../../electron/engine/db';
import { computeDrift } from '../../../electron/engine/drift/compute';
import { ApiError } from '../../../shared/api/common';
import type { DriftResult } from '../../../shared/api/drift';
import { makeRecords, mulberry32, normalSample, request } from './helpers';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  ({ instance, conn } = await memoryDb());
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

const ALL = ['ks', 'wasserstein', 'wasserstein_norm', 'psi', 'js', 'kl', 'hellinger', 'chi2', 'linf'] as const;

function only(results: DriftResult[], method: string, column?: string): DriftResult {
  const r = results.find((x) => x.method === method && (column === undefined || x.column === column));
  if (!r) throw new Error(`no ${method}`);
  return r;
}

function expectNoNaN(results: DriftResult[]): void {
  const text = JSON.stringify(results);
  expect(text).not.toMatch(/NaN|Infinity/);
  for (const r of results) for (const v of [r.statistic, r.p_value, r.p_adjusted, r.effect]) if (v !== null) expect(Number.isFinite(v)).toBe(true);
}

describe('not computable, never NaN or a crash', () => {
  it('empty selections', async () => {
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: [], current: [] } });
    const rs = (await computeDrift(conn, request(['x'], { methods: [...ALL] }))).results;
    expect(rs).toHaveLength(ALL.length);
    for (const r of rs) {
      // The reason names what selected nothing on each side, so the auditor can fix both selections at once.
      expect(r.not_computable).toBe('baseline selection has 0 rows: no row of records has dataset_version = "base"; current selection has 0 rows too: no row of records has dataset_version = "cur"');
      expect(r.drifted).toBe(false);
    }
    expectNoNaN(rs);
  });
  it('all-null baseline (NaN and ±inf count as missing)', async () => {
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: [null, Number.NaN, Number.POSITIVE_INFINITY], current: [1, 2, 3] } });
    const rs = (await computeDrift(conn, request(['x'], { methods: [...ALL] }))).results;
    for (const r of rs.filter((x) => x.method !== 'null_rate')) expect(r.not_computable).toBe('baseline has no non-null values');
    const nr = only(rs, 'null_rate');
    expect(nr.not_computable).toBeNull();
    expect(nr.statistic).toBe(-1);
    expect(nr.null_rate_baseline).toBe(1);
    expectNoNaN(rs);
  });
  it('all-null current, categorical', async () => {
    await makeRecords(conn, { v: { type: 'VARCHAR', baseline: ['a', 'b', 'c'], current: [null, null] } });
    const rs = (await computeDrift(conn, request(['v']))).results;
    expect(rs[0]?.not_computable).toBe('current has no non-null values');
    expectNoNaN(rs);
  });
  it('constant in both samples', async () => {
    await makeRecords(conn, {
      x: { type: 'DOUBLE', baseline: [5, 5, 5, 5], current: [5, 5] },
      v: { type: 'VARCHAR', baseline: ['k', 'k', 'k', 'k'], current: ['k', 'k'] },
    });
    const rs = (await computeDrift(conn, request(['x', 'v'], { methods: [...ALL, 'z'] }))).results;
    for (const r of rs.filter((x) => x.column === 'x')) expect(r.not_computable).toBe('column is constant in both samples (value 5)');
    for (const r of rs.filter((x) => x.column === 'v')) expect(r.not_computable).toBe('column is constant in both samples (value k)');
    expectNoNaN(rs);
  });
  it('constant baseline, varying current: KS works, normalised Wasserstein says why not', async () => {
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: [5, 5, 5, 5, 5, 5, 5, 5], current: [5, 6, 7, 8, 9, 10, 11, 12] } });
    const rs = (await computeDrift(conn, request(['x'], { methods: ['ks', 'wasserstein_norm', 'psi'] }))).results;
    expect(only(rs, 'ks').statistic).toBe(0.875);
    expect(only(rs, 'wasserstein_norm').not_computable).toMatch(/baseline is constant/);
    const psi = only(rs, 'psi');
    expect(psi.bins?.map((b) => b.label)).toEqual(['[5, 5]', 'above baseline range (> 5)']);
    expectNoNaN(rs);
  });
  it('single value on one side is computable (exact KS with n = 1)', async () => {
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: [1, 2, 3, 4, 5, 6, 7], current: [100] } });
    const r = only((await computeDrift(conn, request(['x'], { methods: ['ks'] }))).results, 'ks');
    expect(r.statistic).toBe(1);
    // P(D ≥ 1) for n = 7, m = 1: the single current value falls above (or below) all 7: 2/8
    expect(r.p_value).toBeCloseTo(0.25, 15);
  });
  it('z on a non-binary column explains itself', async () => {
    await makeRecords(conn, { v: { type: 'VARCHAR', baseline: ['a', 'b', 'c'], current: ['a', 'b', 'c'] } });
    const r = only((await computeDrift(conn, request(['v'], { methods: ['z'] }))).results, 'z');
    expect(r.not_computable).toBe('z needs a binary column; "v" has 3 distinct values');
  });
  it('ks on a string column explains itself', async () => {
    await makeRecords(conn, { v: { type: 'VARCHAR', baseline: ['a', 'b', 'c'], current: ['a', 'b', 'd'] } });
    const r = only((await computeDrift(conn, request(['v'], { methods: ['ks'] }))).results, 'ks');
    expect(r.not_computable).toMatch(/ks needs a numeric column/);
  });
});

describe('bins', () => {
  it('categories unseen in the baseline keep their own bin', async () => {
    await makeRecords(conn, { v: { type: 'VARCHAR', baseline: ['a', 'a', 'b', 'c'], current: ['a', 'b', 'z', 'z'] } });
    const r = only((await computeDrift(conn, request(['v'], { methods: ['psi'] }))).results, 'psi');
    expect(r.bins?.map((b) => [b.label, b.baseline_count, b.current_count])).toEqual([
      ['a', 2, 1],
      ['b', 1, 1],
      ['c', 1, 0],
      ['z', 0, 2],
    ]);
    expect(r.detail).toContain('1 value(s) unseen in the baseline keep their own bin');
  });
  it('values outside the baseline range get below/above bins; requested bin count is honoured', async () => {
    const base = Array.from({ length: 200 }, (_, i) => i / 2);
    const cur = [-5, -1, ...base.slice(0, 100), 150, 151, 152];
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: base, current: cur } });
    const rs = (await computeDrift(conn, request(['x'], { methods: ['psi', 'js'], bins: 4 }))).results;
    const bins = only(rs, 'psi').bins ?? [];
    expect(bins.map((b) => b.label)).toEqual(['below baseline range (< 0)', '[0, 24.5)', '[24.5, 49.5)', '[49.5, 74.5)', '[74.5, 99.5]', 'above baseline range (> 99.5)']);
    expect(bins.map((b) => b.baseline_count)).toEqual([0, 49, 50, 50, 51, 0]);
    expect(bins.map((b) => b.current_count)).toEqual([2, 49, 50, 1, 0, 3]);
    expect(only(rs, 'psi').detail).toContain('baseline-quantile bins (quantile_disc): 4 bins + 2 out-of-baseline-range bin(s)');
    const eq = only((await computeDrift(conn, request(['x'], { methods: ['psi'], bins: 5, binning: 'equal_width' }))).results, 'psi');
    expect(eq.bins?.filter((b) => b.lower !== null && b.upper !== null).map((b) => b.label)).toEqual(['[0, 19.9)', '[19.9, 39.8)', '[39.8, 59.7)', '[59.7, 79.6)', '[79.6, 99.5]']);
  });
});

describe('null rate', () => {
  it('a change in the null share is drift on its own, while the distribution of present values is unchanged', async () => {
    const vals = Array.from({ length: 400 }, (_, i) => (i * 37) % 101);
    const cur = vals.map((v, i) => (i % 3 === 0 ? null : v));
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: vals, current: cur } });
    const rs = (await computeDrift(conn, request(['x']))).results;
    expect(rs.map((r) => r.method)).toEqual(['ks', 'null_rate']);
    expect(only(rs, 'ks').drifted).toBe(false);
    const nr = only(rs, 'null_rate');
    expect(nr.drifted).toBe(true);
    expect(nr.null_rate_current).toBeCloseTo(134 / 400, 15);
    expect(nr.effect).toBeGreaterThan(0.1);
  });
});

describe('sample-size awareness', () => {
  it('a tiny shift on 60k rows is significant but below the effect threshold: not drifted', async () => {
    await conn.run(`create or replace table records as
      select 'r' || i as record_id, TIMESTAMP '2026-01-01' + to_seconds(i) as ts, case when i % 2 = 0 then 'base' else 'cur' end as dataset_version,
        null::VARCHAR as region,
        ((hash(i) % 1000000) / 1000000.0) + case when i % 2 = 1 then 0.01 else 0 end as x
      from range(60000) t(i)`);
    const rs = (await computeDrift(conn, request(['x'], { methods: ['ks', 'psi', 'wasserstein_norm'] }))).results;
    expect(only(rs, 'ks').p_value).toBeLessThan(0.05);
    for (const r of rs) expect(r.drifted).toBe(false);
    expect(only(rs, 'ks').detail).toContain('asymptotic');
  });
  it('a real shift on 12 rows is not hidden: PSI is large and its p-value says whether it is significant', async () => {
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: [1, 2, 3, 4, 5, 6], current: [11, 12, 13, 14, 15, 16] } });
    const rs = (await computeDrift(conn, request(['x'], { methods: ['ks', 'psi'], bins: 3 }))).results;
    expect(only(rs, 'ks').p_value).toBeCloseTo(2 / 924, 15);
    expect(only(rs, 'ks').drifted).toBe(true);
    expect(only(rs, 'psi').statistic).toBeGreaterThan(1);
  });
});

describe('auto choice and correction', () => {
  it('picks z / chi2 / ks / js / wasserstein_norm by kind and n', async () => {
    const r = mulberry32(3);
    const small = normalSample(r, 200, 0, 1);
    await makeRecords(conn, {
      flag: { type: 'BOOLEAN', baseline: small.map((x) => x > 0), current: small.map((x) => x > 0.5) },
      cat: { type: 'VARCHAR', baseline: small.map((x) => (x > 1 ? 'hi' : x > 0 ? 'mid' : 'lo')), current: small.map((x) => (x > 1 ? 'hi' : x > 0 ? 'mid' : 'lo')) },
      count: { type: 'BIGINT', baseline: small.map((x) => Math.round(Math.abs(x) * 2)), current: small.map((x) => Math.round(Math.abs(x) * 2)) },
      amount: { type: 'DOUBLE', baseline: small, current: small.map((x) => x + 0.05) },
    });
    const rep = await computeDrift(conn, request(['flag', 'cat', 'count', 'amount']));
    expect(rep.results.map((x) => [x.column, x.column_kind, x.method])).toEqual([
      ['flag', 'binary', 'z'],
      ['cat', 'categorical', 'chi2'],
      ['count', 'categorical', 'chi2'],
      ['amount', 'numeric', 'ks'],
    ]);
    expect(rep.results[0]?.detail).toMatch(/^auto, once for every cohort: binary \(boolean, 2 distinct values over both selections\) → z/);
    expect(rep.correction).toBe('bh');
    expect(rep.tests_corrected).toBe(4);
  });
  it('Bonferroni and none are applied and stated', async () => {
    await makeRecords(conn, { a: { type: 'DOUBLE', baseline: [1, 2, 3, 4, 5, 6, 7, 8], current: [2, 3, 4, 5, 6, 7, 8, 9] }, b: { type: 'DOUBLE', baseline: [1, 2, 3, 4, 5, 6, 7, 8], current: [5, 6, 7, 8, 9, 10, 11, 12] } });
    const bonf = await computeDrift(conn, request(['a', 'b'], { methods: ['ks'], correction: 'bonferroni' }));
    for (const r of bonf.results) expect(r.p_adjusted).toBeCloseTo(Math.min(1, 2 * (r.p_value as number)), 15);
    expect(bonf.notes.join('\n')).toContain('Bonferroni correction over 2 p-values');
    const none = await computeDrift(conn, request(['a', 'b'], { methods: ['ks'], correction: 'none' }));
    for (const r of none.results) expect(r.p_adjusted).toBe(r.p_value);
  });
});

describe('selection', () => {
  it('window is half-open; cohorts on the same attribute are separate comparisons', async () => {
    // 20 rows, one per minute from 2026-06-01 00:00; rows 0..9 baseline ('base'), 10..19 current
    await makeRecords(
      conn,
      { x: { type: 'DOUBLE', baseline: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], current: [1, 2, 3, 4, 5, 60, 70, 80, 90, 100] } },
      { cohort: { baseline: ['EU', 'US', 'EU', 'US', 'EU', 'US', 'EU', 'US', 'EU', 'US'], current: ['EU', 'US', 'EU', 'US', 'EU', 'US', 'EU', 'US', 'EU', 'US'] } },
    );
    const rep = await computeDrift(conn, {
      table: 'records',
      columns: ['x'],
      baseline: { key: 'window', value: '2026-06-01T00:00:00Z/2026-06-01T00:10:00Z' },
      current: { key: 'window', value: '2026-06-01T00:10:00Z/2026-06-01T00:20:00Z' },
      cohort: [
        { attribute: 'region', value: 'EU' },
        { attribute: 'region', value: 'US' },
      ],
      methods: ['ks'],
    });
    expect(rep.results.map((r) => [r.cohort, r.n_baseline, r.n_current])).toEqual([
      ['region=EU', 5, 5],
      ['region=US', 5, 5],
    ]);
    const edge = await computeDrift(conn, request(['x'], { baseline: { key: 'window', value: '2026-06-01/2026-06-01T00:10:00' }, current: { key: 'window', value: '2026-06-01T00:10:00Z/2026-06-01T00:11:00Z' }, methods: ['ks'] }));
    expect([edge.results[0]?.n_baseline, edge.results[0]?.n_current]).toEqual([10, 1]);
  });
  it('bad arguments are ApiErrors naming the field', async () => {
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: [1], current: [2] } });
    await expect(computeDrift(conn, request(['nope']))).rejects.toMatchObject({ code: 'bad_argument', where: { column: 'nope' } });
    // A selector column the table does not have selects nothing: not computable, saying why (not an error).
    const noRelease = await computeDrift(conn, request(['x'], { baseline: { key: 'release', value: 'r1' } }));
    expect(noRelease.results[0]?.not_computable).toBe('baseline selection has 0 rows: records has no release_id column (no file supplied one); compare by window, or map one with --map records.release_id=COLUMN');
    await expect(computeDrift(conn, { ...request(['x']), cohort: [{ attribute: 'nope', value: 'x' }] })).rejects.toBeInstanceOf(ApiError);
    await expect(computeDrift(conn, request(['x'], { baseline: { key: 'window', value: '2026-06-01' } }))).rejects.toMatchObject({ code: 'bad_argument', where: { field: 'baseline' } });
    await expect(computeDrift(conn, { ...request(['x']), table: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('series', () => {
  it('per day and per chunk, each bucket against the whole baseline', async () => {
    await conn.run(`create or replace table records as
      select 'r' || i as record_id, TIMESTAMP '2026-06-01' + to_minutes(i * 10) as ts,
        case when i < 288 then 'base' else 'cur' end as dataset_version, null::VARCHAR as region,
        (hash(i) % 1000) / 1000.0 + case when i >= 432 then 1 else 0 end as x
      from range(576) t(i)`);
    // 144 rows per day: days 1-2 baseline, day 3 current unchanged, day 4 current shifted
    const rep = await computeDrift(conn, request(['x'], { by: 'day' }));
    expect(rep.series.map((p) => [p.bucket, p.n_current, p.drifted])).toEqual([
      ['2026-06-03', 144, false],
      ['2026-06-04', 144, true],
    ]);
    const chunks = await computeDrift(conn, request(['x'], { chunks: 4 }));
    expect(chunks.series.map((p) => [p.bucket, p.n_current, p.drifted])).toEqual([
      ['chunk 1/4', 72, false],
      ['chunk 2/4', 72, false],
      ['chunk 3/4', 72, true],
      ['chunk 4/4', 72, true],
    ]);
  });
});

describe('spans: derived LLM signals', () => {
  it('latency, error, tokens and model mix are compared by default', async () => {
    await conn.run(`create or replace table spans as
      select 't' || i as trace_id, 's' || i as span_id, TIMESTAMP '2026-06-01' + to_minutes(i) as start_time,
        case when i < 300 then 'r1' else 'r2' end as release_id,
        (50 + hash(i) % 100)::DOUBLE + case when i >= 300 then 80 else 0 end as duration_ms,
        case when i % 10 = 0 and i >= 300 then 'ERROR' else 'OK' end as status_code,
        (100 + hash(i * 7) % 50)::BIGINT as input_tokens,
        case when i % 4 = 0 then 'claude-3-5-haiku' else 'gpt-4o-mini' end as model_name
      from range(600) t(i)`);
    const rep = await computeDrift(conn, { table: 'spans', baseline: { key: 'release', value: 'r1' }, current: { key: 'release', value: 'r2' } });
    expect(rep.results.map((r) => [r.column, r.method, r.drifted])).toEqual([
      ['input_tokens', 'ks', false],
      ['latency', 'ks', true],
      ['error', 'z', true],
      ['model_name', 'z', false],
    ]);
  });
});
