import { useState } from 'react';
import { Dialog } from './Dialog';
import { useWorkspace } from '../stores/workspace';
import { useJobs } from '../stores/jobs';
import { call, newJobId, toUiError, type UiError } from '../lib/api';
import { ErrorState } from './States';
import { fmtBytes } from '../lib/format';
import type { Signoff } from '../../../shared/api/workspace';

const FIELDS: { key: keyof Signoff; label: string; placeholder: string }[] = [
  { key: 'system', label: 'System audited', placeholder: 'e.g. Northwind Payments fraud scoring' },
  { key: 'auditor', label: 'Auditor', placeholder: 'Name, role' },
  { key: 'approver', label: 'Approver', placeholder: 'Name, role' },
  { key: 'as_of', label: 'As of (ISO date-time)', placeholder: '2026-09-01T06:00:00Z' },
];

type Phase = { kind: 'idle' } | { kind: 'exporting'; jobId: string } | { kind: 'done'; path: string; bytes: number; pages: number | null } | { kind: 'error'; error: UiError };

export function ExportDialog({ open, onClose, bundleId, bundleName }: { open: boolean; onClose: () => void; bundleId: string; bundleName: string }) {
  const signoff = useWorkspace((s) => s.workspace?.signoff ?? null);
  const findings = useWorkspace((s) => s.workspace?.findings.length ?? 0);
  const setSignoff = useWorkspace((s) => s.setSignoff);
  const [preview, setPreview] = useState<{ html: string } | { error: UiError } | null>(null);
  const [previewLoading, setPreviewLoading] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const progress = useJobs((s) => (phase.kind === 'exporting' ? s.jobs[phase.jobId]?.latest : undefined));

  const loadPreview = async () => {
    setPreviewLoading(true);
    try {
      await useWorkspace.getState().saveNow();
      setPreview(await call('reportPreview', { bundleId }));
    } catch (e) {
      setPreview({ error: toUiError(e) });
    } finally {
      setPreviewLoading(false);
    }
  };

  const doExport = async () => {
    try {
      await useWorkspace.getState().saveNow();
      const { path } = await call('pickSavePath', { defaultName: `${bundleName}-audit-report.pdf` });
      if (!path) return;
      const jobId = newJobId('report');
      setPhase({ kind: 'exporting', jobId });
      const res = await call('exportReport', { bundleId, outPath: path, jobId });
      setPhase({ kind: 'done', ...res });
    } catch (e) {
      setPhase({ kind: 'error', error: toUiError(e) });
    }
  };

  const cancel = async () => {
    if (phase.kind === 'exporting') await call('cancelJob', { jobId: phase.jobId }).catch(() => undefined);
    setPhase({ kind: 'idle' });
  };

  return (
    <Dialog open={open} onClose={onClose} label="Export audit report">
      <div className="dialog-body" style={{ width: 900 }}>
        <h2>Export audit report</h2>
        <p className="muted small">
          The report uses the saved workspace: {findings} finding(s), the analysis parameters you chose, and these sign-off fields.
        </p>
        {signoff ? (
          <div className="grid-2">
            {FIELDS.map((f) => (
              <label key={f.key} className="field">
                {f.label}
                <input value={signoff[f.key]} placeholder={f.placeholder} onChange={(e) => setSignoff({ [f.key]: e.target.value })} />
              </label>
            ))}
            <label className="field" style={{ gridColumn: '1 / -1' }}>
              Sign-off notes
              <textarea rows={2} value={signoff.notes} onChange={(e) => setSignoff({ notes: e.target.value })} />
            </label>
          </div>
        ) : (
          <div className="state">The workspace is still loading.</div>
        )}
        <div className="row">
          <button type="button" onClick={loadPreview} disabled={previewLoading}>
            {previewLoading ? 'Rendering preview…' : preview ? 'Refresh preview' : 'Show preview'}
          </button>
        </div>
        {preview && 'html' in preview && <iframe className="preview" title="Report preview" sandbox="" srcDoc={preview.html} />}
        {preview && 'error' in preview && <ErrorState error={preview.error} what="the report preview" />}
        {phase.kind === 'exporting' && (
          <div>
            <div className="row between small">
              <span>{progress?.message ?? 'Starting…'}</span>
              <span className="num">{progress?.fraction !== undefined ? `${Math.round(progress.fraction * 100)}%` : ''}</span>
            </div>
            <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((progress?.fraction ?? 0) * 100)}>
              <div style={{ width: `${Math.round((progress?.fraction ?? 0.05) * 100)}%` }} />
            </div>
          </div>
        )}
        {phase.kind === 'done' && (
          <div className="banner info" role="status">
            ✓ Saved {phase.path} ({fmtBytes(phase.bytes)}
            {phase.pages !== null ? `, ${phase.pages} pages` : ''}).
          </div>
        )}
        {phase.kind === 'error' && <ErrorState error={phase.error} what="the report" />}
      </div>
      <div className="dialog-actions">
        {phase.kind === 'exporting' ? (
          <button type="button" onClick={cancel}>
            Cancel export
          </button>
        ) : (
          <button type="button" onClick={onClose}>
            Close
          </button>
        )}
        <button type="button" className="primary" onClick={doExport} disabled={phase.kind === 'exporting' || !signoff}>
          Export PDF…
        </button>
      </div>
    </Dialog>
  );
}
