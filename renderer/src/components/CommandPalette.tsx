import { useEffect, useMemo, useState } from 'react';
import { Dialog } from './Dialog';
import { SCREEN_LABELS, SCREENS, useNavigation, type RouteParams, type Screen } from '../stores/navigation';
import { useSession } from '../stores/session';
import { lastDriftParams } from '../stores/driftParams';
import { driftOptionsFor } from '../lib/bundleMeta';
import type { DriftOptions } from '../../../shared/api/drift';
import { formatCohortParam } from '../../../shared/cohortParam';
import { visibleText } from '../../../shared/visibleText';

interface Command {
  id: string;
  kind: string;
  label: string;
  run: () => void;
}

const ID_LIKE = /^[A-Za-z0-9][\w.:-]{5,}$/;

export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [options, setOptions] = useState<DriftOptions | null>(null);
  const bundleId = useSession((s) => s.summary?.bundleId ?? null);
  const navigate = useNavigation((s) => s.navigate);

  useEffect(() => {
    if (!open) return;
    setQuery('');
    setActive(0);
    setOptions(null);
    if (bundleId) driftOptionsFor(bundleId).then((o) => useSession.getState().summary?.bundleId === bundleId && setOptions(o), () => setOptions(null));
  }, [open, bundleId]);

  const commands = useMemo<Command[]>(() => {
    const go = (screen: Screen, params: RouteParams = {}) => () => {
      navigate(screen, params);
      onClose();
    };
    const list: Command[] = SCREENS.filter((s) => bundleId || s === 'open').map((s) => ({ id: `screen:${s}`, kind: 'Screen', label: SCREEN_LABELS[s], run: go(s) }));
    if (options) {
      for (const t of options.tables) {
        for (const c of t.columns) {
          list.push({ id: `col:${t.name}.${c.name}`, kind: 'Column', label: `${c.name} (${t.name})`, run: go('drift', { ...lastDriftParams(bundleId), table: t.name, column: c.name }) });
        }
      }
      for (const a of options.cohort_attributes) {
        for (const v of a.values) {
          const cohort = formatCohortParam([{ attribute: a.attribute, value: v }]);
          list.push({ id: `cohort:${a.attribute}=${v}`, kind: 'Cohort', label: `${a.attribute}=${visibleText(v)} (drift for this cohort)`, run: go('drift', { ...lastDriftParams(bundleId), cohort, hattr: a.attribute, column: '' }) });
        }
      }
      for (const r of options.releases) {
        list.push({ id: `rel:${r.release_id}`, kind: 'Release', label: `${r.release_id}${r.released_at ? ` · ${r.released_at.slice(0, 10)}` : ''}`, run: go('releases', { release: r.release_id }) });
      }
    }
    const q = query.trim();
    if (bundleId && ID_LIKE.test(q)) {
      list.push(
        { id: 'trace', kind: 'Trace id', label: `Open trace ${q} in Traces`, run: go('traces', { trace: q }) },
        { id: 'lineage', kind: 'Lineage', label: `Look up the lineage chain of ${q}`, run: go('lineage', { id: q }) },
      );
    }
    return list;
  }, [options, query, bundleId, navigate, onClose]);

  // Ranked: what the words name (screens first, then columns, cohorts, releases) before "open this as an id".
  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return commands.filter((c) => c.id !== 'trace' && c.id !== 'lineage').slice(0, 60);
    const score = (c: Command): number => {
      if (c.id === 'trace' || c.id === 'lineage') return 100;
      const label = c.label.toLowerCase();
      const screen = c.kind === 'Screen' ? 0 : 10;
      if (label === q) return screen;
      if (label.startsWith(q)) return screen + 1;
      if (label.split(/[\s(=·_.-]+/).some((w) => w.startsWith(q))) return screen + 2;
      if (label.includes(q) || c.kind.toLowerCase() === q) return screen + 3;
      return -1;
    };
    return commands
      .map((c, i) => ({ c, i, s: score(c) }))
      .filter((x) => x.s >= 0)
      .sort((a, b) => a.s - b.s || a.i - b.i)
      .map((x) => x.c)
      .slice(0, 60);
  }, [commands, query]);

  const run = (i: number) => filtered[i]?.run();

  return (
    <Dialog open={open} onClose={onClose} label="Command palette" className="palette">
      <input
        autoFocus
        aria-label="Jump to a screen, column, cohort, release or trace id"
        placeholder="Jump to a screen, column, cohort, release, or paste a trace id…"
        value={query}
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={filtered[active] ? `pal-${active}` : undefined}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, filtered.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            run(active);
          }
        }}
      />
      <ul id="palette-list" role="listbox">
        {filtered.map((c, i) => (
          <li key={c.id} id={`pal-${i}`} role="option" aria-selected={i === active} onMouseEnter={() => setActive(i)} onClick={() => run(i)}>
            <span className="kind">{c.kind}</span>
            <span>{c.label}</span>
          </li>
        ))}
        {filtered.length === 0 && <li className="muted">Nothing matches “{query}”.</li>}
      </ul>
    </Dialog>
  );
}
