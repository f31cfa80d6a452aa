import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../electron/engine/report/html/render';
import { buildReportModel, reportJson } from '../../../electron/engine/report/model';
import { effectiveParams, parseReportParams } from '../../../electron/engine/report/params';
import { planDrift } from '../../../electron/engine/report/gather';
import { canonicalJson } from '../../../electron/engine/report/canonicalJson';
import { finding, inputs, signoff, summary } from './fixtures';
import type { ReportInputs } from '../../../electron/engine/report/gather';

function build(inp: ReportInputs = inputs(), asOf?: string) {
  const requested = asOf ? { as_of: asOf } : {};
  const eff = effectiveParams(requested, signoff(), { exported_at: inp.summary.exported_at, period_end: inp.summary.period.end });
  return buildReportModel(inp, { signoff: signoff(), findings: [finding(), finding({ id: 'f0', severity: 'low', title: 'Minor' })] }, requested, eff);
}

describe('report model', () => {
  it('gives byte-identical results.json for the same inputs, whatever the input order', () => {
    const a = reportJson(build());
    const shuffled = inputs();
    shuffled.summary = summary({ files: [...shuffled.summary.files].reverse(), import_ms: 99999 });
    const b = reportJson(build(shuffled));
    expect(b).toBe(a);
    expect(a).not.toMatch(/elapsed_ms|import_ms|bundleId/);
    expect(a).not.toContain('/tmp/some/bundle');
  });

  it('writes sorted keys and numbers at full precision (rounding is for the rendered text only)', () => {
    const json = reportJson(build());
    const parsed = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(json).toContain('300.123456789');
    expect(renderReportHtml(build())).not.toContain('300.123456789');
    expect(canonicalJson({ b: -0, a: [1.23456789e-12, Number.NaN, 0.1 + 0.2] })).toBe('{\n  "a": [\n    1.23456789e-12,\n    null,\n    0.30000000000000004\n  ],\n  "b": 0\n}\n');
  });

  it('takes as-of from params, else the end of the bundle period, else its export time — never the clock, never the epoch', () => {
    expect(build().params.as_of).toBe('2026-08-31T23:59:59.000Z');
    expect(build().params.as_of_source).toBe('period_end');
    const m = build(inputs(), '2026-10-01T00:00:00Z');
    expect(m.params.as_of).toBe('2026-10-01T00:00:00.000Z');
    expect(m.title.as_of).toBe('2026-10-01T00:00:00.000Z');
    const noPeriod = inputs({ summary: summary({ period: { start: null, end: null } }) });
    expect(build(noPeriod).params.as_of_source).toBe('exported_at');
    expect(build(noPeriod).params.as_of).toBe('2026-09-01T06:00:00.000Z');
    // Neither: no as-of at all; the model can be checked but not rendered.
    const neither = build(inputs({ summary: summary({ period: { start: null, end: null }, exported_at: null }) }));
    expect(neither.params.as_of).toBeNull();
    expect(neither.params.as_of_source).toBe('none');
    expect(() => renderReportHtml(neither)).toThrow(/no as-of time: fill the As-of field of the export dialog, or pass --as-of ISO/);
  });

  it('raises automatic findings from the sections and orders them by severity', () => {
    const m = build();
    const titles = m.executive_summary.findings.map((f) => `${f.severity}:${f.origin}:${f.title}`);
    expect(titles[0]).toBe('high:auditor:EU merchant risk drift');
    expect(titles).toContain('high:automatic:Release r2 shipped without a passing pre-release evaluation');
    expect(titles).toContain('high:automatic:Logging gap of 7 days in audit_log');
    expect(titles.some((t) => t.startsWith('high:automatic:Release r2: 1 release-critical cohort missing'))).toBe(true);
    // One severity model with the Overview: an effect of 0.61 against a threshold of 0.1 (≥ 2×) is high.
    expect(titles).toContain('high:automatic:Drift in records.merchant_risk: region=EU only');
    expect(titles.some((t) => t.includes('records.amount'))).toBe(false);
    expect(titles.some((t) => t.startsWith('medium:automatic:Release r2: 1 failed canary run, rolled back'))).toBe(true);
    expect(titles.some((t) => t.startsWith('medium:automatic:Release r2 has no recorded approval'))).toBe(true);
    expect(titles[titles.length - 1]).toMatch(/^low:/);
    const sevs = m.executive_summary.findings.map((f) => ['high', 'medium', 'low', 'info'].indexOf(f.severity));
    expect(sevs).toEqual([...sevs].sort((a, b) => a - b));
    expect(m.executive_summary.counts.high).toBe(m.executive_summary.findings.filter((f) => f.severity === 'high').length);
  });

  it('lists limitations: missing tables, partial labels, not-measurable items, unavailable sections', () => {
    const m = build(inputs({ health: { status: 'unavailable', reason: 'no deployment_events table' } }));
    const texts = m.limitations.map((l) => l.text);
    expect(texts.some((t) => /^The bundle has no rows in tables .*eval_results.*; the analyses that need them are not measurable\.$/.test(t))).toBe(true);
    expect(texts.some((t) => t.startsWith('Only 35 of 50 records carry a ground-truth label'))).toBe(true);
    expect(texts.some((t) => t.includes('accuracy per cohort: not measurable'))).toBe(true);
    expect(texts).toContain('This section could not be computed: no deployment_events table');
    expect(m.health.status).toBe('unavailable');
  });

  it('rejects unknown or malformed parameters with the field name', () => {
    expect(() => parseReportParams({ drift_bins: 1 }, 'params.json')).toThrow(/drift_bins/);
    expect(() => parseReportParams({ as_of: 'yesterday' }, 'params.json')).toThrow(/as_of/);
    expect(() => parseReportParams({ colour: 'red' }, 'params.json')).toThrow(/unknown parameter\(s\) colour/);
    expect(parseReportParams({ drift_baseline: 'release:r2', as_of: '2026-09-01' }, 'p')).toEqual({ drift_baseline: 'release:r2', as_of: '2026-09-01' });
  });

  it('plans drift: first promoted release vs last release, per cohort value', () => {
    const eff = effectiveParams({}, signoff(), { exported_at: null, period_end: null });
    const plan = planDrift(
      eff,
      [
        { release_id: 'r3', released_at: '2026-05-01T00:00:00Z', promoted: false },
        { release_id: 'r0', released_at: '2026-02-01T00:00:00Z', promoted: false },
        { release_id: 'r1', released_at: '2026-03-01T00:00:00Z', promoted: true },
      ],
      {
        tables: [{ name: 'records', timestamp_column: 'ts', columns: [] }],
        releases: [],
        dataset_versions: [],
        model_versions: [],
        cohort_attributes: [{ attribute: 'region', values: ['US', 'EU'] }],
        period: { start: null, end: null },
        defaults: { table: 'records', baseline: null, current: null, why: 'no releases and no time period: pick what to compare' },
      },
    );
    expect(plan.baseline).toEqual({ key: 'release', value: 'r1' });
    expect(plan.current).toEqual({ key: 'release', value: 'r3' });
    expect(plan.tables).toEqual(['records']);
    expect(plan.cohorts).toEqual([
      { attribute: 'region', value: 'EU' },
      { attribute: 'region', value: 'US' },
    ]);
    expect(plan.problem).toBeNull();
    const single = planDrift(eff, [{ release_id: 'r1', released_at: null, promoted: true }], null);
    expect(single.problem).toMatch(/single release/);
  });
});

