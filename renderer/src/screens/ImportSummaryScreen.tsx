import { useState } from 'react';
import { useSession } from '../stores/session';
import { useInspector } from '../stores/inspector';
import { useNavigation } from '../stores/navigation';
import { useApi } from '../lib/useApi';
import { call } from '../lib/api';
import { Async, Empty } from '../components/States';
import { VirtualTable } from '../components/VirtualTable';
import { PinButton } from '../components/PinButton';
import { fmtBytes, fmtDateTime, fmtInt, plural } from '../lib/format';
import { sqlIdent } from '../lib/sql';
import type { FileReport, FileStatus, ImportSummary, RejectRow, TableSummary } from '../../../shared/api/bundle';
import { MappingCard, OpenProblemsBanner } from '../components/ColumnMapping';
import { VerdictBadge, VerdictTally } from '../components/Verdict';
import { visibleText } from '../../../shared/visibleText';

const PAGE = 500;

function statusBadge(status: FileStatus, f?: FileReport) {
  // A file that is not data (or another tool's manifest) is not "ok": it was hashed, not loaded.
  if (status === 'ok' && f && (f.format === 'other' || f.format === 'manifest')) return <span className="badge na">{f.format === 'manifest' ? 'manifest' : 'not loaded'}</span>;
  if (status === 'ok' && f?.not_loaded_as) return <span className="badge warn">⚠ not in {f.not_loaded_as.table}</span>;
  if (status === 'ok' && f && f.rows_read > 0 && f.rows_loaded === 0) return <span className="badge bad">⚠ nothing loaded</span>;
  if (status === 'ok') return <span className="badge ok">✓ ok</span>;
  return <span className="badge bad">⚠ {status.replace('_', ' ')}</span>;
}

/** What the importer noted on a file, in full (not in a tooltip): why it is unreadable, refused, or read leniently. */
function fileNotes(f: FileReport): string[] {
  const out: string[] = [];
  const unreadable = (f.inferred ?? []).find((x) => x.startsWith('unreadable: '));
  if (unreadable) out.push(unreadable);
  if (f.not_loaded_as) out.push(`not loaded into ${f.not_loaded_as.table}: ${f.not_loaded_as.reason}`);
  for (const l of f.leniency ?? []) out.push(`read leniently — ${l}`);
  const other = (f.inferred ?? []).find((x) => x.endsWith('hashed, not loaded') || x.startsWith('foreign manifest'));
  if (other) out.push(other);
  return out;
}

function IntegrityBanner({ summary }: { summary: ImportSummary }) {
  const setOpen = useSession((s) => s.setIntegrityOpen);
  const { integrity } = summary;
  if (integrity.state === 'altered') {
    const files = [...new Set(integrity.problems.map((p) => p.path))];
    return (
      <div className="banner bad" role="alert" data-testid="integrity-banner">
        <span className="icon">⚠</span>
        <div className="flex1">
          <strong>Integrity check failed: {plural(files.length, 'file')} {files.length === 1 ? 'does' : 'do'} not match the manifest.</strong>
          <div>
            {integrity.problems.slice(0, 4).map((p) => (
              <div key={`${p.path}${p.status}`}>
                <span className="mono">{p.path}</span>: {p.detail}
              </div>
            ))}
          </div>
          <div className="small">Every result from this bundle may rest on altered evidence. Record this in the report.</div>
        </div>
        <button type="button" onClick={() => setOpen(true)}>
          Details
        </button>
      </div>
    );
  }
  if (integrity.state === 'unverified') {
    return (
      <div className="banner warn" data-testid="integrity-banner">
        <span className="icon">○</span>
        <div className="flex1">
          {summary.foreign_manifest ? (
            <>
              <strong>Unverified, foreign manifest:</strong> {visibleText(summary.foreign_manifest)}.
            </>
          ) : (
            <>
              <strong>Unverified:</strong> the bundle has no manifest, so file hashes were computed but cannot be compared with what the exporter wrote.
            </>
          )}
        </div>
      </div>
    );
  }
  return (
    <div className="banner info" data-testid="integrity-banner">
      <span className="icon">✓</span>
      <div className="flex1">
        <strong>Verified:</strong> every file matches the manifest’s SHA-256 and row count. Root hash <span className="mono">{integrity.root_hash.slice(0, 16)}…</span>
      </div>
    </div>
  );
}

