import { describe, expect, it } from 'vitest';
import { evalReport } from '../../../electron/engine/analytics/evals';
import { wilson } from '../../../electron/engine/analytics/wilson';
import { fixtureOpener, day, miniBundle } from './fixtures';

const open = fixtureOpener();

describe('eval fail rates', () => {
  it('groups by stage (canonical order), evaluator, release and cohort with Wilson intervals', async () => {
    const r = await evalReport(await open(miniBundle()));
    // validation: rA 0/10 + rB 5/10 + rC 1/10; monitoring: 2/20.
    expect(r.by_stage.map((g) => [g.stage, g.n, g.failures, g.rate])).toEqual([
      ['validation', 30, 6, 0.2],
      ['monitoring', 20, 2, 0.1],
    ]);
    const v = r.by_stage[0];
    const w = wilson(6, 30);
    expect(v?.ci_low).toBeCloseTo(w?.low ?? NaN, 12);
    expect(v?.ci_high).toBeCloseTo(w?.high ?? NaN, 12);
    expect(r.by_evaluator).toMatchObject([{ evaluator: 'acc-check', n: 50, failures: 8 }]);
    expect(r.by_release.map((g) => [g.release_id, g.n, g.failures])).toEqual([
      ['rA', 30, 2],
      ['rB', 10, 5],
      ['rC', 10, 1],
    ]);
    const rb = r.by_release[1];
    expect(rb?.ci_low).toBeCloseTo(0.23659, 5);
    expect(rb?.ci_high).toBeCloseTo(0.76341, 5);
    // EU: rA 6 val + 20 mon, rB 10, rC 5 = 41 results, 0 + 2 + 5 + 1 failed; US: 4 + 5 = 9, none failed.
    expect(r.by_cohort.map((g) => [g.cohort, g.n, g.failures, g.small_cell])).toEqual([
      ['region=EU', 41, 8, false],
      ['region=US', 9, 0, true],
    ]);
    const us = r.by_cohort[1];
    expect(us?.ci_low).toBe(0);
    expect(us?.ci_high).toBeCloseTo(wilson(0, 9)?.high ?? NaN, 12);
  });

  it('crosses stage × cohort × release', async () => {
    const r = await evalReport(await open(miniBundle()));
    expect(r.by_stage_cohort_release.map((g) => `${g.stage}|${g.cohort}|${g.release_id}|${g.failures}/${g.n}`)).toEqual([
      'validation|region=EU|rA|0/6',
      'validation|region=EU|rB|5/10',
      'validation|region=EU|rC|1/5',
      'validation|region=US|rA|0/4',
      'validation|region=US|rC|0/5',
      'monitoring|region=EU|rA|2/20',
    ]);
  });

  it('compares declared thresholds with observed values', async () => {
    const r = await evalReport(await open(miniBundle()));
    expect(r.thresholds).toHaveLength(1);
    const t = r.thresholds[0];
    expect(t).toMatchObject({ evaluator: 'acc-check', metric: 'accuracy', threshold: 0.8, n: 50, failures: 8, observed_min: 0.5, observed_max: 0.9 });
    // 8 results at 0.5 and 42 at 0.9.
    expect(t?.observed_mean).toBeCloseTo((8 * 0.5 + 42 * 0.9) / 50, 12);
  });
});

describe('pre-release gate', () => {
  it('finds releases shipped without a passing pre-release eval (default: validation, ≤ 10 % failed)', async () => {
    const r = await evalReport(await open(miniBundle()));
    expect(r.gate).toEqual({ stages: ['validation'], max_fail_rate: 0.1 });
    expect(r.pre_release.map((g) => [g.release_id, g.shipped, g.n, g.failures, g.verdict])).toEqual([
      ['rA', true, 10, 0, 'pass'],
      ['rB', true, 10, 5, 'fail'],
      ['rC', true, 10, 1, 'pass'],
    ]);
    expect(r.shipped_without_passing_eval).toEqual(['rB']);
  });

  it('honours a looser gate and ignores evals dated after release', async () => {
    const spec = miniBundle();
    // A passing validation run for rB *after* its release does not count.
    for (let i = 0; i < 20; i++) spec.eval_results?.push({ eval_id: `late${i}`, ts: day(12), stage: 'validation', passed: true, release_id: 'rB' });
    const conn = await open(spec);
    expect((await evalReport(conn)).shipped_without_passing_eval).toEqual(['rB']);
    expect((await evalReport(conn, { gateMaxFailRate: 0.5 })).shipped_without_passing_eval).toEqual([]);
  });

  it('a release with no pre-release eval has verdict none; undated evals are reported as unplaceable', async () => {
    const spec = miniBundle();
    spec.eval_results = (spec.eval_results ?? []).filter((e) => e['release_id'] !== 'rC');
    spec.eval_results.push({ eval_id: 'nodate', ts: null, stage: 'validation', passed: true, release_id: 'rC' });
    const r = await evalReport(await open(spec));
    expect(r.pre_release.find((g) => g.release_id === 'rC')).toMatchObject({ n: 0, verdict: 'none', fail_rate: null });
    expect(r.shipped_without_passing_eval).toEqual(['rB', 'rC']);
    expect(r.not_measurable.some((n) => n.reason.includes('1 eval results have no timestamp'))).toBe(true);
  });

  it('a release never deployed is not counted as shipped', async () => {
    const spec = miniBundle();
    spec.releases?.push({ release_id: 'rD', released_at: day(28), model_version: 'm:2' });
    const r = await evalReport(await open(spec));
    expect(r.pre_release.find((g) => g.release_id === 'rD')).toMatchObject({ shipped: false, verdict: 'none' });
    expect(r.shipped_without_passing_eval).toEqual(['rB']);
  });
});

describe('eval edge cases', () => {
  it('no eval_results table: empty groups, gate verdicts none, explicit reason', async () => {
    const spec = miniBundle();
    delete spec.eval_results;
    const r = await evalReport(await open(spec));
    expect(r.by_stage).toEqual([]);
    expect(r.pre_release.map((g) => g.verdict)).toEqual(['none', 'none', 'none']);
    expect(r.shipped_without_passing_eval).toEqual(['rA', 'rB', 'rC']);
    expect(r.not_measurable.map((n) => n.reason)).toContain('the bundle has no eval_results table');
  });

  it('an empty eval_results table gives empty groups', async () => {
    const r = await evalReport(await open({ eval_results: [] }));
    expect(r.by_stage).toEqual([]);
    expect(r.by_cohort).toEqual([]);
    expect(r.not_measurable.map((n) => n.metric)).toContain('releases_without_passing_eval');
  });

  it('no cohort attribute: by-cohort is empty and says why', async () => {
    const spec = miniBundle();
    delete spec.cohorts;
    const r = await evalReport(await open(spec));
    expect(r.by_cohort).toEqual([]);
    expect(r.not_measurable.map((n) => n.metric)).toContain('eval_fail_rate_by_cohort');
  });
});
