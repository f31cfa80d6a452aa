import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../electron/engine/report/model';
import { effectiveParams } from '../../../electron/engine/report/params';
import { evaluatePolicy, parsePolicy } from '../../../electron/engine/report/policy';
import { renderReportHtml } from '../../../electron/engine/report/html/render';
import type { ClassificationMetrics, Disparity, GroupMetrics, PerformanceScan, Proportion } from '../../../shared/api/performance';
import { inputs, signoff } from './fixtures';

// Fairness and performance rules judge each group: a group too small, or without labels, is not applicable with why,
// never counted as a pass (docs/report.md, "Policy").

const prop = (k: number, n: number): Proportion => ({ k, n, value: n === 0 ? null : k / n, ci: n === 0 ? null : { low: 0, high: 1 } });

function metrics(labelled: number, n: number, recallK: number, recallN: number): ClassificationMetrics {
  const none = { value: null, ci: null, se: null, n: 0 };
  return {
    label_coverage: prop(labelled, n),
    selection_rate: prop(Math.round(n / 2), n),
    positive_rate: prop(Math.round(n / 2), n),
    prevalence: prop(recallN, labelled),
    confusion: { tp: recallK, fp: 0, tn: labelled - recallN, fn: recallN - recallK },
    accuracy: prop(labelled, labelled),
    precision: prop(recallK, recallK),
    recall: prop(recallK, recallN),
    fpr: prop(0, labelled - recallN),
    fnr: prop(recallN - recallK, recallN),
    specificity: prop(labelled - recallN, labelled - recallN),
    f1: null,
    auc: { ...none, n_pos: 0, n_neg: 0 },
    brier: none,
    ece: { value: null, n: 0, bins: 10 },
    reliability: [],
  };
}

function group(name: string, n: number, labelled: number, excluded: string | null, recall: [number, number]): GroupMetrics {
  return { selection: 'all', group: name, parts: [], n, share: n / 1000, excluded, classification: metrics(labelled, n, recall[0], recall[1]), regression: null };
}

function disparity(g: string, ratio: number | null, notes: string[] = []): Disparity {
  return {
    selection: 'all',
    group: g,
    reference: 'band=a',
    impact_ratio: ratio === null ? null : { value: ratio, ci: { low: ratio - 0.05, high: ratio + 0.05 }, se: null, n: 100 },
    below_four_fifths: ratio === null ? null : ratio < 0.8,
    demographic_parity_difference: null,
    equal_opportunity_difference: null,
    equalized_odds_difference: null,
    notes,
  };
}

function scan(): PerformanceScan {
  const groups = [
    group('(all)', 1000, 600, null, [200, 300]),
    group('band=a', 500, 400, null, [150, 200]),
    group('band=b', 480, 200, null, [50, 100]),
    group('band=c', 300, 0, null, [0, 0]),
    group('band=tiny', 12, 12, 'fewer than 30 rows (12)', [3, 4]),
  ];
  return {
    rule: null as unknown as PerformanceScan['rule'],
    attributes: ['band'],
    promoted: ['r1', 'r2', 'r3'],
    per_attribute: [{ attribute: 'band', groups, reference: 'band=a', disparities: [disparity('band=b', 0.9), disparity('band=c', null, ['impact ratio: too few rows (selected 0 of 0; reference selection 500 rows)'])], excluded: [] }],
    release_changes: [
      {
        attribute: 'band',
        baseline_release: 'r2',
        current_release: 'r3',
        changes: [
          { group: '(all)', metric: 'auc', baseline: 0.71, current: null, diff: null, ci: null, excludes_zero: null, p_value: null, method: 'x' },
          { group: 'band=a', metric: 'auc', baseline: 0.7, current: null, diff: null, ci: null, excludes_zero: null, p_value: null, method: 'x' },
        ],
      },
      {
        attribute: 'band',
        baseline_release: 'r1',
        current_release: 'r2',
        changes: [
          { group: 'band=a', metric: 'recall', baseline: 0.8, current: 0.78, diff: -0.02, ci: { low: -0.1, high: 0.06 }, excludes_zero: false, p_value: 0.6, method: 'x' },
          { group: 'band=a', metric: 'auc', baseline: 0.8, current: 0.79, diff: -0.01, ci: { low: -0.1, high: 0.08 }, excludes_zero: false, p_value: 0.8, method: 'x' },
          { group: 'band=c', metric: 'recall', baseline: null, current: null, diff: null, ci: null, excludes_zero: null, p_value: null, method: 'x' },
        ],
      },
    ],
    tested: 0,
    drops: [],
    impact: [],
    not_measurable: [],
  };
}

