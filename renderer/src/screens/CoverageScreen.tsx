import { useState } from 'react';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { Async, Empty } from '../components/States';
import { PinButton } from '../components/PinButton';
import { useInspector } from '../stores/inspector';
import { useNavigation } from '../stores/navigation';
import { useWorkspace } from '../stores/workspace';
import { fmtInt, fmtPct, plural } from '../lib/format';
import { sqlIdent, sqlString } from '../lib/sql';
import type { CoverageCell, CoverageReport } from '../../../shared/api/analytics';

function cellSql(c: CoverageCell): string {
  return `SELECT * FROM eval_results WHERE release_id = ${sqlString(c.release_id)} AND ${sqlIdent(c.attribute)} = ${sqlString(c.value)} ORDER BY ts LIMIT 500`;
}

function cellEvidence(c: CoverageCell): Record<string, string | number | boolean | null> {
  return {
    release: c.release_id,
    cohort: c.cohort_id,
    release_critical: c.release_critical,
    eval_rows: c.eval_rows,
    traffic_rows: c.traffic_rows,
    missing: c.missing,
    min_rows: c.min_rows,
    traffic_share: c.traffic_share,
    eval_share: c.eval_share,
    meets_threshold: c.meets_threshold,
    small_cell: c.small_cell,
  };
}

