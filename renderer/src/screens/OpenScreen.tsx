import { useEffect, useState, type DragEvent } from 'react';
import { useSession } from '../stores/session';
import { FILE_ROWS_MAX, useJobs } from '../stores/jobs';
import { call, pathForFile, toUiError, type UiError } from '../lib/api';
import { ErrorState } from '../components/States';
import { fmtDateTime, fmtInt } from '../lib/format';

function ImportProgress() {
  const importing = useSession((s) => s.importing);
  const cancel = useSession((s) => s.cancelImport);
  const job = useJobs((s) => (importing ? s.jobs[importing.jobId] : undefined));
  if (!importing) return null;
  const files = Object.values(job?.byFile ?? {});
  const overall = job?.latest.fraction;
  return (
    <section className="card" aria-label="Import progress" data-testid="import-progress">
      <div className="card-head">
        <h2>Importing {importing.path}</h2>
        <button type="button" onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
      <div className="row between small">
        <span>{job?.latest.message ?? 'Starting…'}</span>
        <span className="num">{overall !== undefined ? `${Math.round(overall * 100)}%` : ''}</span>
      </div>
      <div className="progress" role="progressbar" aria-label="Overall import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((overall ?? 0) * 100)}>
        <div style={{ width: `${Math.round((overall ?? 0.02) * 100)}%` }} />
      </div>
      {job && job.filesSeen > FILE_ROWS_MAX && (
        <div className="small muted" style={{ marginTop: 8 }} data-testid="import-file-count">
          {fmtInt(job.filesLoaded)} of {fmtInt(job.filesSeen)} files loaded; the table shows the latest {FILE_ROWS_MAX}.
        </div>
      )}
      {files.length > 0 && (
        <table className="data" style={{ marginTop: 12 }}>
          <thead>
            <tr>
              <th>File</th>
              <th>Phase</th>
              <th style={{ width: '40%' }}>Progress</th>
              <th className="num">Rows</th>
            </tr>
          </thead>
          <tbody>
            {files.map((p) => {
              // Per-file events carry overall byte and row counts; a file's own state is read from its phase and message.
              const done = p.phase === 'load' && p.message.startsWith('Loaded');
              const queued = !done && p.phase === 'hash' && job?.latest.phase !== 'hash';
              const rows = done ? /: ([\d,]+) rows/.exec(p.message)?.[1] : undefined;
              const state = done ? '✓ loaded' : queued ? 'hashed, queued' : p.phase === 'hash' ? 'hashing' : 'loading';
              return (
                <tr key={p.file}>
                  <td className="mono">{p.file}</td>
                  <td>{state}</td>
                  <td>
                    <div className="progress" aria-label={`${p.file}: ${state}`}>
                      {done ? <div style={{ width: '100%' }} /> : queued ? null : <div className="loading-bar" style={{ height: '100%', margin: 0 }} />}
                    </div>
                  </td>
                  <td className="num">{rows ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function OpenScreen() {
  const { openPath, openDemo, openError, recent, recentError, loadRecent, importing, summary } = useSession();
  const [over, setOver] = useState(false);
  const [dropError, setDropError] = useState<UiError | null>(null);

  useEffect(() => {
    void loadRecent();
  }, [loadRecent]);

  const pick = async (kind: 'folder' | 'zip') => {
    setDropError(null);
    try {
      const { path } = await call('pickBundlePath', { kind });
      if (path) await openPath(path);
    } catch (e) {
      setDropError(toUiError(e));
    }
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    const path = pathForFile(file);
    if (!path) {
      setDropError(toUiError({ code: 'bad_argument', message: `Could not resolve a path for “${file.name}”: drop a bundle folder or .zip from your file manager.` }));
      return;
    }
    setDropError(null);
    void openPath(path);
  };

  return (
    <div style={{ maxWidth: 980 }}>
      <div className="screen-head">
        <div className="titles">
          <h1>Open a bundle</h1>
          <div className="sub">
            An export bundle is a folder or .zip of traces, dataset rows, eval results, releases, deployment events and audit logs. It is opened read-only; your notes are
            saved next to it, never inside.
          </div>
        </div>
      </div>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <h2>Drop a bundle folder or .zip here</h2>
        <div className="muted">or choose one</div>
        <div className="actions">
          <button type="button" className="primary" onClick={() => void pick('folder')} disabled={!!importing}>
            Open folder…
          </button>
          <button type="button" onClick={() => void pick('zip')} disabled={!!importing}>
            Open .zip…
          </button>
          <button type="button" onClick={() => void openDemo()} disabled={!!importing}>
            Open demo bundle
          </button>
        </div>
        <div className="muted small" style={{ marginTop: 12 }}>
          The demo bundle is a fictional payments system (“Northwind Payments”) with planted problems to find.
        </div>
      </div>
      <div style={{ height: 14 }} />
      <ImportProgress />
      {openError && <ErrorState error={openError} what="the bundle" />}
      {dropError && <ErrorState error={dropError} what="the dropped item" />}
      {summary && !importing && (
        <div className="banner info">
          <span className="icon info-dot" aria-hidden="true">i</span>
          <span>
            <strong>{summary.name}</strong> is open. Opening another bundle replaces it.
          </span>
        </div>
      )}
      <section className="card" aria-label="Recent bundles">
        <div className="card-head">
          <h2>Recent bundles</h2>
        </div>
        {recentError && <ErrorState error={recentError} what="recent bundles" onRetry={() => void loadRecent()} />}
        {!recentError && recent === null && <div className="muted">Loading…</div>}
        {recent && recent.length === 0 && <div className="muted">No bundle opened yet. Recent bundles appear here.</div>}
        {recent && recent.length > 0 && (
          <table className="data">
            <thead>
              <tr>
                <th>Bundle</th>
                <th>Path</th>
                <th>Opened</th>
                <th>Root hash</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((r) => (
                <tr key={r.path}>
                  <td>
                    <button type="button" className="link" onClick={() => void openPath(r.path)} disabled={!!importing}>
                      {r.name}
                    </button>
                  </td>
                  <td className="mono small">{r.path}</td>
                  <td className="small">{fmtDateTime(r.opened_at)}</td>
                  <td className="mono small">{r.root_hash ? `${r.root_hash.slice(0, 12)}…` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-label="What Audit Desk checks">
        <h2 style={{ marginBottom: 8 }}>What you will see once a bundle is open</h2>
        <div className="grid-3 small">
          <div>
            <strong>Integrity</strong>
            <div className="muted">Every file hashed and compared with the manifest; rejected rows with file and line.</div>
          </div>
          <div>
            <strong>Drift</strong>
            <div className="muted">Feature, score and LLM-signal drift between releases, per cohort, with the distributions behind each number.</div>
          </div>
          <div>
            <strong>Coverage</strong>
            <div className="muted">Whether release-critical cohorts were evaluated before each release.</div>
          </div>
          <div>
            <strong>Lineage</strong>
            <div className="muted">Dataset → training run → model → release → traffic, and the requests that cannot be traced.</div>
          </div>
          <div>
            <strong>Release health</strong>
            <div className="muted">Canaries, rollbacks, incidents, latency, errors and cost, release over release.</div>
          </div>
          <div>
            <strong>Findings and report</strong>
            <div className="muted">Pin any chart or table with a note, then export a verifiable PDF with sign-off fields.</div>
          </div>
        </div>
      </section>
      <p className="muted small">Folders and .zip files are supported, with a manifest.json (integrity verified) or without one (hashes computed, unverified).</p>
    </div>
  );
}
