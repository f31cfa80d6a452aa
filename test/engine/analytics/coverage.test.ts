import { describe, expect, it } from 'vitest';
import { coverageReport } from '../../../electron/engine/analytics/coverage';
import { fixtureOpener, day, miniBundle, times } from './fixtures';

const open = fixtureOpener();

describe('cohort × release coverage', () => {
  it('counts eval rows per cell, compares traffic and eval shares, and applies per-cohort thresholds', async () => {
    const r = await coverageReport(await open(miniBundle()), { minRows: 5 });
    expect(r.traffic_source).toBe('spans');
    expect(r.cohorts.map((c) => [c.cohort_id, c.release_critical, c.min_rows])).toEqual([
      ['region=EU', true, 5],
      ['region=US', true, 3],
      ['region=APAC', false, 5],
    ]);
    const cell = (rid: string, cid: string) => r.cells.find((c) => c.release_id === rid && c.cohort_id === cid);
    // rA: 10 validation (6 EU, 4 US) + 20 monitoring EU = 30 rows.
    expect(cell('rA', 'region=EU')).toMatchObject({ eval_rows: 26, eval_share: 26 / 30, traffic_rows: 100, traffic_share: 1, meets_threshold: true, small_cell: false, missing: false });
    expect(cell('rA', 'region=US')).toMatchObject({ eval_rows: 4, eval_share: 4 / 30, traffic_share: 0, meets_threshold: true, small_cell: true });
    // rB: US has half the traffic and no eval rows.
    expect(cell('rB', 'region=US')).toMatchObject({ eval_rows: 0, eval_share: 0, traffic_rows: 5, traffic_share: 0.5, meets_threshold: false, missing: true, small_cell: false });
    expect(r.per_release).toEqual([
      { release_id: 'rA', eval_rows_total: 30, critical_total: 2, critical_represented: 2, critical_covered: 2, coverage: 1, missing: [], below_threshold: [] },
      { release_id: 'rB', eval_rows_total: 10, critical_total: 2, critical_represented: 1, critical_covered: 1, coverage: 0.5, missing: ['region=US'], below_threshold: [] },
      { release_id: 'rC', eval_rows_total: 10, critical_total: 2, critical_represented: 2, critical_covered: 2, coverage: 1, missing: [], below_threshold: [] },
    ]);
    // Cells: releases in time order, release-critical cohorts first.
    expect(r.cells.slice(0, 3).map((c) => c.cohort_id)).toEqual(['region=EU', 'region=US', 'region=APAC']);
  });

  it('uses the default threshold of 30 rows and a small-cell k of 10 unless told otherwise', async () => {
    const conn = await open(miniBundle());
    const r = await coverageReport(conn);
    expect(r.min_rows_default).toBe(30);
    expect(r.small_cell_k).toBe(10);
    expect(r.per_release.find((p) => p.release_id === 'rC')).toMatchObject({ critical_covered: 1, below_threshold: ['region=EU'], coverage: 0.5 });
    const k3 = await coverageReport(conn, { minRows: 5, smallCellK: 3 });
    expect(k3.cells.filter((c) => c.small_cell)).toEqual([]);
  });

  it('prefers serving records for traffic, and measures dataset-version coverage of critical cohorts', async () => {
    const spec = miniBundle();
    spec.records = [
      ...times(6, (i) => ({ record_id: `s${i}`, split: 'serving', ts: day(1), release_id: 'rA', dataset_version: 'ds1', region: i < 3 ? 'EU' : 'US' })),
      ...times(4, (i) => ({ record_id: `t${i}`, split: 'train', ts: day(-30), dataset_version: 'ds1', region: i < 2 ? 'EU' : 'US' })),
      ...times(3, (i) => ({ record_id: `u${i}`, split: 'train', ts: day(-10), dataset_version: 'ds2', region: 'EU' })),
    ];
    const r = await coverageReport(await open(spec), { minRows: 5 });
    expect(r.traffic_source).toBe('records');
    expect(r.cells.find((c) => c.release_id === 'rA' && c.cohort_id === 'region=US')).toMatchObject({ traffic_rows: 3, traffic_share: 0.5 });
    expect(r.dataset_versions).toEqual([
      { dataset_version: 'ds1', rows: 4, critical_total: 2, critical_represented: 2, coverage: 1, missing: [] },
      { dataset_version: 'ds2', rows: 3, critical_total: 2, critical_represented: 1, coverage: 0.5, missing: ['region=US'] },
    ]);
  });
});

describe('cohort discovery', () => {
  it('derives cohorts from _ad_column_roles when there is no cohorts table', async () => {
    const spec = miniBundle();
    delete spec.cohorts;
    spec.columnRoles = [{ table_name: 'eval_results', column_name: 'region', role: 'cohort' }];
    const r = await coverageReport(await open(spec), { minRows: 1 });
    expect(r.cohorts.map((c) => [c.cohort_id, c.source, c.release_critical])).toEqual([
      ['region=EU', 'attribute', false],
      ['region=US', 'attribute', false],
    ]);
    // No critical cohort: coverage per release is not computable rather than 100 %.
    expect(r.per_release.every((p) => p.critical_total === 0 && p.coverage === null)).toBe(true);
  });

  it('handles a single cohort', async () => {
    const spec = miniBundle();
    spec.cohorts = [{ cohort_id: 'eu', attribute: 'region', value: 'EU', release_critical: true }];
    const r = await coverageReport(await open(spec), { minRows: 5 });
    expect(r.cells).toHaveLength(3);
    expect(r.per_release.map((p) => p.coverage)).toEqual([1, 1, 1]);
  });

  it('marks a cohort whose attribute is not an eval_results column as not measurable', async () => {
    const spec = miniBundle();
    spec.cohorts?.push({ cohort_id: 'lang=es', attribute: 'language', value: 'es', release_critical: true });
    const r = await coverageReport(await open(spec), { minRows: 5 });
    expect(r.cohorts.find((c) => c.cohort_id === 'lang=es')?.measurable).toBe(false);
    expect(r.cells.find((c) => c.cohort_id === 'lang=es')?.eval_rows).toBeNull();
    expect(r.per_release[0]?.critical_total).toBe(2);
    expect(r.not_measurable.some((n) => n.reason.includes('language'))).toBe(true);
  });
});

describe('coverage edge cases', () => {
  it('no eval_results: cells are not built, and the report says why', async () => {
    const spec = miniBundle();
    delete spec.eval_results;
    const r = await coverageReport(await open(spec));
    expect(r.cells).toEqual([]);
    expect(r.not_measurable.map((n) => n.reason)).toContain('the bundle has no eval_results table');
  });

  it('no releases: no cells, no crash', async () => {
    const spec = miniBundle();
    delete spec.releases;
    delete spec.deployment_events;
    for (const e of spec.eval_results ?? []) e['release_id'] = null;
    const r = await coverageReport(await open(spec));
    expect(r.releases).toEqual([]);
    expect(r.cells).toEqual([]);
    expect(r.not_measurable.map((n) => n.reason)).toContain('the bundle names no release');
  });

  it('an empty database gives an empty report', async () => {
    const r = await coverageReport(await open({}));
    expect(r).toMatchObject({ cohorts: [], releases: [], cells: [], per_release: [], dataset_versions: [], traffic_source: null });
    expect(r.not_measurable.length).toBeGreaterThan(0);
  });
});
