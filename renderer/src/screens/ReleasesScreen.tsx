import { useEffect } from 'react';
import * as Plot from '@observablehq/plot';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { Async, Empty } from '../components/States';
import { PinButton } from '../components/PinButton';
import { PlotChart } from '../components/PlotChart';
import { useInspector } from '../stores/inspector';
import { useNavigation } from '../stores/navigation';
import { NO_TABLES, useSession } from '../stores/session';
import { releaseEvidence } from '../lib/evidenceSql';
import { EvidenceLinks } from '../components/EvidenceLinks';
import { OKABE_ITO } from '../lib/colors';
import { scalarsOf } from '../lib/evidence';
import { fmtDate, fmtInt, fmtMs, fmtNum, fmtPct, fmtUsd } from '../lib/format';
import type { HealthReport, ReleaseHealth } from '../../../shared/api/analytics';

type NumKey = 'p50_ms' | 'p95_ms' | 'p99_ms' | 'error_rate' | 'retry_rate' | 'cost_usd';

/** Change vs the previous release, with an arrow and words so it is not colour-only. "worse" = higher for every metric here. */
function Delta({ cur, prev, pct }: { cur: number | null; prev: number | null; pct?: boolean }) {
  if (cur === null || prev === null) return null;
  const diff = cur - prev;
  const rel = prev !== 0 ? diff / Math.abs(prev) : null;
  if (Math.abs(diff) < 1e-12 || (rel !== null && Math.abs(rel) < 0.02)) return <span className="muted small"> ≈</span>;
  const worse = diff > 0;
  const text = pct ? `${diff > 0 ? '+' : ''}${(diff * 100).toFixed(1)} pt` : rel !== null ? `${diff > 0 ? '+' : ''}${(rel * 100).toFixed(0)}%` : '';
  return (
    <span className={`small ${worse && (rel === null || Math.abs(rel) > 0.2) ? 'sev-high' : 'muted'}`} title="vs previous release">
      {' '}
      {diff > 0 ? '▲' : '▼'}
      {text}
    </span>
  );
}

function releaseFields(r: ReleaseHealth): [string, string][] {
  return [
    ['Released', fmtDate(r.released_at)],
    ['Model', r.model_version ?? '—'],
    ['Previous release', r.previous_release_id ?? '—'],
    ['Canary runs / failures', `${r.canary_runs} / ${r.canary_failures}`],
    ['Rolled back', r.rolled_back ? 'yes' : 'no'],
    ['Incidents', String(r.incidents)],
    ['Time to recover', r.time_to_recover_hours === null ? '—' : `${fmtNum(r.time_to_recover_hours, 1)} h`],
    ['Spans', fmtInt(r.spans)],
    ['p50 / p95 / p99', `${fmtMs(r.p50_ms)} / ${fmtMs(r.p95_ms)} / ${fmtMs(r.p99_ms)}`],
    ['Error rate', fmtPct(r.error_rate, 2)],
    ['Retry rate', fmtPct(r.retry_rate, 2)],
    ['Tokens in / out', `${fmtInt(r.input_tokens)} / ${fmtInt(r.output_tokens)}`],
    ['Cost', fmtUsd(r.cost_usd)],
    ['Fallback rate', fmtPct(r.fallback_rate, 2)],
    ['Guardrail blocks', fmtPct(r.guardrail_block_rate, 2)],
  ];
}