describe('drift chart order', () => {
  it('puts each drifted column’s all-rows result and strongest cohort first, strongest column first', async () => {
    const { chartOrder } = await import('../../../electron/engine/report/driftCharts');
    const { driftResult } = await import('./fixtures');
    const sel = { baseline: { key: 'release' as const, value: 'r1' }, current: { key: 'release' as const, value: 'r2' }, status: 'ok' as const, reason: null, correction: 'bh' as const, alpha: 0.05, notes: [], tested: 2, drifted: 2 };
    const comparisons = [
      { ...sel, table: 'records', cohort: 'all', results: [driftResult('score', 'all', true, { effect: 0.3 }), driftResult('merchant_risk', 'all', true, { effect: 0.5 })] },
      { ...sel, table: 'records', cohort: 'region=EU', results: [driftResult('score', 'region=EU', true, { effect: 0.6 }), driftResult('merchant_risk', 'region=EU', true, { effect: 2 })] },
      { ...sel, table: 'records', cohort: 'region=US', results: [driftResult('merchant_risk', 'region=US', true, { effect: 0.2 }), driftResult('amount', 'region=US', false)] },
    ];
    const order = chartOrder(comparisons).map((x) => `${x.r.column}/${x.c.cohort}`);
    expect(order).toEqual(['merchant_risk/all', 'merchant_risk/region=EU', 'score/all', 'score/region=EU', 'merchant_risk/region=US']);
  });
});

describe('numbers inside drift detail text', () => {
  it('are rounded to 6 significant digits; short numbers and ids stay', async () => {
    const { roundNumbersInText } = await import('../../../electron/engine/report/gather');
    expect(roundNumbersInText('exact W1 = 23.698595026624403 over σ = 568.1555588061111; n·m = 14051583; 10 bins; p 0.05')).toBe(
      'exact W1 = 23.6986 over σ = 568.156; n·m = 14051583; 10 bins; p 0.05',
    );
  });
});
