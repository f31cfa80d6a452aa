import { create } from 'zustand';

export const SCREENS = ['open', 'import', 'overview', 'drift', 'coverage', 'fairness', 'lineage', 'releases', 'evals', 'traces', 'sql', 'findings'] as const;
export type Screen = (typeof SCREENS)[number];
export type RouteParams = Record<string, string>;

export interface Route {
  screen: Screen;
  params: RouteParams;
}

export const SCREEN_LABELS: Record<Screen, string> = {
  open: 'Open',
  import: 'Import summary',
  overview: 'Overview',
  drift: 'Drift',
  coverage: 'Coverage',
  fairness: 'Performance & fairness',
  lineage: 'Lineage',
  releases: 'Releases',
  evals: 'Evals',
  traces: 'Traces',
  sql: 'SQL',
  findings: 'Findings',
};

export function isScreen(s: string): s is Screen {
  return (SCREENS as readonly string[]).includes(s);
}

/** "#/drift?column=amount&cohort=region%3DEU" → {screen, params}. Unknown screens fall back to Open. */
export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = body.split('?', 2);
  const screen = isScreen(path) ? path : 'open';
  const params: RouteParams = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  return { screen, params };
}

export function formatHash(route: Route): string {
  const qs = new URLSearchParams(Object.entries(route.params).filter(([, v]) => v !== '')).toString();
  return `#/${route.screen}${qs ? `?${qs}` : ''}`;
}

interface NavigationState {
  route: Route;
  /** Push a new history entry, so Back returns here. */
  navigate(screen: Screen, params?: RouteParams): void;
  /** Change parameters of the current screen; `push` false replaces the entry (typing, small tweaks). */
  setParams(patch: RouteParams, push?: boolean): void;
  syncFromLocation(): void;
}

export const useNavigation = create<NavigationState>((set, get) => ({
  route: parseHash(window.location.hash),
  navigate(screen, params = {}) {
    const route = { screen, params };
    const hash = formatHash(route);
    if (window.location.hash !== hash) window.location.hash = hash;
    set({ route });
  },
  setParams(patch, push = true) {
    const current = get().route;
    const params = { ...current.params, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === '') delete params[k];
    const route = { screen: current.screen, params };
    const hash = formatHash(route);
    if (push) {
      if (window.location.hash !== hash) window.location.hash = hash;
    } else {
      window.history.replaceState(null, '', hash);
    }
    set({ route });
  },
  syncFromLocation() {
    set({ route: parseHash(window.location.hash) });
  },
}));

window.addEventListener('hashchange', () => useNavigation.getState().syncFromLocation());
