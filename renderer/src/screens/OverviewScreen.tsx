import { useEffect, useRef } from 'react';
import * as Plot from '@observablehq/plot';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { Async, Empty } from '../components/States';
import { PlotChart } from '../components/PlotChart';
import { PinButton } from '../components/PinButton';
import { EVENT_COLORS, EVENT_SYMBOLS } from '../lib/colors';
import { fmtDate, fmtPct, plural, toDate } from '../lib/format';
import { scalarsOf } from '../lib/evidence';
import { useNavigation } from '../stores/navigation';
import { goToTarget } from '../lib/targets';
import { useSession } from '../stores/session';
import type { Overview, PostureReport } from '../../../shared/api/analytics';
import { VerdictBadge, VerdictTally } from '../components/Verdict';
import { severityRank } from '../../../shared/severity';

const KIND_ICON: Record<string, string> = { drift: '≋', coverage: '▦', canary: '⚑', lineage: '⇢', logging: '◷', integrity: '⚠', eval: '✓', performance: '⚖', fairness: '⚖' };

function ReleaseTimeline({ overview }: { overview: Overview }) {
  const events = overview.releases.flatMap((r) =>
    r.events.map((e) => ({ release: r.release_id, type: e.event_type ?? 'unknown', date: toDate(e.ts) })).filter((e): e is { release: string; type: string; date: Date } => e.date !== null),
  );
  const releases = overview.releases.map((r) => ({ release: r.release_id, date: toDate(r.released_at) })).filter((r): r is { release: string; date: Date } => r.date !== null);
  if (events.length === 0 && releases.length === 0) return <Empty title="No release events">This bundle has no deployment_events table, so there is no timeline to draw.</Empty>;
  // Serving period per release, read from its events: from canary start to its rollback, or to the next promoted release.
  const firstTs = (r: Overview['releases'][number], type: string) => toDate(r.events.find((e) => e.event_type === type)?.ts ?? null);
  const periods = overview.releases
    .map((r, i) => {
      const start = firstTs(r, 'canary_start') ?? firstTs(r, 'promote') ?? toDate(r.released_at);
      const rollback = firstTs(r, 'rollback');
      const nextPromote = overview.releases.slice(i + 1).map((n) => firstTs(n, 'promote')).find((d) => d !== null) ?? null;
      const end = rollback ?? nextPromote ?? toDate(overview.period.end);
      return { release: r.release_id, start, end };
    })
    .filter((p): p is { release: string; start: Date; end: Date } => p.start !== null && p.end !== null && p.end > p.start);
  const types = Object.keys(EVENT_COLORS).filter((t) => events.some((e) => e.type === t));
  const extra = [...new Set(events.map((e) => e.type))].filter((t) => !types.includes(t));
  const domain = [...types, ...extra];
  const start = toDate(overview.period.start);
  const end = toDate(overview.period.end);
  return (
    <PlotChart
      label="Releases on a timeline with their deployment events"
      testId="release-timeline"
      deps={[overview]}
      plot={(width) =>
        Plot.plot({
          width,
          height: 70 + overview.releases.length * 36,
          marginLeft: 56,
          marginRight: 20,
          x: { type: 'utc', label: 'Date (UTC) →', grid: true, ...(start && end ? { domain: [start, end] } : {}) },
          y: { label: 'Release', domain: overview.releases.map((r) => r.release_id) },
          color: { legend: true, domain, range: domain.map((t, i) => EVENT_COLORS[t] ?? ['#888', '#444'][i % 2] ?? '#888') },
          symbol: { domain, range: domain.map((t) => EVENT_SYMBOLS[t] ?? 'circle') },
          marks: [
            Plot.ruleY(overview.releases.map((r) => r.release_id), { stroke: 'currentColor', strokeOpacity: 0.12 }),
            Plot.barX(periods, { x1: 'start', x2: 'end', y: 'release', fill: 'currentColor', fillOpacity: 0.1, insetTop: 6, insetBottom: 6 }),
            Plot.tickX(releases, { x: 'date', y: 'release', stroke: 'currentColor', strokeOpacity: 0.5 }),
            Plot.dot(events, {
              x: 'date',
              y: 'release',
              stroke: 'type',
              fill: 'type',
              symbol: 'type',
              r: 5,
              channels: { Event: 'type', Release: 'release' },
              tip: { format: { x: (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16), fill: false, stroke: false, symbol: false, y: false } },
            }),
          ],
        })
      }
    />
  );
}

