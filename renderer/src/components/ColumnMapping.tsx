import { useMemo, useState } from 'react';
import type { ImportSummary } from '../../../shared/api/bundle';
import { CANONICAL_TABLES } from '../../../shared/canonical';
import { mappingText, normalizeMapping, type AuditorMapping, type MappingTag, type TableMappingEntry } from '../../../shared/mapping';
import { visibleText } from '../../../shared/visibleText';
import { useSession } from '../stores/session';
import { Dialog } from './Dialog';

const v = (s: string): string => visibleText(s);

const TAG_LABEL: Record<MappingTag, string> = {
  declared: 'declared',
  auditor: 'auditor',
  inferred: 'inferred',
  generated: 'generated',
  absent: 'absent',
};
const TAG_CLASS: Record<MappingTag, string> = { declared: 'ok', auditor: 'info', inferred: 'na', generated: 'warn', absent: 'bad' };

export function TagBadge({ tag }: { tag: MappingTag }) {
  return <span className={`badge ${TAG_CLASS[tag]}`}>{TAG_LABEL[tag]}</span>;
}

/** A failed open is loud: no row loaded, unreadable files, files refused by their table — each reason in full, first thing on the screen. */
export function OpenProblemsBanner({ summary }: { summary: ImportSummary }) {
  if (summary.open_problems.length === 0) return null;
  const nothing = summary.files.every((f) => f.rows_loaded === 0);
  return (
    <div className="banner bad" role="alert" data-testid="open-problems">
      <span className="icon">⚠</span>
      <div className="flex1">
        <strong>{nothing ? 'This bundle did not open: no data row was loaded.' : 'Some files of this bundle did not load as expected.'}</strong>
        <ul className="plain-list">
          {summary.open_problems.map((p) => (
            <li key={p} className="wrap">
              {v(p)}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** Files that went (or were meant to go) to each canonical table, with the columns they carry. */
function sourcesByTable(summary: ImportSummary): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of summary.files) {
    if (!f.source_columns) continue;
    const table = f.not_loaded_as?.table ?? f.table;
    if (!table || !CANONICAL_TABLES.some((t) => t.name === table)) continue;
    out.set(table, [...new Set([...(out.get(table) ?? []), ...f.source_columns])]);
  }
  return out;
}

function sourcesText(e: TableMappingEntry): string {
  const named = [...new Set(e.sources.filter((s) => s.source !== null).map((s) => s.source as string))];
  if (named.length > 0) return named.join(', ');
  return e.tag === 'generated' ? '(computed)' : '—';
}

type Source = TableMappingEntry['sources'][number];
const byOwnName = (s: Source): boolean => s.tag === 'inferred' && s.note === 'same name';
const byReader = (s: Source): boolean => s.tag === 'inferred' && (s.note ?? '').startsWith('mapped by the ') && !(s.note ?? '').includes(';');
const sourceText = (s: Source): string => s.source ?? (s.tag === 'generated' ? '(computed)' : '—');

/** Files named before "and N more files" when many files share one source, tag and note. */
const FILES_NAMED = 3;

/** The sources grouped by what they say (source, tag, note), in order of first file: 100 000 part files read alike are one line. */
function sourceGroups(sources: Source[]): { s: Source; files: string[] }[] {
  const groups = new Map<string, { s: Source; files: string[] }>();
  for (const s of sources) {
    const key = JSON.stringify([s.source, s.tag, s.note ?? null]);
    const g = groups.get(key);
    if (g) g.files.push(s.file);
    else groups.set(key, { s, files: [s.file] });
  }
  return [...groups.values()];
}

function filesText(files: string[]): string {
  if (files.length <= FILES_NAMED) return files.join(', ');
  const more = files.length - FILES_NAMED;
  return `${files.slice(0, FILES_NAMED).join(', ')} and ${more.toLocaleString('en-US')} more file${more === 1 ? '' : 's'}`;
}

/** A table filled by several files: each file's own source, tag and note, so a column one file lacks is never shown as filled. */
function PerFile({ e, what }: { e: TableMappingEntry; what: 'source' | 'how' }) {
  const groups = sourceGroups(e.sources);
  return (
    <>
      {groups.map(({ s, files }) => (
        <div key={s.file} className="wrap">
          <span className="muted">{groups.length === 1 && files.length > FILES_NAMED ? `all ${files.length.toLocaleString('en-US')} files` : v(filesText(files))}:</span>{' '}
          {what === 'source' ? (
            <span className="mono">{v(sourceText(s))}</span>
          ) : (
            <>
              {s.tag !== e.tag && <TagBadge tag={s.tag} />} {v(s.note ?? '')}
            </>
          )}
        </div>
      ))}
    </>
  );
}

/** Each canonical table's mapping (canonical column ← source column, with its tag), and the editor to change it. */
export function MappingCard({ summary }: { summary: ImportSummary }) {
  const [editing, setEditing] = useState(false);
  const mapped = summary.tables.filter((t) => t.mapping);
  const refused = summary.files.filter((f) => f.not_loaded_as);
  const editable = sourcesByTable(summary);
  return (
    <section className="card" aria-label="Column mapping" data-testid="mapping-card">
      <div className="card-head">
        <h2>Column mapping</h2>
        <span className="row">
          {summary.auditor_mapping_from && (
            <span className="muted small" data-testid="auditor-mapping">
              auditor: <span className="mono">{v(mappingText(summary.auditor_mapping))}</span>
            </span>
          )}
          <button type="button" disabled={editable.size === 0} onClick={() => setEditing(true)} title={editable.size === 0 ? 'No file went to a canonical table' : undefined}>
            Map columns…
          </button>
        </span>
      </div>
      {mapped.length === 0 && refused.length === 0 && <div className="muted">No file was loaded into a canonical table, so there is nothing to map.</div>}
      {mapped.map((t) => {
        // Columns every file fills by their own name (or its format reader fills) need no reading; the rest are listed,
        // per file when several files feed the table (one file's column never hides another file's gap).
        const entries = t.mapping ?? [];
        const multi = new Set(entries.flatMap((e) => e.sources.map((x) => x.file))).size > 1;
        const allSources = (e: TableMappingEntry, ok: (x: Source) => boolean): boolean => e.sources.length > 0 && e.sources.every(ok);
        const ownName = entries.filter((e) => e.tag === 'inferred' && allSources(e, byOwnName));
        const readers = entries.filter((e) => e.tag === 'inferred' && !ownName.includes(e) && allSources(e, (x) => byOwnName(x) || byReader(x)));
        const readerNames = [...new Set(readers.flatMap((e) => e.sources.filter(byReader).map((x) => (x.note ?? '').replace(/^mapped by the /, ''))))];
        const plain = [...ownName, ...readers];
        const shown = entries.filter((e) => !plain.includes(e) && (e.tag !== 'absent' || e.candidates || e.sources.some((x) => x.note)));
        const absent = entries.filter((e) => !plain.includes(e) && !shown.includes(e)).map((e) => e.column);
        return (
          <div key={t.name} style={{ marginBottom: 12 }}>
            <h3 className="mono">{t.name}</h3>
            {ownName.length > 0 && (
              <div className="muted small" style={{ marginBottom: 4 }} data-testid="mapping-own-name">
                By their own name{multi ? ' (in every file)' : ''}: <span className="mono">{ownName.map((e) => e.column).join(', ')}</span>
              </div>
            )}
            {readers.length > 0 && (
              <div className="muted small" style={{ marginBottom: 4 }} data-testid="mapping-by-reader">
                Filled by the {v(readerNames.join(', '))}{multi ? ' (in every file)' : ''}: <span className="mono">{readers.map((e) => e.column).join(', ')}</span>
              </div>
            )}
            {shown.length > 0 && (
            <table className="data" data-testid={`mapping-${t.name}`}>
              <thead>
                <tr>
                  <th>Canonical column</th>
                  <th>From the file’s column</th>
                  <th>Tag</th>
                  <th>How</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((e) => (
                  <tr key={e.column}>
                    <td className="mono">{e.column}</td>
                    <td className={multi ? 'small' : 'mono'}>{multi ? <PerFile e={e} what="source" /> : v(sourcesText(e))}</td>
                    <td>
                      <TagBadge tag={e.tag} />
                    </td>
                    <td className="wrap small">
                      {multi ? <PerFile e={e} what="how" /> : v([...new Set(e.sources.map((x) => x.note).filter((n): n is string => Boolean(n)))].join('; '))}
                      {e.candidates && e.candidates.length > 0 && <div className="muted">could serve: {v(e.candidates.join(', '))}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            )}
            {absent.length > 0 && (
              <div className="muted small" style={{ marginTop: 4 }}>
                Absent (no file has them; not offered for analysis): <span className="mono">{absent.join(', ')}</span>
              </div>
            )}
          </div>
        );
      })}
      {refused.map((f) => (
        <div key={f.path} className="banner warn" data-testid="not-loaded-as">
          <span className="icon">⚠</span>
          <div className="flex1 wrap">
            <strong className="mono">{v(f.path)}</strong> was not loaded into <span className="mono">{f.not_loaded_as?.table}</span>: {v(f.not_loaded_as?.reason ?? '')}
          </div>
        </div>
      ))}
      {editing && <MapColumnsDialog summary={summary} sources={editable} onClose={() => setEditing(false)} />}
    </section>
  );
}

/** The "Map columns" editor: canonical column ← one of the files' columns; re-imports the bundle with the change. */
function MapColumnsDialog({ summary, sources, onClose }: { summary: ImportSummary; sources: Map<string, string[]>; onClose: () => void }) {
  const remap = useSession((s) => s.remap);
  const tables = [...sources.keys()];
  const [table, setTable] = useState(tables[0] ?? '');
  const [draft, setDraft] = useState<AuditorMapping>(() => normalizeMapping(summary.auditor_mapping));
  const def = CANONICAL_TABLES.find((t) => t.name === table);
  const current = useMemo(() => new Map((summary.tables.find((t) => t.name === table)?.mapping ?? []).map((e) => [e.column, e])), [summary, table]);
  const cols = sources.get(table) ?? [];
  const set = (column: string, source: string | null): void => {
    setDraft((d) => {
      const t = { ...(d[table] ?? {}) };
      if (source === null) delete t[column];
      else t[column] = source;
      return { ...d, [table]: t };
    });
  };
  const apply = (): void => {
    onClose();
    void remap(normalizeMapping(draft));
  };
  return (
    <Dialog open onClose={onClose} label="Map columns" className="wide">
      <h2>Map columns</h2>
      <p className="small muted">
        Choose which column of the file fills each canonical column. The mapping is saved in the workspace beside the bundle (never inside it), used every time the bundle is
        opened and recorded in the report. A declaration in the bundle’s manifest.json still wins.
      </p>
      <label className="row small">
        Table
        <select value={table} onChange={(e) => setTable(e.target.value)} aria-label="Table to map">
          {tables.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <div style={{ maxHeight: 420, overflow: 'auto', marginTop: 8 }}>
        <table className="data" data-testid="map-editor">
          <thead>
            <tr>
              <th>Canonical column</th>
              <th>Now</th>
              <th>Auditor’s choice</th>
            </tr>
          </thead>
          <tbody>
            {(def?.columns ?? []).map((c) => {
              const now = current.get(c.name);
              const chosen = draft[table]?.[c.name];
              return (
                <tr key={c.name}>
                  <td className="mono">
                    {c.name}
                    {c.required ? <span className="muted small"> (required)</span> : null}
                  </td>
                  <td className="small">
                    {now ? (
                      <>
                        <TagBadge tag={now.tag} /> <span className="mono">{v(sourcesText(now))}</span>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <select
                      aria-label={`Source column for ${c.name}`}
                      value={chosen === undefined ? '__keep' : chosen === '' ? '__absent' : chosen}
                      onChange={(e) => set(c.name, e.target.value === '__keep' ? null : e.target.value === '__absent' ? '' : e.target.value)}
                    >
                      <option value="__keep">as inferred / declared</option>
                      <option value="__absent">leave absent</option>
                      {cols.map((s) => (
                        <option key={s} value={s}>
                          {v(s)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="row between" style={{ marginTop: 12 }}>
        <span className="mono small muted">{v(mappingText(draft)) || 'no auditor mapping'}</span>
        <span className="row">
          <button type="button" onClick={() => setDraft({})}>
            Clear all
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={apply} data-testid="remap-apply">
            Re-import with this mapping
          </button>
        </span>
      </div>
    </Dialog>
  );
}