function Matrix({ report }: { report: CoverageReport }) {
  const select = useInspector((s) => s.select);
  const navigate = useNavigation((s) => s.navigate);
  const [selected, setSelected] = useState<string | null>(null);
  const cohorts = [...report.cohorts].sort((a, b) => Number(b.release_critical) - Number(a.release_critical) || a.attribute.localeCompare(b.attribute) || a.value.localeCompare(b.value));
  const byKey = new Map(report.cells.map((c) => [`${c.cohort_id}|${c.release_id}`, c]));
  const show = (c: CoverageCell) => {
    setSelected(`${c.cohort_id}|${c.release_id}`);
    select({
      kind: 'Coverage cell',
      title: `${c.attribute}=${c.value} in ${c.release_id}`,
      fields: [
        ['Release-critical', c.release_critical ? 'yes' : 'no'],
        ['Eval rows', c.eval_rows === null ? 'not measurable' : fmtInt(c.eval_rows)],
        ['Traffic rows', fmtInt(c.traffic_rows)],
        ['Required', `≥ ${fmtInt(c.min_rows)} rows`],
        ['Threshold', c.meets_threshold ? '✓ met' : '✗ not met'],
        ['Traffic share', fmtPct(c.traffic_share)],
        ['Eval share', fmtPct(c.eval_share)],
        ['Small cell', c.small_cell ? `yes (fewer than ${report.small_cell_k} rows)` : 'no'],
      ],
      body: (
        <div className="row">
          <button type="button" onClick={() => navigate('sql', { sql: cellSql(c) })}>
            Show the eval rows behind it
          </button>
          <PinButton title={`Coverage: ${c.attribute}=${c.value} has ${plural(c.eval_rows, 'eval row')} in ${c.release_id}`} defaultSeverity={c.release_critical && !c.meets_threshold ? 'high' : 'medium'} evidence={() => [cellEvidence(c)]} />
        </div>
      ),
    });
  };
  return (
    <div style={{ overflowX: 'auto' }}>
      <table className="matrix" data-testid="coverage-matrix">
        <thead>
          <tr>
            <th>Cohort</th>
            {report.releases.map((r) => (
              <th key={r}>{r}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohorts.map((co) => (
            <tr key={co.cohort_id} data-cohort={`${co.attribute}=${co.value}`}>
              <th>
                {co.release_critical && (
                  <span className="badge warn" title="release-critical" style={{ marginRight: 6 }}>
                    ★ critical
                  </span>
                )}
                {co.attribute}={co.value}
              </th>
              {report.releases.map((rel) => {
                const c = byKey.get(`${co.cohort_id}|${rel}`);
                if (!c) return <td key={rel} />;
                if (c.eval_rows === null) {
                  return (
                    <td key={rel}>
                      <button type="button" className="cell-na" onClick={() => show(c)} data-cell={`${co.attribute}=${co.value}|${rel}`}>
                        <span className="small">– not measurable</span>
                        <span className="small muted">no {co.attribute} column in evals</span>
                      </button>
                    </td>
                  );
                }
                const cls = c.meets_threshold ? 'cell-ok' : c.release_critical ? 'cell-bad' : 'cell-na';
                return (
                  <td key={rel}>
                    <button
                      type="button"
                      className={`${cls}${selected === `${co.cohort_id}|${rel}` ? ' selected' : ''}`}
                      onClick={() => show(c)}
                      data-cell={`${co.attribute}=${co.value}|${rel}`}
                      aria-label={`${co.attribute}=${co.value} in ${rel}: ${plural(c.eval_rows, 'eval row')}, threshold ${c.meets_threshold ? 'met' : 'not met'}`}
                    >
                      <span>
                        <strong className="num">{fmtInt(c.eval_rows)}</strong> <span className="small">{c.meets_threshold ? '✓' : c.missing ? '✗ missing' : '✗ below'}</span>
                        {c.small_cell && <span className="small" title={`fewer than ${report.small_cell_k} rows`}> · small n</span>}
                      </span>
                      <span className="small muted">
                        traffic {fmtPct(c.traffic_share, 0)} · eval {fmtPct(c.eval_share, 0)}
                      </span>
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CoverageBody({ report }: { report: CoverageReport }) {
  if (report.cohorts.length === 0 || report.releases.length === 0) {
    return <Empty title="No coverage to show">Coverage needs an eval_results table with release_id and cohort columns, and cohorts (cohorts.csv or cohort columns) — see the bundle format.</Empty>;
  }
  const gaps = report.per_release.filter((p) => p.missing.length > 0 || p.below_threshold.length > 0);
  return (
    <>
      {report.not_measurable.map((n) => (
        <div key={n.metric} className="banner warn">
          <span className="icon">–</span>
          <span>
            <strong>{n.metric}</strong> not measurable: {n.reason}
          </span>
        </div>
      ))}
      {gaps.length > 0 && (
        <div className="banner bad" role="alert" data-testid="coverage-gaps">
          <span className="icon">⚠</span>
          <div>
            <strong>Release-critical cohorts without enough eval rows:</strong>
            {gaps.map((g) => (
              <div key={g.release_id}>
                {g.release_id}: {[...g.missing.map((m) => `${m} (no eval rows)`), ...g.below_threshold.map((m) => `${m} (below threshold)`)].join(', ')} — {g.critical_covered} of {g.critical_total} covered
              </div>
            ))}
          </div>
        </div>
      )}
      <section className="card" aria-label="Coverage matrix">
        <div className="card-head">
          <h2>Eval rows per cohort and release</h2>
          <PinButton title="Cohort coverage matrix" defaultSeverity={gaps.length ? 'high' : 'info'} evidence={() => report.cells.map(cellEvidence)} />
        </div>
        <div className="legend" style={{ marginBottom: 8 }}>
          <span>
            <span className="swatch" style={{ background: 'var(--ok-bg)', border: '1px solid var(--ok)' }} />✓ threshold met
          </span>
          <span>
            <span className="swatch" style={{ background: 'var(--bad-bg)', border: '1px solid var(--bad)' }} />✗ release-critical below threshold
          </span>
          <span>
            <span className="swatch" style={{ background: 'var(--na-bg)', border: '1px solid var(--na)' }} />✗ other cohort below threshold
          </span>
          <span>default minimum {fmtInt(report.min_rows_default)} rows · small n = fewer than {report.small_cell_k}</span>
        </div>
        <Matrix report={report} />
      </section>
      <section className="card" aria-label="Coverage per release">
        <h2 style={{ marginBottom: 8 }}>Release-critical coverage per release</h2>
        <table className="data">
          <thead>
            <tr>
              <th>Release</th>
              <th className="num">Critical cohorts</th>
              <th className="num">Covered</th>
              <th className="num">Coverage</th>
              <th>Missing (0 rows)</th>
              <th>Below threshold</th>
            </tr>
          </thead>
          <tbody>
            {report.per_release.map((p) => (
              <tr key={p.release_id}>
                <td>{p.release_id}</td>
                <td className="num">{fmtInt(p.critical_total)}</td>
                <td className="num">{fmtInt(p.critical_covered)}</td>
                <td className="num">{fmtPct(p.coverage, 0)}</td>
                <td>{p.missing.length ? <span className="badge bad">✗ {p.missing.join(', ')}</span> : <span className="badge ok">✓ none</span>}</td>
                <td>{p.below_threshold.length ? <span className="badge warn">⚠ {p.below_threshold.join(', ')}</span> : <span className="muted small">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

export function CoverageScreen({ bundleId }: { bundleId: string }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const minRows = Number(route.params.minRows) || undefined;
  const applyMinRows = (text: string) => {
    setParams({ minRows: text }, false);
    const n = Number(text);
    // The report uses the same threshold the auditor chose here.
    if (Number.isInteger(n) && n >= 1) useWorkspace.getState().setParams({ coverage_min_rows: n });
  };
  const state = useApi(`coverage|${bundleId}|${minRows ?? ''}`, () => call('coverage', { bundleId, ...(minRows ? { minRows } : {}) }));
  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Coverage</h1>
          <div className="sub">Was every cohort that matters evaluated before each release, in proportion to the traffic it gets?</div>
        </div>
        <label className="field">
          Minimum eval rows per cell
          <input
            type="number"
            min={1}
            style={{ width: 120 }}
            placeholder={state.data ? String(state.data.min_rows_default) : 'default'}
            defaultValue={minRows ?? ''}
            onBlur={(e) => applyMinRows(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && applyMinRows((e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      <Async state={state} what="coverage">
        {(r) => <CoverageBody report={r} />}
      </Async>
    </div>
  );
}