function model() {
  const s = scan();
  s.rule = { table: 'records', positive_label: '1', positive_source: 'x', prediction_rule: null, favourable: 'positive', favourable_source: 'x', min_rows: 30, min_share: 0.02, ece_bins: 10 };
  const eff = effectiveParams({}, signoff(), { exported_at: '2026-09-01T00:00:00Z', period_end: null });
  return buildReportModel(inputs({ fairness: { status: 'ok', data: s } }), { signoff: signoff(), findings: [] }, {}, eff);
}

describe('check policy: fairness and performance per group', () => {
  it('lists groups too small or without labels as not applicable with why, beside the groups it judged', () => {
    const p = parsePolicy({ fairness: { min_impact_ratio: 0.8 }, performance: { min_metric: [{ metric: 'recall', min: 0.2 }], max_drop: [{ metric: 'recall', max: 0.1 }] } }, 'p');
    const byRule = Object.fromEntries(evaluatePolicy(p, model()).rules.map((r) => [r.rule, r]));
    expect(byRule['fairness.min_impact_ratio']).toMatchObject({ verdict: 'met', checked: 1 });
    expect(byRule['fairness.min_impact_ratio']?.not_applicable_subjects).toEqual([
      { subject: 'band=tiny', why: 'excluded: fewer than 30 rows (12)' },
      { subject: 'band=c vs band=a', why: 'impact ratio: too few rows (selected 0 of 0; reference selection 500 rows)' },
    ]);
    expect(byRule['performance.min_metric[0]']).toMatchObject({ verdict: 'met', checked: 2 });
    expect(byRule['performance.min_metric[0]']?.not_applicable_subjects).toEqual([
      { subject: 'band=c', why: 'no labelled rows (0 of 300)' },
      { subject: 'band=tiny', why: 'excluded: fewer than 30 rows (12)' },
    ]);
    expect(byRule['performance.max_drop[0]']?.not_applicable_subjects).toEqual([{ subject: 'band=c (r1 → r2)', why: 'recall not measurable in release r1 and release r2 (too few labelled rows)' }]);
  });

  it('a rule on one group that is too small or unlabelled is not applicable, naming the group and why — never met', () => {
    const p = parsePolicy({ performance: { min_metric: [{ metric: 'recall', min: 0.2, group: 'band=tiny' }, { metric: 'accuracy', min: 0.5, group: 'band=c' }] } }, 'p');
    const byRule = Object.fromEntries(evaluatePolicy(p, model()).rules.map((r) => [r.rule, r]));
    expect(byRule['performance.min_metric[0]']).toMatchObject({ verdict: 'not_applicable', checked: 0, why: 'nothing could be judged: band=tiny (excluded: fewer than 30 rows (12))' });
    expect(byRule['performance.min_metric[1]']).toMatchObject({ verdict: 'not_applicable', checked: 0, why: 'nothing could be judged: band=c (no labelled rows (0 of 300))' });
  });
});

describe('report chapter: performance and fairness', () => {
  it('names a release pair whose AUC could not be compared, instead of reporting no change', () => {
    const html = renderReportHtml(model());
    expect(html).toContain('<strong>Not compared</strong> (not measurable, not “no change”): r2 → r3: AUC has no value in release r3');
    expect(html).not.toContain('r1 → r2: AUC has no value');
    expect(html).toContain('No group’s AUC changed between the compared promoted releases');
  });
});
