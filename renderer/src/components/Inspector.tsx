import { useInspector } from '../stores/inspector';
import { shownNode } from '../lib/format';

export function Inspector() {
  const selection = useInspector((s) => s.selection);
  const select = useInspector((s) => s.select);
  if (!selection) return null;
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      <div className="row between">
        <span className="muted small">{selection.kind}</span>
        <button type="button" className="ghost small" onClick={() => select(null)} aria-label="Close inspector">
          ✕
        </button>
      </div>
      <h2>{shownNode(selection.title)}</h2>
      {selection.fields.length > 0 && (
        <dl>
          {selection.fields.map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{shownNode(k)}</dt>
              <dd>{shownNode(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {selection.body}
    </aside>
  );
}
