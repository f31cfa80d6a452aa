import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildReportModel } from '../../../electron/engine/report/model';
import { effectiveParams, parseReportParams } from '../../../electron/engine/report/params';
import { evaluatePolicy, parsePolicy } from '../../../electron/engine/report/policy';
import { driftResult, inputs, signoff } from './fixtures';

function model(inp = inputs()) {
  const eff = effectiveParams({}, signoff(), { exported_at: '2026-09-01T00:00:00Z', period_end: null });
  return buildReportModel(inp, { signoff: signoff(), findings: [] }, {}, eff);
}

describe('check policy', () => {
  it('lists each violation with the rule, the subject, the observed value and the limit', () => {
    const policy = parsePolicy(
      {
        integrity: { require_verified: true, max_rejected_rows: 0 },
        drift: { rules: [{ table: 'records', column: 'merchant_risk', attribute: 'region', fail_if_flagged: true }, { cohort: 'all', max_effect: 0.5 }] },
        coverage: { forbid_missing_critical: true, min_critical_coverage: 0.9 },
        health: { max_rollback_rate: 0.1, max_error_rate: 0.1 },
        lineage: { min_completeness: 0.95, require_recorded_approval: true },
        logging: { max_gap_days: 1 },
        evals: { require_passing_pre_release_eval: true },
      },
      'policy.json',
    );
    const { violations, not_evaluated } = evaluatePolicy(policy, model());
    expect(not_evaluated).toEqual([]);
    const lines = violations.map((v) => `${v.rule} | ${v.subject}`);
    expect(lines).toEqual([
      'integrity.max_rejected_rows | bundle',
      'drift.rules[0].fail_if_flagged | records.merchant_risk [region=EU] (r1 → r2)',
      'coverage.min_critical_coverage | release r2',
      'coverage.forbid_missing_critical | release r2',
      'health.max_rollback_rate | all releases',
      'health.max_error_rate | release r2',
      'lineage.min_completeness | spans (traces)',
      'lineage.require_recorded_approval | release r2',
      'logging.max_gap_days | audit_log 2026-06-10 → 2026-06-17',
      'evals.require_passing_pre_release_eval | release r2',
    ]);
    expect(violations.find((v) => v.rule === 'health.max_error_rate')).toMatchObject({ observed: '15.0%', limit: '10.0%' });
  });

  it('passes a lenient policy, and reports rules it cannot evaluate', () => {
    const lenient = parsePolicy({ health: { max_rollback_rate: 0.9 }, coverage: { min_critical_coverage: 0.1 } }, 'p');
    expect(evaluatePolicy(lenient, model()).violations).toEqual([]);
    const inp = inputs({ coverage: { status: 'unavailable', reason: 'no eval_results table' } });
    const out = evaluatePolicy(lenient, model(inp));
    expect(out.not_evaluated).toEqual([{ rule: 'coverage', reason: 'no eval_results table' }]);
  });

  it('judges every rule: met, not met, or not applicable (with why) when it had nothing to check', () => {
    const policy = parsePolicy(
      { health: { max_rollback_rate: 0.9 }, drift: { rules: [{ column: 'no_such_column', max_effect: 0.1 }, { column: 'merchant_risk', fail_if_flagged: true }] }, coverage: { min_critical_coverage: 0.1 } },
      'p',
    );
    const byRule = Object.fromEntries(evaluatePolicy(policy, model()).rules.map((r) => [r.rule, r]));
    expect(byRule['health.max_rollback_rate']).toMatchObject({ verdict: 'met', violations: 0 });
    expect(byRule['drift.rules[0].max_effect']).toMatchObject({ verdict: 'not_applicable', checked: 0, why: expect.stringContaining('no drift result matches') });
    expect(byRule['drift.rules[1].fail_if_flagged']).toMatchObject({ verdict: 'not_met', violations: 1 });
    const unavailable = evaluatePolicy(policy, model(inputs({ coverage: { status: 'unavailable', reason: 'no eval_results table' } })));
    expect(unavailable.rules.find((r) => r.rule === 'coverage.min_critical_coverage')).toMatchObject({ verdict: 'not_applicable', why: 'section unavailable: no eval_results table' });
  });

  it('"fail if flagged" over inconclusive results only is not applicable, never met', () => {
    const unsure = driftResult('amount', 'all', false, { decision: 'inconclusive', effect_ci: [0.05, 0.2], why: 'inconclusive: the interval straddles the threshold' });
    const base = inputs();
    if (base.drift.status !== 'ok') throw new Error('fixture drift unavailable');
    const first = base.drift.data.comparisons[0];
    if (!first) throw new Error('fixture comparison missing');
    const inp = inputs({ drift: { status: 'ok', data: { ...base.drift.data, comparisons: [{ ...first, results: [unsure] }] } } });
    const policy = parsePolicy({ drift: { rules: [{ column: 'amount', fail_if_flagged: true }] } }, 'p');
    expect(evaluatePolicy(policy, model(inp)).rules.find((r) => r.rule === 'drift.rules[0].fail_if_flagged')).toMatchObject({ verdict: 'not_applicable', checked: 0, why: expect.stringContaining('inconclusive') });
  });

  it('fairness and performance rules are not evaluated (and say why) when nothing could be measured', () => {
    const p = parsePolicy({ fairness: { min_impact_ratio: 0.8 }, performance: { max_drop: [{ metric: 'auc', max: 0.1 }] } }, 'p');
    const out = evaluatePolicy(p, model());
    expect(out.not_evaluated).toEqual([{ rule: 'fairness', reason: 'no labelled records' }, { rule: 'performance', reason: 'no labelled records' }]);
    expect(out.rules.find((r) => r.rule === 'performance.max_drop[0]')).toMatchObject({ verdict: 'not_applicable', why: 'section unavailable: no labelled records' });
    expect(() => parsePolicy({ performance: { max_drop: [{ metric: 'f1', max: 0.1 }] } }, 'p.json')).toThrow(/performance\.max_drop\.0\.metric/);
  });

  it('rejects malformed policies with the field named', () => {
    expect(() => parsePolicy({ health: { max_rollback_rate: 2 } }, 'p.json')).toThrow(/health\.max_rollback_rate/);
    expect(() => parsePolicy({ helth: {} }, 'p.json')).toThrow(/unknown key\(s\) helth/);
    expect(() => parsePolicy({ drift: { rules: [{ column: 'x' }] } }, 'p.json')).toThrow(/drift\.rules\.0: a drift rule needs/);
    expect(() => parsePolicy({ params: { drift_bins: 0 } }, 'p.json')).toThrow(/params\.drift_bins/);
  });

  it('accepts the shipped example policy and params', () => {
    const example = JSON.parse(readFileSync(path.join(process.cwd(), 'examples', 'policy.json'), 'utf8')) as unknown;
    expect(() => parsePolicy(example, 'examples/policy.json')).not.toThrow();
    const params = JSON.parse(readFileSync(path.join(process.cwd(), 'examples', 'params.json'), 'utf8')) as unknown;
    expect(parseReportParams(params, 'examples/params.json')).toMatchObject({ drift_baseline: 'release:r2', drift_current: 'release:r4' });
  });
});
