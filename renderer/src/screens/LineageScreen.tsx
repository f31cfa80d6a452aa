import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { Async, Empty } from '../components/States';
import { PinButton } from '../components/PinButton';
import { LineageGraph } from './lineage/LineageGraph';
import { useInspector } from '../stores/inspector';
import { VerdictBadge } from '../components/Verdict';
import { useNavigation } from '../stores/navigation';
import { NODE_COLORS } from '../lib/colors';
import { scalarsOf } from '../lib/evidence';
import { fmtDate, fmtDateTime, fmtInt, fmtPct } from '../lib/format';
import type { LineageChain, LineageCompleteness, LineageNode, LineageReport } from '../../../shared/api/analytics';
import { lineageEvidence } from '../lib/evidenceSql';
import { EvidenceLinks } from '../components/EvidenceLinks';
import { NO_TABLES, useSession } from '../stores/session';

function nodeMatches(n: LineageNode, value: string | null): boolean {
  return value !== null && (n.label === value || n.id === value || n.id.endsWith(`:${value}`));
}

function chainNodes(report: LineageReport, chain: LineageChain | null): Set<string> {
  if (!chain || !chain.found_as) return new Set();
  const wanted = [chain.dataset_version, chain.training_run, chain.model_version, chain.release_id];
  return new Set(report.nodes.filter((n) => wanted.some((w) => nodeMatches(n, w)) || (n.type === 'deployment_event' && chain.release_id !== null && n.id.includes(chain.release_id))).map((n) => n.id));
}

function ChainView({ chain }: { chain: LineageChain }) {
  if (!chain.found_as) {
    return (
      <div className="state" data-testid="lineage-chain">
        <h3>No trace, span or record with id “{chain.query_id}”</h3>
        Check the id (trace ids are 32 hex characters, span ids 16) or search spans on the Traces screen.
      </div>
    );
  }
  const steps: [string, string | null][] = [
    ['Dataset version', chain.dataset_version],
    ['Feature pipeline', chain.feature_pipeline],
    ['Training run', chain.training_run],
    ['Model version', chain.model_version],
    ['Release', chain.release_id],
  ];
  return (
    <div data-testid="lineage-chain">
      <div className="muted small" style={{ marginBottom: 8 }}>
        <span className="mono">{chain.query_id}</span> found as a {chain.found_as}.
      </div>
      <div className="row" style={{ alignItems: 'stretch' }}>
        {steps.map(([label, value], i) => (
          <div key={label} className="row" style={{ alignItems: 'center' }}>
            <div className="card" style={{ margin: 0, padding: '8px 12px', minWidth: 140, borderColor: value ? undefined : 'var(--bad)' }}>
              <div className="muted small">{label}</div>
              {value ? <div className="mono">{value}</div> : <div className="sev-high">✗ missing</div>}
            </div>
            {i < steps.length - 1 && <span className="muted">→</span>}
          </div>
        ))}
      </div>
      <div className="kv small" style={{ marginTop: 10 }}>
        {chain.trace_id && (
          <>
            <dt>Trace</dt>
            <dd className="mono">
              {chain.trace_id} ({chain.spans_in_trace} spans)
            </dd>
          </>
        )}
        <dt>Records</dt>
        <dd className="mono">{chain.records.length ? chain.records.slice(0, 5).join(', ') : '—'}</dd>
        <dt>Approved by</dt>
        <dd>{chain.approved_by ?? '—'}</dd>
        <dt>Evals of this item</dt>
        <dd>
          {fmtInt(chain.evals.n)} ({fmtInt(chain.evals.failures)} failed)
        </dd>
        {chain.dataset_version_source && (
          <>
            <dt>Dataset version from</dt>
            <dd>{chain.dataset_version_source === 'row' ? 'the row itself' : "the model's training run"}</dd>
          </>
        )}
      </div>
      {chain.deployment_events.length > 0 && (
        <div className="small" style={{ marginTop: 8 }}>
          Deployment events: {chain.deployment_events.map((e) => `${e.event_type} ${fmtDate(e.ts)}`).join(' · ')}
        </div>
      )}
      {chain.missing.length > 0 && (
        <div className="banner warn" style={{ marginTop: 10 }}>
          <span className="icon">⚠</span>
          <span>
            The chain is broken: missing {chain.missing.join(', ')}. This request cannot be traced back to the data and model that produced it.
          </span>
        </div>
      )}
    </div>
  );
}

