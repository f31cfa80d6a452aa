import { useState } from 'react';
import { Dialog } from './Dialog';
import { useWorkspace } from '../stores/workspace';
import { useJobs } from '../stores/jobs';
import { call, newJobId, toUiError, type UiError } from '../lib/api';
import { ErrorState } from './States';
import { fmtBytes, plural } from '../lib/format';
import type { Signoff } from '../../../shared/api/workspace';
import { useSession } from '../stores/session';
import { AS_OF_SOURCE_LABEL, bundleAsOf, chooseAsOf, missingSignoff } from '../../../shared/reportSignoff';

const NAME_FIELDS: { key: 'system' | 'auditor' | 'approver'; label: string; placeholder: string; required: boolean }[] = [
  { key: 'system', label: 'System audited', placeholder: 'Which system this report is about', required: true },
  { key: 'auditor', label: 'Auditor', placeholder: 'Name, role', required: true },
  { key: 'approver', label: 'Approver', placeholder: 'Name, role (optional)', required: false },
];

/** "2026-08-31T23:19:41.604Z" → "2026-08-31 23:19 UTC" */
const shortInstant = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

type Phase = { kind: 'idle' } | { kind: 'exporting'; jobId: string } | { kind: 'done'; path: string; bytes: number; pages: number | null } | { kind: 'error'; error: UiError };

export function ExportDialog({ open, onClose, bundleId, bundleName }: { open: boolean; onClose: () => void; bundleId: string; bundleName: string }) {
  const signoff = useWorkspace((s) => s.workspace?.signoff ?? null);
  const findings = useWorkspace((s) => s.workspace?.findings.length ?? 0);
  const setSignoff = useWorkspace((s) => s.setSignoff);
  const [preview, setPreview] = useState<{ html: string } | { error: UiError } | null>(null);
  const [previewLoading, setPreviewLoading] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const progress = useJobs((s) => (phase.kind === 'exporting' ? s.jobs[phase.jobId]?.latest : undefined));
  const summary = useSession((s) => s.summary);
  const bundleDefault = bundleAsOf({ period_end: summary?.period.end ?? null, exported_at: summary?.exported_at ?? null });
  const asOfText = signoff?.as_of.trim() ?? '';
  const asOfInvalid = asOfText !== '' && chooseAsOf({ signoff: asOfText }, { period_end: null, exported_at: null }).as_of === null;
  // What the export still needs, in the words of the fields (the engine checks the same, shared/reportSignoff.ts).
  const missing: string[] = signoff ? missingSignoff(signoff).map((f) => f.label) : [];
  if (asOfInvalid) missing.push('As of (not an ISO 8601 date or date-time)');
  else if (asOfText === '' && bundleDefault.as_of === null) missing.push('As of (this bundle has no period or export time)');
  const [tried, setTried] = useState(false);
  const showMissing = tried || phase.kind === 'error';
  const asOfHint =
    bundleDefault.as_of !== null
      ? `Leave empty for the ${AS_OF_SOURCE_LABEL[bundleDefault.source]}: ${shortInstant(bundleDefault.as_of)}.`
      : 'Required: this bundle has no period (no timestamped rows) and no export time. Enter the instant the report speaks for, e.g. a date such as 2026-01-31.';

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
    setTried(true);
    if (missing.length > 0) return;
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
          The report uses the saved workspace: {plural(findings, 'finding')}, the analysis parameters you chose, and these sign-off fields.
        </p>
        {signoff ? (
          <div className="grid-2">
            {NAME_FIELDS.map((f) => {
              const empty = f.required && signoff[f.key].trim() === '';
              return (
                <label key={f.key} className="field">
                  <span>
                    {f.label} {f.required ? <span className="required-mark">(required)</span> : null}
                  </span>
                  <input
                    value={signoff[f.key]}
                    placeholder={f.placeholder}
                    required={f.required}
                    aria-invalid={showMissing && empty ? true : undefined}
                    onChange={(e) => setSignoff({ [f.key]: e.target.value } as Partial<Signoff>)}
                  />
                  {showMissing && empty ? <span className="field-error">Required to sign the report.</span> : null}
                </label>
              );
            })}
            <label className="field">
              <span>
                As of {bundleDefault.as_of === null ? <span className="required-mark">(required)</span> : <span className="muted">(optional)</span>}
              </span>
              <input
                value={signoff.as_of}
                placeholder={bundleDefault.as_of === null ? 'ISO date or date-time' : 'empty: bundle default (below)'}
                required={bundleDefault.as_of === null}
                aria-invalid={asOfInvalid || (showMissing && asOfText === '' && bundleDefault.as_of === null) ? true : undefined}
                aria-describedby="as-of-hint"
                onChange={(e) => setSignoff({ as_of: e.target.value })}
              />
              <span id="as-of-hint" className={asOfInvalid ? 'field-error' : 'muted small'}>
                {asOfInvalid ? 'Not an ISO 8601 date or date-time, e.g. 2026-09-01 or 2026-09-01T06:00:00Z.' : asOfHint}
              </span>
            </label>
            <label className="field" style={{ gridColumn: '1 / -1' }}>
              Sign-off notes
              <textarea rows={2} value={signoff.notes} onChange={(e) => setSignoff({ notes: e.target.value })} />
            </label>
          </div>
        ) : (
          <div className="state">The workspace is still loading.</div>
        )}
        {showMissing && missing.length > 0 && (
          <div className="banner warn" role="alert">
            The report cannot be exported without: {missing.join('; ')}.
          </div>
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
        <button
          type="button"
          className="primary"
          onClick={doExport}
          disabled={phase.kind === 'exporting' || !signoff}
          title={missing.length > 0 ? `Still needed: ${missing.join('; ')}` : undefined}
        >
          Export PDF…
        </button>
      </div>
    </Dialog>
  );
}
