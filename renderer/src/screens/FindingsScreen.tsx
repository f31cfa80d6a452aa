import * as Plot from '@observablehq/plot';
import { useWorkspace, SEVERITY_ORDER } from '../stores/workspace';
import { useNavigation, isScreen } from '../stores/navigation';
import { Empty, ErrorState, Loading } from '../components/States';
import { PlotChart } from '../components/PlotChart';
import { BASELINE, CURRENT } from '../lib/colors';
import { fmtDateTime, plural } from '../lib/format';
import { evidenceCellText, evidenceColumns, evidenceHeading } from '../../../shared/evidenceText';
import { SEVERITY_LABEL } from '../../../shared/severity';
import type { Finding, FindingChart, Severity } from '../../../shared/api/workspace';

const SEV_BADGE: Record<Severity, string> = { high: 'bad', medium: 'warn', low: 'na', info: 'info' };

/** The chart as it was pinned, redrawn from its numbers. */
function PinnedChart({ chart }: { chart: FindingChart }) {
  const rows = chart.series.flatMap((s) => chart.categories.map((c, i) => ({ category: c, series: s.name, role: s.role, value: s.values[i] ?? null })));
  const names = chart.series.map((s) => s.name);
  const colours = chart.series.map((s) => (s.role === 'baseline' ? BASELINE : CURRENT));
  const longest = Math.max(0, ...chart.categories.map((c) => c.length));
  return (
    <PlotChart
      label={chart.title}
      testId="finding-chart"
      deps={[chart]}
      minHeight={220}
      plot={(width) =>
        Plot.plot({
          width,
          height: 240,
          marginLeft: 52,
          marginBottom: Math.min(120, 40 + longest * 5),
          x: { domain: chart.categories, label: chart.x_label, tickRotate: chart.categories.length > 6 || longest > 10 ? -30 : 0, padding: 0.12 },
          y: { label: `${chart.y_label} (%)`, percent: true, grid: true },
          color: { domain: names, range: colours, legend: true },
          marks: [
            Plot.barY(rows.filter((r) => r.role !== 'current'), { x: 'category', y: 'value', fill: 'series', fillOpacity: 0.75 }),
            Plot.barY(rows.filter((r) => r.role === 'current'), { x: 'category', y: 'value', stroke: 'series', fill: 'series', fillOpacity: 0.15, strokeWidth: 2, inset: 4 }),
            Plot.ruleY([0]),
          ],
        })
      }
    />
  );
}