function CompletenessCard({ c }: { c: LineageCompleteness }) {
  const navigate = useNavigation((s) => s.navigate);
  const bad = c.share_complete !== null && c.share_complete < 0.99;
  const empty = c.total === 0 || c.share_complete === null;
  return (
    <div className="card" style={{ margin: 0 }}>
      <div className="card-head">
        <h3>{empty ? `${c.table}: no ${c.unit}s to link` : `${c.table}: ${fmtPct(c.share_complete)} of ${c.unit}s fully linked`}</h3>
        {empty ? (
          <VerdictBadge v={{ verdict: 'not_applicable', why: `no ${c.unit}s` }} />
        ) : (
          <span className={`badge ${bad ? 'bad' : 'ok'}`}>{bad ? '⚠ gaps' : '✓ complete'}</span>
        )}
      </div>
      <div className="kv">
        <dt>{c.unit}s</dt>
        <dd>{fmtInt(c.total)}</dd>
        <dt>with model version</dt>
        <dd>
          {fmtInt(c.with_model_version)} ({fmtPct(c.total ? c.with_model_version / c.total : null)})
        </dd>
        <dt>with dataset version</dt>
        <dd>
          {fmtInt(c.with_dataset_version)} ({fmtPct(c.total ? c.with_dataset_version / c.total : null)})
        </dd>
        <dt>with release</dt>
        <dd>
          {fmtInt(c.with_release)} ({fmtPct(c.total ? c.with_release / c.total : null)})
        </dd>
      </div>
      {c.gaps.map((g) => (
        <div key={g.reason} className="small" style={{ marginTop: 8 }}>
          <span className="sev-high">✗</span> {fmtInt(g.count)} {c.unit}s: {g.reason}.{' '}
          {g.examples.length > 0 && (
            <>
              e.g.{' '}
              {g.examples.slice(0, 3).map((ex) => (
                <button key={ex} type="button" className="link mono" style={{ marginRight: 6 }} onClick={() => navigate('lineage', { id: ex })}>
                  {ex.length > 14 ? `${ex.slice(0, 12)}…` : ex}
                </button>
              ))}
            </>
          )}
        </div>
      ))}
    </div>
  );
}