function LatencyChart({ health }: { health: HealthReport }) {
  const rows = health.releases.flatMap((r) =>
    (['p50_ms', 'p95_ms', 'p99_ms'] as const).filter((k) => r[k] !== null).map((k) => ({ release: r.release_id, percentile: k.replace('_ms', ''), ms: r[k] as number })),
  );
  if (rows.length === 0) return <div className="state">No span latencies: the bundle has no spans with durations.</div>;
  return (
    <PlotChart
      label="Latency percentiles per release"
      testId="latency-chart"
      deps={[health]}
      minHeight={230}
      plot={(width) =>
        Plot.plot({
          width,
          height: 240,
          marginLeft: 56,
          x: { domain: health.releases.map((r) => r.release_id), label: 'Release', padding: 0.3 },
          y: { label: 'Trace latency (ms, log scale)', type: 'log', grid: true },
          color: { domain: ['p50', 'p95', 'p99'], range: [OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[5]], legend: true },
          symbol: { domain: ['p50', 'p95', 'p99'], range: ['circle', 'square', 'triangle'] },
          marks: [
            Plot.line(rows, { x: 'release', y: 'ms', stroke: 'percentile', strokeOpacity: 0.5 }),
            Plot.dot(rows, { x: 'release', y: 'ms', stroke: 'percentile', fill: 'percentile', symbol: 'percentile', r: 4, tip: { format: { y: (v: number) => `${v.toFixed(1)} ms`, fill: false, symbol: false } } }),
          ],
        })
      }
    />
  );
}

function RateChart({ health }: { health: HealthReport }) {
  const rows = health.releases.flatMap((r) => [
    ...(r.error_rate !== null ? [{ release: r.release_id, metric: 'error rate', rate: r.error_rate }] : []),
    ...(r.retry_rate !== null ? [{ release: r.release_id, metric: 'retry rate', rate: r.retry_rate }] : []),
  ]);
  if (rows.length === 0) return <div className="state">No error or retry rates: the bundle has no spans with a status.</div>;
  return (
    <PlotChart
      label="Error and retry rate per release"
      testId="error-chart"
      deps={[health]}
      minHeight={230}
      plot={(width) =>
        Plot.plot({
          width,
          height: 240,
          marginLeft: 56,
          fx: { domain: health.releases.map((r) => r.release_id), label: 'Release' },
          x: { axis: null, domain: ['error rate', 'retry rate'] },
          y: { label: 'Share of spans (%)', percent: true, grid: true },
          color: { domain: ['error rate', 'retry rate'], range: [OKABE_ITO[5], OKABE_ITO[4]], legend: true },
          marks: [Plot.barY(rows, { fx: 'release', x: 'metric', y: 'rate', fill: 'metric', tip: { format: { y: (v: number) => `${(v * 100).toFixed(2)}%`, x: false, fx: true } } }), Plot.ruleY([0])],
        })
      }
    />
  );
}

