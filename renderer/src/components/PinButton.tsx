import { useState } from 'react';
import type { Severity } from '../../../shared/api/workspace';
import { Dialog } from './Dialog';
import { SEVERITY_ORDER, useWorkspace } from '../stores/workspace';
import { useNavigation } from '../stores/navigation';

type EvidenceRow = Record<string, string | number | boolean | null>;

/** "Pin as finding": note + severity, with the screen parameters and a snapshot of the numbers shown. */
export function PinButton({
  title,
  evidence,
  defaultSeverity = 'medium',
  compact = false,
}: {
  title: string;
  evidence: () => EvidenceRow[];
  defaultSeverity?: Severity;
  compact?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [severity, setSeverity] = useState<Severity>(defaultSeverity);
  const [findingTitle, setFindingTitle] = useState(title);
  const [pinned, setPinned] = useState(false);
  const hasWorkspace = useWorkspace((s) => s.workspace !== null);
  const addFinding = useWorkspace((s) => s.addFinding);

  const start = () => {
    setFindingTitle(title);
    setNote('');
    setSeverity(defaultSeverity);
    setOpen(true);
  };
  const pin = () => {
    const route = useNavigation.getState().route;
    addFinding({
      title: findingTitle.trim() || title,
      note,
      severity,
      source: { screen: route.screen, params: route.params },
      evidence: evidence().slice(0, 1000),
    });
    setOpen(false);
    setPinned(true);
    setTimeout(() => setPinned(false), 2500);
  };

  return (
    <>
      <button type="button" className={compact ? 'ghost small' : 'small'} onClick={start} disabled={!hasWorkspace} title="Pin this evidence as a finding (note + severity)">
        ⊕ {pinned ? 'Pinned' : 'Pin as finding'}
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} label="Pin as finding">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            pin();
          }}
        >
          <div className="dialog-body" style={{ width: 520 }}>
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
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Note
              <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={4} placeholder="What this shows and why it matters" autoFocus />
            </label>
            <div className="muted small">The current screen parameters and {evidence().length} evidence row(s) are saved with the finding.</div>
          </div>
          <div className="dialog-actions">
            <button type="button" onClick={() => setOpen(false)}>
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
