/**
 * Performance metrics against scikit-learn / SciPy. test/fixtures/performance/make_reference.py generated the rows
 * (reference.csv) and computed the expected numbers (reference.json) with sklearn 1.2.1 and SciPy 1.10.1; no Python
 * runs here. Groups: g1 (A, B, and C with 24 rows: excluded), and g1 × g2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { memoryDb, quoteLiteral } from '../../../electron/engine/db';
import { performanceReport } from '../../../electron/engine/analytics/performance';
import type { GroupMetrics, PerformanceReport } from '../../../shared/api/performance';

const dir = path.join(__dirname, '../../fixtures/performance');
type Ref = Record<string, number | number[] | null>;
const ref = JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8')) as Record<string, Ref>;
const DIGITS = 12;

function close(actual: number | null | undefined, expected: unknown, digits = DIGITS): void {
  expect(actual).not.toBeNull();
  expect(actual).toBeCloseTo(expected as number, digits);
}
function closeCi(actual: { low: number; high: number } | null | undefined, expected: unknown, digits = DIGITS): void {
  const e = expected as number[];
  expect(actual).not.toBeNull();
  expect(actual?.low).toBeCloseTo(e[0] as number, digits);
  expect(actual?.high).toBeCloseTo(e[1] as number, digits);
}

describe('performance metrics against scikit-learn and SciPy', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  let byG1: PerformanceReport;
  let byBoth: PerformanceReport;
  let regression: PerformanceReport;
  const group = (r: PerformanceReport, g: string): GroupMetrics => {
    const found = r.groups.find((x) => x.group === g);
    if (!found) throw new Error(`no group ${g}`);
    return found;
  };

  beforeAll(async () => {
    ({ instance, conn } = await memoryDb());
    const csv = quoteLiteral(path.join(dir, 'reference.csv'));
    await conn.run(
      `create table records as select * from read_csv(${csv}, header = true, nullstr = 'NULL',
         columns = {'row_id': 'INTEGER', 'g1': 'VARCHAR', 'g2': 'VARCHAR', 'label': 'VARCHAR', 'prediction': 'VARCHAR', 'score': 'DOUBLE', 'reg_label': 'DOUBLE', 'reg_pred': 'DOUBLE'})`,
    );
    await conn.run(`create table reg as select g1, g2, reg_label as label, reg_pred as prediction from records`);
    byG1 = await performanceReport(conn, { by: ['g1'], positive: 'yes' });
    byBoth = await performanceReport(conn, { by: ['g1', 'g2'], positive: 'yes' });
    regression = await performanceReport(conn, { table: 'reg', by: ['g1'], task: 'regression' });
  });
  afterAll(() => {
    conn?.closeSync();
    instance?.closeSync();
  });

  it('reads the rule from the data: predictions use the label values, "yes" is positive', () => {
    expect(byG1.task).toBe('classification');
    expect(byG1.prediction_rule?.kind).toBe('label_values');
    expect(byG1.positive_label).toBe('yes');
    expect(byG1.groups.map((g) => g.group)).toEqual(['(all)', 'g1=A', 'g1=B', 'g1=C']);
  });

  const cases: [string, () => PerformanceReport, string][] = [
    ['(all)', () => byG1, 'all'],
    ['g1=A', () => byG1, 'g1=A'],
    ['g1=B', () => byG1, 'g1=B'],
    ['g1=C', () => byG1, 'g1=C'],
    ['g1=A,g2=x', () => byBoth, 'g1=A,g2=x'],
    ['g1=B,g2=y', () => byBoth, 'g1=B,g2=y'],
    ['g1=C,g2=x', () => byBoth, 'g1=C,g2=x'],
  ];

  for (const [label, report, key] of cases)
    it(`${label}: counts, proportions with Wilson intervals, AUC with DeLong, Brier, ECE and reliability`, () => {
      const r = ref[key] as Ref;
      const g = group(report(), label);
      const c = g.classification;
      if (!c) throw new Error('no classification metrics');
      expect(g.n).toBe(r['n']);
      expect(c.label_coverage.k).toBe(r['labelled']);
      closeCi(c.label_coverage.ci, r['label_coverage_ci']);
      expect([c.selection_rate.k, c.selection_rate.n]).toEqual([r['selected'], r['n_pred']]);
      closeCi(c.selection_rate.ci, r['selection_rate_ci']);
      expect(c.confusion).toEqual({ tp: r['tp'], fp: r['fp'], tn: r['tn'], fn: r['fn'] });
      for (const m of ['accuracy', 'precision', 'recall', 'fpr'] as const) {
        close(c[m].value, r[m]);
        closeCi(c[m].ci, r[`${m}_ci`]);
      }
      close(c.f1, r['f1']);
      expect([c.auc.n_pos, c.auc.n_neg]).toEqual([r['n_pos'], r['n_neg']]);
      close(c.auc.value, r['auc']);
      if (r['auc_se'] === null) expect(c.auc.se).toBeNull();
      else {
        close(c.auc.se, r['auc_se'], 10);
        closeCi(c.auc.ci, r['auc_ci'], 10);
      }
      close(c.brier.value, r['brier']);
      close(c.brier.se, r['brier_se'], 10);
      close(c.ece.value, r['ece']);
      const filled = c.reliability.filter((b) => b.n > 0);
      expect(filled.map((b) => b.n)).toEqual(r['reliability_n']);
      (r['reliability_observed'] as number[]).forEach((v, i) => close(filled[i]?.observed.value, v));
      (r['reliability_mean_score'] as number[]).forEach((v, i) => close(filled[i]?.mean_score, v));
    });

  it('excludes the 24-row group from disparities, with its size, and keeps its metrics', () => {
    expect(byG1.excluded).toEqual([{ selection: 'all', group: 'g1=C', n: 24, share: 24 / 900, reason: 'fewer than 30 rows (24)' }]);
    expect(group(byG1, 'g1=C').classification?.accuracy.value).not.toBeNull();
    expect(byG1.disparities.map((d) => d.group)).toEqual(['g1=B']);
  });

  it('disparity of B against the most-favoured group A: impact ratio (log interval), Newcombe differences', () => {
    const r = ref['disparity_B_vs_A'] as Ref;
    expect(byG1.references).toEqual([{ selection: 'all', group: 'g1=A', source: 'most_favoured', why: null }]);
    const d = byG1.disparities[0];
    if (!d) throw new Error('no disparity');
    close(d.impact_ratio?.value, r['impact_ratio']);
    closeCi(d.impact_ratio?.ci, r['impact_ratio_ci']);
    expect(d.below_four_fifths).toBe((r['impact_ratio'] as number) < 0.8);
    const [dp, dpLo, dpHi] = r['dp'] as number[];
    close(d.demographic_parity_difference?.value, dp);
    closeCi(d.demographic_parity_difference?.ci, [dpLo, dpHi]);
    const [eo, eoLo, eoHi] = r['eo'] as number[];
    close(d.equal_opportunity_difference?.value, eo);
    closeCi(d.equal_opportunity_difference?.ci, [eoLo, eoHi]);
    const fd = r['fpr_diff'] as number[];
    close(d.equalized_odds_difference?.value, Math.max(Math.abs(eo as number), Math.abs(fd[0] as number)));
  });

  it('regression: MAE, RMSE, bias and their normal intervals per group', () => {
    expect(regression.task).toBe('regression');
    for (const [label, key] of [['(all)', 'all'], ['g1=A', 'g1=A'], ['g1=B', 'g1=B']] as const) {
      const r = ref[key] as Ref;
      const x = group(regression, label).regression;
      if (!x) throw new Error('no regression metrics');
      expect(x.n).toBe(r['n']);
      close(x.mae.value, r['mae']);
      close(x.mae.se, r['mae_se'], 10);
      close(x.rmse.value, r['rmse']);
      closeCi(x.rmse.ci, r['rmse_ci'], 9);
      close(x.bias.value, r['bias']);
      close(x.bias.se, r['bias_se'], 10);
    }
  });
});
