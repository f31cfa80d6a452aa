import { useNavigation, type Screen } from '../stores/navigation';
import { useSession } from '../stores/session';
import { lastDriftParams } from '../stores/driftParams';
import { useWorkspace } from '../stores/workspace';

const ITEMS: { screen: Screen; label: string; icon: string }[] = [
  { screen: 'overview', label: 'Overview', icon: '◎' },
  { screen: 'drift', label: 'Drift', icon: '≋' },
  { screen: 'coverage', label: 'Coverage', icon: '▦' },
  { screen: 'fairness', label: 'Perf. & fairness', icon: '⚖' },
  { screen: 'lineage', label: 'Lineage', icon: '⇢' },
  { screen: 'releases', label: 'Releases', icon: '⚑' },
  { screen: 'evals', label: 'Evals', icon: '✓' },
  { screen: 'traces', label: 'Traces', icon: '☰' },
  { screen: 'sql', label: 'SQL', icon: '▤' },
  { screen: 'findings', label: 'Findings', icon: '✎' },
];

export function Rail() {
  const screen = useNavigation((s) => s.route.screen);
  const navigate = useNavigation((s) => s.navigate);
  const hasBundle = useSession((s) => s.summary !== null);
  const findings = useWorkspace((s) => s.workspace?.findings.length ?? 0);
  return (
    <nav className="rail" aria-label="Screens">
      <button type="button" aria-current={screen === 'open' ? 'page' : undefined} onClick={() => navigate('open')}>
        <span className="icon" aria-hidden="true">⌂</span><span className="rail-label">Open</span>
      </button>
      {hasBundle && (
        <button type="button" aria-current={screen === 'import' ? 'page' : undefined} onClick={() => navigate('import')}>
          <span className="icon" aria-hidden="true">⊞</span><span className="rail-label">Import summary</span>
        </button>
      )}
      <div className="rail-sep" />
      {ITEMS.map((it) => (
        <button
          key={it.screen}
          type="button"
          disabled={!hasBundle}
          aria-current={screen === it.screen ? 'page' : undefined}
          title={it.label}
          onClick={() => navigate(it.screen, it.screen === 'drift' ? lastDriftParams(useSession.getState().summary?.bundleId ?? null) : {})}
        >
          <span className="icon" aria-hidden="true">
            {it.icon}
          </span>
          <span className="rail-label">{it.label}</span>
          {it.screen === 'findings' && findings > 0 && <span className="badge info" style={{ marginLeft: 'auto' }}>{findings}</span>}
        </button>
      ))}
      <div className="rail-foot">
        <kbd>Ctrl</kbd>+<kbd>K</kbd> command palette
        <br />
        <kbd>Alt</kbd>+<kbd>←</kbd> back
      </div>
    </nav>
  );
}
