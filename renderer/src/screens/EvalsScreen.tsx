import * as Plot from '@observablehq/plot';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { Async, Empty } from '../components/States';
import { PinButton } from '../components/PinButton';
import { PlotChart } from '../components/PlotChart';
import { useNavigation } from '../stores/navigation';
import { OKABE_ITO } from '../lib/colors';
import { fmtInt, fmtNum, fmtPct } from '../lib/format';
import { failedEvalsSql } from '../lib/evidenceSql';
import type { EvalGroup, EvalReport } from '../../../shared/api/analytics';

function attrOf(cohort: string | null): string {
  if (!cohort) return '(all)';
  const i = cohort.indexOf('=');
  return i > 0 ? cohort.slice(0, i) : cohort;
}

function groupEvidence(g: EvalGroup): Record<string, string | number | boolean | null> {
  return { stage: g.stage, cohort: g.cohort, release: g.release_id, evaluator: g.evaluator, n: g.n, failures: g.failures, rate: g.rate, ci_low: g.ci_low, ci_high: g.ci_high };
}

function FailRateChart({ rows, releases }: { rows: EvalGroup[]; releases: string[] }) {
  const data = rows.filter((r) => r.rate !== null).map((r) => ({ cohort: r.cohort ?? '(all)', release: r.release_id ?? '(none)', rate: r.rate as number, lo: r.ci_low ?? r.rate ?? 0, hi: r.ci_high ?? r.rate ?? 0, n: r.n, failures: r.failures }));
  if (data.length === 0) return <div className="state">No eval rows in this selection.</div>;
  const cohorts = [...new Set(data.map((d) => d.cohort))].sort();
  const relDomain = releases.filter((r) => data.some((d) => d.release === r));
  return (
    <PlotChart
      label="Fail rate with 95% Wilson intervals by cohort and release"
      testId="evals-chart"
      deps={[rows, releases]}
      minHeight={200}
      plot={(width) =>
        Plot.plot({
          width,
          height: 40 + cohorts.length * (relDomain.length * 11 + 14),
          marginLeft: 130,
          marginRight: 20,
          x: { label: 'Fail rate (%) with 95% Wilson interval →', percent: true, grid: true, zero: true },
          fy: { domain: cohorts, label: null },
          y: { domain: relDomain, axis: null },
          color: { domain: relDomain, range: relDomain.map((_, i) => OKABE_ITO[i % OKABE_ITO.length] ?? '#888'), legend: true },
          marks: [
            Plot.frame({ stroke: 'currentColor', strokeOpacity: 0.08 }),
            Plot.axisFy({ anchor: 'left', label: null, tickSize: 0 }),
            Plot.ruleY(data, { fy: 'cohort', y: 'release', x1: 'lo', x2: 'hi', stroke: 'release', strokeWidth: 2 }),
            Plot.tickX(data, { fy: 'cohort', y: 'release', x: 'lo', stroke: 'release' }),
            Plot.tickX(data, { fy: 'cohort', y: 'release', x: 'hi', stroke: 'release' }),
            Plot.dot(data, {
              fy: 'cohort',
              y: 'release',
              x: 'rate',
              fill: 'release',
              r: 3.5,
              channels: { n: 'n', failures: 'failures', 'CI low': (d: { lo: number }) => `${(d.lo * 100).toFixed(1)}%`, 'CI high': (d: { hi: number }) => `${(d.hi * 100).toFixed(1)}%` },
              tip: { format: { x: (v: number) => `${(v * 100).toFixed(1)}%`, fill: true, y: false, fy: true } },
            }),
          ],
        })
      }
    />
  );
}

