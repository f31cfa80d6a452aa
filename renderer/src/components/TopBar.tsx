import { useState } from 'react';
import { useSession } from '../stores/session';
import { useWorkspace } from '../stores/workspace';
import { fmtDate, fmtInt } from '../lib/format';
import { Dialog } from './Dialog';
import { ExportDialog } from './ExportDialog';
import type { IntegrityReport } from '../../../shared/api/bundle';

export function IntegrityBadge({ integrity, onOpen }: { integrity: IntegrityReport; onOpen: () => void }) {
  const n = new Set(integrity.problems.map((p) => p.path)).size;
  const [cls, text] =
    integrity.state === 'verified'
      ? ['ok', '✓ verified']
      : integrity.state === 'unverified'
        ? ['na', '○ unverified']
        : ['bad', `⚠ altered: ${n} file${n === 1 ? '' : 's'}`];
  return (
    <button type="button" className={`badge ${cls}`} onClick={onOpen} data-testid="integrity-badge" title="Integrity details">
      {text}
    </button>
  );
}

function IntegrityDialog() {
  const summary = useSession((s) => s.summary);
  const open = useSession((s) => s.integrityOpen);
  const setOpen = useSession((s) => s.setIntegrityOpen);
  if (!summary) return null;
  const { integrity } = summary;
  return (
    <Dialog open={open} onClose={() => setOpen(false)} label="Integrity details">
      <div className="dialog-body" style={{ width: 720 }}>
        <h2>Integrity: {integrity.state}</h2>
        <p className="muted">
          {integrity.state === 'verified' && 'A manifest is present and every file matches its declared SHA-256 and row count.'}
          {integrity.state === 'unverified' && 'The bundle has no manifest: hashes were computed but there is nothing to compare them with.'}
          {integrity.state === 'altered' && 'Some files do not match the manifest: the evidence may have been changed after export.'}
        </p>
        <div className="kv">
          <dt>Root hash</dt>
          <dd className="mono" style={{ wordBreak: 'break-all' }}>
            {integrity.root_hash}
          </dd>
          <dt>Files</dt>
          <dd>{fmtInt(summary.files.length)}</dd>
        </div>
        {integrity.problems.length > 0 && (
          <table className="data">
            <thead>
              <tr>
                <th>File</th>
                <th>Status</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {integrity.problems.map((p) => (
                <tr key={`${p.path}-${p.status}`}>
                  <td className="mono">{p.path}</td>
                  <td>
                    <span className="badge bad">⚠ {p.status}</span>
                  </td>
                  <td className="wrap">{p.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function SaveIndicator() {
  const state = useWorkspace((s) => s.saveState);
  const loadError = useWorkspace((s) => s.loadError);
  const saveError = useWorkspace((s) => s.saveError);
  if (loadError || saveError) {
    const err = (saveError ?? loadError)?.message ?? '';
    return (
      <span className="badge warn" title={err} data-testid="save-state">
        ⚠ findings not saved
      </span>
    );
  }
  if (state === 'saving') return <span className="muted small" data-testid="save-state">Saving…</span>;
  if (state === 'saved') return <span className="muted small" data-testid="save-state">✓ Saved</span>;
  return null;
}

export function TopBar({ onPalette }: { onPalette: () => void }) {
  const summary = useSession((s) => s.summary);
  const setIntegrityOpen = useSession((s) => s.setIntegrityOpen);
  const [exportOpen, setExportOpen] = useState(false);
  return (
    <header className="topbar">
      <div className="brand">
        Audit<span>Desk</span>
      </div>
      <div className="bundle">
        {summary ? (
          <>
            <span className="bundle-name" title={summary.path} data-testid="bundle-name">
              {summary.name}
            </span>
            <span className="muted small">
              {fmtDate(summary.period.start)} → {fmtDate(summary.period.end)}
            </span>
            <IntegrityBadge integrity={summary.integrity} onOpen={() => setIntegrityOpen(true)} />
            <SaveIndicator />
          </>
        ) : (
          <span className="muted">No bundle open</span>
        )}
      </div>
      <button type="button" className="ghost" onClick={onPalette} aria-label="Command palette (Ctrl+K)">
        ⌕ Jump to… <kbd>Ctrl K</kbd>
      </button>
      <button type="button" className="primary" disabled={!summary} onClick={() => setExportOpen(true)}>
        Export audit report
      </button>
      <IntegrityDialog />
      {summary && <ExportDialog key={summary.bundleId} open={exportOpen} onClose={() => setExportOpen(false)} bundleId={summary.bundleId} bundleName={summary.name} />}
    </header>
  );
}
