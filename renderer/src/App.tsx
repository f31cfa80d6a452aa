import { useEffect, useState } from 'react';
import { Rail } from './components/Rail';
import { TopBar } from './components/TopBar';
import { Inspector } from './components/Inspector';
import { CommandPalette } from './components/CommandPalette';
import { useNavigation, type Screen } from './stores/navigation';
import { useSession } from './stores/session';
import { useInspector } from './stores/inspector';
import { OpenScreen } from './screens/OpenScreen';
import { ImportSummaryScreen } from './screens/ImportSummaryScreen';
import { OverviewScreen } from './screens/OverviewScreen';
import { DriftScreen } from './screens/DriftScreen';
import { CoverageScreen } from './screens/CoverageScreen';
import { FairnessScreen } from './screens/FairnessScreen';
import { LineageScreen } from './screens/LineageScreen';
import { ReleasesScreen } from './screens/ReleasesScreen';
import { EvalsScreen } from './screens/EvalsScreen';
import { TracesScreen } from './screens/TracesScreen';
import { SqlScreen } from './screens/SqlScreen';
import { FindingsScreen } from './screens/FindingsScreen';
import { Empty } from './components/States';

function ScreenView({ screen, bundleId }: { screen: Screen; bundleId: string | null }) {
  if (screen === 'open') return <OpenScreen />;
  if (!bundleId) {
    return (
      <Empty title="No bundle is open">
        <p>Open a bundle folder or .zip, or the demo bundle, from the Open screen.</p>
        <button type="button" className="primary" onClick={() => useNavigation.getState().navigate('open')}>
          Go to Open
        </button>
      </Empty>
    );
  }
  switch (screen) {
    case 'import':
      return <ImportSummaryScreen />;
    case 'overview':
      return <OverviewScreen bundleId={bundleId} />;
    case 'drift':
      return <DriftScreen bundleId={bundleId} />;
    case 'coverage':
      return <CoverageScreen bundleId={bundleId} />;
    case 'fairness':
      return <FairnessScreen bundleId={bundleId} />;
    case 'lineage':
      return <LineageScreen bundleId={bundleId} />;
    case 'releases':
      return <ReleasesScreen bundleId={bundleId} />;
    case 'evals':
      return <EvalsScreen bundleId={bundleId} />;
    case 'traces':
      return <TracesScreen bundleId={bundleId} />;
    case 'sql':
      return <SqlScreen bundleId={bundleId} />;
    case 'findings':
      return <FindingsScreen />;
  }
}

export function App() {
  const screen = useNavigation((s) => s.route.screen);
  const bundleId = useSession((s) => s.summary?.bundleId ?? null);
  const hasSelection = useInspector((s) => s.selection !== null);
  const [paletteOpen, setPaletteOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPaletteOpen(true);
      } else if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
        // Electron has no default back/forward shortcut; the hash routes make history meaningful.
        e.preventDefault();
        if (e.key === 'ArrowLeft') window.history.back();
        else window.history.forward();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The inspector belongs to the screen that filled it.
  useEffect(() => {
    useInspector.getState().select(null);
  }, [screen]);

  return (
    <div className={`app${hasSelection ? ' with-inspector' : ''}`}>
      <TopBar onPalette={() => setPaletteOpen(true)} />
      <Rail />
      <main className="main" id="main" data-screen={screen}>
        {/* Keyed by bundle: no screen state, selection or result survives into another bundle. */}
        <ScreenView key={bundleId ?? 'none'} screen={screen} bundleId={bundleId} />
      </main>
      <Inspector />
      <CommandPalette open={paletteOpen} onClose={() => setPaletteOpen(false)} />
    </div>
  );
}
