import { useWorkspace, SEVERITY_ORDER } from '../stores/workspace';
import { useNavigation, isScreen } from '../stores/navigation';
import { Empty, ErrorState, Loading } from '../components/States';
import { fmtDateTime } from '../lib/format';
import type { Finding, Severity } from '../../../shared/api/workspace';

const SEV_BADGE: Record<Severity, string> = { high: 'bad', medium: 'warn', low: 'na', info: 'info' };

function FindingCard({ f }: { f: Finding }) {
  const update = useWorkspace((s) => s.updateFinding);
  const remove = useWorkspace((s) => s.removeFinding);
  const navigate = useNavigation((s) => s.navigate);
  const evidenceKeys = Object.keys(f.evidence[0] ?? {});
  return (
    <article className="card" aria-label={`Finding: ${f.title}`} data-testid="finding">
      <div className="card-head">
        <span className={`badge ${SEV_BADGE[f.severity]}`}>{f.severity}</span>
        <h3 style={{ flex: 1 }}>{f.title}</h3>
        <span className="muted small">{fmtDateTime(f.created_at)}</span>
      </div>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <label className="field">
          Severity
          <select value={f.severity} onChange={(e) => update(f.id, { severity: e.target.value as Severity })} aria-label={`Severity of ${f.title}`}>
            {SEVERITY_ORDER.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field flex1">
          Note
          <textarea rows={3} value={f.note} onChange={(e) => update(f.id, { note: e.target.value })} aria-label={`Note for ${f.title}`} style={{ fontFamily: 'var(--font)' }} />
        </label>
      </div>
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
        <details style={{ marginTop: 8 }}>
          <summary className="small">{f.evidence.length} evidence row(s) pinned</summary>
          <div style={{ overflowX: 'auto', maxHeight: 240 }}>
            <table className="data">
              <thead>
                <tr>
                  {evidenceKeys.map((k) => (
                    <th key={k}>{k}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {f.evidence.slice(0, 50).map((row, i) => (
                  <tr key={i}>
                    {evidenceKeys.map((k) => (
                      <td key={k} className="small">
                        {row[k] === null || row[k] === undefined ? '—' : String(row[k])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </article>
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
            What you pinned, with your notes. Saved automatically to the workspace file next to the bundle{path ? <> (<span className="mono">{path}</span>)</> : null} and included in the report.
          </div>
        </div>
        <span className="muted small" style={{ alignSelf: 'center' }}>
          {saveState === 'saving' ? 'Saving…' : saveState === 'saved' ? `✓ Saved ${fmtDateTime(savedAt)}` : ''}
        </span>
      </div>
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