function TablesCard({ summary }: { summary: ImportSummary }) {
  const select = useInspector((s) => s.select);
  const navigate = useNavigation((s) => s.navigate);
  const [selected, setSelected] = useState<string | null>(null);
  const show = (t: TableSummary) => {
    setSelected(t.name);
    select({
      kind: 'Table',
      title: t.name,
      fields: [
        ['Rows', fmtInt(t.rows)],
        ['Canonical', t.canonical ? 'yes' : 'no (extra table)'],
        ['Columns', t.columns.length],
      ],
      body: (
        <>
          <button type="button" onClick={() => navigate('sql', { sql: `SELECT * FROM ${sqlIdent(t.name)} LIMIT 100` })}>
            Query in SQL console
          </button>
          <table className="data" style={{ marginTop: 10 }}>
            <thead>
              <tr>
                <th>Column</th>
                <th>Type</th>
                <th>Role</th>
              </tr>
            </thead>
            <tbody>
              {t.columns.map((c) => (
                <tr key={c.name}>
                  <td className="mono">{c.name}</td>
                  <td className="small">{c.type}</td>
                  <td className="small">{c.role ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ),
    });
  };
  return (
    <section className="card" aria-label="Tables">
      <div className="card-head">
        <h2>Tables</h2>
        <PinButton title={`Tables imported from ${summary.name}`} defaultSeverity="info" evidence={() => summary.tables.map((t) => ({ table: t.name, rows: t.rows, canonical: t.canonical }))} />
      </div>
      <table className="data" data-testid="tables-table">
        <thead>
          <tr>
            <th>Table</th>
            <th className="num">Rows</th>
            <th className="num">Columns</th>
            <th>Kind</th>
          </tr>
        </thead>
        <tbody>
          {summary.tables.map((t) => (
            <tr key={t.name} className={`clickable${selected === t.name ? ' selected' : ''}`} onClick={() => show(t)}>
              <td>
                <button type="button" className="link mono" onClick={(e) => { e.stopPropagation(); show(t); }}>
                  {t.name}
                </button>
              </td>
              <td className="num">{fmtInt(t.rows)}</td>
              <td className="num">{t.columns.length}</td>
              <td className="small muted">{t.canonical ? 'canonical' : 'extra'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Files listed at a time: a bundle of 100 000 files is read page by page, not drawn as 100 000 rows. */
const FILES_PAGE = 200;

/** A file the auditor should look at: not plainly loaded, or loaded with rejects or notes. */
function needsAttention(f: FileReport): boolean {
  return f.status !== 'ok' || f.rows_rejected > 0 || !!f.not_loaded_as || (f.rows_read > 0 && f.rows_loaded === 0) || (f.leniency?.length ?? 0) > 0;
}

function FilesCard({ summary, onRejects }: { summary: ImportSummary; onRejects: (file: string) => void }) {
  const [offset, setOffset] = useState(0);
  const [attentionOnly, setAttentionOnly] = useState(false);
  // The filter is offered past one page only: a re-import with fewer files shows them all, whatever was ticked before.
  const listed = attentionOnly && summary.files.length > FILES_PAGE ? summary.files.filter(needsAttention) : summary.files;
  const start = Math.min(offset, Math.max(0, listed.length - 1) - (Math.max(0, listed.length - 1) % FILES_PAGE));
  const page = listed.slice(start, start + FILES_PAGE);
  const attention = summary.files.length > FILES_PAGE ? summary.files.filter(needsAttention).length : 0;
  return (
    <section className="card" aria-label="Files">
      <div className="card-head">
        <h2>Files</h2>
        <span className="muted small">{plural(summary.files.length, 'file')}</span>
      </div>
      {summary.files.length > FILES_PAGE && (
        <div className="row between small" style={{ marginBottom: 8 }}>
          <label className="row">
            <input
              type="checkbox"
              checked={attentionOnly}
              onChange={(e) => {
                setAttentionOnly(e.target.checked);
                setOffset(0);
              }}
            />
            Only the {fmtInt(attention)} {attention === 1 ? 'file' : 'files'} with rejects, notes or a problem
          </label>
          <FilesPager start={start} shown={page.length} total={listed.length} setOffset={setOffset} />
        </div>
      )}
      <table className="data" data-testid="files-table">
        <thead>
          <tr>
            <th>File</th>
            <th>Format</th>
            <th>Table</th>
            <th className="num">Size</th>
            <th className="num">Read</th>
            <th className="num">Loaded</th>
            <th className="num">Rejected</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {page.map((f) => (
            <tr key={f.path}>
              <td className="mono small wrap" title={`sha256 ${f.sha256}`}>
                {visibleText(f.path)}
                {fileNotes(f).map((n) => (
                  <div key={n} className="small muted wrap" style={{ fontFamily: 'inherit' }} data-testid="file-note">
                    {visibleText(n)}
                  </div>
                ))}
              </td>
              <td className="small">{f.format}</td>
              <td className="small mono">{f.table ?? '—'}</td>
              <td className="num small">{fmtBytes(f.bytes)}</td>
              <td className="num">{fmtInt(f.rows_read)}</td>
              <td className="num">{fmtInt(f.rows_loaded)}</td>
              <td className="num">
                {f.rows_rejected > 0 ? (
                  <button type="button" className="link" onClick={() => onRejects(f.path)}>
                    {fmtInt(f.rows_rejected)}
                  </button>
                ) : (
                  '0'
                )}
              </td>
              <td>{statusBadge(f.status, f)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {listed.length > FILES_PAGE && (
        <div className="row between small" style={{ marginTop: 8 }}>
          <span />
          <FilesPager start={start} shown={page.length} total={listed.length} setOffset={setOffset} />
        </div>
      )}
    </section>
  );
}

function FilesPager({ start, shown, total, setOffset }: { start: number; shown: number; total: number; setOffset: (n: number) => void }) {
  if (total <= FILES_PAGE) return <span className="muted">{plural(total, 'file')}</span>;
  return (
    <span className="row">
      <span className="muted" data-testid="files-range">
        {fmtInt(start + 1)}–{fmtInt(start + shown)} of {fmtInt(total)}
      </span>
      <button type="button" disabled={start === 0} onClick={() => setOffset(Math.max(0, start - FILES_PAGE))}>
        Previous
      </button>
      <button type="button" disabled={start + FILES_PAGE >= total} onClick={() => setOffset(start + FILES_PAGE)}>
        Next
      </button>
    </span>
  );
}

function RejectsCard({ bundleId, total, file, setFile, files }: { bundleId: string; total: number; file: string; setFile: (f: string) => void; files: string[] }) {
  const [offset, setOffset] = useState(0);
  const state = useApi(total > 0 ? `rejects|${bundleId}|${file}|${offset}` : null, () =>
    call('listRejects', { bundleId, offset, limit: PAGE, ...(file ? { file } : {}) }),
  );
  if (total === 0) {
    return (
      <section className="card" aria-label="Rejected rows">
        <div className="card-head">
          <h2>Rejected rows</h2>
        </div>
        <div className="muted">No rows were rejected: every row read was loaded.</div>
      </section>
    );
  }
  return (
    <section className="card" aria-label="Rejected rows">
      <div className="card-head">
        <h2>Rejected rows</h2>
        <label className="row small">
          File
          <select value={file} onChange={(e) => { setFile(e.target.value); setOffset(0); }}>
            <option value="">all files</option>
            {files.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Async state={state} what="rejected rows">
        {(data) => (
          <>
            <VirtualTable<RejectRow>
              label="Rejected rows"
              rows={data.rows}
              height={260}
              rowKey={(r, i) => `${offset + i}`}
              columns={[
                { key: 'file', label: 'File', width: 190, render: (r) => <span className="mono">{r.file}</span> },
                { key: 'line', label: 'Line', width: 70, numeric: true, render: (r) => r.line ?? '—' },
                { key: 'column', label: 'Column', width: 120, render: (r) => r.column ?? '—' },
                { key: 'reason', label: 'Reason', width: 320, render: (r) => <span title={r.reason}>{r.reason}</span> },
                { key: 'raw', label: 'Raw', width: 420, render: (r) => <span className="mono" title={r.raw ?? ''}>{r.raw ?? ''}</span> },
              ]}
            />
            <div className="row between small" style={{ marginTop: 8 }}>
              <span className="muted">
                {fmtInt(offset + 1)}–{fmtInt(offset + data.rows.length)} of {fmtInt(data.total)}
              </span>
              <span className="row">
                <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                  Previous
                </button>
                <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
                  Next
                </button>
              </span>
            </div>
          </>
        )}
      </Async>
    </section>
  );
}

function ChecksCard({ summary }: { summary: ImportSummary }) {
  const outcomes = summary.check_outcomes;
  const findingOf = (check: string, table: string) => summary.checks.find((c) => c.check === check && c.table === table);
  return (
    <section className="card" aria-label="Referential checks">
      <div className="card-head">
        <h2>Referential checks</h2>
        {summary.checks.length > 0 && (
          <PinButton title="Referential check failures at import" evidence={() => summary.checks.map((c) => ({ check: c.check, table: c.table, count: c.count, detail: c.detail }))} />
        )}
      </div>
      <div className="muted small" style={{ marginBottom: 6 }}>
        Spans to their parents, eval results to spans, records and traces, releases to model and dataset versions, and unique ids. A check with no row to examine is not applicable — it is not a pass.
      </div>
      <VerdictTally items={outcomes} testId="checks-tally" />
      <div className="table-scroll">
        <table className="data sticky-first" data-testid="checks-table">
          <thead>
            <tr>
              <th>Check</th>
              <th>Table</th>
              <th className="num">Rows examined</th>
              <th className="num">Found</th>
              <th>Verdict</th>
              <th>Examples</th>
            </tr>
          </thead>
          <tbody>
            {outcomes.map((c) => {
              const f = findingOf(c.check, c.table);
              return (
                <tr key={`${c.check}-${c.table}`} data-check={`${c.check}|${c.table}`}>
                  <td className="small">
                    {c.check.replaceAll('_', ' ')}
                    <span className="col-kind mono">{c.check}</span>
                  </td>
                  <td className="mono small">{c.table}</td>
                  <td className="num">{fmtInt(c.examined)}</td>
                  <td className="num">{fmtInt(c.count)}</td>
                  <td className="wrap small">
                    <VerdictBadge v={c} />
                    {f && <div className="small">{f.detail}</div>}
                  </td>
                  <td className="mono small">{f ? f.examples.slice(0, 3).map((x) => visibleText(x)).join(', ') : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function ImportSummaryScreen() {
  const summary = useSession((s) => s.summary);
  const navigate = useNavigation((s) => s.navigate);
  const [rejectFile, setRejectFile] = useState('');
  if (!summary) return <Empty title="No bundle is open" />;
  const totalRows = summary.tables.reduce((s, t) => s + t.rows, 0);
  const rejectFiles = summary.files.filter((f) => f.rows_rejected > 0).map((f) => f.path);
  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>Import summary · {summary.name}</h1>
          <div className="sub">
            {summary.exporter ?? 'unknown exporter'} · format {summary.format_version ?? 'unversioned'} · exported {fmtDateTime(summary.exported_at)} · imported in{' '}
            {fmtInt(Math.round(summary.import_ms))} ms · DuckDB {summary.duckdb_version} · Audit Desk {summary.tool_version}
          </div>
        </div>
        <button type="button" className="primary" onClick={() => navigate('overview')}>
          Go to overview →
        </button>
      </div>
      <OpenProblemsBanner summary={summary} />
      <IntegrityBanner summary={summary} />
      <div className="card">
        <div className="stats">
          <div className="stat">
            <div className="v">{fmtInt(summary.tables.length)}</div>
            <div className="l">{summary.tables.length === 1 ? 'table' : 'tables'}</div>
          </div>
          <div className="stat">
            <div className="v">{fmtInt(totalRows)}</div>
            <div className="l">{totalRows === 1 ? 'row loaded' : 'rows loaded'}</div>
          </div>
          <div className="stat">
            <div className="v">{fmtInt(summary.files.length)}</div>
            <div className="l">{summary.files.length === 1 ? 'file' : 'files'}</div>
          </div>
          <div className="stat">
            <div className="v" style={{ color: summary.rejects_total > 0 ? 'var(--bad)' : undefined }}>{fmtInt(summary.rejects_total)}</div>
            <div className="l">{summary.rejects_total === 1 ? 'row rejected' : 'rows rejected'}</div>
          </div>
          <div className="stat">
            <div className="v">{fmtInt(summary.checks.length)}</div>
            <div className="l">{summary.checks.length === 1 ? 'referential issue' : 'referential issues'}</div>
          </div>
        </div>
      </div>
      <div className="grid-2" style={{ gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 3fr)' }}>
        <TablesCard summary={summary} />
        <ChecksCard summary={summary} />
      </div>
      <FilesCard summary={summary} onRejects={setRejectFile} />
      <MappingCard summary={summary} />
      <RejectsCard bundleId={summary.bundleId} total={summary.rejects_total} file={rejectFile} setFile={setRejectFile} files={rejectFiles} />
    </div>
  );
}