function EvidenceTable({ f }: { f: Finding }) {
  const cols = evidenceColumns(f.evidence);
  return (
    <div className="table-scroll" style={{ maxHeight: 260 }}>
      <table className="data sticky-first">
        <thead>
          <tr>
            {cols.map((k) => (
              <th key={k} className={typeof f.evidence[0]?.[k] === 'number' ? 'num' : undefined}>
                {evidenceHeading(k)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {f.evidence.slice(0, 100).map((row, i) => (
            <tr key={i}>
              {cols.map((k) => (
                <td key={k} className={`small${typeof row[k] === 'number' ? ' num' : ''}`}>
                  {evidenceCellText(k, row[k])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {f.evidence.length > 100 && <div className="muted small">First 100 of {plural(f.evidence.length, 'row')}; all are in the workspace file and the report’s results.json.</div>}
    </div>
  );
}

function FindingCard({ f }: { f: Finding }) {
  const update = useWorkspace((s) => s.updateFinding);
  const remove = useWorkspace((s) => s.removeFinding);
  const navigate = useNavigation((s) => s.navigate);
  const structured = (f.condition?.length ?? 0) > 0;
  return (
    <article className="card finding-card" aria-label={`Finding: ${f.title}`} data-testid="finding">
      <div className="card-head">
        <span className={`badge ${SEV_BADGE[f.severity]}`}>{SEVERITY_LABEL[f.severity]}</span>
        <h3 style={{ flex: 1 }}>{f.title}</h3>
        <span className="muted small">{fmtDateTime(f.created_at)}</span>
      </div>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <label className="field">
          Severity
          <select value={f.severity} onChange={(e) => update(f.id, { severity: e.target.value as Severity })} aria-label={`Severity of ${f.title}`}>
            {SEVERITY_ORDER.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field flex1">
          Note
          <textarea rows={3} value={f.note} onChange={(e) => update(f.id, { note: e.target.value })} aria-label={`Note for ${f.title}`} style={{ fontFamily: 'var(--font)' }} />
        </label>
      </div>
      {f.criterion && (
        <div className="small" style={{ marginTop: 8 }} data-testid="finding-criterion">
          <strong>Criterion.</strong> {f.criterion}
        </div>
      )}
      {structured && (
        <div style={{ marginTop: 8 }}>
          <div className="small">
            <strong>Condition found</strong>
          </div>
          <dl className="kv condition" data-testid="finding-condition">
            {f.condition?.map((c) => (
              <div key={c.label} style={{ display: 'contents' }}>
                <dt>{c.label}</dt>
                <dd className="num-text">{c.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      {f.chart && (
        <div style={{ marginTop: 8 }}>
          <PinnedChart chart={f.chart} />
        </div>
      )}
      <div className="row small" style={{ marginTop: 8 }}>
        <span className="muted">
          From {f.source.screen}
          {Object.keys(f.source.params).length > 0 && ` (${Object.entries(f.source.params).map(([k, v]) => `${k}=${v}`).join(', ').slice(0, 160)})`}
        </span>
        <span className="flex1" />
        {isScreen(f.source.screen) && (
          <button type="button" onClick={() => navigate(f.source.screen as Parameters<typeof navigate>[0], f.source.params)}>
            Open evidence
          </button>
        )}
        <button type="button" className="danger" onClick={() => remove(f.id)}>
          Delete
        </button>
      </div>
      {f.evidence.length > 0 && (
        <details style={{ marginTop: 8 }} open={!structured}>
          <summary className="small">
            {structured ? 'Attachment: raw evidence' : 'Evidence'} ({plural(f.evidence.length, 'row')})
          </summary>
          <EvidenceTable f={f} />
        </details>
      )}
    </article>
  );
}

function UndoBar() {
  const deleted = useWorkspace((s) => s.deleted);
  const undo = useWorkspace((s) => s.undoRemove);
  const dismiss = useWorkspace((s) => s.dismissUndo);
  if (!deleted) return null;
  return (
    <div className="banner info" role="status" data-testid="undo-delete">
      <span className="flex1">Deleted “{deleted.finding.title}”.</span>
      <button type="button" className="primary" onClick={undo}>
        Undo
      </button>
      <button type="button" className="ghost" onClick={dismiss} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}

export function FindingsScreen() {
  const { workspace, path, loadError, saveError, saveState, savedAt, notice } = useWorkspace();
  if (!workspace) return <Loading what="the workspace" />;
  const findings = [...workspace.findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.created_at.localeCompare(b.created_at));
  return (
    <div style={{ maxWidth: 1100 }}>
      <div className="screen-head">
        <div className="titles">
          <h1>Findings</h1>
          <div className="sub">
            What you pinned, with your notes: each with the criterion it was judged against, the condition found and the chart as pinned. Saved automatically to the workspace file next to the bundle
            {path ? (
              <>
                {' '}
                (<span className="mono">{path}</span>)
              </>
            ) : null}{' '}
            and included in the report.
          </div>
        </div>
        <span className="muted small" style={{ alignSelf: 'center' }}>
          {saveState === 'saving' ? 'Saving…' : saveState === 'saved' ? `✓ Saved ${fmtDateTime(savedAt)}` : ''}
        </span>
      </div>
      <UndoBar />
      {notice && (
        <div className="banner warn">
          <span className="icon">⚠</span>
          <span>{notice}</span>
        </div>
      )}
      {loadError && <ErrorState error={loadError} what="the saved workspace (findings are kept in memory only)" />}
      {saveError && <ErrorState error={saveError} what="— could not save the workspace" onRetry={() => void useWorkspace.getState().saveNow()} />}
      {findings.length === 0 ? (
        <Empty title="No findings yet">Use “⊕ Pin as finding” on any chart or table to record what you see, with a note and a severity.</Empty>
      ) : (
        <div className="findings-list">
          {findings.map((f) => (
            <FindingCard key={f.id} f={f} />
          ))}
        </div>
      )}
    </div>
  );
}