function EvalsBody({ report }: { report: EvalReport }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const stages = [...new Set(report.by_stage_cohort_release.map((g) => g.stage ?? '(none)'))];
  const attrs = [...new Set(report.by_stage_cohort_release.map((g) => attrOf(g.cohort)))].sort();
  const releases = [...new Set(report.by_release.map((g) => g.release_id ?? '(none)'))];
  if (report.by_stage.length === 0) return <Empty title="No eval results">This bundle has no eval_results table: pre-release evaluation cannot be assessed.</Empty>;
  const stage = route.params.stage && stages.includes(route.params.stage) ? route.params.stage : stages.includes('validation') ? 'validation' : (stages[0] ?? '');
  const attr = route.params.attr && attrs.includes(route.params.attr) ? route.params.attr : (attrs.find((a) => a !== '(all)') ?? attrs[0] ?? '');
  const rows = report.by_stage_cohort_release.filter((g) => (g.stage ?? '(none)') === stage && attrOf(g.cohort) === attr);
  return (
    <>
      {report.shipped_without_passing_eval.length > 0 && (
        <div className="banner bad" role="alert">
          <span className="icon">⚠</span>
          <div>
            <strong>Shipped without a passing pre-release eval: {report.shipped_without_passing_eval.join(', ')}</strong>
            <div className="small">Validation-stage evals failed (or were missing) before the release time, yet the release was promoted.</div>
          </div>
        </div>
      )}
      <section className="card" aria-label="Fail rate by stage, cohort and release">
        <div className="card-head">
          <h2>
            Fail rate by cohort and release · stage {stage}
          </h2>
          <PinButton title={`Eval fail rate, stage ${stage}, by ${attr} and release`} evidence={() => rows.map(groupEvidence)} />
        </div>
        <div className="toolbar">
          <label className="field">
            Stage
            <select value={stage} onChange={(e) => setParams({ stage: e.target.value }, false)} aria-label="Stage">
              {stages.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Cohorts by
            <select value={attr} onChange={(e) => setParams({ attr: e.target.value }, false)} aria-label="Cohort attribute">
              {attrs.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
        </div>
        <FailRateChart rows={rows} releases={releases} />
      </section>
      <div className="grid-2">
        <section className="card" aria-label="By release">
          <h3 style={{ marginBottom: 6 }}>By release (all stages)</h3>
          <GroupTable groups={report.by_release} label={(g) => g.release_id ?? '(none)'} head="Release" by="release_id" />
        </section>
        <section className="card" aria-label="By stage">
          <h3 style={{ marginBottom: 6 }}>By stage</h3>
          <GroupTable groups={report.by_stage} label={(g) => g.stage ?? '(none)'} head="Stage" by="stage" />
        </section>
      </div>
      {report.thresholds.length > 0 && (
        <section className="card" aria-label="Evaluator thresholds">
          <h3 style={{ marginBottom: 6 }}>Evaluators and their thresholds</h3>
          <table className="data">
            <thead>
              <tr>
                <th>Evaluator</th>
                <th>Metric</th>
                <th className="num">Threshold</th>
                <th className="num">Observed mean</th>
                <th className="num">n</th>
                <th className="num">Failures</th>
              </tr>
            </thead>
            <tbody>
              {report.thresholds.map((t) => (
                <tr key={`${t.evaluator}|${t.metric}`}>
                  <td>{t.evaluator}</td>
                  <td className="mono small">{t.metric}</td>
                  <td className="num">{fmtNum(t.threshold)}</td>
                  <td className="num">{fmtNum(t.observed_mean)}</td>
                  <td className="num">{fmtInt(t.n)}</td>
                  <td className="num">{fmtInt(t.failures)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

function GroupTable({ groups, label, head, by }: { groups: EvalGroup[]; label: (g: EvalGroup) => string; head: string; by: 'release_id' | 'stage' }) {
  const navigate = useNavigation((s) => s.navigate);
  return (
    <table className="data">
      <thead>
        <tr>
          <th>{head}</th>
          <th className="num">n</th>
          <th className="num">Failures</th>
          <th className="num">Fail rate</th>
          <th className="num">95% CI</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={label(g)}>
            <td>{label(g)}</td>
            <td className="num">{fmtInt(g.n)}</td>
            <td className="num">
              {g.failures > 0 ? (
                <button type="button" className="link" title="Show the failed results" onClick={() => navigate('sql', { sql: failedEvalsSql(by, by === 'stage' ? g.stage : g.release_id) })}>
                  {fmtInt(g.failures)}
                </button>
              ) : (
                fmtInt(g.failures)
              )}
            </td>
            <td className="num">{fmtPct(g.rate)}</td>
            <td className="num small">
              {fmtPct(g.ci_low)} – {fmtPct(g.ci_high)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EvalsScreen({ bundleId }: { bundleId: string }) {
  const state = useApi(`evals|${bundleId}`, () => call('evals', { bundleId }));
  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Evals</h1>
          <div className="sub">Fail rates at every stage, per cohort and release, with 95% Wilson confidence intervals.</div>
        </div>
      </div>
      <Async state={state} what="eval results">
        {(r) => <EvalsBody report={r} />}
      </Async>
    </div>
  );
}