function LineageBody({ report, lookup }: { report: LineageReport; lookup: { data: LineageReport | null; loading: boolean; error: unknown } | null }) {
  const select = useInspector((s) => s.select);
  const tables = useSession((s) => s.summary?.tables ?? NO_TABLES);
  const [selected, setSelected] = useState<string | null>(null);
  const chain = lookup?.data?.chain ?? null;
  const highlight = useMemo(() => chainNodes(report, chain), [report, chain]);
  const showEvents = useNavigation((s) => s.route.params.events === '1');
  const setParams = useNavigation((s) => s.setParams);
  // Deployment events crowd the graph (several per release); they are summarised on the release node's status unless asked for.
  const graph = useMemo(() => {
    if (showEvents) return { nodes: report.nodes, edges: report.edges };
    const nodes = report.nodes.filter((n) => n.type !== 'deployment_event');
    const ids = new Set(nodes.map((n) => n.id));
    return { nodes, edges: report.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
  }, [report, showEvents]);
  const eventCount = report.nodes.length - graph.nodes.length;
  const onSelect = (n: LineageNode) => {
    setSelected(n.id);
    select({
      kind: n.type.replace('_', ' '),
      title: n.label,
      fields: [
        ['Status', n.status === 'ok' ? '✓ ok' : n.status === 'warning' ? '⚠ warning' : '✗ error'] as [string, string],
        ...(n.issues.length ? [['Issues', n.issues.join('; ')] as [string, string]] : []),
        ...(n.defined ? [] : [['Defined', 'no: referenced by another table but missing from its own'] as [string, string]]),
        ...Object.entries(n.detail).map(([k, v]) => [k, v === null ? '—' : String(v)] as [string, string]),
      ],
      body: <EvidenceLinks label={`Rows behind ${n.type.replace('_', ' ')} ${n.label}`} intro="Show the rows:" queries={lineageEvidence(tables, n.type, n.label)} />,
    });
  };
  return (
    <>
      {report.nodes.length === 0 ? (
        <Empty title="No lineage entities">The bundle has no dataset_versions, training_runs, model_versions or releases tables to link.</Empty>
      ) : (
        <section className="card" aria-label="Lineage graph">
          <div className="card-head">
            <h2>Dataset → training run → model → release → deployment</h2>
            <PinButton title="Lineage graph" defaultSeverity="info" evidence={() => report.nodes.map((n) => ({ id: n.id, type: n.type, label: n.label, status: n.status }))} />
          </div>
          <div className="legend" style={{ marginBottom: 8 }}>
            {Object.entries(NODE_COLORS).map(([t, c]) => (
              <span key={t}>
                <span className="swatch" style={{ background: c }} />
                {t.replace('_', ' ')}
              </span>
            ))}
            <span>⚠ warning · ✗ error (dashed red border)</span>
          </div>
          <label className="row small" style={{ marginBottom: 8 }}>
            <input type="checkbox" checked={showEvents} onChange={(e) => setParams({ events: e.target.checked ? '1' : '' }, false)} />
            Show deployment events{!showEvents && eventCount > 0 ? ` (${eventCount} hidden)` : ''}
          </label>
          <LineageGraph nodes={graph.nodes} edges={graph.edges} selected={selected} highlight={highlight} onSelect={onSelect} />
        </section>
      )}
      <div className="grid-2" style={{ marginBottom: 14 }}>
        {report.completeness.map((c) => (
          <CompletenessCard key={c.table} c={c} />
        ))}
      </div>
      {report.changelog.length > 0 && (
        <section className="card" aria-label="Release change log">
          <div className="card-head">
            <h2>Release change log</h2>
            <PinButton title="Release change log" evidence={() => report.changelog.map(scalarsOf)} />
          </div>
          <table className="data">
            <thead>
              <tr>
                <th>Release</th>
                <th>Released</th>
                <th>Model</th>
                <th>Dataset</th>
                <th>Approved by</th>
                <th>Eval before release</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {report.changelog.map((c) => (
                <tr key={c.release_id}>
                  <td>{c.release_id}</td>
                  <td className="small">{fmtDateTime(c.released_at)}</td>
                  <td className="mono small">
                    {c.previous_model_version && c.previous_model_version !== c.model_version ? `${c.previous_model_version} → ` : ''}
                    {c.model_version ?? '—'}
                  </td>
                  <td className="mono small">
                    {c.previous_dataset_version && c.previous_dataset_version !== c.dataset_version ? `${c.previous_dataset_version} → ` : ''}
                    {c.dataset_version ?? '—'}
                  </td>
                  <td>
                    {c.approved_by ?? <span className="sev-high">✗ none</span>}
                    {c.approval_source === 'audit_log' && <span className="muted small"> (audit log only)</span>}
                  </td>
                  <td>{c.eval_before_release ? <span className="badge ok">✓ yes</span> : <span className="badge bad">✗ no</span>}</td>
                  <td>{c.outcome === 'rolled_back' ? <span className="badge bad">↩ rolled back</span> : c.outcome === 'promoted' ? <span className="badge ok">✓ promoted</span> : <span className="badge na">{c.outcome}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

export function LineageScreen({ bundleId }: { bundleId: string }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const id = route.params.id ?? '';
  const [draft, setDraft] = useState(id);
  useEffect(() => setDraft(id), [id]);
  const base = useApi(`lineage|${bundleId}`, () => call('lineage', { bundleId }));
  const lookup = useApi(id ? `lineage|${bundleId}|${id}` : null, () => call('lineage', { bundleId, id }));
  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Lineage</h1>
          <div className="sub">Can every prediction be traced back to the model, training run and dataset that produced it?</div>
        </div>
      </div>
      <form
        className="card"
        aria-label="Look up a trace, span or record id"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ id: draft.trim() });
        }}
      >
        <div className="row">
          <label className="field flex1">
            Look up a trace, span or record id
            <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="e.g. 4bf92f3577b34da6a3ce929d0e0e4736" className="mono" aria-label="Trace, span or record id" />
          </label>
          <button type="submit" className="primary" style={{ alignSelf: 'flex-end' }} disabled={!draft.trim()}>
            Show chain
          </button>
        </div>
        {id && (
          <div style={{ marginTop: 12 }}>
            <Async state={lookup} what={`the chain of ${id}`}>
              {(r) => (r.chain ? <ChainView chain={r.chain} /> : <div className="muted">The engine returned no chain for {id}.</div>)}
            </Async>
          </div>
        )}
      </form>
      <Async state={base} what="lineage">
        {(r) => <LineageBody report={r} lookup={id ? lookup : null} />}
      </Async>
    </div>
  );
}
