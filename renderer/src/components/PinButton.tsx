import { useState } from 'react';
import type { ConditionLine, Finding, FindingChart, Severity } from '../../../shared/api/workspace';
import { Dialog } from './Dialog';
import { SEVERITY_ORDER, useWorkspace } from '../stores/workspace';
import { useNavigation, type RouteParams } from '../stores/navigation';
import { useStale } from '../lib/freshness';
import { SEVERITY_LABEL } from '../../../shared/severity';
import { plural } from '../lib/format';

type EvidenceRow = Record<string, string | number | boolean | null>;

/** Everything a finding records about the result on screen, taken at the moment "Pin" is pressed. */
export interface PinContent {
  title: string;
  evidence: EvidenceRow[];
  /** Screen and route parameters that reproduce the result (default: the current route). */
  source?: { screen: string; params: RouteParams };
  request?: Finding['request'];
  criterion?: string;
  condition?: ConditionLine[];
  chart?: FindingChart;
}

/**
 * "Pin as finding": note + severity, with the request, the numbers and the chart of the result shown. The content
 * is snapshotted when the dialog opens, and the button is disabled while the result on screen is stale.
 */
export function PinButton({
  title,
  evidence,
  content,
  defaultSeverity = 'medium',
  compact = false,
}: {
  title: string;
  evidence?: () => EvidenceRow[];
  /** Richer content (criterion, condition, chart, request); `title`/`evidence` are used when absent. */
  content?: () => PinContent;
  defaultSeverity?: Severity;
  compact?: boolean;
}) {
  const [snapshot, setSnapshot] = useState<PinContent | null>(null);
  const [note, setNote] = useState('');
  const [severity, setSeverity] = useState<Severity>(defaultSeverity);
  const [findingTitle, setFindingTitle] = useState(title);
  const [pinned, setPinned] = useState(false);
  const hasWorkspace = useWorkspace((s) => s.workspace !== null);
  const addFinding = useWorkspace((s) => s.addFinding);
  const stale = useStale();

  const start = () => {
    const route = useNavigation.getState().route;
    const c: PinContent = content ? content() : { title, evidence: evidence ? evidence() : [] };
    setSnapshot({ ...c, source: c.source ?? { screen: route.screen, params: route.params } });
    setFindingTitle(c.title);
    setNote('');
    setSeverity(defaultSeverity);
  };
  const pin = () => {
    if (!snapshot) return;
    addFinding({
      title: findingTitle.trim() || snapshot.title,
      note,
      severity,
      source: snapshot.source ?? { screen: 'findings', params: {} },
      evidence: snapshot.evidence.slice(0, 1000),
      ...(snapshot.request ? { request: snapshot.request } : {}),
      ...(snapshot.criterion ? { criterion: snapshot.criterion } : {}),
      ...(snapshot.condition?.length ? { condition: snapshot.condition } : {}),
      ...(snapshot.chart ? { chart: snapshot.chart } : {}),
    });
    setSnapshot(null);
    setPinned(true);
    setTimeout(() => setPinned(false), 2500);
  };

  return (
    <>
      <button
        type="button"
        className={compact ? 'ghost small' : 'small'}
        onClick={start}
        disabled={!hasWorkspace || stale}
        title={stale ? 'The result on screen is from the previous selection; pin it when the new result has arrived' : 'Pin this evidence as a finding (note + severity)'}
      >
        ⊕ {pinned ? 'Pinned' : 'Pin as finding'}
      </button>
      <Dialog open={snapshot !== null} onClose={() => setSnapshot(null)} label="Pin as finding">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            pin();
          }}
        >
          <div className="dialog-body" style={{ width: 560 }}>
            <h2>Pin as finding</h2>
            <label className="field">
              Title
              <input value={findingTitle} onChange={(e) => setFindingTitle(e.target.value)} maxLength={500} required />
            </label>
            <label className="field">
              Severity
              <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
                {SEVERITY_ORDER.map((s) => (
                  <option key={s} value={s}>
                    {SEVERITY_LABEL[s]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Note
              <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={4} placeholder="What this shows and why it matters" autoFocus />
            </label>
            {snapshot?.criterion && (
              <div className="small" style={{ marginTop: 6 }}>
                <strong>Criterion:</strong> {snapshot.criterion}
              </div>
            )}
            <div className="muted small" style={{ marginTop: 6 }}>
              Saved with the finding: the request behind this result, {snapshot?.condition?.length ? 'the condition found, ' : ''}
              {snapshot?.chart ? 'the chart, ' : ''}and {plural(snapshot?.evidence.length ?? 0, 'evidence row')} as an attachment.
            </div>
          </div>
          <div className="dialog-actions">
            <button type="button" onClick={() => setSnapshot(null)}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Pin finding
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