function OverviewBody({ overview }: { overview: Overview }) {
  const summary = useSession((s) => s.summary);
  const headline = [...overview.headline].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return (
    <>
      <div className="card">
        <div className="stats">
          <div className="stat">
            <div className="v">
              {fmtDate(overview.period.start)} → {fmtDate(overview.period.end)}
            </div>
            <div className="l">period covered</div>
          </div>
          <div className="stat">
            <div className="v">{overview.releases.length}</div>
            <div className="l">releases</div>
          </div>
          <div className="stat">
            <div className="v">{overview.model_versions.length}</div>
            <div className="l">model versions</div>
          </div>
          <div className="stat">
            <div className="v" style={{ color: headline.some((h) => h.severity === 'high') ? 'var(--bad)' : undefined }}>{headline.length}</div>
            <div className="l">{overview.scans_pending || overview.checks_pending ? 'headline findings so far' : 'headline findings'}</div>
          </div>
          {summary && (
            <div className="stat">
              <div className="v">{summary.integrity.state}</div>
              <div className="l">integrity</div>
            </div>
          )}
        </div>
        <div className="kv" style={{ marginTop: 12 }}>
          <dt>Systems</dt>
          <dd>{overview.systems.join(', ') || '—'}</dd>
          <dt>Model versions</dt>
          <dd className="mono small">{overview.model_versions.join(', ') || '—'}</dd>
        </div>
      </div>
      <section className="card" aria-label="Headline findings">
        <div className="card-head">
          <h2>What needs attention</h2>
          <span className="muted small">click a finding to open its evidence</span>
        </div>
        {overview.checks_pending ? (
          <div className="stale-note" role="status" data-testid="overview-checks-pending">
            <div className="loading-bar" />
            The lineage, coverage, release health, eval and logging checks and the drift, performance and fairness scans are still running; their findings will be added to this list.
          </div>
        ) : (
          overview.scans_pending && (
            <div className="stale-note" role="status" data-testid="overview-scans-pending">
              <div className="loading-bar" />
              The release-to-release drift scan and the performance and fairness scan are still running; their findings will be added to this list.
            </div>
          )
        )}
        {headline.length === 0 ? (
          overview.checks_pending ? (
            <div className="muted">No integrity problem found at import; nothing else is checked yet.</div>
          ) : overview.scans_pending ? (
            <div className="muted">No coverage, canary, lineage, logging or integrity problems with the default parameters; drift and performance are not checked yet.</div>
          ) : (
            <div className="muted">✓ The engine found no drift, coverage, canary, lineage, logging or integrity problems with the default parameters.</div>
          )
        ) : (
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="headline-findings">
            {headline.map((h) => (
              <li key={h.id} style={{ borderBottom: '1px solid var(--border)' }}>
                <button type="button" className="ghost" style={{ width: '100%', textAlign: 'left', padding: '9px 6px', display: 'flex', gap: 12, whiteSpace: 'normal' }} onClick={() => goToTarget(h.target)}>
                  <span className={`badge ${h.severity === 'high' ? 'bad' : h.severity === 'medium' ? 'warn' : 'na'}`} style={{ width: 74, justifyContent: 'center', alignSelf: 'flex-start' }}>
                    {h.severity === 'high' ? '▲' : h.severity === 'medium' ? '●' : '○'} {h.severity}
                  </span>
                  <span aria-hidden="true" style={{ width: 16, color: 'var(--muted)' }}>
                    {KIND_ICON[h.kind] ?? '•'}
                  </span>
                  <span className="flex1">
                    <strong>{h.title}</strong>
                    <span className="muted small" style={{ display: 'block' }}>
                      {h.detail}
                    </span>
                  </span>
                  <span className="muted small">{h.kind} →</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-label="Release timeline">
        <div className="card-head">
          <h2>Releases and deployment events</h2>
          <span className="muted small">shaded: serving period derived from the events</span>
          <PinButton
            title="Release timeline"
            defaultSeverity="info"
            evidence={() => overview.releases.flatMap((r) => r.events.map((e) => ({ release: r.release_id, event: e.event_type, ts: e.ts })))}
          />
        </div>
        <ReleaseTimeline overview={overview} />
        <table className="data" style={{ marginTop: 10 }} data-testid="release-events">
          <thead>
            <tr>
              <th>Release</th>
              <th>Released</th>
              <th>Model</th>
              <th>Dataset</th>
              <th>Outcome</th>
              <th>Events in order</th>
            </tr>
          </thead>
          <tbody>
            {overview.releases.map((r) => (
              <tr key={r.release_id} className="clickable" onClick={() => useNavigation.getState().navigate('releases', { release: r.release_id })}>
                <td>
                  <button type="button" className="link" onClick={(e) => { e.stopPropagation(); useNavigation.getState().navigate('releases', { release: r.release_id }); }}>
                    {r.release_id}
                  </button>
                </td>
                <td className="small">{fmtDate(r.released_at)}</td>
                <td className="mono small">{r.model_version ?? '—'}</td>
                <td className="mono small">{r.dataset_version ?? '—'}</td>
                <td>{r.outcome === 'rolled_back' ? <span className="badge bad">↩ rolled back</span> : r.outcome === 'promoted' ? <span className="badge ok">✓ promoted</span> : <span className="badge na">{r.outcome.replace('_', ' ')}</span>}</td>
                <td className="small wrap">{r.events.map((e) => `${e.event_type ?? '?'} ${e.ts ? e.ts.slice(5, 10) : ''}`).join(' → ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function PostureCard({ posture }: { posture: PostureReport }) {
  const ref = useRef<HTMLElement>(null);
  const section = useNavigation((s) => s.route.params.section);
  useEffect(() => {
    if (section === 'posture') ref.current?.scrollIntoView({ block: 'start' });
  }, [section]);
  return (
    <section className="card" aria-label="Logging and compliance posture" ref={ref} id="posture">
      <div className="card-head">
        <h2>Logging and compliance posture</h2>
        <PinButton title="Compliance checklist" evidence={() => posture.checklist.map(scalarsOf)} />
      </div>
      <div className="kv" style={{ marginBottom: 10 }}>
        <dt>Logging window</dt>
        <dd>
          {posture.first_event === null ? (
            <VerdictBadge v={{ verdict: 'not_applicable', why: 'no timestamped span or serving record, so there is no logging window' }} />
          ) : (
            <>
              {fmtDate(posture.first_event)} → {fmtDate(posture.last_event)} ({plural(posture.days_covered, 'day')}; retention target {plural(posture.retention_min_days, 'day')}:{' '}
              {posture.meets_retention ? '✓ met' : '✗ not met'})
            </>
          )}
        </dd>
        <dt>Silent periods</dt>
        <dd>
          {posture.first_event === null ? (
            <VerdictBadge v={{ verdict: 'not_applicable', why: 'the logging window cannot be measured' }} />
          ) : posture.gaps.length === 0 ? (
            posture.tables.some((t) => t.continuous) ? '✓ none' : <VerdictBadge v={{ verdict: 'not_applicable', why: 'no continuous log with timestamps' }} />
          ) : (
            posture.gaps.map((g) => (
                <div key={`${g.table}${g.start}`}>
                  <span className="sev-high">✗</span> {g.table}: no entries {g.start} → {g.end} ({plural(g.days, 'day')})
                </div>
              ))
          )}
        </dd>
        <dt>Spans with trace / model / dataset</dt>
        <dd>
          {fmtPct(posture.share_with_trace_id)} / {fmtPct(posture.share_with_model_version)} / {fmtPct(posture.share_with_dataset_version)}
        </dd>
        <dt>Deployments with an audit entry</dt>
        <dd>{fmtPct(posture.deployment_events_with_audit_entry)}</dd>
      </div>
      <VerdictTally items={posture.checklist} testId="checklist-tally" />
      <table className="data" data-testid="checklist">
        <thead>
          <tr>
            <th>Evidence</th>
            <th>Verdict</th>
            <th>Value</th>
            <th>EU AI Act</th>
            <th>NIST AI RMF</th>
            <th>ISO 42001</th>
          </tr>
        </thead>
        <tbody>
          {posture.checklist.map((c) => {
            return (
              <tr key={c.id} data-check={c.id}>
                <td className="wrap">{c.evidence}</td>
                <td className="wrap">
                  <VerdictBadge v={c} rule={c.rule} />
                </td>
                <td className="wrap small">{c.value}</td>
                <td className="small">{c.frameworks.eu_ai_act.join(', ')}</td>
                <td className="small">{c.frameworks.nist_ai_rmf.join(', ')}</td>
                <td className="small">{c.frameworks.iso_42001.join(', ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function OverviewScreen({ bundleId }: { bundleId: string }) {
  // Three answers, each replacing the one before: the Overview before its checks (period, releases, import
  // findings), then without its two scans, then the full one. Most of the time is the checks and the scans.
  const basics = useApi(`overview-basics|${bundleId}`, () => call('overview', { bundleId, checks: false }));
  const quick = useApi(`overview-without-scans|${bundleId}`, () => call('overview', { bundleId, scans: false }));
  const state = useApi(`overview|${bundleId}`, () => call('overview', { bundleId }));
  // The latest answer that arrived; the checks still run inside the full Overview when the scan-free request failed.
  const early = state.data === null && state.error === null ? (quick.data ?? basics.data) : null;
  const posture = useApi(`posture|${bundleId}`, () => call('posture', { bundleId }));
  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Overview</h1>
          <div className="sub">The bundle at a glance: what it covers, what shipped when, and what looks wrong.</div>
        </div>
      </div>
      {early !== null ? (
        <OverviewBody overview={early} />
      ) : (
        <Async state={state} what="the overview">
          {(o) => <OverviewBody overview={o} />}
        </Async>
      )}
      <Async state={posture} what="the logging and compliance posture">
        {(p) => <PostureCard posture={p} />}
      </Async>
    </div>
  );
}
