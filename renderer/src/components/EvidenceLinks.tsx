import type { EvidenceQuery } from '../lib/evidenceSql';
import { useNavigation } from '../stores/navigation';

/** "Show the rows behind …" links for the inspector; each opens its query in the SQL console. */
export function EvidenceLinks({ label, intro, queries }: { label: string; intro: string; queries: EvidenceQuery[] }) {
  const navigate = useNavigation((s) => s.navigate);
  if (queries.length === 0) return null;
  return (
    <div className="evidence-links" aria-label={label}>
      <div className="muted small">{intro}</div>
      {queries.map((q) => (
        <button key={q.label} type="button" className="link" onClick={() => navigate('sql', { sql: q.sql })}>
          {q.label}
        </button>
      ))}
    </div>
  );
}
