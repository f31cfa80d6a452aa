import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../electron/engine/report/model';
import { effectiveParams } from '../../../electron/engine/report/params';
import { renderReportHtml } from '../../../electron/engine/report/html/render';
import type { CoverageCohort, CoverageCell, CoverageReport, EvalReport, HealthReport } from '../../../shared/api/analytics';
import type { ReportInputs } from '../../../electron/engine/report/gather';
import { inputs, signoff } from './fixtures';

// The sections adapt to the bundle: a records-only bundle with one cohort attribute of 229 values and nothing else,
// and the same attribute with evaluation data across releases.
const CODES = Array.from({ length: 229 }, (_, i) => `A${String(i).padStart(3, '0')}`);
const cohorts: CoverageCohort[] = CODES.map((v) => ({ cohort_id: `origin=${v}`, attribute: 'origin', value: v, release_critical: false, min_rows: 30, source: 'attribute', measurable: false }));

function render(over: Partial<ReportInputs>): { html: string; model: ReturnType<typeof buildReportModel> } {
  const so = signoff();
  const model = buildReportModel(inputs(over), { signoff: so, findings: [] }, {}, effectiveParams({}, so, { exported_at: null, period_end: '2026-08-31T00:00:00Z' }));
  return { html: renderReportHtml(model), model };
}

const recordsOnlyCoverage: CoverageReport = {
  min_rows_default: 30,
  small_cell_k: 10,
  traffic_source: 'records',
  cohorts,
  releases: [],
  cells: [],
  per_release: [],
  dataset_versions: [],
  not_measurable: [
    ...CODES.map((v) => ({ metric: 'cohort_coverage', reason: `eval_results has no column origin (cohort origin=${v})` })),
    { metric: 'cohort_coverage', reason: 'the bundle names no release' },
  ],
};
const noEvals: EvalReport = {
  small_cell_k: 10,
  gate: { stages: ['validation'], max_fail_rate: 0.1 },
  by_stage: [],
  by_evaluator: [],
  by_cohort: [],
  by_release: [],
  by_stage_cohort_release: [],
  thresholds: [],
  pre_release: [],
  shipped_without_passing_eval: [],
  not_measurable: [],
};

describe('report sections adapt to the bundle', () => {
  it('a records-only bundle: empty sections say in one line what they need; no 229-row grid; no chart titles over nothing', () => {
    const base = inputs();
    if (base.health.status !== 'ok') throw new Error('fixture');
    const noReleases: HealthReport = { ...base.health.data, releases: [], overall: { ...base.health.data.overall, releases: 0, traffic: { ...base.health.data.overall.traffic, traces: 0 } } };
    const { html, model } = render({
      coverage: { status: 'ok', data: recordsOnlyCoverage },
      evals: { status: 'ok', data: noEvals },
      health: { status: 'ok', data: noReleases },
      drift: { status: 'unavailable', reason: 'the bundle has no releases to compare and no drift_baseline/drift_current parameter was given' },
    });
    const section = (id: string): string => {
      const at = html.indexOf(`id="${id}"`);
      return html.slice(at, html.indexOf('</section>', at));
    };
    for (const id of ['coverage', 'evals', 'health', 'drift']) {
      expect(section(id), id).toContain('Nothing to show:');
      expect(section(id), id).toContain('Needs ');
      // Brief: follows the previous chapter instead of taking a page of its own.
      expect(html).toContain(`<section class="chapter brief" id="${id}">`);
    }
    expect(section('coverage')).toContain('229 cohorts, 0 releases, 0 evaluation cells');
    expect(html).not.toContain('origin=A100');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('Error rate by release');
    expect(html).not.toContain('p95 latency (ms) by release');
    // 230 not-measurable lines become one line with a count and examples; the lone one stays as it is.
    const grouped = model.limitations.filter((l) => l.section === 'coverage' && l.count > 1);
    expect(grouped).toEqual([
      expect.objectContaining({ text: 'cohort_coverage: not measurable — eval_results has no column origin', count: 229, examples: ['cohort origin=A000', 'cohort origin=A001', 'cohort origin=A002', 'cohort origin=A003', 'cohort origin=A004'] }),
    ]);
    expect(model.limitations.filter((l) => l.section === 'coverage').length).toBe(2);
    expect(section('limitations')).toContain('— 229 cases, e.g. cohort origin=A000; cohort origin=A001; cohort origin=A002; …');
  });

  it('229 cohorts with evaluation data: the matrix shows the largest 30 and counts the rest, the full table stays in the results', () => {
    const releases = ['r1', 'r2'];
    const cells: CoverageCell[] = cohorts.flatMap((c, i) =>
      releases.map((r) => ({ release_id: r, cohort_id: c.cohort_id, attribute: 'origin', value: c.value, release_critical: false, eval_rows: 1000 - i, traffic_rows: null, traffic_share: null, eval_share: null, min_rows: 30, meets_threshold: true, small_cell: false, missing: false })),
    );
    const big: CoverageReport = { ...recordsOnlyCoverage, cohorts: cohorts.map((c) => ({ ...c, measurable: true })), releases, cells, not_measurable: [] };
    const byCohort = cohorts.map((c, i) => ({ n: 500 - i, failures: 1, rate: 1 / (500 - i), ci_low: 0, ci_high: 0.01, stage: null, evaluator: null, cohort: c.cohort_id, release_id: null, small_cell: false }));
    const base = inputs();
    if (base.evals.status !== 'ok') throw new Error('fixture');
    const { html, model } = render({ coverage: { status: 'ok', data: big }, evals: { status: 'ok', data: { ...base.evals.data, by_cohort: byCohort } } });
    const svgLabels = html.match(/origin=A\d{3}/g) ?? [];
    const inMatrix = new Set(svgLabels);
    expect(inMatrix.has('origin=A000')).toBe(true);
    expect(inMatrix.has('origin=A029')).toBe(true);
    expect(inMatrix.has('origin=A030')).toBe(false);
    expect(html).toContain('The 30 largest of 229 cohorts (release-critical first, then by evaluation rows) are shown; all 229 are in the attached results.json');
    expect(html).toContain('The 25 largest of 229 cohorts are shown');
    if (model.coverage.status !== 'ok') throw new Error('coverage');
    expect(model.coverage.data.cells).toHaveLength(458);
  });

  it('checks over tables the bundle leaves empty are one line, not a row each; empty tables are named in one line', () => {
    const base = inputs();
    const empties = ['audit_log', 'cohorts', 'eval_results', 'releases'];
    const summary = {
      ...base.summary,
      tables: [...base.summary.tables, ...empties.map((name) => ({ name, canonical: true, rows: 0, columns: [] }))],
      check_outcomes: [
        ...base.summary.check_outcomes,
        ...empties.map((table) => ({ check: 'duplicate_id', table, examined: 0, count: 0, verdict: 'not_applicable' as const, why: `no ${table} rows` })),
      ],
    };
    const { html } = render({ summary });
    const at = html.indexOf('id="integrity"');
    const section = html.slice(at, html.indexOf('</section>', at));
    // The tally still counts all of them.
    expect(section).toContain('5 not applicable');
    expect(section).toContain('orphan parent span');
    expect(section).not.toContain('no audit_log rows');
    expect(section).toContain('5 more checks are not applicable because their tables are empty in this bundle: duplicate id (audit_log, cohorts, eval_results, releases); unknown eval span (eval_results).');
    expect(section).toContain('Empty (no file fed them, or every row was rejected): audit_log, cohorts, eval_results, releases.');
    expect(section).not.toMatch(/<td[^>]*>releases<\/td>/);
  });
});

