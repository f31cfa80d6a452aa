import { beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { memoryDb } from '../../../electron/engine/db';
import { computeDrift } from '../../../electron/engine/drift/compute';
import { makeRecords, mulberry32, normalSample, request } from './helpers';

// Rows are one minute apart from Monday 2026-06-01 00:00 UTC: 3 600 baseline rows (to 2026-06-03 11:59),
// then 3 000 current rows (2026-06-03 12:00 → 2026-06-05 13:59).
const NB = 3600;
const NC = 3000;

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = (await memoryDb()).conn;
});

describe('partial time buckets', () => {
  it('marks the first and last day of the current side as partial, with their coverage and why', async () => {
    const r = mulberry32(11);
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: normalSample(r, NB, 0, 1), current: normalSample(r, NC, 0, 1) } });
    const rep = await computeDrift(conn, request(['x'], { by: 'day' }));
    expect(rep.series.map((p) => [p.bucket, p.partial, Number(p.coverage.toFixed(3)), p.n_current])).toEqual([
      ['2026-06-03', true, 0.5, 720],
      ['2026-06-04', false, 1, 1440],
      ['2026-06-05', true, 0.583, 840],
    ]);
    for (const p of rep.series) {
      expect(p.why).toMatch(/(≥|<) threshold .*p \(this bucket, uncorrected\)/);
      expect(p.effect_ci?.[0]).toBeLessThanOrEqual(p.effect ?? 0);
    }
    expect(rep.series[0]?.why).toMatch(/^partial bucket \(50 % of its span, n = 720\), left out of the trend line; /);
    expect(rep.notes.join('\n')).toContain('partial');
    // Every bucket (computed in one grouped pass) equals that bucket compared alone with the whole baseline.
    for (const p of rep.series) {
      const start = p.bucket === '2026-06-03' ? '2026-06-03T12:00:00Z' : `${p.bucket}T00:00:00Z`;
      const alone = await computeDrift(conn, { ...request(['x']), current: { key: 'window', value: `${start}/${(p.bucket_end ?? '').slice(0, 10)}T00:00:00Z` } });
      const r = alone.results.find((x) => x.method === p.method);
      expect([p.statistic, p.p_value, p.effect, p.n_baseline, p.n_current]).toEqual([r?.statistic, r?.p_value, r?.effect, r?.n_baseline, r?.n_current]);
    }
  });

  it('chunks are never partial', async () => {
    const rep = await computeDrift(conn, request(['x'], { chunks: 3 }));
    expect(rep.series.every((p) => !p.partial && p.coverage === 1)).toBe(true);
  });
});

describe('label coverage is data quality, not drift', () => {
  const labels = (n: number, missing: (j: number) => boolean) => Array.from({ length: n }, (_, j) => (missing(j) ? null : j % 3 === 0 ? 'fraud' : 'ok'));

  it('labels missing for the most recent rows read as label latency, outside the correction', async () => {
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: normalSample(mulberry32(1), NB, 0, 1), current: normalSample(mulberry32(2), NC, 0, 1) }, label: { type: 'VARCHAR', baseline: labels(NB, () => false), current: labels(NC, (j) => j >= 0.6 * NC) } });
    const rep = await computeDrift(conn, request(['x', 'label']));
    const nulls = rep.results.find((r) => r.column === 'label' && r.method === 'null_rate');
    expect(nulls).toMatchObject({ section: 'data_quality', decision: 'data_quality', drifted: false, p_adjusted: null });
    expect(nulls?.why).toMatch(/^label coverage: missing labels 0 % of baseline rows → 40 % of current rows; over the whole table, 72\.7 % of the most recent quarter of rows \(from 2026-06-04\) lack a label against 0 % before: labels not yet arrived \(label latency\), not drift$/);
    // The label's own distribution is still a drift result; the null rate is not in the family.
    expect(rep.results.find((r) => r.column === 'label' && r.method !== 'null_rate')?.section).toBe('drift');
    expect(rep.tests_corrected).toBe(2);
  });

  it('labels missing throughout are not called late', async () => {
    await makeRecords(conn, { x: { type: 'DOUBLE', baseline: normalSample(mulberry32(1), NB, 0, 1), current: normalSample(mulberry32(2), NC, 0, 1) }, label: { type: 'VARCHAR', baseline: labels(NB, (j) => j % 10 === 0), current: labels(NC, (j) => j % 4 === 0) } });
    const nulls = (await computeDrift(conn, request(['x', 'label']))).results.find((r) => r.column === 'label' && r.method === 'null_rate');
    expect(nulls?.decision).toBe('data_quality');
    expect(nulls?.why).toMatch(/so not only late labels; a data-quality question, not drift$/);
  });
});