function HealthBody({ health }: { health: HealthReport }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const select = useInspector((s) => s.select);
  const selected = route.params.release ?? null;
  const byId = new Map(health.releases.map((r) => [r.release_id, r]));
  const tables = useSession((s) => s.summary?.tables ?? NO_TABLES);
  useEffect(() => {
    const r = selected ? byId.get(selected) : undefined;
    if (!r) return;
    const evidence = releaseEvidence(tables, r.release_id);
    select({
      kind: 'Release',
      title: r.release_id,
      fields: releaseFields(r),
      ...(evidence.length ? { body: <EvidenceLinks label={`Rows behind release ${r.release_id}`} intro="Show the rows behind these numbers:" queries={evidence} /> } : {}),
    });
  }, [selected, health, tables]);
  if (health.releases.length === 0) return <Empty title="No releases">Release health needs a releases table (and deployment_events and spans for the numbers).</Empty>;
  const o = health.overall;
  return (
    <>
      <div className="card">
        <div className="stats">
          <div className="stat">
            <div className="v">{o.releases}</div>
            <div className="l">releases</div>
          </div>
          <div className="stat">
            <div className="v">{fmtPct(o.canary_failure_rate, 0)}</div>
            <div className="l">canary failure rate</div>
          </div>
          <div className="stat">
            <div className="v">{fmtPct(o.rollback_rate, 0)}</div>
            <div className="l">rollback rate</div>
          </div>
          <div className="stat">
            <div className="v">{fmtPct(o.change_failure_rate, 0)}</div>
            <div className="l">change failure rate</div>
          </div>
          <div className="stat">
            <div className="v">{o.mean_time_to_recover_hours === null ? '—' : `${fmtNum(o.mean_time_to_recover_hours, 1)} h`}</div>
            <div className="l">mean time to recover</div>
          </div>
          <div className="stat">
            <div className="v">{fmtInt(o.incidents)}</div>
            <div className="l">{o.incidents === 1 ? 'incident' : 'incidents'}</div>
          </div>
        </div>
      </div>
      <section className="card" aria-label="Health per release">
        <div className="card-head">
          <h2>Health per release, compared with the previous one</h2>
          <PinButton title="Release health" evidence={() => health.releases.map(scalarsOf)} />
        </div>
        <div className="table-scroll">
          <table className="data sticky-first" data-testid="health-table">
            <thead>
              <tr>
                <th>Release</th>
                <th>Model</th>
                <th>Canary</th>
                <th>Rollback</th>
                <th className="num">Incidents</th>
                <th className="num">Spans</th>
                <th className="num">p50</th>
                <th className="num">p95</th>
                <th className="num">p99</th>
                <th className="num">Errors</th>
                <th className="num">Retries</th>
                <th className="num">Tokens out</th>
                <th className="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {health.releases.map((r) => {
                const prev = r.previous_release_id ? byId.get(r.previous_release_id) : undefined;
                const d = (k: NumKey, pct?: boolean) => (prev ? <Delta cur={r[k]} prev={prev[k]} {...(pct ? { pct } : {})} /> : null);
                return (
                  <tr key={r.release_id} className={`clickable${selected === r.release_id ? ' selected' : ''}`} onClick={() => setParams({ release: r.release_id })}>
                    <td style={{ whiteSpace: 'nowrap' }}>
                      <button type="button" className="link" onClick={(e) => { e.stopPropagation(); setParams({ release: r.release_id }); }}>
                        {r.release_id}
                      </button>
                      <span className="col-kind">{fmtDate(r.released_at)}</span>
                    </td>
                    <td className="mono small" style={{ whiteSpace: 'nowrap' }}>{r.model_version ?? '—'}</td>
                    <td>{r.canary_runs === 0 ? <span className="badge na">– none</span> : r.canary_failures > 0 ? <span className="badge bad">✗ {r.canary_failures} failed</span> : <span className="badge ok">✓ passed</span>}</td>
                    <td>{r.rolled_back ? <span className="badge bad">↩ rolled back</span> : <span className="muted small">no</span>}</td>
                    <td className="num">{fmtInt(r.incidents)}</td>
                    <td className="num">{fmtInt(r.spans)}</td>
                    <td className="num">
                      {fmtMs(r.p50_ms)}
                      {d('p50_ms')}
                    </td>
                    <td className="num">
                      {fmtMs(r.p95_ms)}
                      {d('p95_ms')}
                    </td>
                    <td className="num">
                      {fmtMs(r.p99_ms)}
                      {d('p99_ms')}
                    </td>
                    <td className="num">
                      {fmtPct(r.error_rate, 2)}
                      {d('error_rate', true)}
                    </td>
                    <td className="num">
                      {fmtPct(r.retry_rate, 2)}
                      {d('retry_rate', true)}
                    </td>
                    <td className="num">{fmtInt(r.output_tokens)}</td>
                    <td className="num">
                      {fmtUsd(r.cost_usd)}
                      {d('cost_usd')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="muted small" style={{ marginTop: 6 }}>
          ▲/▼ change vs the previous release (red when more than 20% worse). Click a release for all its numbers.
        </div>
      </section>
      <div className="grid-2">
        <section className="card" aria-label="Latency chart">
          <h3 style={{ marginBottom: 6 }}>Latency percentiles per release</h3>
          <LatencyChart health={health} />
        </section>
        <section className="card" aria-label="Error chart">
          <h3 style={{ marginBottom: 6 }}>Error and retry rate per release</h3>
          <RateChart health={health} />
        </section>
      </div>
    </>
  );
}

export function ReleasesScreen({ bundleId }: { bundleId: string }) {
  const state = useApi(`health|${bundleId}`, () => call('health', { bundleId }));
  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Releases</h1>
          <div className="sub">How each release behaved in production: canary, rollback, incidents, latency, errors and cost.</div>
        </div>
      </div>
      <Async state={state} what="release health">
        {(h) => <HealthBody health={h} />}
      </Async>
    </div>
  );
}
